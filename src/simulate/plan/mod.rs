//! Plans what happens to the server before any line is written: the incidents (the
//! ground truth), each pool's worker processes and their pids, the pool states that
//! shape traffic (offline, hung, restarting, queue full, overloaded), the cuts that
//! abandon requests in flight, and the lifecycle events the event logs will hold.
//!
//! This file holds the plan's types; `incidents` writes each incident kind into a plan
//! (its phases, cuts and lifecycle events), `place` places the incidents of a scenario
//! (by hand and at random), `make` makes the whole plan.

mod incidents;
mod make;
mod place;

pub use make::make;

use super::model::diurnal;
use crate::domain::{IncidentKind, RecycleReason};
use crate::time::MICROS_PER_SEC;

const SEC: i64 = MICROS_PER_SEC;
const MIN: i64 = 60 * SEC;

/// What caused an incident.
#[derive(Debug, Clone, Default)]
pub struct Cause {
    /// Exception code (`0xc0000005`).
    pub exception_code: Option<&'static str>,
    /// Faulting module.
    pub faulting_module: Option<&'static str>,
    /// Managed exception type.
    pub exception_type: Option<&'static str>,
    /// Recycle reason.
    pub recycle_reason: Option<RecycleReason>,
    /// WAS 5009 exit code.
    pub exit_code: Option<&'static str>,
    /// For unexplained incidents: what really happened and why the log does not say.
    pub hidden: Option<String>,
}

/// What an incident did to requests (filled while traffic is generated).
#[derive(Debug, Clone, Default)]
pub struct Impact {
    /// Requests abandoned (Connection_Abandoned_By_ReqQueue).
    pub abandoned: u64,
    /// Connections dropped (Connection_Dropped).
    pub dropped: u64,
    /// When each dropped connection was logged.
    pub dropped_at: Vec<i64>,
    /// 503s sent by HTTP.sys, by reason.
    pub http_503: std::collections::BTreeMap<&'static str, u64>,
    /// Requests timed out in the queue (Timer_AppPool).
    pub timer_app_pool: u64,
    /// Requests that failed in the W3C log (5xx, client aborts with win32 64).
    pub failed_w3c: u64,
}

impl Impact {
    /// Requests that failed in any way.
    pub fn failed_requests(&self) -> u64 {
        self.abandoned
            + self.dropped
            + self.http_503.values().sum::<u64>()
            + self.timer_app_pool
            + self.failed_w3c
    }
}

/// One injected incident.
#[derive(Debug, Clone)]
pub struct Incident {
    /// 1-based id.
    pub id: usize,
    /// Kind.
    pub kind: IncidentKind,
    /// Pool index.
    pub pool: usize,
    /// Worker processes involved.
    pub pids: Vec<u32>,
    /// When it began.
    pub start: i64,
    /// When service was back.
    pub end: i64,
    /// Cause.
    pub cause: Cause,
    /// Whether the event logs hold its events.
    pub logged: bool,
    /// Whether the event logs cover its time.
    pub event_log_covered: bool,
    /// Effect on requests.
    pub impact: Impact,
}

