//! What correlation needs, kept while the tables stream to Parquet: every lifecycle event
//! (typed, as parse read it), the applications and pools of the configuration, the
//! HTTP.sys lines that can signal trouble, the W3C requests that failed or took long,
//! per-minute traffic per site, HTTP.sys lines per minute per pool and class, and the
//! time range of each event log. Bounded by what is interesting, not by input size.

use super::episodes::LoggedEvent;
use super::pools::{PoolSettings, SiteApp};
use crate::domain::codes::is_broken_connection;
use crate::domain::httpsys::{self, ReasonClass};
use crate::domain::lifecycle::{Lifecycle, Origin};
use crate::domain::TimeBasis;
use crate::tables::{Batch, BatchSink, TableId};
use std::collections::{BTreeMap, HashMap};

/// Requests at least this long are tracked (to count requests in flight at a death).
pub const LONG_REQUEST_MS: i64 = 5_000;

/// Most (site, start, end) entries of long requests kept.
pub const LONG_CAP: usize = 2_000_000;

/// Traffic of one site in one minute.
#[derive(Debug, Clone, Copy, Default)]
pub struct Minute {
    /// Requests completed.
    pub requests: u64,
    /// Requests that failed (5xx or a broken connection).
    pub failed: u64,
    /// Sum of time-taken, ms.
    pub time_taken_sum: u64,
    /// Longest time-taken, ms.
    pub time_taken_max: u64,
}

impl Minute {
    /// Adds another count of the same site and minute.
    fn add(&mut self, o: &Minute) {
        self.requests += o.requests;
        self.failed += o.failed;
        self.time_taken_sum += o.time_taken_sum;
        self.time_taken_max = self.time_taken_max.max(o.time_taken_max);
    }
}

/// An HTTP.sys line with a signal reason, kept as plain values (borrowing from the batch
/// would pin its whole string buffers).
#[derive(Debug, Clone)]
pub struct HttpRow {
    /// Time.
    pub time: i64,
    /// Queue (`s-queuename`).
    pub queue: Option<String>,
    /// Site id.
    pub site: Option<i64>,
    /// Reason phrase.
    pub reason: String,
    /// Status.
    pub status: Option<i64>,
    /// Verb and URL (cut).
    pub request: String,
    /// Client address.
    pub client: String,
    /// File.
    pub file: String,
    /// Line.
    pub line: Option<i64>,
    /// Lines with the same second, queue, site, reason and status (this one is the
    /// first of them; a pool offline at 1,000 requests a second is 1,000 lines).
    pub count: u64,
}

/// A W3C request that failed (5xx or broken connection).
#[derive(Debug, Clone)]
pub struct ReqRow {
    /// Completion time.
    pub time: i64,
    /// Start time.
    pub start: Option<i64>,
    /// Site.
    pub site: Option<i64>,
    /// Status.
    pub status: Option<i64>,
    /// Win32 status.
    pub win32: Option<i64>,
    /// Time taken, ms.
    pub taken: Option<i64>,
    /// Verb and path (cut).
    pub request: String,
    /// File.
    pub file: String,
    /// Line.
    pub line: Option<i64>,
    /// Failed requests with the same second, site, status and win32 status (this is the
    /// first of them).
    pub count: u64,
}

/// What makes HTTP.sys lines of one second alike: queue, site, reason, status.
type LineKey = (Option<String>, Option<i64>, String, Option<i64>);

/// What makes failed requests of one second alike: site, status, win32 status.
type FailedKey = (Option<i64>, Option<i64>, Option<i64>);

/// Long requests of one site that started and ended in the same seconds: (site, start
/// second, end second, count). 32 bytes each, against 40 to 80 in a hash map.
pub type LongRequests = (i64, i64, i64, u64);

