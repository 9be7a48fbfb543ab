//! What an entry of a bundle is, as the `sources` manifest names it, and what became of
//! reading it.

named_enum! {
    /// What an entry is.
    pub enum SourceKind {
        /// HTTP.sys error log.
        Httperr = "httperr",
        /// IIS W3C access log.
        W3c = "w3c",
        /// Windows event log file.
        Evtx = "evtx",
        /// IIS applicationHost.config.
        AppConfig = "appconfig",
        /// Legacy IIS native (comma-separated) log: recognized, not parsed.
        IisNative = "iis_native",
        /// NCSA common log: recognized, not parsed.
        Ncsa = "ncsa",
        /// An archive inside the bundle (a nested zip), opened or not.
        Archive = "archive",
        /// Anything else: skipped.
        Other = "other",
    }
}

named_enum! {
    /// What became of reading an entry.
    pub enum ReadStatus {
        /// Read completely.
        Parsed = "parsed",
        /// Read, with errors or cut short: what it held may be missing.
        Partial = "partial",
        /// Not read, on purpose (what it is, a limit).
        Skipped = "skipped",
        /// Could not be read.
        Failed = "failed",
    }
}

named_enum! {
    /// The form an event log is exported in: the binary .evtx, or one of the text, CSV
    /// and XML exports support bundles carry instead (real-bundles.md §1).
    pub enum EventForm {
        /// The binary Windows event log file.
        Evtx = "evtx",
        /// Event Viewer "Save All Events As" CSV.
        ViewerCsv = "viewer_csv",
        /// Event Viewer "Save All Events As" tab-separated text.
        ViewerText = "viewer_text",
        /// `Get-WinEvent | Export-Csv -UseCulture` as Microsoft's TSS collector writes it.
        PowershellCsv = "powershell_csv",
        /// Event Viewer "Copy details as text" blocks.
        DetailsText = "details_text",
        /// `wevtutil qe /f:text` blocks.
        WevtutilText = "wevtutil_text",
        /// `wevtutil qe /f:xml`: a run of rendered `<Event>` elements.
        EventXml = "event_xml",
        /// Azure App Service `LogFiles/eventlog.xml`.
        AppServiceXml = "app_service_xml",
    }
}
