//! The `sources` table: the manifest, one row per bundle entry, saying what was read,
//! skipped or failed and why.

super::define_table! {
    /// Builder for the `sources` table.
    SourcesTable, SourcesRow, Sources, "sources",
    "The manifest: one row per entry of the bundle (file, zip member, nested zip member), what it was classified as, what was read from it and what was not.",
    {
        bundle_id: Str = "Bundle id: stable for the same input, so a re-run replaces its own files.",
        bundle: Str = "Name of the input the bundle was read from (zip file or folder).",
        source_file: Str = "Path of the entry inside the bundle (nested zips as `outer.zip/inner.zip/path`).",
        kind: Str = "`httperr`, `w3c`, `evtx`, `event_export`, `appconfig`, `iis_native` (the IIS log format), `ncsa`, `iis_advanced` (IIS Advanced Logging), `archive`, `other`.",
        form: Str = "Event logs: the form (`evtx`, `viewer_csv`, `viewer_text`, `powershell_csv`, `details_text`, `wevtutil_text`, `event_xml`, `app_service_xml`).",
        time_basis: Str = "Event logs and legacy access logs (`iis_native`, `ncsa`, `iis_advanced`): how their times became UTC (`utc`, `given`, `embedded`, `offset`, `inferred`, `unknown`).",
        clock: Str = "Event log exports and legacy access logs in local time: the clock applied and why (the zone or offset, the evidence and score of the best and next-best offsets).",
        status: Str = "`parsed`, `partial` (read with errors), `skipped` or `failed`.",
        reason: Str = "Why it was skipped or failed, or what went wrong while reading.",
        bytes: I64 = "Uncompressed size in bytes.",
        lines: I64 = "Text lines read (text logs).",
        data_lines: I64 = "Lines that became rows.",
        directive_lines: I64 = "`#` directive lines.",
        blank_lines: I64 = "Empty lines.",
        error_lines: I64 = "Lines that went to `parse_errors`.",
        records: I64 = "Event records read (EVTX).",
        record_failures: I64 = "EVTX records or chunks that could not be read.",
        rows: I64 = "Rows written to the entry's main table.",
        first_time: Time = "Earliest timestamp in the entry.",
        last_time: Time = "Latest timestamp in the entry.",
        computer: Str = "Computer named by the entry (event `Computer`, `s-computername`).",
    }
}
