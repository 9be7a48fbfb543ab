//! The `events` table: one row per event log record (domain.md §3).

super::define_table! {
    /// Builder for the `events` table.
    EventsTable, EventsRow, Events, "events",
    "One row per event record, whatever its provider, read from an .evtx file or an export of one (CSV, text, XML: `form` says which).",
    {
        bundle_id: Str = "Bundle the row comes from (see `sources`).",
        source_file: Str = "Path of the event log (or its export) inside the bundle.",
        record_id: I64 = "EventRecordID (per channel, monotonic); null in exports that do not carry it.",
        source_line: I64 = "Line where the record starts, in text and XML exports.",
        time: Time = "Event time (UTC): TimeCreated/SystemTime, or the export's local time converted as `time_basis` says.",
        form: Str = "What the event was read from: `evtx`, `viewer_csv`, `viewer_text`, `powershell_csv`, `details_text`, `wevtutil_text`, `event_xml`, `app_service_xml`.",
        time_basis: Str = "How `time` became UTC: `utc` (the source writes UTC), `given` (--tz / --utc-offset), `embedded` (a UTC time in the same file), `offset` (the local time carries its own offset: NCSA), `inferred` (aligned with the bundle's UTC evidence: a guess), `unknown` (local time taken as UTC).",
        time_local: Str = "The time as the export wrote it (local time, the server's locale), kept raw.",
        utc_offset_min: I32 = "Offset applied to `time_local`, minutes east of UTC (DST-aware with --tz).",
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
        event_data: Str = "EventData as JSON: an object for named `<Data Name=..>` items (in document order), an array for unnamed ones, `Binary` as hex; UserData as its JSON tree. In text exports, the insertion strings read back from the message with the event's template.",
        message: Str = "The rendered message, as text exports and XML `RenderingInfo` carry it (an .evtx does not).",
        recovered: Bool = "Carved from unallocated chunk space rather than read from the live record list.",
        duplicate: Bool = "The same event was also read from another source of the bundle (an .evtx and its export): count it once, `WHERE NOT duplicate`.",
    }
}
