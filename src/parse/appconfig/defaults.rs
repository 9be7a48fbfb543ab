//! IIS schema defaults for application pools and sites, with the documentation page
//! each value comes from (MicrosoftDocs/iis-docs, `iis/configuration/system.applicationHost/...`).

use crate::parse::appconfig::model::AppPool;

/// Pool used by an application when nothing names one (`applicationDefaults` unset).
pub const DEFAULT_APP_POOL: &str = "DefaultAppPool";

/// `add/@autoStart` — `applicationPools/add/index.md`.
pub const AUTO_START: bool = true;
/// `add/@startMode` — `applicationPools/add/index.md`.
pub const START_MODE: &str = "OnDemand";
/// `add/@queueLength` — `applicationPools/add/index.md`.
pub const QUEUE_LENGTH: u32 = 1000;
/// `add/@managedPipelineMode` (reported only as configured) — `applicationPools/add/index.md`.
pub const MANAGED_PIPELINE_MODE: &str = "Integrated";
/// `processModel/@identityType` since IIS 7.5 (reported only as configured) —
/// `applicationPools/add/processModel.md`.
pub const IDENTITY_TYPE: &str = "ApplicationPoolIdentity";

/// `processModel/@idleTimeout` `00:20:00` — `applicationPools/add/processModel.md`.
pub const IDLE_TIMEOUT_S: u64 = 20 * 60;
/// `processModel/@idleTimeoutAction` — `applicationPools/add/processModel.md`.
pub const IDLE_TIMEOUT_ACTION: &str = "Terminate";
/// `processModel/@shutdownTimeLimit` `00:01:30` — `applicationPools/add/processModel.md`.
pub const SHUTDOWN_TIME_LIMIT_S: u64 = 90;
/// `processModel/@startupTimeLimit` `00:01:30` — `applicationPools/add/processModel.md`.
pub const STARTUP_TIME_LIMIT_S: u64 = 90;
/// `processModel/@pingingEnabled` — `applicationPools/add/processModel.md`.
pub const PINGING_ENABLED: bool = true;
/// `processModel/@pingInterval` `00:00:30` — `applicationPools/add/processModel.md`.
pub const PING_INTERVAL_S: u64 = 30;
/// `processModel/@pingResponseTime` `00:01:30` — `applicationPools/add/processModel.md`.
pub const PING_RESPONSE_TIME_S: u64 = 90;
/// `processModel/@maxProcesses` — `applicationPools/add/processModel.md`.
pub const MAX_PROCESSES: u32 = 1;

/// `recycling/@disallowOverlappingRotation` — `applicationPools/add/recycling/index.md`.
pub const DISALLOW_OVERLAPPING_ROTATION: bool = false;
/// `recycling/@disallowRotationOnConfigChange` — `applicationPools/add/recycling/index.md`.
pub const DISALLOW_ROTATION_ON_CONFIG_CHANGE: bool = false;
/// `recycling/@logEventOnRecycle` for IIS 10 and later (before IIS 10:
/// `Time, Memory, PrivateMemory`) — `applicationPools/add/recycling/index.md`.
pub const LOG_EVENT_ON_RECYCLE: &str =
    "Time, Requests, Schedule, Memory, IsapiUnhealthy, OnDemand, ConfigChange, PrivateMemory";
/// `periodicRestart/@time` `29:00:00` (stored as `1.05:00:00`) —
/// `applicationPools/add/recycling/periodicRestart/index.md`.
pub const PERIODIC_RESTART_TIME_S: u64 = 29 * 3600;
/// `periodicRestart/@requests` (0 = off) — `.../periodicRestart/index.md`.
pub const PERIODIC_RESTART_REQUESTS: u64 = 0;
/// `periodicRestart/@memory` in KB (0 = off) — `.../periodicRestart/index.md`.
pub const PERIODIC_RESTART_MEMORY_KB: u64 = 0;
/// `periodicRestart/@privateMemory` in KB (0 = off) — `.../periodicRestart/index.md`.
pub const PERIODIC_RESTART_PRIVATE_MEMORY_KB: u64 = 0;

/// `failure/@rapidFailProtection` — `applicationPools/add/failure.md`.
pub const RAPID_FAIL_PROTECTION: bool = true;
/// `failure/@rapidFailProtectionInterval` `00:05:00` — `applicationPools/add/failure.md`.
pub const RAPID_FAIL_PROTECTION_INTERVAL_S: u64 = 5 * 60;
/// `failure/@rapidFailProtectionMaxCrashes` — `applicationPools/add/failure.md`.
pub const RAPID_FAIL_PROTECTION_MAX_CRASHES: u32 = 5;
/// `failure/@loadBalancerCapabilities` — `applicationPools/add/failure.md`.
pub const LOAD_BALANCER_CAPABILITIES: &str = "HttpLevel";

impl AppPool {
    /// A pool named `name` with every field at its IIS schema default and the
    /// optional (version-dependent) fields unset.
    pub fn schema_default(name: impl Into<String>) -> AppPool {
        AppPool {
            name: name.into(),
            managed_runtime_version: None,
            pipeline_mode: None,
            auto_start: AUTO_START,
            start_mode: START_MODE.to_string(),
            queue_length: QUEUE_LENGTH,
            identity_type: None,
            idle_timeout_s: IDLE_TIMEOUT_S,
            idle_timeout_action: IDLE_TIMEOUT_ACTION.to_string(),
            shutdown_time_limit_s: SHUTDOWN_TIME_LIMIT_S,
            startup_time_limit_s: STARTUP_TIME_LIMIT_S,
            ping_enabled: PINGING_ENABLED,
            ping_interval_s: PING_INTERVAL_S,
            ping_response_time_s: PING_RESPONSE_TIME_S,
            max_processes: MAX_PROCESSES,
            disallow_overlapping_rotation: DISALLOW_OVERLAPPING_ROTATION,
            disallow_rotation_on_config_change: DISALLOW_ROTATION_ON_CONFIG_CHANGE,
            log_event_on_recycle: LOG_EVENT_ON_RECYCLE.to_string(),
            periodic_restart_time_s: PERIODIC_RESTART_TIME_S,
            periodic_restart_requests: PERIODIC_RESTART_REQUESTS,
            periodic_restart_memory_kb: PERIODIC_RESTART_MEMORY_KB,
            periodic_restart_private_memory_kb: PERIODIC_RESTART_PRIVATE_MEMORY_KB,
            periodic_restart_schedule: Vec::new(),
            rapid_fail_protection: RAPID_FAIL_PROTECTION,
            rapid_fail_protection_interval_s: RAPID_FAIL_PROTECTION_INTERVAL_S,
            rapid_fail_protection_max_crashes: RAPID_FAIL_PROTECTION_MAX_CRASHES,
            load_balancer_capabilities: LOAD_BALANCER_CAPABILITIES.to_string(),
        }
    }
}
