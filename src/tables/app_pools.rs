//! The `app_pools` table: application pools from applicationHost.config, with IIS
//! defaults applied.

super::define_table! {
    /// Builder for the `app_pools` table.
    AppPoolsTable, AppPoolsRow, AppPools, "app_pools",
    "One row per application pool in applicationHost.config; settings not in the file carry the `applicationPoolDefaults` or IIS schema default.",
    {
        bundle_id: Str = "Bundle the row comes from.",
        source_file: Str = "Path of the applicationHost.config inside the bundle.",
        name: Str = "Application pool name (the HTTPERR `s-queuename`).",
        managed_runtime_version: Str = "`managedRuntimeVersion`.",
        pipeline_mode: Str = "`managedPipelineMode`.",
        auto_start: Bool = "`autoStart`.",
        start_mode: Str = "`startMode` (`OnDemand`, `AlwaysRunning`).",
        queue_length: I64 = "`queueLength`: requests HTTP.sys queues before `503 QueueFull`.",
        identity_type: Str = "`processModel.identityType`.",
        idle_timeout_s: I64 = "`processModel.idleTimeout` in seconds (0 = never).",
        idle_timeout_action: Str = "`processModel.idleTimeoutAction`.",
        shutdown_time_limit_s: I64 = "`processModel.shutdownTimeLimit` in seconds.",
        startup_time_limit_s: I64 = "`processModel.startupTimeLimit` in seconds.",
        ping_enabled: Bool = "`processModel.pingingEnabled`.",
        ping_interval_s: I64 = "`processModel.pingInterval` in seconds.",
        ping_response_time_s: I64 = "`processModel.pingResponseTime` in seconds.",
        max_processes: I64 = "`processModel.maxProcesses` (web garden size).",
        disallow_overlapping_rotation: Bool = "`recycling.disallowOverlappingRotation`: the old process stops before the new one starts.",
        disallow_rotation_on_config_change: Bool = "`recycling.disallowRotationOnConfigChange`.",
        log_event_on_recycle: Str = "`recycling.logEventOnRecycle`: which recycle reasons are logged.",
        periodic_restart_time_s: I64 = "`periodicRestart.time` in seconds (0 = off).",
        periodic_restart_requests: I64 = "`periodicRestart.requests` (0 = off).",
        periodic_restart_memory_kb: I64 = "`periodicRestart.memory` in KB (0 = off).",
        periodic_restart_private_memory_kb: I64 = "`periodicRestart.privateMemory` in KB (0 = off).",
        periodic_restart_schedule: Str = "`periodicRestart.schedule` times (`HH:MM:SS`), comma-separated.",
        rapid_fail_protection: Bool = "`failure.rapidFailProtection`.",
        rapid_fail_interval_s: I64 = "`failure.rapidFailProtectionInterval` in seconds.",
        rapid_fail_max_crashes: I64 = "`failure.rapidFailProtectionMaxCrashes`.",
        load_balancer_capabilities: Str = "`failure.loadBalancerCapabilities` (`HttpLevel` answers 503, `TcpLevel` resets).",
    }
}
