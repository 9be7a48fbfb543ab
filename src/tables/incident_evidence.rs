//! The `incident_evidence` table: the records and lines behind each incident.

super::define_table! {
    /// Builder for the `incident_evidence` table.
    IncidentEvidenceTable, IncidentEvidenceRow, IncidentEvidence, "incident_evidence",
    "One row per piece of evidence of an incident: its event records and the first lines of each source, with where to find them.",
    {
        bundle_id: Str = "Bundle.",
        incident_id: Str = "Incident (join to `incidents`).",
        seq: I32 = "Order within the incident.",
        source: Str = "`event`, `httperr` or `w3c`.",
        time: Time = "When (UTC).",
        source_file: Str = "File in the bundle (join to `events`, `httperr`, `requests`).",
        source_line: I64 = "Line number (text logs).",
        record_id: I64 = "EventRecordID (event logs).",
        summary: Str = "What it says.",
    }
}
