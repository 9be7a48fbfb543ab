//! Why WAS recycled or shut down a worker process (domain.md §3.1, §5.2): the reason, the
//! WAS event that logs it, and the `logEventOnRecycle` flag that makes WAS log it.

named_enum! {
    /// A recycle or shutdown reason.
    pub enum RecycleReason {
        /// `periodicRestart.time` elapsed (WAS 5074).
        Time = "time",
        /// `periodicRestart.requests` reached (5075).
        Requests = "requests",
        /// A `periodicRestart.schedule` time (5076).
        Schedule = "schedule",
        /// `periodicRestart.memory` (virtual) exceeded (5077).
        Memory = "memory",
        /// An ISAPI reported itself unhealthy (5078, W3SVC-WP 2299).
        IsapiUnhealthy = "isapi_unhealthy",
        /// Recycled by an administrator or a script (5079).
        OnDemand = "on_demand",
        /// The pool's configuration changed (5080).
        ConfigChange = "config_change",
        /// The configuration store changed (5081).
        ConfigStore = "config_store",
        /// `periodicRestart.privateMemory` exceeded (5117).
        PrivateMemory = "private_memory",
        /// Idle timeout shut the process down (5186).
        Idle = "idle",
    }
}

impl RecycleReason {
    /// The WAS event that logs it.
    pub const fn was_event(self) -> u16 {
        match self {
            RecycleReason::Time => 5074,
            RecycleReason::Requests => 5075,
            RecycleReason::Schedule => 5076,
            RecycleReason::Memory => 5077,
            RecycleReason::IsapiUnhealthy => 5078,
            RecycleReason::OnDemand => 5079,
            RecycleReason::ConfigChange => 5080,
            RecycleReason::ConfigStore => 5081,
            RecycleReason::PrivateMemory => 5117,
            RecycleReason::Idle => 5186,
        }
    }

    /// The `logEventOnRecycle` flag that makes WAS log it (idle shutdowns are always
    /// logged; a config-store change has no flag of its own).
    pub fn log_flag(self) -> Option<&'static str> {
        Some(match self {
            RecycleReason::Time => "Time",
            RecycleReason::Requests => "Requests",
            RecycleReason::Schedule => "Schedule",
            RecycleReason::Memory => "Memory",
            RecycleReason::IsapiUnhealthy => "IsapiUnhealthy",
            RecycleReason::OnDemand => "OnDemand",
            RecycleReason::ConfigChange => "ConfigChange",
            RecycleReason::PrivateMemory => "PrivateMemory",
            RecycleReason::ConfigStore | RecycleReason::Idle => return None,
        })
    }

    /// Every reason a `logEventOnRecycle` flag stands for, in declaration order.
    pub fn flagged() -> impl Iterator<Item = RecycleReason> {
        Self::ALL.iter().copied().filter(|r| r.log_flag().is_some())
    }

    /// The reason a `logEventOnRecycle` flag stands for.
    pub fn of_log_flag(flag: &str) -> Option<RecycleReason> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.log_flag() == Some(flag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_events_and_flags_round_trip() {
        for &r in RecycleReason::ALL {
            assert_eq!(RecycleReason::from_name(r.name()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.name()));
            if let Some(f) = r.log_flag() {
                assert_eq!(RecycleReason::of_log_flag(f), Some(r));
            }
        }
        let mut ids: Vec<u16> = RecycleReason::ALL.iter().map(|r| r.was_event()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RecycleReason::ALL.len(), "one event per reason");
    }
}
