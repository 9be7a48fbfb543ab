//! What correlation finds: incidents with their cause, impact and evidence, crash
//! signatures, recycle history and the coverage of each source. Serialized as
//! `findings.json` (schema version 1, documented in the README).

use crate::domain::{EvidenceSource, IncidentKind, RecycleReason, TimeBasis};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why it happened, as far as the logs say.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Cause {
    /// Faulting module (Application Error, WER).
    pub faulting_module: Option<String>,
    /// Exception code, `0x` + 8 hex digits.
    pub exception_code: Option<String>,
    /// What the exception code means (`access violation` ...).
    pub exception_name: Option<String>,
    /// Managed exception type (.NET Runtime, ASP.NET, WER CLR20r3).
    pub exception_type: Option<String>,
    /// Recycle reason (`time`, `schedule`, `memory` ...).
    pub recycle_reason: Option<RecycleReason>,
    /// Process exit code (WAS 5009).
    pub exit_code: Option<String>,
    /// Error number WAS reported (5011 data).
    pub error: Option<String>,
}

/// What it did to requests.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Impact {
    /// Connections abandoned (Connection_Abandoned_By_ReqQueue / _By_AppPool).
    pub abandoned: u64,
    /// Connections dropped (Connection_Dropped).
    pub dropped: u64,
    /// 503s sent by HTTP.sys, by reason.
    pub http_503: BTreeMap<String, u64>,
    /// Requests that timed out in the queue (Timer_AppPool, Timer_ReqQueue).
    pub queue_timeouts: u64,
    /// W3C requests with status 500-599 in the incident's time.
    pub http_5xx: u64,
    /// W3C requests whose connection broke (win32 64, 995, 1236 ...).
    pub broken_w3c: u64,
    /// W3C requests in flight at the moment a worker process died (only those taking
    /// 5 s or more are tracked).
    pub in_flight_w3c: u64,
    /// All of the above that failed.
    pub failed_requests: u64,
    /// HTTP.sys lines counted above, by reason phrase.
    pub reasons: BTreeMap<String, u64>,
    /// W3C requests counted as broken, by `sc-win32-status`.
    pub broken_win32: BTreeMap<i64, u64>,
}

/// One piece of evidence: where to look in the bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// `event`, `httperr` or `w3c`.
    pub source: EvidenceSource,
    /// RFC 3339 UTC.
    pub time: String,
    /// File in the bundle.
    pub file: String,
    /// Line (text logs).
    pub line: Option<i64>,
    /// EventRecordID (event logs).
    pub record_id: Option<i64>,
    /// What it says.
    pub summary: String,
}

/// One incident.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Incident {
    /// Bundle it was found in.
    pub bundle_id: String,
    /// `I1`, `I2` ... in time order within the bundle.
    pub id: String,
    /// `crash`, `hang`, `rapid_fail`, `recycle`, `shutdown_timeout`, `queue_full`,
    /// `overload`, `unexplained` (or `pool_disabled` for identity failures).
    pub kind: IncidentKind,
    /// Application pool.
    pub app_pool: Option<String>,
    /// Sites the pool serves (or that the evidence names).
    pub sites: Vec<i64>,
    /// Worker process ids involved.
    pub pids: Vec<i64>,
    /// First evidence, RFC 3339 UTC.
    pub start: String,
    /// Last evidence, RFC 3339 UTC.
    pub end: String,
    /// Cause.
    pub cause: Cause,
    /// Impact.
    pub impact: Impact,
    /// For incidents without a lifecycle event: whether the System event log covers
    /// the time (None when the bundle has no System log).
    pub event_log_covered: Option<bool>,
    /// How the times of its events became UTC, the least sure of them (`inferred` or
    /// `unknown`: local times whose offset is a guess; every join on them may be off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_basis: Option<TimeBasis>,
    /// What happened, in plain language.
    pub explanation: String,
    /// What to do next.
    pub recommendation: String,
    /// The event records and the first lines of each source.
    pub evidence: Vec<Evidence>,
}

/// Repeated crashes with the same module and exception code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CrashSignature {
    /// Faulting module.
    pub faulting_module: Option<String>,
    /// Exception code.
    pub exception_code: Option<String>,
    /// What the code means.
    pub exception_name: Option<String>,
    /// Managed exception type, if any.
    pub exception_type: Option<String>,
    /// Pools it happened in.
    pub app_pools: Vec<String>,
    /// Crashes.
    pub count: u64,
    /// First seen.
    pub first: String,
    /// Last seen.
    pub last: String,
}

/// A recycle of a pool (harmful or not).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Recycle {
    /// When.
    pub time: String,
    /// Pool.
    pub app_pool: Option<String>,
    /// Reason.
    pub reason: Option<RecycleReason>,
    /// Pid of the old worker.
    pub pid: Option<i64>,
    /// Incident id if it caused harm.
    pub incident: Option<String>,
}

/// What one source covers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    /// `httperr`, `w3c`, `event log System` ...
    pub source: String,
    /// Files read.
    pub files: u64,
    /// First time.
    pub first: Option<String>,
    /// Last time.
    pub last: Option<String>,
    /// Rows or records.
    pub rows: u64,
    /// Periods of an hour or more without any data inside the range.
    pub gaps: Vec<[String; 2]>,
    /// Files of this source that failed or were read with errors: the first
    /// [`PROBLEMS_KEPT`](super::coverage::PROBLEMS_KEPT), each reason cut.
    pub problems: Vec<String>,
    /// How many files of this source failed or were read with errors.
    pub problems_total: u64,
    /// What could therefore not be seen.
    pub note: Option<String>,
}

/// Everything found in one bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Findings {
    /// Schema version of this file.
    pub schema_version: u32,
    /// Bundle id.
    pub bundle_id: String,
    /// The input.
    pub bundle: String,
    /// Host.
    pub host: String,
    /// Incidents by kind.
    pub summary: BTreeMap<String, u64>,
    /// Coverage per source.
    pub coverage: Vec<Coverage>,
    /// Incidents, worst first.
    pub incidents: Vec<Incident>,
    /// Recurring incidents.
    pub patterns: Vec<Pattern>,
    /// Crash signatures.
    pub crash_signatures: Vec<CrashSignature>,
    /// Recycle history.
    pub recycles: Vec<Recycle>,
}

/// Incidents of one pool with the same kind and cause: one problem, recurring.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pattern {
    /// Kind of the incidents.
    pub kind: IncidentKind,
    /// Their pool.
    pub app_pool: Option<String>,
    /// Their cause (module, exception, recycle reason).
    pub cause: Cause,
    /// The incidents, in time order.
    pub incidents: Vec<String>,
    /// Failed requests over all of them.
    pub failed_requests: u64,
    /// Start of the first, RFC 3339 UTC.
    pub first: String,
    /// Start of the last, RFC 3339 UTC.
    pub last: String,
    /// How often they come (three incidents or more).
    pub cadence: Option<Cadence>,
}

/// How often recurring incidents come: the intervals between their starts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cadence {
    /// Median interval, seconds.
    pub median_s: i64,
    /// Median absolute deviation of the intervals, seconds.
    pub spread_s: i64,
    /// Shortest interval, seconds.
    pub shortest_s: i64,
    /// Longest interval, seconds.
    pub longest_s: i64,
    /// Whether the spread is small against the median (a schedule, a leak, a timer).
    pub regular: bool,
}
