//! Why WAS recycled or shut down a worker process (domain.md §3.1, §5.2): the reason, the
//! WAS event that logs it, and the `logEventOnRecycle` flag that makes WAS log it.

use serde::{Deserialize, Serialize};

/// A recycle or shutdown reason. Serialized as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecycleReason {
    /// `periodicRestart.time` elapsed (WAS 5074).
    Time,
    /// `periodicRestart.requests` reached (5075).
    Requests,
    /// A `periodicRestart.schedule` time (5076).
    Schedule,
    /// `periodicRestart.memory` (virtual) exceeded (5077).
    Memory,
    /// An ISAPI reported itself unhealthy (5078, W3SVC-WP 2299).
    IsapiUnhealthy,
    /// Recycled by an administrator or a script (5079).
    OnDemand,
    /// The pool's configuration changed (5080).
    ConfigChange,
    /// The configuration store changed (5081).
    ConfigStore,
    /// `periodicRestart.privateMemory` exceeded (5117).
    PrivateMemory,
    /// Idle timeout shut the process down (5186).
    Idle,
}

impl RecycleReason {
    /// Every reason.
    pub const ALL: [RecycleReason; 10] = [
        RecycleReason::Time,
        RecycleReason::Requests,
        RecycleReason::Schedule,
        RecycleReason::Memory,
        RecycleReason::IsapiUnhealthy,
        RecycleReason::OnDemand,
        RecycleReason::ConfigChange,
        RecycleReason::ConfigStore,
        RecycleReason::PrivateMemory,
        RecycleReason::Idle,
    ];

    /// The name in the `lifecycle` table and findings.
    pub fn name(self) -> &'static str {
        match self {
            RecycleReason::Time => "time",
            RecycleReason::Requests => "requests",
            RecycleReason::Schedule => "schedule",
            RecycleReason::Memory => "memory",
            RecycleReason::IsapiUnhealthy => "isapi_unhealthy",
            RecycleReason::OnDemand => "on_demand",
            RecycleReason::ConfigChange => "config_change",
            RecycleReason::ConfigStore => "config_store",
            RecycleReason::PrivateMemory => "private_memory",
            RecycleReason::Idle => "idle",
        }
    }

    /// The reason of a name (scenario files, ground truth).
    pub fn from_name(name: &str) -> Option<RecycleReason> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

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

    /// The reason a `logEventOnRecycle` flag stands for.
    pub fn of_log_flag(flag: &str) -> Option<RecycleReason> {
        Self::ALL.into_iter().find(|r| r.log_flag() == Some(flag))
    }
}

impl std::fmt::Display for RecycleReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_events_and_flags_round_trip() {
        for r in RecycleReason::ALL {
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
