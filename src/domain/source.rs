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
