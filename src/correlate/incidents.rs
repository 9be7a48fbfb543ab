//! Turns episodes and bursts into incidents: which kind, which pool and sites, when,
//! what it did to requests (from the HTTP.sys lines and the W3C log), and the evidence.

use super::attach::Burst;
use super::collect::Minute;
use super::episodes::{Episode, EpisodeKind, Life};
use super::model::{Cause, Evidence, Impact};
use super::pools::Pools;
use super::rules::Rules;
use super::signals::{Category, Line, Request};
use crate::time::format_rfc3339;
use std::collections::{BTreeMap, BTreeSet};

const SEC: i64 = 1_000_000;
const MINUTE: i64 = 60 * SEC;

/// An incident before its texts are written.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Kind name.
    pub kind: &'static str,
    /// Pool key.
    pub pool: Option<String>,
    /// Sites.
    pub sites: Vec<i64>,
    /// Pids.
    pub pids: Vec<i64>,
    /// Start.
    pub start: i64,
    /// End.
    pub end: i64,
    /// Cause.
    pub cause: Cause,
    /// Impact.
    pub impact: Impact,
    /// Episode it comes from.
    pub episode: Option<usize>,
    /// The event the episode is measured from (its first line for bursts).
    pub anchor: i64,
    /// Lines that are its evidence.
    pub lines: Vec<usize>,
    /// Lifecycle rows.
    pub events: Vec<usize>,
    /// Failed W3C requests in its time.
    pub requests: Vec<usize>,
    /// Crashes (rapid-fail).
    pub crashes: usize,
    /// Traffic and time-taken ratios to usual (overloads).
    pub traffic_ratio: Option<f64>,
    /// Time-taken ratio.
    pub slow_ratio: Option<f64>,
}

/// Requests per minute and mean time-taken of a pool's sites in [from, to).
fn pool_traffic(
    traffic: &BTreeMap<(i64, i64), Minute>,
    sites: &[i64],
    from: i64,
    to: i64,
) -> (f64, f64) {
    let (m0, m1) = (
        from.div_euclid(MINUTE),
        to.div_euclid(MINUTE).max(from.div_euclid(MINUTE) + 1),
    );
    let (mut req, mut taken) = (0u64, 0u64);
    for s in sites {
        for (_, m) in traffic.range((*s, m0)..(*s, m1)) {
            req += m.requests;
            taken += m.time_taken_sum;
        }
    }
    let minutes = (m1 - m0).max(1) as f64;
    (
        req as f64 / minutes,
        if req > 0 {
            taken as f64 / req as f64
        } else {
            0.0
        },
    )
}

/// How a window compares with the same pool's traffic in the hours around it.
fn ratios(traffic: &BTreeMap<(i64, i64), Minute>, sites: &[i64], from: i64, to: i64) -> (f64, f64) {
    let (rate, taken) = pool_traffic(traffic, sites, from, to);
    let (before_rate, before_taken) =
        pool_traffic(traffic, sites, from - 3 * 3600 * SEC, from - 10 * MINUTE);
    let (after_rate, after_taken) =
        pool_traffic(traffic, sites, to + 10 * MINUTE, to + 3 * 3600 * SEC);
    let base_rate = ((before_rate + after_rate) / 2.0).max(0.1);
    let base_taken = ((before_taken + after_taken) / 2.0).max(1.0);
    (rate / base_rate, taken / base_taken)
}