/// The correlation inputs of one bundle.
#[derive(Default)]
pub struct Collected {
    /// Lifecycle events, typed; sorted by time, file and record once merged.
    pub lifecycle: Vec<LoggedEvent>,
    /// HTTP.sys lines with a signal reason.
    pub httperr: Vec<HttpRow>,
    /// W3C requests that failed.
    pub requests: Vec<ReqRow>,
    /// W3C requests that took long, as (site, start second, end second, count): only
    /// to count those in flight when a worker died. Sorted with one entry per key once
    /// merged ([`Collected::merge_all`]); capped at [`LONG_CAP`] entries.
    pub long_requests: Vec<LongRequests>,
    /// More long requests than [`LONG_CAP`]: in-flight counts are incomplete.
    pub long_truncated: bool,
    /// Aggregation of the current second (HTTP.sys lines, failed requests).
    open_second: i64,
    open_lines: HashMap<LineKey, usize>,
    open_failed: HashMap<FailedKey, usize>,
    /// HTTP.sys lines per (site id, queue): which pool serves which site.
    pub site_queue: BTreeMap<(i64, String), u64>,
    /// Applications of sites and their pools (applicationHost.config), in input order.
    pub sites: Vec<SiteApp>,
    /// Application pools and their settings (applicationHost.config), in input order.
    pub app_pools: Vec<PoolSettings>,
    /// Requests per (site, minute since epoch).
    pub traffic: BTreeMap<(i64, i64), Minute>,
    /// HTTP.sys lines per (pool or `-`, minute, class).
    pub httperr_minutes: BTreeMap<(String, i64, ReasonClass), u64>,
    /// Event log time range per channel: (first, last, records).
    pub event_logs: BTreeMap<String, (i64, i64, u64)>,
    /// Keep [`event_keys`](Self::event_keys) (the bundle has event-log exports).
    pub keep_event_keys: bool,
    /// (provider and event id, time) of every event read, when kept: an export's copy
    /// of an event is then known as one (`offset::event_key`).
    pub event_keys: Vec<(u64, i64)>,
}

const MINUTE: i64 = 60_000_000;

impl Collected {
    /// An empty collection that keeps every event's key (for exports) when `keep`.
    pub fn keeping_event_keys(keep: bool) -> Collected {
        Collected {
            keep_event_keys: keep,
            ..Default::default()
        }
    }

    /// The collections of every task, in task order (for deterministic output), as one;
    /// its long requests sorted with alike ones summed.
    pub fn merge_all(parts: impl IntoIterator<Item = Collected>) -> Collected {
        let mut all = Collected::default();
        for part in parts {
            all.merge(part);
        }
        all.compact_long_requests();
        all.lifecycle
            .sort_by(|a, b| (a.time, &a.file, a.record_id).cmp(&(b.time, &b.file, b.record_id)));
        all
    }

    /// Sorts the long requests, sums alike ones and keeps at most [`LONG_CAP`].
    fn compact_long_requests(&mut self) {
        self.long_requests.sort_unstable_by_key(|r| (r.0, r.1, r.2));
        self.long_requests.dedup_by(|later, kept| {
            let same = (later.0, later.1, later.2) == (kept.0, kept.1, kept.2);
            if same {
                kept.3 += later.3;
            }
            same
        });
        if self.long_requests.len() > LONG_CAP {
            self.long_requests.truncate(LONG_CAP);
            self.long_truncated = true;
        }
    }

    /// Adds another task's collection.
    fn merge(&mut self, other: Collected) {
        self.lifecycle.extend(other.lifecycle);
        self.httperr.extend(other.httperr);
        self.requests.extend(other.requests);
        self.long_requests.extend(other.long_requests);
        if self.long_requests.len() > 2 * LONG_CAP {
            // Bounds memory over many tasks; otherwise compacted once, at the end.
            self.compact_long_requests();
        }
        self.long_truncated |= other.long_truncated;
        for (k, n) in other.site_queue {
            *self.site_queue.entry(k).or_default() += n;
        }
        self.sites.extend(other.sites);
        self.app_pools.extend(other.app_pools);
        for (k, m) in other.traffic {
            self.traffic.entry(k).or_default().add(&m);
        }
        for (k, n) in other.httperr_minutes {
            *self.httperr_minutes.entry(k).or_default() += n;
        }
        self.event_keys.extend(other.event_keys);
        for (k, (f, l, n)) in other.event_logs {
            let e = self.event_logs.entry(k).or_insert((f, l, 0));
            e.0 = e.0.min(f);
            e.1 = e.1.max(l);
            e.2 += n;
        }
    }

    /// Starts aggregating a new second if `t` is in another one.
    fn second(&mut self, t: i64) {
        let sec = t.div_euclid(1_000_000);
        if sec != self.open_second {
            self.open_second = sec;
            self.open_lines.clear();
            self.open_failed.clear();
        }
    }

