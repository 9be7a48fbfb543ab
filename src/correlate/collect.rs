//! What correlation needs, kept while the tables stream to Parquet: every lifecycle row,
//! the HTTP.sys lines that can signal trouble, the W3C requests that failed or took
//! long, per-minute traffic per site, HTTP.sys lines per minute per pool and class, and
//! the time range of each event log. Bounded by what is interesting, not by input size.

use crate::tables::{FrameSink, TableId};
use polars::prelude::*;
use std::collections::BTreeMap;

/// HTTP.sys reasons kept for correlation.
pub const SIGNAL_REASONS: &[&str] = &[
    "Connection_Abandoned_By_ReqQueue",
    "Connection_Abandoned_By_AppPool",
    "AppOffline",
    "AppShutdown",
    "AppPoolTimer",
    "Disabled",
    "QueueFull",
    "Timer_AppPool",
    "Timer_ReqQueue",
    "Connection_Dropped",
    "Connection_Dropped_List_Full",
    "Timer_MinBytesPerSecond",
    "Timer_EntityBody",
    "ConnLimit",
    "Connections_Refused",
];

/// Win32 statuses that mean the connection broke.
pub const BROKEN_WIN32: &[i64] = &[64, 121, 995, 1229, 1236];

/// Requests at least this long are kept (to count requests in flight at a death).
pub const LONG_REQUEST_MS: i64 = 5_000;

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

/// The correlation inputs of one bundle.
#[derive(Default)]
pub struct Collected {
    /// Lifecycle rows.
    pub lifecycle: Vec<DataFrame>,
    /// HTTP.sys lines with a signal reason.
    pub httperr: Vec<DataFrame>,
    /// W3C requests that failed or took long.
    pub requests: Vec<DataFrame>,
    /// Sites rows (applicationHost.config).
    pub sites: Vec<DataFrame>,
    /// App pool rows.
    pub app_pools: Vec<DataFrame>,
    /// Requests per (site, minute since epoch).
    pub traffic: BTreeMap<(i64, i64), Minute>,
    /// HTTP.sys lines per (pool or `-`, minute, class).
    pub httperr_minutes: BTreeMap<(String, i64, String), u64>,
    /// Event log time range per channel: (first, last, records).
    pub event_logs: BTreeMap<String, (i64, i64, u64)>,
}

const MINUTE: i64 = 60_000_000;

impl Collected {
    /// Adds another task's collection (call in task order for deterministic output).
    pub fn merge(&mut self, other: Collected) {
        self.lifecycle.extend(other.lifecycle);
        self.httperr.extend(other.httperr);
        self.requests.extend(other.requests);
        self.sites.extend(other.sites);
        self.app_pools.extend(other.app_pools);
        for (k, m) in other.traffic {
            let e = self.traffic.entry(k).or_default();
            e.requests += m.requests;
            e.failed += m.failed;
            e.time_taken_sum += m.time_taken_sum;
            e.time_taken_max = e.time_taken_max.max(m.time_taken_max);
        }
        for (k, n) in other.httperr_minutes {
            *self.httperr_minutes.entry(k).or_default() += n;
        }
        for (k, (f, l, n)) in other.event_logs {
            let e = self.event_logs.entry(k).or_insert((f, l, 0));
            e.0 = e.0.min(f);
            e.1 = e.1.max(l);
            e.2 += n;
        }
    }

    fn keep_httperr(&mut self, df: &DataFrame) -> PolarsResult<()> {
        let time = df
            .column("time")?
            .as_materialized_series()
            .to_physical_repr();
        let time = time.i64()?;
        let reason = df.column("reason")?.str()?;
        let class = df.column("reason_class")?.str()?;
        let queue = df.column("queue")?.str()?;
        let mut mask = Vec::with_capacity(df.height());
        for ((t, r), (c, q)) in time
            .iter()
            .zip(reason.iter())
            .zip(class.iter().zip(queue.iter()))
        {
            let r = r.unwrap_or("");
            mask.push(SIGNAL_REASONS.contains(&r));
            if let Some(t) = t {
                let key = (
                    q.unwrap_or("-").to_ascii_lowercase(),
                    t.div_euclid(MINUTE),
                    c.unwrap_or("unknown").to_string(),
                );
                *self.httperr_minutes.entry(key).or_default() += 1;
            }
        }
        let mask = BooleanChunked::from_slice("m".into(), &mask);
        let kept = df
            .select([
                "time",
                "queue",
                "site_id",
                "reason",
                "reason_class",
                "sc_status",
                "cs_method",
                "cs_uri",
                "c_ip",
                "source_file",
                "source_line",
            ])?
            .filter(&mask)?;
        if kept.height() > 0 {
            self.httperr.push(kept);
        }
        Ok(())
    }