/// Lifecycle events to write to the event logs.
#[derive(Debug, Clone)]
pub enum Life {
    /// ASP.NET 1309 unhandled exception in a request.
    AspNet {
        site: i64,
        exception_type: &'static str,
        message: &'static str,
        path: &'static str,
    },
    /// .NET Runtime 1026.
    DotNet {
        exception_type: &'static str,
        message: &'static str,
    },
    /// Application Error 1000.
    AppError {
        code: &'static str,
        module: &'static str,
        process_start: i64,
    },
    /// Windows Error Reporting 1001.
    Wer {
        code: &'static str,
        module: &'static str,
        exception_type: Option<&'static str>,
    },
    /// WAS 5011.
    Was5011,
    /// WAS 5009 with the exit code.
    Was5009 { exit_code: &'static str },
    /// WAS 5010 ping failure.
    Was5010,
    /// WAS 5002 rapid-fail disabled the pool.
    Was5002,
    /// WAS 5013 shutdown time limit exceeded.
    Was5013,
    /// WAS recycle event (the reason's, `RecycleReason::was_event`).
    Recycle { reason: RecycleReason },
    /// WAS 5186 idle shutdown.
    Idle { minutes: i64 },
    /// Service Control Manager 7036 (service state) for W3SVC/WAS restarts.
    ServiceState {
        service: &'static str,
        running: bool,
    },
}

/// A lifecycle event at a time, for a pool's process.
#[derive(Debug, Clone)]
pub struct LifeEvent {
    /// When it is logged.
    pub time: i64,
    /// Pool index.
    pub pool: usize,
    /// Worker process id the event names.
    pub pid: u32,
    /// What.
    pub what: Life,
}

/// A state of a pool that changes how requests are served.
#[derive(Debug, Clone, Copy)]
pub enum State {
    /// Rapid-fail disabled the pool: HTTP.sys answers `503 AppOffline`.
    Offline,
    /// No worker during a non-overlapped recycle: `503 AppShutdown`.
    Gap,
    /// The worker stopped serving; requests queue until `kill_at`.
    Hung {
        /// When WAS kills the process.
        kill_at: i64,
        /// When the queue is full (`503 QueueFull` from then on).
        queue_full_at: i64,
    },
    /// A new worker is starting: requests wait until the phase ends.
    Restarting,
    /// The queue overflows for a fraction of requests.
    QueueFull {
        /// Fraction answered `503 QueueFull`.
        fraction: f64,
    },
    /// Overload: more traffic, slow responses, dropped connections.
    Overload {
        /// Traffic multiplier.
        traffic: f64,
        /// Time-taken multiplier.
        slow: f64,
        /// Fraction of requests dropped.
        drop: f64,
    },
    /// No traffic (before an idle shutdown).
    Quiet,
}

/// A pool state over a time range, tied to the incident that causes it.
#[derive(Debug, Clone)]
pub struct Phase {
    /// Start (inclusive).
    pub from: i64,
    /// End (exclusive).
    pub to: i64,
    /// State.
    pub state: State,
    /// Incident index (into `Plan::incidents`), if any.
    pub incident: Option<usize>,
}

/// A moment a worker process dies: requests it serves that started before
/// `started_before` and would complete after `at` are abandoned at `abandon_at`.
#[derive(Debug, Clone)]
pub struct Cut {
    /// The process stops serving.
    pub at: i64,
    /// HTTP.sys logs the abandoned requests.
    pub abandon_at: i64,
    /// Only requests started before this are affected.
    pub started_before: i64,
    /// Incident index.
    pub incident: usize,
}

/// Requests the plan needs in flight (long report exports before a shutdown timeout).
#[derive(Debug, Clone)]
pub struct Forced {
    /// Site id.
    pub site: i64,
    /// Start time.
    pub start: i64,
    /// Duration in ms.
    pub duration_ms: i64,
}

/// A pool's timeline.
#[derive(Debug, Clone, Default)]
pub struct PoolPlan {
    /// States, sorted by start, not overlapping.
    pub phases: Vec<Phase>,
    /// Process deaths, sorted.
    pub cuts: Vec<Cut>,
    /// Worker processes: (from, pid), sorted.
    pub pids: Vec<(i64, u32)>,
}

impl PoolPlan {
    /// The pid serving at `t`.
    pub fn pid_at(&self, t: i64) -> u32 {
        let i = self.pids.partition_point(|(from, _)| *from <= t);
        self.pids[i.saturating_sub(1)].1
    }
}

/// Everything decided before writing.
#[derive(Debug, Clone)]
pub struct Plan {
    /// First instant.
    pub start: i64,
    /// End (exclusive).
    pub end: i64,
    /// First instant the event logs cover.
    pub log_start: i64,
    /// Requests per day over all sites.
    pub requests_per_day: f64,
    /// Incidents (ground truth), sorted by start.
    pub incidents: Vec<Incident>,
    /// Per pool timelines.
    pub pools: Vec<PoolPlan>,
    /// Lifecycle events, sorted by time.
    pub events: Vec<LifeEvent>,
    /// Service restarts (new header blocks in every log).
    pub service_restarts: Vec<i64>,
    /// Requests that must be in flight.
    pub forced: Vec<Forced>,
}

/// Average of the diurnal curve over a day, to turn a daily count into a rate.
pub fn diurnal_mean() -> f64 {
    (0..1440).map(|m| diurnal(m * 60)).sum::<f64>() / 1440.0
}
