//! The `httperr` table: one row per HTTP.sys error log line (domain.md §1).

super::define_table! {
    /// Builder for the `httperr` table.
    HttperrTable, HttperrRow, Httperr, "httperr",
    "One row per data line of an HTTP.sys error log (HTTPERR). Times are UTC as HTTP.sys writes them.",
    {
        bundle_id: Str = "Bundle the row comes from (see `sources`).",
        source_file: Str = "Path of the log inside the bundle.",
        source_line: I64 = "1-based line number in that file.",
        time: Time = "When HTTP.sys logged the error (UTC, 1 s resolution).",
        c_ip: Str = "Client IP address, zone id removed.",
        c_ip_zone: Str = "IPv6 zone id of the client address (`%0` → `0`), if any.",
        c_port: I32 = "Client port.",
        s_ip: Str = "Server IP address, zone id removed.",
        s_ip_zone: Str = "IPv6 zone id of the server address, if any.",
        s_port: I32 = "Server port.",
        cs_version: Str = "Protocol version (`HTTP/1.1`, `HTTP/2.0`).",
        cs_method: Str = "HTTP verb.",
        cs_uri: Str = "URL and query as logged (may hold attack strings verbatim).",
        streamid: I64 = "HTTP/2 or HTTP/3 stream id (`streamid`).",
        streamid_ex: Str = "Extended stream id (`streamid_ex`), as logged.",
        sc_status: I32 = "HTTP status sent, if any.",
        site_id: I64 = "IIS site id (`s-siteid`), the N of `W3SVC<N>`.",
        reason: Str = "HTTP.sys reason phrase (`s-reason`), e.g. `Connection_Abandoned_By_ReqQueue`.",
        reason_class: Str = "Class of the reason (domain.md §1.4): `app_pool`, `capacity`, `client`, `protocol`, `benign` or `unknown`.",
        queue: Str = "Request queue (`s-queuename`): the application pool the request was routed to.",
        transport: Str = "Transport (`TCP`, `QUIC`).",
        fault_code: Str = "`fault-code` column of newer builds.",
        extended_fault_code: Str = "`extended-fault-code` column of newer builds.",
        extra: Str = "Fields not listed above, and values that did not fit their column's type, as a JSON object keyed by header name.",
        invalid_fields: Str = "Comma-separated names of fields whose value could not be typed (kept raw in `extra`).",
        utf8_lossy: Bool = "The line held bytes that are not UTF-8; they were replaced by U+FFFD.",
    }
}
