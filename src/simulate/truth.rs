//! The ground truth written next to the bundle: the injected incidents with their
//! cause and impact, what was written (counts per status and reason), and the event-log
//! coverage, in a documented JSON form the scorer reads.

use super::model::Server;
use super::plan::{Incident, Plan};
use super::scenario::UTC;
use crate::domain::EventForm;
use crate::domain::{IncidentKind, RecycleReason};
use crate::time::format_rfc3339;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts of what the simulator wrote.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Written {
    /// W3C data lines.
    pub w3c_lines: u64,
    /// W3C data lines by status.
    pub w3c_by_status: BTreeMap<String, u64>,
    /// HTTP.sys error lines.
    pub httperr_lines: u64,
    /// HTTP.sys error lines by reason.
    pub httperr_by_reason: BTreeMap<String, u64>,
    /// Event records by channel.
    pub events: BTreeMap<String, u64>,
    /// Uncompressed bytes of all members.
    pub uncompressed_bytes: u64,
    /// Members of the zip.
    pub members: u64,
}

/// A site and its pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteTruth {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Pool.
    pub app_pool: String,
}

/// The cause of an incident.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CauseTruth {
    /// `0x` + 8 hex digits.
    pub exception_code: Option<String>,
    /// Faulting module.
    pub faulting_module: Option<String>,
    /// Managed exception type.
    pub exception_type: Option<String>,
    /// Recycle reason.
    pub recycle_reason: Option<RecycleReason>,
    /// What really happened, for incidents the event log does not explain.
    pub hidden: Option<String>,
}

/// What an incident did to requests.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImpactTruth {
    /// Connections abandoned (Connection_Abandoned_By_ReqQueue lines).
    pub abandoned: u64,
    /// Connections dropped (Connection_Dropped lines).
    pub dropped: u64,
    /// Requests that failed in any way.
    pub failed_requests: u64,
    /// 503s by reason.
    pub http_503: BTreeMap<String, u64>,
    /// Timer_AppPool lines.
    pub timer_app_pool: u64,
    /// Failed requests in the W3C log.
    pub failed_w3c: u64,
}

/// One injected incident.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IncidentTruth {
    /// 1-based id.
    pub id: usize,
    /// `crash`, `hang`, `rapid_fail`, `recycle`, `shutdown_timeout`, `queue_full`,
    /// `overload`, `unexplained`.
    pub kind: IncidentKind,
    /// Application pool.
    pub app_pool: String,
    /// Sites the pool serves.
    pub sites: Vec<i64>,
    /// Worker process ids involved.
    pub pids: Vec<u32>,
    /// Start (RFC 3339 UTC).
    pub start: String,
    /// End (RFC 3339 UTC).
    pub end: String,
    /// Cause.
    pub cause: CauseTruth,
    /// Impact.
    pub impact: ImpactTruth,
    /// The event logs hold its events.
    pub logged: bool,
    /// The event logs cover its time.
    pub event_log_covered: bool,
}

/// The ground truth of one simulated bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Truth {
    /// `corvid simulate`.
    pub generator: String,
    /// Seed.
    pub seed: u64,
    /// Bundle file name.
    pub bundle: String,
    /// Computer name.
    pub computer: String,
    /// First simulated instant.
    pub start: String,
    /// End of the simulation.
    pub end: String,
    /// First instant the event logs cover.
    pub event_log_start: String,
    /// Sites and their pools.
    pub sites: Vec<SiteTruth>,
    /// What was written.
    pub written: Written,
    /// Injected incidents, by start.
    pub incidents: Vec<IncidentTruth>,
    /// Injected incidents that left no trace a correlator could see (a non-overlapped
    /// recycle at night with no request in the gap ...): not expected in findings.
    pub unobservable: Vec<IncidentTruth>,
    /// The forms the event logs were written in (left out when only `evtx`, so the
    /// truth of a default run stays as it was).
    #[serde(default = "default_forms", skip_serializing_if = "is_default_forms")]
    pub event_forms: Vec<EventForm>,
    /// The server's time zone of the local times in the exports (left out when UTC).
    #[serde(default = "default_timezone", skip_serializing_if = "is_utc")]
    pub timezone: String,
}

/// How the event logs were written: the forms and the server's time zone.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The forms, each once.
    pub event_forms: Vec<EventForm>,
    /// The time zone name (IANA, or `UTC`).
    pub timezone: String,
}

fn default_forms() -> Vec<EventForm> {
    vec![EventForm::Evtx]
}

fn is_default_forms(f: &[EventForm]) -> bool {
    f == [EventForm::Evtx]
}

fn default_timezone() -> String {
    UTC.into()
}

