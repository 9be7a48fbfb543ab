//! The lines that signal trouble, each with its pool: HTTP.sys lines by signal (the
//! queue names the pool; the site id maps to it otherwise), and W3C requests that failed
//! or took long (their site maps to the pool).

use super::collect::{HttpRow, ReqRow};
use super::pools::{key, Pools};
use crate::domain::codes::is_broken_connection;
use crate::domain::Signal;

/// One HTTP.sys line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Time (1 s resolution).
    pub time: i64,
    /// Pool key.
    pub pool: Option<String>,
    /// Site id.
    pub site: Option<i64>,
    /// What it signals.
    pub signal: Signal,
    /// Reason phrase.
    pub reason: String,
    /// Status.
    pub status: Option<i64>,
    /// File.
    pub file: String,
    /// Line number.
    pub line: Option<i64>,
    /// Verb and URL.
    pub request: String,
    /// Client.
    pub client: String,
    /// Identical lines of the same second this one stands for.
    pub count: u64,
}

/// One W3C request that failed.
#[derive(Debug, Clone)]
pub struct Request {
    /// Completion time.
    pub time: i64,
    /// Start time.
    pub start: Option<i64>,
    /// Site.
    pub site: Option<i64>,
    /// Pool key.
    pub pool: Option<String>,
    /// Status.
    pub status: Option<i64>,
    /// Win32 status.
    pub win32: Option<i64>,
    /// Time taken, ms.
    pub taken: Option<i64>,
    /// File.
    pub file: String,
    /// Line.
    pub line: Option<i64>,
    /// Verb and path.
    pub request: String,
    /// Identical failed requests of the same second this one stands for.
    pub count: u64,
}

impl Request {
    /// Whether it failed (5xx or a broken connection), rather than only taking long.
    pub fn failed(&self) -> bool {
        self.status.is_some_and(|s| s >= 500) || self.win32.is_some_and(is_broken_connection)
    }
}

/// The HTTP.sys lines with their pool, sorted by time.
pub fn lines(rows: &[HttpRow], pools: &Pools) -> Vec<Line> {
    let mut v: Vec<Line> = rows
        .iter()
        .filter_map(|r| {
            let signal = Signal::of(&r.reason)?;
            let pool = r
                .queue
                .as_deref()
                .filter(|q| *q != "-")
                .map(key)
                .or_else(|| r.site.and_then(|s| pools.site_pool.get(&s).cloned()));
            Some(Line {
                time: r.time,
                pool,
                site: r.site,
                signal,
                reason: r.reason.clone(),
                status: r.status,
                file: r.file.clone(),
                line: r.line,
                request: r.request.clone(),
                client: r.client.clone(),
                count: r.count,
            })
        })
        .collect();
    v.sort_by(|a, b| (a.time, &a.file, a.line).cmp(&(b.time, &b.file, b.line)));
    v
}

/// Removes the Connection_Dropped lines of times when a pool drops no more than usual
/// (clients go away all the time): a line stays if it lies in some window (`dropped_window_s`) in
/// which its pool dropped at least `dropped_min_per_window` connections, and
/// `dropped_factor` times its mean per window.
pub fn without_background_drops(lines: Vec<Line>, rules: &super::rules::Rules) -> Vec<Line> {
    use std::collections::BTreeMap;
    let window = rules.dropped_window_s * 1_000_000;
    let mut by_pool: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    // Each line stands for `count` drops of its second.
    for (i, l) in lines.iter().enumerate() {
        if l.signal == Signal::Dropped {
            by_pool.entry(l.pool.clone()).or_default().push(i);
        }
    }
    let mut keep = vec![true; lines.len()];
    for idx in by_pool.values() {
        let t: Vec<i64> = idx.iter().map(|&i| lines[i].time).collect();
        // Drops before each line (prefix sums of the counts).
        let mut upto = Vec::with_capacity(t.len() + 1);
        upto.push(0u64);
        for &i in idx {
            upto.push(upto[upto.len() - 1] + lines[i].count);
        }
        let total = upto[t.len()];
        let windows = ((t[t.len() - 1] - t[0]) as f64 / window as f64).max(1.0);
        let need = ((rules.dropped_min_per_window as f64)
            .max(rules.dropped_factor * total as f64 / windows))
        .ceil() as u64;
        // Difference array over the lines that fall in a dense enough window.
        let mut cover = vec![0i64; t.len() + 1];
        for j in 0..t.len() {
            let end = j + t[j..].partition_point(|&x| x <= t[j] + window);
            if upto[end] - upto[j] >= need {
                cover[j] += 1;
                cover[end] -= 1;
            }
        }
        let mut run = 0;
        for (k, &i) in idx.iter().enumerate() {
            run += cover[k];
            keep[i] = run > 0;
        }
    }
    lines
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| l)
        .collect()
}

/// The failed W3C requests with their pool, sorted by completion time.
pub fn requests(rows: &[ReqRow], pools: &Pools) -> Vec<Request> {
    let mut v: Vec<Request> = rows
        .iter()
        .map(|r| Request {
            time: r.time,
            start: r.start,
            site: r.site,
            pool: r.site.and_then(|s| pools.site_pool.get(&s).cloned()),
            status: r.status,
            win32: r.win32,
            taken: r.taken,
            file: r.file.clone(),
            line: r.line,
            request: r.request.clone(),
            count: r.count,
        })
        .collect();
    v.sort_by(|a, b| (a.time, &a.file, a.line).cmp(&(b.time, &b.file, b.line)));
    v
}