/// Builds the incidents of a bundle.
#[allow(clippy::too_many_arguments)]
pub fn drafts(
    eps: &[Episode],
    bursts: &[Burst],
    lines: &[Line],
    reqs: &[Request],
    long: &[(i64, i64, i64, u64)],
    traffic: &BTreeMap<(i64, i64), Minute>,
    pools: &Pools,
    rules: &Rules,
) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut by_episode: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for b in bursts {
        if let Some(e) = b.episode {
            by_episode.entry(e).or_default().extend(&b.lines);
        }
    }
    for (i, e) in eps.iter().enumerate() {
        let attached = by_episode.remove(&i).unwrap_or_default();
        let harmful = attached.iter().any(|&l| lines[l].cat.is_app_pool());
        let kind = match e.kind {
            EpisodeKind::Crash => "crash",
            EpisodeKind::Hang => "hang",
            EpisodeKind::RapidFail => "rapid_fail",
            EpisodeKind::ShutdownTimeout => "shutdown_timeout",
            EpisodeKind::PoolDisabled => "pool_disabled",
            EpisodeKind::Recycle if harmful => "recycle",
            EpisodeKind::Recycle => continue,
        };
        let mut d = Draft {
            kind,
            pool: e.pool.clone(),
            sites: Vec::new(),
            pids: e.pids.iter().copied().collect(),
            start: e.first,
            end: e.last,
            cause: e.cause.clone(),
            impact: Impact::default(),
            episode: Some(i),
            anchor: e.anchor,
            lines: attached,
            events: e.events.clone(),
            requests: Vec::new(),
            crashes: e.crashes,
            traffic_ratio: None,
            slow_ratio: None,
        };
        let ep_sites: Vec<i64> = e.sites.iter().copied().collect();
        finish(
            &mut d, lines, reqs, long, pools, &ep_sites, &e.deaths, rules,
        );
        out.push(d);
    }
    // Bursts no lifecycle event explains.
    for b in bursts.iter().filter(|b| b.episode.is_none()) {
        let Some(pool) = &b.pool else { continue };
        let count = |f: &dyn Fn(Category) -> bool| {
            b.lines
                .iter()
                .filter(|&&l| f(lines[l].cat))
                .map(|&l| lines[l].count)
                .sum::<u64>()
        };
        let queue_full = count(&|c| c == Category::QueueFull);
        let failures = count(&|c| {
            matches!(
                c,
                Category::Abandoned
                    | Category::Offline
                    | Category::Shutdown
                    | Category::QueueTimeout
            )
        });
        let dropped = count(&|c| c == Category::Dropped);
        let (t0, t1) = (
            lines[b.lines[0]].time,
            lines[*b.lines.last().expect("bursts are not empty")].time,
        );
        let sites = pools.sites_of(pool);
        let kind = if failures > 0 && failures >= queue_full {
            "unexplained"
        } else if queue_full > 0 {
            "queue_full"
        } else if dropped >= rules.overload_min_dropped {
            let (r, s) = ratios(traffic, &sites, t0, t1 + SEC);
            if r.max(s) < rules.overload_factor {
                continue;
            }
            "overload"
        } else {
            continue;
        };
        let mut d = Draft {
            kind,
            pool: Some(pool.clone()),
            sites: Vec::new(),
            pids: Vec::new(),
            start: t0,
            end: t1,
            cause: Cause::default(),
            impact: Impact::default(),
            episode: None,
            anchor: t0,
            lines: b.lines.clone(),
            events: Vec::new(),
            requests: Vec::new(),
            crashes: 0,
            traffic_ratio: None,
            slow_ratio: None,
        };
        if kind == "overload" || kind == "queue_full" {
            let (r, s) = ratios(traffic, &sites, t0, t1 + SEC);
            d.traffic_ratio = Some(r);
            d.slow_ratio = Some(s);
        }
        finish(&mut d, lines, reqs, long, pools, &[], &[], rules);
        out.push(d);
    }
    out.sort_by(|a, b| (a.start, &a.pool, a.kind).cmp(&(b.start, &b.pool, b.kind)));
    out
}