    fn keep_httperr(&mut self, b: &Batch) {
        let time = b.ints("time");
        let reason = b.strs("reason");
        let queue = b.strs("queue");
        let site = b.ints("site_id");
        let status = b.ints("sc_status");
        let method = b.strs("cs_method");
        let uri = b.strs("cs_uri");
        let client = b.strs("c_ip");
        let file = b.strs("source_file");
        let line = b.ints("source_line");
        let cols = time
            .iter()
            .zip(reason.iter())
            .zip(queue.iter())
            .zip(site.iter().zip(status.iter()));
        for (i, (((t, r), q), (s, st))) in cols.enumerate() {
            let Some(t) = t else { continue };
            let (class, signal) = r.map_or((ReasonClass::Unknown, None), httpsys::classify);
            let key = (
                q.unwrap_or("-").to_ascii_lowercase(),
                t.div_euclid(MINUTE),
                class,
            );
            *self.httperr_minutes.entry(key).or_default() += 1;
            if let (Some(s), Some(q)) = (s, q) {
                if q != "-" {
                    *self.site_queue.entry((s, q.to_string())).or_default() += 1;
                }
            }
            let (Some(r), Some(_)) = (r, signal) else {
                continue;
            };
            self.second(t);
            let k = (q.map(str::to_string), s, r.to_string(), st);
            if let Some(&at) = self.open_lines.get(&k) {
                self.httperr[at].count += 1;
                continue;
            }
            self.open_lines.insert(k, self.httperr.len());
            self.httperr.push(HttpRow {
                time: t,
                queue: q.map(str::to_string),
                site: s,
                reason: r.to_string(),
                status: st,
                request: cut(&format!(
                    "{} {}",
                    method.get(i).unwrap_or("-"),
                    uri.get(i).unwrap_or("-")
                )),
                client: client.get(i).unwrap_or_default().to_string(),
                file: file.get(i).unwrap_or_default().to_string(),
                line: line.get(i),
                count: 1,
            });
        }
    }

    fn keep_requests(&mut self, b: &Batch) {
        let time = b.ints("time");
        let start = b.ints("start_time");
        let site = b.ints("site_id");
        let status = b.ints("sc_status");
        let win32 = b.ints("sc_win32_status");
        let taken = b.ints("time_taken_ms");
        let line = b.ints("source_line");
        let method = b.strs("cs_method");
        let stem = b.strs("cs_uri_stem");
        let file = b.strs("source_file");
        let basis = b.strs("time_basis");
        let rows = time
            .iter()
            .zip(site.iter())
            .zip(status.iter().zip(win32.iter()))
            .zip(taken.iter().zip(start.iter()));
        // Rows come in time order, so most fall in the minute of the row before: the
        // map entry is looked up once per (site, minute) run, not once per row.
        let mut run: Option<((i64, i64), Minute)> = None;
        for (i, (((t, s), (st, w)), (tt, s0))) in rows.enumerate() {
            let Some(t) = t else { continue };
            // A legacy log's local time taken as UTC (no --tz): hours off, so it would
            // tie requests to the wrong incidents.
            if basis.get(i) == Some(TimeBasis::Unknown.name()) {
                continue;
            }
            let failed = st.is_some_and(|v| v >= 500) || w.is_some_and(is_broken_connection);
            let key = (s.unwrap_or(-1), t.div_euclid(MINUTE));
            if let Some((k, m)) = run.take_if(|(k, _)| *k != key) {
                self.traffic.entry(k).or_default().add(&m);
            }
            let (_, m) = run.get_or_insert_with(|| (key, Minute::default()));
            m.requests += 1;
            m.failed += u64::from(failed);
            let ttu = tt.unwrap_or(0).max(0) as u64;
            m.time_taken_sum += ttu;
            m.time_taken_max = m.time_taken_max.max(ttu);
            if failed {
                self.second(t);
                let k = (s, st, w);
                if let Some(&at) = self.open_failed.get(&k) {
                    self.requests[at].count += 1;
                    continue;
                }
                self.open_failed.insert(k, self.requests.len());
                self.requests.push(ReqRow {
                    time: t,
                    start: s0,
                    site: s,
                    status: st,
                    win32: w,
                    taken: tt,
                    request: cut(&format!(
                        "{} {}",
                        method.get(i).unwrap_or("-"),
                        stem.get(i).unwrap_or("-")
                    )),
                    file: file.get(i).unwrap_or_default().to_string(),
                    line: line.get(i),
                    count: 1,
                });
            } else if let (Some(tt), Some(s0)) = (tt, s0) {
                self.keep_long_request(s, s0, t, tt);
            }
        }
        if let Some((k, m)) = run {
            self.traffic.entry(k).or_default().add(&m);
        }
    }

