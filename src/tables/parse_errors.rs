//! The `parse_errors` table: every line or record that could not become a row.

super::define_table! {
    /// Builder for the `parse_errors` table.
    ParseErrorsTable, ParseErrorsRow, ParseErrors, "parse_errors",
    "One row per input line or record that could not be parsed, with where it was and why, and its raw text.",
    {
        bundle_id: Str = "Bundle the row comes from.",
        source_file: Str = "Path of the file inside the bundle.",
        source_line: I64 = "1-based line number (text logs).",
        record_id: I64 = "Record or chunk number (EVTX), when known.",
        offset: I64 = "Byte offset of the line or chunk in the file.",
        reason: Str = "Why it could not be parsed.",
        raw: Str = "The raw text (lossy UTF-8, cut at 4096 bytes).",
    }
}
