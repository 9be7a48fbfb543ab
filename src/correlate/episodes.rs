//! Lifecycle events grouped into episodes of one pool: a crash cascade (Application
//! Error 1000 → WER 1001 → WAS 5011/5009, with .NET 1026 and ASP.NET 1309, joined on
//! the pid, one episode not three), a hang (5010), rapid-fail (5002 with the crashes
//! before it), a shutdown timeout (5013 with the recycle before it), a recycle, a pool
//! disabled for its identity.

use super::frames::{i64s, strs};
use super::join::{asof, Direction};
use super::model::{exception_name, Cause};
use super::pools::{key, Pools};
use super::rules::Rules;
use polars::prelude::DataFrame;
use std::collections::BTreeSet;

const SEC: i64 = 1_000_000;

/// One lifecycle row.
#[derive(Debug, Clone, Default)]
pub struct Life {
    /// Time.
    pub time: i64,
    /// Lifecycle kind.
    pub kind: String,
    /// Pool key.
    pub pool: Option<String>,
    /// Pid.
    pub pid: Option<i64>,
    /// Recycle reason.
    pub reason: Option<String>,
    /// Exit code.
    pub exit_code: Option<String>,
    /// Exception code.
    pub exception_code: Option<String>,
    /// Faulting module.
    pub module: Option<String>,
    /// Exception type.
    pub exception_type: Option<String>,
    /// Site id.
    pub site_id: Option<i64>,
    /// Detail text.
    pub detail: Option<String>,
    /// Provider.
    pub provider: String,
    /// Event id.
    pub event_id: i64,
    /// File.
    pub file: String,
    /// Record id.
    pub record_id: Option<i64>,
}

/// Reads the lifecycle frame, sorted by time.
pub fn rows(df: &DataFrame) -> Vec<Life> {
    let n = df.height();
    let (time, pid, site, eid, rec) = (
        i64s(df, "time"),
        i64s(df, "pid"),
        i64s(df, "site_id"),
        i64s(df, "event_id"),
        i64s(df, "record_id"),
    );
    let s = |c: &str| strs(df, c);
    let (kind, pool, reason, exit, code, module, etype, detail, prov, file) = (
        s("kind"),
        s("app_pool"),
        s("recycle_reason"),
        s("exit_code"),
        s("exception_code"),
        s("faulting_module"),
        s("exception_type"),
        s("detail"),
        s("provider"),
        s("source_file"),
    );
    let mut v: Vec<Life> = (0..n)
        .filter_map(|i| {
            Some(Life {
                time: time[i]?,
                kind: kind[i].clone().unwrap_or_default(),
                pool: pool[i].as_deref().map(key),
                pid: pid[i],
                reason: reason[i].clone(),
                exit_code: exit[i].clone(),
                exception_code: code[i].clone(),
                module: module[i].clone(),
                exception_type: etype[i].clone(),
                site_id: site[i],
                detail: detail[i].clone(),
                provider: prov[i].clone().unwrap_or_default(),
                event_id: eid[i].unwrap_or(0),
                file: file[i].clone().unwrap_or_default(),
                record_id: rec[i],
            })
        })
        .collect();
    v.sort_by(|a, b| (a.time, &a.file, a.record_id).cmp(&(b.time, &b.file, b.record_id)));
    v
}

/// Kinds of episodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EpisodeKind {
    /// Worker process crash.
    Crash,
    /// Ping failure.
    Hang,
    /// Rapid-fail protection disabled the pool.
    RapidFail,
    /// Old worker killed after shutdownTimeLimit.
    ShutdownTimeout,
    /// Recycle (harmful only if lines attach).
    Recycle,
    /// Pool disabled: identity or start failure.
    PoolDisabled,
}

/// An episode of one pool.
#[derive(Debug, Clone)]
pub struct Episode {
    /// Kind.
    pub kind: EpisodeKind,
    /// Pool key.
    pub pool: Option<String>,
    /// The event the rules measure from.
    pub anchor: i64,
    /// First event.
    pub first: i64,
    /// Last event.
    pub last: i64,
    /// Worker pids.
    pub pids: BTreeSet<i64>,
    /// Cause.
    pub cause: Cause,
    /// Lifecycle rows (indexes).
    pub events: Vec<usize>,
    /// Moments a worker process died.
    pub deaths: Vec<i64>,
    /// Crashes absorbed (rapid-fail).
    pub crashes: usize,
    /// Site ids the events name.
    pub sites: BTreeSet<i64>,
}

impl Episode {
    fn new(kind: EpisodeKind, pool: Option<String>, t: i64) -> Episode {
        Episode {
            kind,
            pool,
            anchor: t,
            first: t,
            last: t,
            pids: BTreeSet::new(),
            cause: Cause::default(),
            events: Vec::new(),
            deaths: Vec::new(),
            crashes: 0,
            sites: BTreeSet::new(),
        }
    }