    fn keep_requests(&mut self, df: &DataFrame) -> PolarsResult<()> {
        let col = |n: &str| -> PolarsResult<Series> {
            df.column(n)?
                .as_materialized_series()
                .to_physical_repr()
                .cast(&DataType::Int64)
        };
        let (time, site, status, win32, taken) = (
            col("time")?,
            col("site_id")?,
            col("sc_status")?,
            col("sc_win32_status")?,
            col("time_taken_ms")?,
        );
        let (time, site, status, win32, taken) = (
            time.i64()?,
            site.i64()?,
            status.i64()?,
            win32.i64()?,
            taken.i64()?,
        );
        let mut mask = Vec::with_capacity(df.height());
        let rows = time
            .iter()
            .zip(site.iter())
            .zip(status.iter().zip(win32.iter()))
            .zip(taken.iter());
        for (((t, s), (st, w)), tt) in rows {
            let failed =
                st.is_some_and(|v| v >= 500) || w.is_some_and(|v| BROKEN_WIN32.contains(&v));
            let long = tt.is_some_and(|v| v >= LONG_REQUEST_MS);
            mask.push(failed || long);
            if let Some(t) = t {
                let m = self
                    .traffic
                    .entry((s.unwrap_or(-1), t.div_euclid(MINUTE)))
                    .or_default();
                m.requests += 1;
                m.failed += u64::from(failed);
                let tt = tt.unwrap_or(0).max(0) as u64;
                m.time_taken_sum += tt;
                m.time_taken_max = m.time_taken_max.max(tt);
            }
        }
        let mask = BooleanChunked::from_slice("m".into(), &mask);
        let kept = df
            .select([
                "time",
                "start_time",
                "site_id",
                "sc_status",
                "sc_substatus",
                "sc_win32_status",
                "time_taken_ms",
                "cs_method",
                "cs_uri_stem",
                "source_file",
                "source_line",
            ])?
            .filter(&mask)?;
        if kept.height() > 0 {
            self.requests.push(kept);
        }
        Ok(())
    }

    fn keep_events(&mut self, df: &DataFrame) -> PolarsResult<()> {
        let time = df
            .column("time")?
            .as_materialized_series()
            .to_physical_repr();
        let time = time.i64()?;
        let channel = df.column("channel")?.str()?;
        for (t, c) in time.iter().zip(channel.iter()) {
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
        Ok(())
    }

    /// Looks at one batch of a table.
    pub fn take(&mut self, table: TableId, frame: &DataFrame) -> PolarsResult<()> {
        match table {
            TableId::Lifecycle => self.lifecycle.push(frame.clone()),
            TableId::Httperr => self.keep_httperr(frame)?,
            TableId::Requests => self.keep_requests(frame)?,
            TableId::Events => self.keep_events(frame)?,
            TableId::Sites => self.sites.push(frame.clone()),
            TableId::AppPools => self.app_pools.push(frame.clone()),
            _ => {}
        }
        Ok(())
    }
}

/// A sink that writes batches on and keeps what correlation needs.
pub struct Tee<'a, S: FrameSink> {
    /// Where batches go.
    pub inner: &'a mut S,
    /// What is kept.
    pub collected: Collected,
}

impl<S: FrameSink> FrameSink for Tee<'_, S> {
    fn put(&mut self, table: TableId, frame: DataFrame) -> crate::Result<()> {
        self.collected
            .take(table, &frame)
            .map_err(|e| crate::Error::output("correlation inputs", e))?;
        self.inner.put(table, frame)
    }
}

/// Stacks frames into one (empty with no columns if none).
pub fn stack(frames: &[DataFrame]) -> DataFrame {
    let mut it = frames.iter();
    let Some(first) = it.next() else {
        return DataFrame::empty();
    };
    let mut acc = first.clone();
    for f in it {
        let _ = acc.vstack_mut(f);
    }
    acc.rechunk_mut();
    acc
}
