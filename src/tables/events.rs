//! The `events` table: one row per event log record (domain.md §3).

super::define_table! {
    /// Builder for the `events` table.
    EventsTable, EventsRow, Events, "events",
    "One row per record recovered from an .evtx file, whatever its provider.",
    {
        bundle_id: Str = "Bundle the row comes from (see `sources`).",
        source_file: Str = "Path of the .evtx inside the bundle.",
        record_id: I64 = "EventRecordID (per channel, monotonic).",
        time: Time = "TimeCreated/SystemTime (UTC).",
        channel: Str = "Channel (`System`, `Application` ...).",
        provider: Str = "Provider name (`Microsoft-Windows-WAS`).",
        provider_guid: Str = "Provider GUID, if any.",
        source_name: Str = "Legacy event source name (`EventSourceName`, e.g. `WAS`).",
        event_id: I32 = "Event id, 16 bits (qualifiers removed).",
        qualifiers: I32 = "EventID Qualifiers (classic events: 32768 warning, 49152 error, 0).",
        version: I32 = "Event version.",
        level: I32 = "Level: 1 critical, 2 error, 3 warning, 4 information.",
        task: I32 = "Task category.",
        opcode: I32 = "Opcode.",
        keywords: Str = "Keywords as hex.",
        computer: Str = "Computer that logged the event.",
        pid: I64 = "Execution ProcessID (the logging process, not always the subject).",
        tid: I64 = "Execution ThreadID.",
        user_sid: Str = "Security UserID, if any.",
        event_data: Str = "EventData as JSON: an object for named `<Data Name=..>` items (in document order), an array for unnamed ones, `Binary` as hex; UserData as its JSON tree.",
        recovered: Bool = "Carved from unallocated chunk space rather than read from the live record list.",
    }
}