fn is_utc(tz: &str) -> bool {
    tz == UTC
}

impl Truth {
    /// The truth with how the event logs were written.
    pub fn with_exports(self, e: Exported) -> Truth {
        Truth {
            event_forms: e.event_forms,
            timezone: e.timezone,
            ..self
        }
    }
}

fn incident(server: &Server, i: &Incident) -> IncidentTruth {
    let c = &i.cause;
    IncidentTruth {
        id: i.id,
        kind: seen_kind(i).0,
        app_pool: server.pools[i.pool].name.into(),
        sites: server.sites_of(i.pool),
        pids: i.pids.clone(),
        start: format_rfc3339(i.start, 3),
        end: format_rfc3339(i.end, 3),
        cause: CauseTruth {
            exception_code: c.exception_code.map(str::to_string),
            faulting_module: c.faulting_module.map(str::to_string),
            exception_type: c.exception_type.map(str::to_string),
            recycle_reason: c.recycle_reason,
            hidden: c.hidden.clone().or(seen_kind(i).1),
        },
        impact: ImpactTruth {
            abandoned: i.impact.abandoned,
            dropped: i.impact.dropped,
            failed_requests: i.impact.failed_requests(),
            http_503: i
                .impact
                .http_503
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            timer_app_pool: i.impact.timer_app_pool,
            failed_w3c: i.impact.failed_w3c,
        },
        logged: i.logged,
        event_log_covered: i.event_log_covered,
    }
}

/// Dropped connections an overload needs within 5 minutes to be told from clients
/// going away.
pub const OVERLOAD_MIN_DROPPED: usize = 5;

/// Whether anything in the bundle shows the incident: event-log anchored kinds show in
/// their events when logged; an overload needs 5 dropped connections within 5 minutes
/// (fewer cannot be told from clients going away); the others need a failed request.
pub fn observable(i: &Incident) -> bool {
    use IncidentKind as K;
    match i.kind {
        K::Crash | K::Hang | K::RapidFail | K::ShutdownTimeout if i.logged => true,
        K::Overload => {
            let mut t = i.impact.dropped_at.clone();
            t.sort();
            (0..t.len()).any(|k| {
                t[k..].partition_point(|&x| x <= t[k] + 300_000_000) >= OVERLOAD_MIN_DROPPED
            })
        }
        K::Crash
        | K::Hang
        | K::RapidFail
        | K::ShutdownTimeout
        | K::Recycle
        | K::QueueFull
        | K::Unexplained
        | K::PoolDisabled => i.impact.failed_requests() > 0,
    }
}

/// The kind a correlator can name: a lifecycle failure whose events the logs do not
/// hold (before the event logs begin) is, from the logs, unexplained.
fn seen_kind(i: &Incident) -> (IncidentKind, Option<String>) {
    use IncidentKind as K;
    match i.kind {
        K::Crash | K::Hang | K::RapidFail | K::Recycle | K::ShutdownTimeout if !i.logged => (
            K::Unexplained,
            Some(format!(
                "{} before the first event the event logs hold",
                i.kind.name().replace('_', " ")
            )),
        ),
        K::Crash
        | K::Hang
        | K::RapidFail
        | K::Recycle
        | K::ShutdownTimeout
        | K::QueueFull
        | K::Overload
        | K::Unexplained
        | K::PoolDisabled => (i.kind, None),
    }
}

/// The truth of a finished simulation.
pub fn build(server: &Server, plan: &Plan, seed: u64, bundle: &str, written: Written) -> Truth {
    let (seen, unseen): (Vec<&Incident>, Vec<&Incident>) =
        plan.incidents.iter().partition(|i| observable(i));
    let renumber = |list: Vec<&Incident>| -> Vec<IncidentTruth> {
        list.into_iter()
            .enumerate()
            .map(|(n, i)| IncidentTruth {
                id: n + 1,
                ..incident(server, i)
            })
            .collect()
    };
    Truth {
        generator: format!("corvid simulate {}", env!("CARGO_PKG_VERSION")),
        seed,
        bundle: bundle.into(),
        computer: server.computer.clone(),
        start: format_rfc3339(plan.start, 0),
        end: format_rfc3339(plan.end, 0),
        event_log_start: format_rfc3339(plan.log_start, 0),
        sites: server
            .sites
            .iter()
            .map(|s| SiteTruth {
                id: s.id,
                name: s.name.into(),
                app_pool: server.pools[s.pool].name.into(),
            })
            .collect(),
        written,
        incidents: renumber(seen),
        unobservable: renumber(unseen),
        event_forms: default_forms(),
        timezone: default_timezone(),
    }
}
