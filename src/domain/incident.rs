//! What the findings name: the kinds of incident and where their evidence comes from.

use serde::{Deserialize, Serialize};

/// The kind of an incident, and of the lifecycle episode that becomes one. Declared
/// in the order episodes starting at the same instant are taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// A worker process crashed.
    Crash,
    /// A worker process stopped answering WAS's pings and was killed.
    Hang,
    /// Rapid-fail protection disabled the pool after repeated crashes.
    RapidFail,
    /// The old worker overran shutdownTimeLimit and was killed.
    ShutdownTimeout,
    /// A recycle that made requests fail (a recycle episode until then).
    Recycle,
    /// The request queue overflowed with no worker process event.
    QueueFull,
    /// Connections dropped under load with no worker process event.
    Overload,
    /// Requests failed as if the worker went away, and no event explains it.
    Unexplained,
    /// WAS disabled the pool: identity or worker start failure.
    PoolDisabled,
}

impl IncidentKind {
    /// Every kind.
    pub const ALL: [IncidentKind; 9] = [
        IncidentKind::Crash,
        IncidentKind::Hang,
        IncidentKind::RapidFail,
        IncidentKind::Recycle,
        IncidentKind::ShutdownTimeout,
        IncidentKind::QueueFull,
        IncidentKind::Overload,
        IncidentKind::Unexplained,
        IncidentKind::PoolDisabled,
    ];

    /// The name in findings, the dataset and ground truth.
    pub fn name(self) -> &'static str {
        match self {
            IncidentKind::Crash => "crash",
            IncidentKind::Hang => "hang",
            IncidentKind::RapidFail => "rapid_fail",
            IncidentKind::Recycle => "recycle",
            IncidentKind::ShutdownTimeout => "shutdown_timeout",
            IncidentKind::QueueFull => "queue_full",
            IncidentKind::Overload => "overload",
            IncidentKind::Unexplained => "unexplained",
            IncidentKind::PoolDisabled => "pool_disabled",
        }
    }

    /// The kind of a name.
    pub fn from_name(name: &str) -> Option<IncidentKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Order among incidents with as many failed requests: the worst first.
    pub fn severity(self) -> u8 {
        match self {
            IncidentKind::RapidFail => 0,
            IncidentKind::Hang => 1,
            IncidentKind::Crash => 2,
            IncidentKind::ShutdownTimeout => 3,
            IncidentKind::Recycle => 4,
            IncidentKind::Unexplained => 5,
            IncidentKind::QueueFull => 6,
            IncidentKind::Overload => 7,
            IncidentKind::PoolDisabled => 8,
        }
    }

    /// Whether a worker process died in it (its crashes count in crash signatures).
    pub fn is_crash(self) -> bool {
        match self {
            IncidentKind::Crash | IncidentKind::RapidFail => true,
            IncidentKind::Hang
            | IncidentKind::Recycle
            | IncidentKind::ShutdownTimeout
            | IncidentKind::QueueFull
            | IncidentKind::Overload
            | IncidentKind::Unexplained
            | IncidentKind::PoolDisabled => false,
        }
    }
}

impl std::fmt::Display for IncidentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a piece of evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// An event log record.
    Event,
    /// An HTTP.sys error log line.
    Httperr,
    /// A W3C access log line.
    W3c,
}

impl EvidenceSource {
    /// The name in findings and the `incident_evidence` table.
    pub fn name(self) -> &'static str {
        match self {
            EvidenceSource::Event => "event",
            EvidenceSource::Httperr => "httperr",
            EvidenceSource::W3c => "w3c",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for k in IncidentKind::ALL {
            assert_eq!(IncidentKind::from_name(k.name()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
        }
        for s in [
            EvidenceSource::Event,
            EvidenceSource::Httperr,
            EvidenceSource::W3c,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.name())
            );
        }
    }
}