    /// A successful request of `tt` ms from `s0` to `t` on site `s`, kept when long.
    fn keep_long_request(&mut self, s: Option<i64>, s0: i64, t: i64, tt: i64) {
        if tt < LONG_REQUEST_MS {
            return;
        }
        let k = (
            s.unwrap_or(-1),
            s0.div_euclid(1_000_000),
            t.div_euclid(1_000_000),
        );
        // Rows come in time order: a request like the one before adds to it.
        let room = self.long_requests.len() < LONG_CAP;
        match self.long_requests.last_mut() {
            Some(last) if (last.0, last.1, last.2) == k => last.3 += 1,
            _ if room => self.long_requests.push((k.0, k.1, k.2, 1)),
            _ => self.long_truncated = true,
        }
    }

    fn keep_events(&mut self, b: &Batch) {
        let time = b.ints("time");
        let channel = b.strs("channel");
        let duplicate = b.bools("duplicate");
        if self.keep_event_keys {
            let (provider, id) = (b.strs("provider"), b.ints("event_id"));
            for ((t, p), n) in time.iter().zip(provider.iter()).zip(id.iter()) {
                if let (Some(t), Some(n)) = (t, n) {
                    let key = super::offset::event_key(p.unwrap_or(""), n as i32);
                    self.event_keys.push((key, t));
                }
            }
        }
        for (row, (t, c)) in time.iter().zip(channel.iter()).enumerate() {
            if duplicate(row) == Some(true) {
                continue;
            }
            if let Some(t) = t {
                let e = self
                    .event_logs
                    .entry(c.unwrap_or("?").to_string())
                    .or_insert((t, t, 0));
                e.0 = e.0.min(t);
                e.1 = e.1.max(t);
                e.2 += 1;
            }
        }
    }

    /// Looks at one batch of a table.
    pub fn take(&mut self, batch: &Batch) {
        match batch.table() {
            TableId::Httperr => self.keep_httperr(batch),
            TableId::Requests => self.keep_requests(batch),
            TableId::Events => self.keep_events(batch),
            TableId::Sites => self.sites.extend(SiteApp::of_batch(batch)),
            TableId::AppPools => self.app_pools.extend(PoolSettings::of_batch(batch)),
            // Lifecycle events arrive typed (`BatchSink::lifecycle`); the other tables
            // hold nothing correlation uses.
            TableId::Lifecycle
            | TableId::Sources
            | TableId::ParseErrors
            | TableId::Incidents
            | TableId::IncidentEvidence => {}
        }
    }
}

/// A sink that writes batches on and keeps what correlation needs.
pub struct Tee<'a, S: BatchSink> {
    /// Where batches go.
    pub inner: &'a mut S,
    /// What is kept.
    pub collected: Collected,
}

impl<S: BatchSink> BatchSink for Tee<'_, S> {
    fn put(&mut self, batch: Batch) -> crate::Result<()> {
        self.collected.take(&batch);
        self.inner.put(batch)
    }

    fn lifecycle(&mut self, origin: &Origin<'_>, event: &Lifecycle) {
        if let Some(life) = LoggedEvent::of(origin, event) {
            self.collected.lifecycle.push(life);
        }
        self.inner.lifecycle(origin, event);
    }
}

/// Request text kept for evidence, cut at 200 bytes.
fn cut(s: &str) -> String {
    crate::text::truncate(s, 200).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_long_requests_are_sorted_with_alike_ones_summed() {
        let task = |long: Vec<LongRequests>| Collected {
            long_requests: long,
            ..Default::default()
        };
        let all = Collected::merge_all([
            task(vec![(2, 100, 110, 1), (1, 50, 60, 2), (2, 100, 110, 3)]),
            task(vec![(1, 50, 60, 4), (1, 40, 60, 1)]),
        ]);
        assert_eq!(
            all.long_requests,
            vec![(1, 40, 60, 1), (1, 50, 60, 6), (2, 100, 110, 4)]
        );
        assert!(!all.long_truncated);
    }
}
