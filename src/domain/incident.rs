//! What the findings name: the kinds of incident and where their evidence comes from.

named_enum! {
    /// The kind of an incident, and of the lifecycle episode that becomes one. Declared
    /// in the order episodes starting at the same instant are taken in.
    pub enum IncidentKind {
        /// A worker process crashed.
        Crash = "crash",
        /// A worker process stopped answering WAS's pings and was killed.
        Hang = "hang",
        /// Rapid-fail protection disabled the pool after repeated crashes.
        RapidFail = "rapid_fail",
        /// The old worker overran shutdownTimeLimit and was killed.
        ShutdownTimeout = "shutdown_timeout",
        /// A recycle that made requests fail (a recycle episode until then).
        Recycle = "recycle",
        /// The request queue overflowed with no worker process event.
        QueueFull = "queue_full",
        /// Connections dropped under load with no worker process event.
        Overload = "overload",
        /// Requests failed as if the worker went away, and no event explains it.
        Unexplained = "unexplained",
        /// WAS disabled the pool: identity or worker start failure.
        PoolDisabled = "pool_disabled",
    }
}

impl IncidentKind {
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

named_enum! {
    /// Where a piece of evidence comes from.
    pub enum EvidenceSource {
        /// An event log record.
        Event = "event",
        /// An HTTP.sys error log line.
        Httperr = "httperr",
        /// A W3C access log line.
        W3c = "w3c",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for &k in IncidentKind::ALL {
            assert_eq!(IncidentKind::from_name(k.name()), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
            assert_eq!(serde_json::from_str::<IncidentKind>(&json).unwrap(), k);
        }
        assert!(serde_json::from_str::<IncidentKind>("\"meltdown\"").is_err());
        assert_eq!(EvidenceSource::ALL.len(), 3);
        assert_eq!(
            serde_json::to_string(&EvidenceSource::W3c).unwrap(),
            "\"w3c\""
        );
    }
}
