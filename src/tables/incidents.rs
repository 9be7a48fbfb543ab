//! The `incidents` table: what correlation found, one row per incident.

super::define_table! {
    /// Builder for the `incidents` table.
    IncidentsTable, IncidentsRow, Incidents, "incidents",
    "One row per incident correlation found in a bundle (the same incidents as findings.json).",
    {
        bundle_id: Str = "Bundle the incident was found in.",
        incident_id: Str = "Incident id within the bundle (`I1`, `I2` ... in time order).",
        kind: Str = "`crash`, `hang`, `rapid_fail`, `recycle`, `shutdown_timeout`, `queue_full`, `overload`, `unexplained` (`pool_disabled` for identity failures).",
        app_pool: Str = "Application pool.",
        sites: Str = "Site ids, comma-separated.",
        pids: Str = "Worker process ids, comma-separated.",
        start: Time = "First evidence (UTC).",
        end: Time = "Last evidence (UTC).",
        faulting_module: Str = "Faulting module.",
        exception_code: Str = "Exception code (`0xc0000005`).",
        exception_name: Str = "What the code means.",
        exception_type: Str = "Managed exception type.",
        recycle_reason: Str = "Recycle reason.",
        exit_code: Str = "WAS 5009 exit code.",
        abandoned: I64 = "Connections abandoned (Connection_Abandoned_By_ReqQueue).",
        dropped: I64 = "Connections dropped (Connection_Dropped).",
        http_503: I64 = "503s sent by HTTP.sys (all reasons).",
        queue_timeouts: I64 = "Requests timed out in the queue (Timer_AppPool).",
        http_5xx: I64 = "W3C requests with a 5xx status.",
        broken_w3c: I64 = "W3C requests whose connection broke (win32 64, 995, 1236 ...).",
        in_flight_w3c: I64 = "W3C requests (of 5 s or more) in flight when a worker died.",
        failed_requests: I64 = "All failed requests above.",
        event_log_covered: Bool = "For incidents without a lifecycle event: whether the System log covers the time.",
        time_basis: Str = "How the times of its events became UTC, the least sure of them (`inferred`, `unknown`: a local export's offset is a guess, so its joins may be off).",
        explanation: Str = "What happened, in plain language.",
        recommendation: Str = "What to do next.",
    }
}
