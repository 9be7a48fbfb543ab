//! The `lifecycle` table: app-pool and worker-process events normalized out of `events`
//! (domain.md §3, §5).

super::define_table! {
    /// Builder for the `lifecycle` table.
    LifecycleTable, LifecycleRow, Lifecycle, "lifecycle",
    "One row per event that tells what happened to an application pool or a worker process (WAS, IIS-W3SVC-WP, Application Error / WER / .NET Runtime / ASP.NET for w3wp.exe, Service Control Manager for W3SVC and WAS).",
    {
        bundle_id: Str = "Bundle the row comes from.",
        source_file: Str = "Path of the event log (or its export) inside the bundle.",
        record_id: I64 = "EventRecordID of the source event (join to `events`); null in exports without it.",
        source_line: I64 = "Line of the source event in a text or XML export (join to `events`).",
        time: Time = "Event time (UTC).",
        time_basis: Str = "How `time` became UTC (see `events.time_basis`); `inferred` and `unknown` are guesses.",
        computer: Str = "Computer that logged the event.",
        provider: Str = "Provider of the source event.",
        event_id: I32 = "Event id of the source event.",
        kind: Str = "What happened: `crash`, `crash_report`, `unhandled_exception`, `request_error`, `hang`, `startup_timeout`, `shutdown_timeout`, `recycle`, `shutdown`, `disable` (5002 rapid-fail protection, 5021/5057 identity, 5059 start failure: `event_id` tells which), `listener_failure`, `start_failure`, `service_crash`.",
        app_pool: Str = "Application pool, where the event names it.",
        pid: I64 = "Worker process id in decimal (Application Error's hex converted).",
        recycle_reason: Str = "For recycles and shutdowns: `time`, `requests`, `schedule`, `memory`, `private_memory`, `isapi_unhealthy`, `on_demand`, `config_change`, `config_store`, `idle`.",
        exit_code: Str = "Process exit code (WAS 5009) as `0x` + 8 hex digits.",
        exception_code: Str = "Exception code (Application Error, WER) as `0x` + 8 hex digits.",
        faulting_module: Str = "Faulting module name (Application Error, WER APPCRASH P4).",
        exception_type: Str = "Managed exception type (.NET Runtime, ASP.NET, WER CLR20r3 P9).",
        site_id: I64 = "IIS site id where the event names it (ASP.NET app domain `/LM/W3SVC/<N>/...`).",
        process_name: Str = "Process image the event is about (`w3wp.exe`), or the service name for SCM events.",
        detail: Str = "Short extra text: exception message, service name, idle minutes, error number.",
    }
}