/// Time range, sites, impact and W3C requests of a draft; `long` holds (site, start
/// second, end second, count) of long requests, sorted.
#[allow(clippy::too_many_arguments)]
fn finish(
    d: &mut Draft,
    lines: &[Line],
    reqs: &[Request],
    long: &[(i64, i64, i64, u64)],
    pools: &Pools,
    extra_sites: &[i64],
    deaths: &[i64],
    rules: &Rules,
) {
    d.lines.sort();
    d.lines.dedup();
    for &l in &d.lines {
        d.start = d.start.min(lines[l].time);
        d.end = d.end.max(lines[l].time);
    }
    let mut sites: BTreeSet<i64> = d
        .pool
        .as_deref()
        .map(|p| pools.sites_of(p))
        .unwrap_or_default()
        .into_iter()
        .collect();
    sites.extend(extra_sites);
    sites.extend(d.lines.iter().filter_map(|&l| lines[l].site));
    d.sites = sites.into_iter().collect();
    let m = &mut d.impact;
    for &l in &d.lines {
        let line = &lines[l];
        match line.cat {
            Category::Abandoned => m.abandoned += line.count,
            Category::Dropped => m.dropped += line.count,
            Category::QueueTimeout => m.queue_timeouts += line.count,
            _ => {}
        }
        if line.status == Some(503) {
            *m.http_503.entry(line.reason.clone()).or_default() += line.count;
        }
    }
    // W3C requests of the pool's sites that failed in the incident's time, and those in
    // flight when a worker died.
    let slack = rules.slack_s * SEC;
    let (from, to) = (d.start - slack, d.end + slack);
    let lo = reqs.partition_point(|r| r.time < from);
    for (i, r) in reqs.iter().enumerate().skip(lo) {
        if r.time > to + 10 * 60 * SEC {
            break;
        }
        let ours = r.site.is_some_and(|s| d.sites.contains(&s));
        if !ours {
            continue;
        }
        let in_flight = deaths
            .iter()
            .any(|&t| r.start.is_some_and(|s| s <= t) && r.time >= t);
        if in_flight {
            m.in_flight_w3c += r.count;
            d.requests.push(i);
            continue;
        }
        if r.time <= to && r.failed() {
            if r.status.is_some_and(|s| s >= 500) {
                m.http_5xx += r.count;
            } else {
                m.broken_w3c += r.count;
            }
            d.requests.push(i);
        }
    }
    // Long requests that were running when a worker died and still completed.
    for &site in &d.sites {
        let lo = long.partition_point(|r| r.0 < site);
        let hi = long.partition_point(|r| r.0 <= site);
        m.in_flight_w3c += long[lo..hi]
            .iter()
            .filter(|r| {
                deaths
                    .iter()
                    .any(|&t| r.1 * SEC <= t && t < (r.2 + 1) * SEC)
            })
            .map(|r| r.3)
            .sum::<u64>();
    }
    m.failed_requests = m.abandoned
        + m.dropped
        + m.http_503.values().sum::<u64>()
        + m.queue_timeouts
        + m.http_5xx
        + m.broken_w3c;
}

/// The evidence of a draft: its events, then the first lines of each source.
pub fn evidence(
    d: &Draft,
    life: &[Life],
    lines: &[Line],
    reqs: &[Request],
    pools: &Pools,
) -> Vec<Evidence> {
    let mut v = Vec::new();
    for &i in &d.events {
        let l = &life[i];
        let mut summary = format!("{} {}: {}", l.provider, l.event_id, l.kind);
        if let Some(p) = &l.pool {
            summary.push_str(&format!(", pool {}", pools.name(p)));
        }
        if let Some(p) = l.pid {
            summary.push_str(&format!(", pid {p}"));
        }
        for (label, val) in [
            ("reason", &l.reason),
            ("exit code", &l.exit_code),
            ("exception", &l.exception_code),
            ("module", &l.module),
            ("type", &l.exception_type),
        ] {
            if let Some(v) = val {
                summary.push_str(&format!(", {label} {v}"));
            }
        }
        if let Some(dt) = &l.detail {
            summary.push_str(&format!(" ({})", crate::text::truncate(dt, 200)));
        }
        v.push(Evidence {
            source: "event".into(),
            time: format_rfc3339(l.time, 3),
            file: l.file.clone(),
            line: None,
            record_id: l.record_id,
            summary,
        });
    }
    let mut per_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &d.lines {
        let l = &lines[i];
        let n = per_reason.entry(l.reason.as_str()).or_default();
        *n += 1;
        if *n > 3 {
            continue;
        }
        v.push(Evidence {
            source: "httperr".into(),
            time: format_rfc3339(l.time, 0),
            file: l.file.clone(),
            line: l.line,
            record_id: None,
            summary: format!(
                "{}{} {}{} site {} queue {} from {}",
                l.reason,
                if l.count > 1 {
                    format!(" (and {} more that second)", l.count - 1)
                } else {
                    String::new()
                },
                l.status.map(|s| format!("{s} ")).unwrap_or_default(),
                crate::text::truncate(&l.request, 120),
                l.site.map(|s| s.to_string()).unwrap_or("-".into()),
                l.pool
                    .as_deref()
                    .map(|p| pools.name(p))
                    .unwrap_or_else(|| "-".into()),
                l.client
            ),
        });
    }
    for &i in d.requests.iter().take(5) {
        let r = &reqs[i];
        v.push(Evidence {
            source: "w3c".into(),
            time: format_rfc3339(r.time, 0),
            file: r.file.clone(),
            line: r.line,
            record_id: None,
            summary: format!(
                "{} -> {} win32 {} in {} ms (site {})",
                crate::text::truncate(&r.request, 120),
                r.status.map(|s| s.to_string()).unwrap_or("-".into()),
                r.win32.map(|s| s.to_string()).unwrap_or("-".into()),
                r.taken.map(|s| s.to_string()).unwrap_or("-".into()),
                r.site.map(|s| s.to_string()).unwrap_or("-".into())
            ),
        });
    }
    v
}
