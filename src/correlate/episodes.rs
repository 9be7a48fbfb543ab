//! Lifecycle events grouped into episodes of one pool: a crash cascade (Application
//! Error 1000 → WER 1001 → WAS 5011/5009, with .NET 1026 and ASP.NET 1309, joined on
//! the pid, one episode not three), a hang (5010), rapid-fail (5002 with the crashes
//! before it), a shutdown timeout (5013 with the recycle before it), a recycle, a pool
//! disabled for its identity. Each phase of the building is a function of its own.

use super::join::TimeIndex;
use super::model::Cause;
use super::pools::{key, Pools};
use super::rules::Rules;
use crate::domain::codes::exception_name;
use crate::domain::lifecycle::{DisableCause, Lifecycle, LifecycleKind, Origin, Reporter};
use crate::domain::{IncidentKind, TimeBasis};
use std::collections::BTreeSet;
use LifecycleKind as K;

const SEC: i64 = 1_000_000;

/// One lifecycle event, as correlation keeps it: where it was read, and what it says.
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    /// Time.
    pub time: i64,
    /// Pool key (of `event.app_pool`).
    pub pool: Option<String>,
    /// Provider.
    pub provider: String,
    /// Event id.
    pub event_id: i64,
    /// File.
    pub file: String,
    /// Record id.
    pub record_id: Option<i64>,
    /// Line in a text or XML export.
    pub line: Option<u64>,
    /// How its time became UTC (a guessed offset marks what is built on it).
    pub basis: TimeBasis,
    /// How much later than `time` it may have happened, µs (minute-resolution exports).
    pub slack: i64,
    /// What the event says.
    pub event: Lifecycle,
}

impl LoggedEvent {
    /// The event read at `origin`; None without a time (it cannot be placed).
    pub fn of(origin: &Origin<'_>, event: &Lifecycle) -> Option<LoggedEvent> {
        Some(LoggedEvent {
            time: origin.time?,
            pool: event.app_pool.as_deref().map(key),
            provider: origin.provider.unwrap_or_default().to_string(),
            event_id: origin.event_id.map_or(0, i64::from),
            file: origin.source_file.to_string(),
            record_id: origin.record_id,
            line: origin.line,
            basis: origin.basis,
            slack: i64::from(origin.slack_s) * SEC,
            event: event.clone(),
        })
    }

    /// What happened.
    pub fn kind(&self) -> LifecycleKind {
        self.event.kind
    }

    fn is_was(&self) -> bool {
        self.event.reporter == Reporter::Was
    }
}

/// An episode of one pool.
#[derive(Debug, Clone)]
pub struct Episode {
    /// Kind (a recycle episode is an incident only if it harmed requests).
    pub kind: IncidentKind,
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
    /// Its lifecycle events (indexes).
    pub events: Vec<usize>,
    /// Moments a worker process died.
    pub deaths: Vec<i64>,
    /// Crashes absorbed (rapid-fail).
    pub crashes: usize,
    /// Site ids the events name.
    pub sites: BTreeSet<i64>,
    /// How much later than their written times its events may have happened (minute
    /// resolution exports): windows reaching after the anchor reach this much further.
    pub slack: i64,
}

impl Episode {
    fn new(kind: IncidentKind, pool: Option<String>, t: i64) -> Episode {
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
            slack: 0,
        }
    }

    fn add(&mut self, i: usize, l: &LoggedEvent) {
        self.events.push(i);
        self.first = self.first.min(l.time);
        self.last = self.last.max(l.time + l.slack);
        self.slack = self.slack.max(l.slack);
        if let Some(p) = l.event.pid {
            // ASP.NET names the pid of the request, not always the one that died.
            if l.kind() != K::RequestError {
                self.pids.insert(p);
            }
        }
        if let Some(s) = l.event.site_id {
            self.sites.insert(s);
        }
        self.cause.add(l);
    }

    /// Takes in another episode's events (an absorbed recycle or crash).
    fn absorb(&mut self, other: Episode) {
        self.events.extend(other.events);
        self.pids.extend(other.pids);
        self.first = self.first.min(other.first);
    }
}

impl Cause {
    /// Fills what is still unknown from one more event of the episode.
    fn add(&mut self, l: &LoggedEvent) {
        let name = |code: &Option<String>| code.as_deref().and_then(exception_name);
        if self.faulting_module.is_none() {
            self.faulting_module = l.event.faulting_module.clone();
        }
        if self.exception_code.is_none() {
            self.exception_code = l.event.exception_code.clone();
            self.exception_name = name(&l.event.exception_code).map(str::to_string);
        }
        if self.exception_type.is_none() {
            self.exception_type = l.event.exception_type.clone();
        }
        if self.exit_code.is_none() {
            self.exit_code = l.event.exit_code.clone();
            if self.exception_name.is_none() {
                self.exception_name = name(&l.event.exit_code).map(str::to_string);
            }
        }
        if self.error.is_none() {
            self.error = l.event.was_error.map(|e| format!("0x{e:08x}"));
        }
        if self.recycle_reason.is_none() && matches!(l.kind(), K::Recycle | K::Shutdown) {
            self.recycle_reason = l.event.recycle_reason;
        }
    }
}

