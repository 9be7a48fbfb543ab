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
        /// An event log exported as text or XML (CSV, tab text, details text, wevtutil,
        /// App Service `eventlog.xml`): the `form` column says which.
        EventExport = "event_export",
        /// IIS applicationHost.config.
        AppConfig = "appconfig",
        /// Legacy IIS log format (comma-separated, local time), read into `requests`.
        IisNative = "iis_native",
        /// NCSA common log (local time with its offset), read into `requests`.
        Ncsa = "ncsa",
        /// IIS Advanced Logging module log (W3C framing, quoted values, local and UTC
        /// times), read into `requests`.
        IisAdvanced = "iis_advanced",
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
    /// The form an event log came in: the `.evtx` file itself, or one of the exports
    /// collectors and people make of it (real-bundles.md §1). Every form is read into
    /// the same `events` and `lifecycle` tables; the `form` column says which.
    pub enum EventForm {
        /// The binary event log (`ElfFile`), UTC.
        Evtx = "evtx",
        /// Event Viewer "Save All Events As" CSV (`Level,Date and Time,Source,Event
        /// ID,Task Category`, the message as an extra last value), local time.
        ViewerCsv = "viewer_csv",
        /// Event Viewer "Save As Text (Tab delimited)": the same columns, tab-separated,
        /// no quoting, often without a header; local time.
        ViewerText = "viewer_text",
        /// PowerShell `Get-WinEvent | Export-Csv` (Microsoft's TSS collector), columns by
        /// name, the delimiter of the culture, and TSS's tab-separated `.txt` copy;
        /// local time.
        PowershellCsv = "powershell_csv",
        /// Event Viewer "Copy details as text" blocks (`Log Name:`, `Source:`, `Date:`
        /// ...), local time, sometimes with the Event XML (UTC) after them.
        DetailsText = "details_text",
        /// `wevtutil qe /f:text` blocks (`Event[N]:` then indented fields).
        WevtutilText = "wevtutil_text",
        /// `<Event>` elements: `wevtutil qe /f:xml` (no root) or Event Viewer's "Save as
        /// XML" (`<Events>`), UTC.
        EventXml = "event_xml",
        /// Azure App Service `LogFiles/eventlog.xml`: `<Events>` of namespace-less
        /// `<Event>`s with positional data, UTC.
        AppServiceXml = "app_service_xml",
    }
}

named_enum! {
    /// How an event's UTC time was found.
    pub enum TimeBasis {
        /// The source writes UTC.
        Utc = "utc",
        /// Local time converted with the zone or offset given on the command line.
        Given = "given",
        /// Local time converted with the offset of a UTC time in the same record or file
        /// (embedded Event XML, ASP.NET's UTC event time).
        Embedded = "embedded",
        /// Local time written with its own UTC offset (NCSA `[10/Oct/2000:13:55:36
        /// -0700]`): exact.
        Offset = "offset",
        /// Local time converted with the offset that best aligns the file's events with
        /// the UTC evidence of the bundle (HTTP.sys, W3C, `.evtx`): a guess, with its
        /// score in `sources`.
        Inferred = "inferred",
        /// Local time with no way to know the offset: taken as UTC, so every join on it
        /// may be off by hours.
        Unknown = "unknown",
    }
}

impl TimeBasis {
    /// How unsure times on this basis are: 0 exact, 1 derived from the record itself, 2
    /// inferred, 3 unknown.
    pub const fn doubt(self) -> u8 {
        match self {
            TimeBasis::Utc | TimeBasis::Given | TimeBasis::Offset => 0,
            TimeBasis::Embedded => 1,
            TimeBasis::Inferred => 2,
            TimeBasis::Unknown => 3,
        }
    }

    /// Whether times on this basis are a guess (findings built on them say so).
    pub const fn is_guess(self) -> bool {
        self.doubt() >= 2
    }
}