    fn add(&mut self, i: usize, l: &Life) {
        self.events.push(i);
        self.first = self.first.min(l.time);
        self.last = self.last.max(l.time);
        if let Some(p) = l.pid {
            if !matches!(l.kind.as_str(), "request_error") {
                self.pids.insert(p);
            }
        }
        if let Some(s) = l.site_id {
            self.sites.insert(s);
        }
        let c = &mut self.cause;
        if c.faulting_module.is_none() {
            c.faulting_module = l.module.clone();
        }
        if c.exception_code.is_none() {
            c.exception_code = l.exception_code.clone();
            c.exception_name = l
                .exception_code
                .as_deref()
                .and_then(exception_name)
                .map(str::to_string);
        }
        if c.exception_type.is_none() {
            c.exception_type = l.exception_type.clone();
        }
        if c.exit_code.is_none() {
            c.exit_code = l.exit_code.clone();
            if c.exception_name.is_none() {
                c.exception_name = l
                    .exit_code
                    .as_deref()
                    .and_then(exception_name)
                    .map(str::to_string);
            }
        }
        if c.error.is_none() && l.event_id == 5011 {
            c.error = l
                .detail
                .as_deref()
                .and_then(|d| d.rsplit("error ").next())
                .filter(|e| e.starts_with("0x"))
                .map(str::to_string);
        }
        if c.recycle_reason.is_none() && matches!(l.kind.as_str(), "recycle" | "shutdown") {
            c.recycle_reason = l.reason.clone();
        }
    }
}

fn is_was(l: &Life) -> bool {
    l.provider.eq_ignore_ascii_case("Microsoft-Windows-WAS")
        || l.provider.eq_ignore_ascii_case("WAS")
}