/// Builds the episodes of a bundle's lifecycle events (sorted by time, file, record, as
/// `Collected::merge_all` leaves them).
pub fn build(life: &[LoggedEvent], pools: &Pools, rules: &Rules) -> Vec<Episode> {
    debug_assert!(
        life.windows(2).all(|w| w[0].time <= w[1].time),
        "events in time order"
    );
    let mut used = vec![false; life.len()];
    let mut eps = crash_cascades(life, &mut used, rules);
    join_was_crashes(life, &mut used, &mut eps, rules);
    attach_crash_reports(life, &mut used, &mut eps, rules);
    // A crash with no WAS event: the pool of the site its ASP.NET event names.
    for e in eps.iter_mut().filter(|e| e.pool.is_none()) {
        e.pool = e.sites.iter().find_map(|s| pools.site_pool.get(s).cloned());
    }
    eps.extend(single_event_episodes(life, &used));
    eps.sort_by_key(|e| (e.anchor, e.kind));
    let mut absorbed = vec![false; eps.len()];
    shutdown_timeouts_take_their_recycle(&mut eps, &mut absorbed, pools, rules);
    rapid_fails_take_their_crashes(&mut eps, &mut absorbed, pools, rules);
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

/// WAS events that say a worker died (5009, 5011) or never came up (5012).
fn is_was_crash(l: &LoggedEvent) -> bool {
    l.is_was() && matches!(l.kind(), K::Crash | K::StartupTimeout)
}

/// Phase 1: a crash episode per Application Error 1000, its pool from the WAS event of
/// the same pid right after it (else right before it).
fn crash_cascades(life: &[LoggedEvent], used: &mut [bool], rules: &Rules) -> Vec<Episode> {
    let was = TimeIndex::new(
        (0..life.len())
            .filter(|&i| is_was_crash(&life[i]))
            .filter_map(|i| Some((life[i].event.pid?, life[i].time, i))),
    );
    let mut eps = Vec::new();
    for (i, l) in life.iter().enumerate() {
        if l.kind() != K::Crash || l.is_was() {
            continue;
        }
        let mut ep = Episode::new(IncidentKind::Crash, None, l.time);
        ep.add(i, l);
        ep.deaths.push(l.time);
        used[i] = true;
        if let Some(pid) = l.event.pid {
            let w = was
                .first_after(&pid, l.time, rules.cascade_s * SEC)
                .or_else(|| was.last_before(&pid, l.time, rules.crash_before_s * SEC));
            if let Some(w) = w {
                ep.pool = life[w].pool.clone();
            }
        }
        eps.push(ep);
    }
    eps
}

/// Phase 2: WAS crash events join the cascade of the same pid; the rest start their own.
fn join_was_crashes(
    life: &[LoggedEvent],
    used: &mut [bool],
    eps: &mut Vec<Episode>,
    rules: &Rules,
) {
    for (w, l) in life.iter().enumerate().filter(|(_, l)| is_was_crash(l)) {
        let in_window = |e: &Episode| {
            e.kind == IncidentKind::Crash
                && l.time + l.slack >= e.anchor - rules.crash_before_s * SEC
                && l.time <= e.anchor + e.slack + rules.cascade_s * SEC
                && (e.pool.is_none() || e.pool == l.pool)
        };
        let same_pid = |e: &Episode| l.event.pid.is_some_and(|p| e.pids.contains(&p));
        // An Application Error whose pid an export left unresolved (`0x%9`) takes the
        // first WAS crash of its window.
        let pidless = |e: &Episode| e.pids.is_empty() && e.pool.is_none();
        let at = eps
            .iter()
            .rposition(|e| in_window(e) && same_pid(e))
            .or_else(|| eps.iter().rposition(|e| in_window(e) && pidless(e)));
        let found = at.map(|i| &mut eps[i]);
        match found {
            Some(e) => {
                if e.pool.is_none() {
                    e.pool = l.pool.clone();
                }
                e.add(w, l);
            }
            None => {
                let mut e = Episode::new(IncidentKind::Crash, l.pool.clone(), l.time);
                e.add(w, l);
                e.deaths.push(l.time);
                if l.kind() == K::StartupTimeout && e.cause.exception_name.is_none() {
                    e.cause.exception_name = Some("startup time limit exceeded".into());
                }
                eps.push(e);
            }
        }
        used[w] = true;
    }
}

/// How long before and after a crash's anchor a report of it may be logged, if the
/// event is a report of a crash: ASP.NET 1309 comes before the process dies, WER and
/// .NET Runtime after.
fn report_window(kind: LifecycleKind, rules: &Rules) -> Option<(i64, i64)> {
    match kind {
        K::RequestError => Some((rules.request_error_before_s, rules.request_error_after_s)),
        K::CrashReport | K::UnhandledException => {
            Some((rules.crash_report_before_s, rules.crash_report_after_s))
        }
        K::Crash
        | K::Hang
        | K::StartupTimeout
        | K::ShutdownTimeout
        | K::Recycle
        | K::Shutdown
        | K::Disable(_)
        | K::ListenerFailure
        | K::StartFailure
        | K::ServiceCrash => None,
    }
}

/// Phase 3: WER, .NET Runtime and ASP.NET reports join the nearest crash.
fn attach_crash_reports(
    life: &[LoggedEvent],
    used: &mut [bool],
    eps: &mut [Episode],
    rules: &Rules,
) {
    for (i, l) in life.iter().enumerate() {
        if used[i] {
            continue;
        }
        let Some((before, after)) = report_window(l.kind(), rules) else {
            continue;
        };
        let target = eps
            .iter_mut()
            .filter(|e| {
                e.kind == IncidentKind::Crash
                    && l.time >= e.anchor - before * SEC
                    && l.time <= e.anchor + after * SEC
            })
            .filter(|e| {
                l.kind() != K::RequestError
                    || l.event.pid.is_none()
                    || l.event.pid.is_some_and(|p| e.pids.contains(&p))
            })
            .min_by_key(|e| (l.time - e.anchor).abs());
        if let Some(e) = target {
            e.add(i, l);
            used[i] = true;
        }
    }
}

/// The episode a lifecycle event starts on its own, if any.
fn own_episode(kind: LifecycleKind) -> Option<IncidentKind> {
    match kind {
        K::Hang => Some(IncidentKind::Hang),
        K::ShutdownTimeout => Some(IncidentKind::ShutdownTimeout),
        K::Disable(DisableCause::RapidFail) => Some(IncidentKind::RapidFail),
        K::Disable(DisableCause::Identity | DisableCause::WorkerStart) => {
            Some(IncidentKind::PoolDisabled)
        }
        K::Recycle | K::Shutdown => Some(IncidentKind::Recycle),
        // Crashes and their reports are cascades; the rest are evidence only.
        K::Crash
        | K::CrashReport
        | K::UnhandledException
        | K::RequestError
        | K::StartupTimeout
        | K::ListenerFailure
        | K::StartFailure
        | K::ServiceCrash => None,
    }
}

/// Phase 4: hangs, shutdown timeouts, pools disabled, recycles: one event each.
fn single_event_episodes(life: &[LoggedEvent], used: &[bool]) -> Vec<Episode> {
    let mut eps = Vec::new();
    for (i, l) in life.iter().enumerate().filter(|(i, _)| !used[*i]) {
        let Some(kind) = own_episode(l.kind()) else {
            continue;
        };
        let mut e = Episode::new(kind, l.pool.clone(), l.time);
        e.add(i, l);
        if matches!(kind, IncidentKind::Hang | IncidentKind::ShutdownTimeout) {
            e.deaths.push(l.time);
        }
        eps.push(e);
    }
    eps
}

/// Phase 5: a shutdown timeout carries the recycle that started it.
fn shutdown_timeouts_take_their_recycle(
    eps: &mut [Episode],
    absorbed: &mut [bool],
    pools: &Pools,
    rules: &Rules,
) {
    for s in 0..eps.len() {
        if eps[s].kind != IncidentKind::ShutdownTimeout {
            continue;
        }
        let limit = pools.shutdown_time_limit_s(eps[s].pool.as_deref(), rules);
        let from = eps[s].anchor - (limit + rules.shutdown_timeout_around_s + rules.slack_s) * SEC;
        if let Some(r) = (0..eps.len()).rev().find(|&r| {
            !absorbed[r]
                && eps[r].kind == IncidentKind::Recycle
                && eps[r].pool == eps[s].pool
                && eps[r].anchor >= from
                && eps[r].anchor <= eps[s].anchor
        }) {
            absorbed[r] = true;
            let recycle = eps[r].clone();
            eps[s].cause.recycle_reason = recycle.cause.recycle_reason;
            eps[s].absorb(recycle);
        }
    }
}

/// Phase 6: rapid-fail carries the crashes of the interval before it.
fn rapid_fails_take_their_crashes(
    eps: &mut [Episode],
    absorbed: &mut [bool],
    pools: &Pools,
    rules: &Rules,
) {
    for s in 0..eps.len() {
        if eps[s].kind != IncidentKind::RapidFail {
            continue;
        }
        let pool = eps[s].pool.clone();
        let interval = pools.rapid_fail_interval_s(pool.as_deref(), rules);
        let from = eps[s].anchor - (interval + rules.cascade_s) * SEC;
        let to = eps[s].anchor + rules.slack_s * SEC;
        for c in 0..eps.len() {
            let e = &eps[c];
            if absorbed[c]
                || e.kind != IncidentKind::Crash
                || e.pool != pool
                || e.anchor < from
                || e.anchor > to
            {
                continue;
            }
            absorbed[c] = true;
            let crash = eps[c].clone();
            let e = &mut eps[s];
            e.crashes += 1;
            e.deaths.extend(crash.deaths.iter().copied());
            e.sites.extend(crash.sites.iter().copied());
            if e.cause.faulting_module.is_none() {
                let keep_reason = e.cause.recycle_reason.take();
                e.cause = crash.cause.clone();
                e.cause.recycle_reason = keep_reason;
            }
            e.absorb(crash);
        }
    }
}