/// Builds the episodes of a bundle's lifecycle rows.
pub fn build(life: &[Life], pools: &Pools, rules: &Rules) -> Vec<Episode> {
    let mut used = vec![false; life.len()];
    let mut eps: Vec<Episode> = Vec::new();
    let crash_was: Vec<usize> = (0..life.len())
        .filter(|&i| {
            is_was(&life[i]) && matches!(life[i].kind.as_str(), "crash" | "startup_timeout")
        })
        .collect();
    let app_err: Vec<usize> = (0..life.len())
        .filter(|&i| life[i].kind == "crash" && !is_was(&life[i]))
        .collect();

    // 1. Crash cascades anchored on Application Error 1000, joined to WAS on the pid.
    let left: Vec<(i64, String)> = app_err
        .iter()
        .map(|&i| {
            (
                life[i].time,
                life[i].pid.map(|p| p.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let right: Vec<(i64, String)> = crash_was
        .iter()
        .map(|&i| {
            (
                life[i].time,
                life[i].pid.map(|p| p.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let fwd = asof(&left, &right, Direction::Forward, rules.cascade_s * SEC)
        .unwrap_or_else(|_| vec![None; left.len()]);
    let back = asof(
        &left,
        &right,
        Direction::Backward,
        rules.crash_before_s * SEC,
    )
    .unwrap_or_else(|_| vec![None; left.len()]);
    for (n, &i) in app_err.iter().enumerate() {
        let mut ep = Episode::new(EpisodeKind::Crash, None, life[i].time);
        ep.add(i, &life[i]);
        ep.deaths.push(life[i].time);
        used[i] = true;
        if let Some(r) = fwd[n].or(back[n]).filter(|_| life[i].pid.is_some()) {
            let w = crash_was[r];
            if !used[w] {
                ep.pool = life[w].pool.clone();
            }
        }
        eps.push(ep);
    }
    // WAS crash events join the cascade of the same pid; the rest start their own.
    for &w in &crash_was {
        let l = &life[w];
        let found = eps.iter_mut().rev().find(|e| {
            e.kind == EpisodeKind::Crash
                && l.pid.is_some_and(|p| e.pids.contains(&p))
                && l.time >= e.anchor - rules.crash_before_s * SEC
                && l.time <= e.anchor + rules.cascade_s * SEC
                && (e.pool.is_none() || e.pool == l.pool)
        });
        match found {
            Some(e) => {
                if e.pool.is_none() {
                    e.pool = l.pool.clone();
                }
                e.add(w, l);
            }
            None => {
                let mut e = Episode::new(EpisodeKind::Crash, l.pool.clone(), l.time);
                e.add(w, l);
                e.deaths.push(l.time);
                if l.kind == "startup_timeout" && e.cause.exception_name.is_none() {
                    e.cause.exception_name = Some("startup time limit exceeded".into());
                }
                eps.push(e);
            }
        }
        used[w] = true;
    }
    // WER, .NET Runtime and ASP.NET reports of the same crash.
    for (i, l) in life.iter().enumerate() {
        if used[i]
            || !matches!(
                l.kind.as_str(),
                "crash_report" | "unhandled_exception" | "request_error"
            )
        {
            continue;
        }
        let (before, after) = match l.kind.as_str() {
            "request_error" => (5 * SEC, 60 * SEC),
            _ => (30 * SEC, 10 * SEC),
        };
        let target = eps
            .iter_mut()
            .filter(|e| {
                e.kind == EpisodeKind::Crash
                    && l.time >= e.anchor - after
                    && l.time <= e.anchor + before
            })
            .filter(|e| {
                l.kind != "request_error"
                    || l.pid.is_none()
                    || l.pid.is_some_and(|p| e.pids.contains(&p))
            })
            .min_by_key(|e| (l.time - e.anchor).abs());
        if let Some(e) = target {
            e.add(i, l);
            used[i] = true;
        }
    }
    // A crash with no WAS event: the pool of the site its ASP.NET event names.
    for e in eps.iter_mut() {
        if e.pool.is_none() {
            e.pool = e.sites.iter().find_map(|s| pools.site_pool.get(s).cloned());
        }
    }

    // 2. Hangs, shutdown timeouts, pools disabled, recycles.
    for (i, l) in life.iter().enumerate() {
        if used[i] {
            continue;
        }
        let kind = match (l.kind.as_str(), l.event_id) {
            ("hang", _) => EpisodeKind::Hang,
            ("shutdown_timeout", _) => EpisodeKind::ShutdownTimeout,
            ("disable", 5002) => EpisodeKind::RapidFail,
            ("disable", _) => EpisodeKind::PoolDisabled,
            ("recycle", _) | ("shutdown", _) => EpisodeKind::Recycle,
            _ => continue,
        };
        let mut e = Episode::new(kind, l.pool.clone(), l.time);
        e.add(i, l);
        if matches!(kind, EpisodeKind::Hang | EpisodeKind::ShutdownTimeout) {
            e.deaths.push(l.time);
        }
        used[i] = true;
        eps.push(e);
    }
    eps.sort_by_key(|e| (e.anchor, e.kind));

    // 3. A shutdown timeout carries the recycle that started it.
    let limit = |pool: &Option<String>| {
        pool.as_deref()
            .and_then(|p| pools.settings(p))
            .and_then(|s| s.shutdown_time_limit_s)
            .unwrap_or(rules.default_shutdown_time_limit_s)
    };
    let mut absorbed = vec![false; eps.len()];
    for s in 0..eps.len() {
        if eps[s].kind != EpisodeKind::ShutdownTimeout {
            continue;
        }
        let lim = limit(&eps[s].pool);
        let from = eps[s].anchor - (lim + rules.shutdown_timeout_around_s + rules.slack_s) * SEC;
        if let Some(r) = (0..eps.len()).rev().find(|&r| {
            !absorbed[r]
                && eps[r].kind == EpisodeKind::Recycle
                && eps[r].pool == eps[s].pool
                && eps[r].anchor >= from
                && eps[r].anchor <= eps[s].anchor
        }) {
            absorbed[r] = true;
            let rec = eps[r].clone();
            let e = &mut eps[s];
            e.cause.recycle_reason = rec.cause.recycle_reason.clone();
            e.events.extend(rec.events);
            e.pids.extend(rec.pids);
            e.first = e.first.min(rec.first);
        }
    }
    // 4. Rapid-fail carries the crashes before it.
    for s in 0..eps.len() {
        if eps[s].kind != EpisodeKind::RapidFail {
            continue;
        }
        let pool = eps[s].pool.clone();
        let interval = pool
            .as_deref()
            .and_then(|p| pools.settings(p))
            .and_then(|s| s.rapid_fail_interval_s)
            .unwrap_or(rules.default_rapid_fail_interval_s);
        let from = eps[s].anchor - (interval + rules.cascade_s) * SEC;
        for c in 0..eps.len() {
            if !absorbed[c]
                && eps[c].kind == EpisodeKind::Crash
                && eps[c].pool == pool
                && eps[c].anchor >= from
                && eps[c].anchor <= eps[s].anchor + rules.slack_s * SEC
            {
                absorbed[c] = true;
                let crash = eps[c].clone();
                let e = &mut eps[s];
                e.crashes += 1;
                e.events.extend(crash.events);
                e.pids.extend(crash.pids);
                e.deaths.extend(crash.deaths);
                e.first = e.first.min(crash.first);
                e.sites.extend(crash.sites);
                if e.cause.faulting_module.is_none() {
                    let keep_reason = e.cause.recycle_reason.take();
                    e.cause = crash.cause;
                    e.cause.recycle_reason = keep_reason;
                }
            }
        }
    }
    let mut out: Vec<Episode> = eps
        .into_iter()
        .zip(absorbed)
        .filter(|(_, a)| !a)
        .map(|(e, _)| e)
        .collect();
    for e in &mut out {
        e.events.sort();
        e.deaths.sort();
        e.deaths.dedup();
    }
    out
}
