//! Classifies a bundle entry by its content (and, for header-less logs, by its path and
//! the shape of its first line): HTTPERR, IIS W3C, EVTX, event log exports (text, CSV,
//! XML: `parse::export::detect`), applicationHost.config, the legacy IIS access log
//! formats (the IIS log format, NCSA, IIS Advanced Logging: read by `parse::legacy`),
//! or other (skipped, with the reason).

use crate::domain::{EventForm, SourceKind};
use crate::parse::utf16::{self, Utf16};
use crate::parse::values::site_id_from_path;
use crate::parse::w3c::{self, is_iis_access_name};
use std::borrow::Cow;

/// Bytes of an entry's head read to classify it.
pub const SNIFF_BYTES: usize = 64 << 10;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// HTTP.sys error log.
    Httperr,
    /// IIS W3C access log.
    W3c,
    /// Windows event log file.
    Evtx,
    /// An event log exported as text or XML, in the form given.
    EventExport(EventForm),
    /// IIS applicationHost.config.
    AppConfig,
    /// The IIS log format ("IIS native": comma-separated, local time).
    IisNative,
    /// NCSA common log (local time with its offset).
    Ncsa,
    /// IIS Advanced Logging module log (W3C framing, quoted values).
    IisAdvanced,
    /// Anything else: skipped.
    Other,
}

impl Kind {
    /// What the manifest calls it.
    pub fn source_kind(self) -> SourceKind {
        match self {
            Kind::Httperr => SourceKind::Httperr,
            Kind::W3c => SourceKind::W3c,
            Kind::Evtx => SourceKind::Evtx,
            Kind::EventExport(_) => SourceKind::EventExport,
            Kind::AppConfig => SourceKind::AppConfig,
            Kind::IisNative => SourceKind::IisNative,
            Kind::Ncsa => SourceKind::Ncsa,
            Kind::IisAdvanced => SourceKind::IisAdvanced,
            Kind::Other => SourceKind::Other,
        }
    }
}

/// The outcome of classification.
#[derive(Debug, Clone)]
pub struct Classified {
    /// What the entry is.
    pub kind: Kind,
    /// Why it is skipped (for kinds that are not read), or how it was recognized.
    pub reason: Option<String>,
    /// The text is UTF-16 and must be transcoded.
    pub utf16: Option<Utf16>,
    /// Site id from a `W3SVC<N>` folder in the path.
    pub site_hint: Option<i64>,
}

fn classified(kind: Kind, reason: Option<String>) -> Classified {
    Classified {
        kind,
        reason,
        utf16: None,
        site_hint: None,
    }
}

/// Classifies an entry from its path in the bundle and the first bytes of its content.
pub fn classify(path: &str, head: &[u8]) -> Classified {
    if head.starts_with(b"ElfFile\0") {
        return classified(Kind::Evtx, None);
    }
    if is_locale_metadata(path) {
        return classified(
            Kind::Other,
            Some("Event Viewer's locale metadata of an exported .evtx (its message strings, `LocaleMetaData/*.MTA`): recognized, not needed (corvid reads the .evtx's data)".into()),
        );
    }
    if head.is_empty() {
        return classified(Kind::Other, Some("empty file".into()));
    }
    let order = utf16::detect(head);
    let text: Cow<'_, str> = match order {
        Some(o) => Cow::Owned(utf16::decode_lossy(head, o)),
        None => String::from_utf8_lossy(head),
    };
    let mut c = match order {
        None if head.contains(&0) => classify_with_nuls(path, &text, head),
        _ => classify_text(path, &text, head, order.is_some()),
    };
    c.utf16 = order;
    if matches!(
        c.kind,
        Kind::W3c | Kind::IisNative | Kind::Ncsa | Kind::IisAdvanced
    ) {
        c.site_hint = site_id_from_path(path);
    }
    c
}

/// `LocaleMetaData/` next to an exported `.evtx`, or one of its `.MTA` files.
fn is_locale_metadata(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".mta") || lower.split('/').any(|c| c == "localemetadata")
}

fn is_binary(head: &[u8], text: &str) -> bool {
    let sample: String = text.chars().take(4096).collect();
    let bad = sample
        .chars()
        .filter(|&c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
        .count();
    head.iter().take(4096).filter(|&&b| b == 0).count() > 0 && bad > 0
        || bad * 10 > sample.chars().count().max(1)
}

/// A head with NUL bytes: binary, unless without them it is an IIS or HTTP.sys log (a
/// log a crash left with a block of NULs: its reader drops them and reports them).
fn classify_with_nuls(path: &str, text: &str, head: &[u8]) -> Classified {
    let bytes: Vec<u8> = head.iter().copied().filter(|&b| b != 0).collect();
    let stripped = text.replace('\0', "");
    let c = classify_text(path, &stripped, &bytes, false);
    if matches!(c.kind, Kind::W3c | Kind::Httperr) {
        return c;
    }
    classify_text(path, text, head, false)
}

fn classify_text(path: &str, text: &str, head: &[u8], was_utf16: bool) -> Classified {
    let text = text.trim_start_matches('\u{FEFF}');
    // Old Mac line ends (CR only): lines as the reader splits them.
    let cr_only;
    let text = if !text.contains('\n') && text.contains('\r') {
        cr_only = text.replace('\r', "\n");
        cr_only.as_str()
    } else {
        text
    };
    if !was_utf16 && is_binary(head, text) {
        return classified(
            Kind::Other,
            Some("binary data of no format corvid reads".into()),
        );
    }
    if let Some(form) = crate::parse::export::detect::form(text) {
        return classified(Kind::EventExport(form), None);
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        if text.contains("<system.applicationHost") || text.contains("\"system.applicationHost\"") {
            return classified(Kind::AppConfig, None);
        }
        return classified(
            Kind::Other,
            Some("XML that is not an applicationHost.config".into()),
        );
    }
    let mut software: Option<&str> = None;
    let mut fields: Option<&str> = None;
    let mut first_data: Option<&str> = None;
    for line in text.lines().take(2000) {
        let line = line.trim_end_matches('\r');
        if let Some(d) = line.strip_prefix('#') {
            let (name, value) = d.split_once(':').unwrap_or((d, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "software" if software.is_none() => software = Some(value.trim()),
                "fields" if fields.is_none() => fields = Some(value.trim()),
                _ => {}
            }
        } else if !line.trim().is_empty() && first_data.is_none() {
            first_data = Some(line);
            if fields.is_some() || software.is_some() {
                break;
            }
        }
        if fields.is_some() && software.is_some() {
            break;
        }
    }
    if software.is_some() || fields.is_some() {
        return classify_w3c_header(software, fields);
    }
    let Some(line) = first_data else {
        return classified(Kind::Other, Some("text without any data line".into()));
    };
    classify_headerless(path, line)
}

fn classify_w3c_header(software: Option<&str>, fields: Option<&str>) -> Classified {
    let names: Vec<&str> = fields
        .map(|f| f.split_whitespace().collect())
        .unwrap_or_default();
    if names.iter().any(|n| n.eq_ignore_ascii_case("x-session")) {
        return classified(Kind::Other, Some(FTP_LOG.into()));
    }
    if software.is_some_and(|sw| sw.starts_with("IIS Advanced Logging"))
        || names.iter().any(|n| is_advanced_logging_name(n))
    {
        return classified(Kind::IisAdvanced, None);
    }
    if let Some(sw) = software {
        if sw.starts_with("Microsoft HTTP API")
            || names.iter().any(|n| n.eq_ignore_ascii_case("s-reason"))
        {
            return classified(Kind::Httperr, None);
        }
        if sw.starts_with("Microsoft Internet Information Serv")
            || sw.starts_with("Microsoft HTTP Server API")
        {
            return classified(Kind::W3c, None);
        }
        return classified(
            Kind::Other,
            Some(format!(
                "W3C-format log written by '{}', not by IIS or HTTP.sys",
                crate::text::truncate(sw, 80)
            )),
        );
    }
    if names.iter().any(|n| n.eq_ignore_ascii_case("s-reason")) {
        return classified(Kind::Httperr, None);
    }
    if names.iter().any(|n| is_iis_access_name(n)) {
        return classified(Kind::W3c, None);
    }
    classified(
        Kind::Other,
        Some("W3C-format log whose #Fields are not IIS fields".into()),
    )
}

/// Field names only IIS Advanced Logging writes.
fn is_advanced_logging_name(name: &str) -> bool {
    ["date-local", "time-local", "TimeTakenMS"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase()
}

/// The reason an IIS FTP service log is not read.
const FTP_LOG: &str = "IIS FTP service log (W3C framing, FTP commands and session ids): recognized, not read (corvid reads the web server's logs)";

/// A line of the IIS FTP service's default layout (date time c-ip cs-username s-ip
/// s-port cs-method cs-uri-stem sc-status sc-win32-status sc-substatus x-session
/// x-fullpath): an FTP command or channel event as the method, a GUID as the session.
fn is_ftp_line(values: &[&str]) -> bool {
    const COMMANDS: &[&str] = &[
        "ControlChannelOpened",
        "ControlChannelClosed",
        "DataChannelOpened",
        "DataChannelClosed",
        "USER",
        "PASS",
        "QUIT",
        "CWD",
        "PWD",
        "LIST",
        "NLST",
        "RETR",
        "STOR",
        "PASV",
        "EPSV",
        "PORT",
        "TYPE",
        "SYST",
        "FEAT",
        "OPTS",
        "MKD",
        "RMD",
        "DELE",
        "SIZE",
        "MDTM",
        "AUTH",
        "PBSZ",
        "PROT",
    ];
    let guid = |v: &str| v.len() == 36 && v.bytes().filter(|&b| b == b'-').count() == 4;
    values.len() == 13 && COMMANDS.contains(&values[6]) && guid(values[11])
}

fn classify_headerless(path: &str, line: &str) -> Classified {
    let parts: Vec<&str> = line.split(", ").collect();
    if parts.len() >= 14
        && parts
            .get(4)
            .is_some_and(|p| p.len() >= 5 && p[..5].eq_ignore_ascii_case("W3SVC"))
    {
        return classified(Kind::IisNative, None);
    }
    if is_ncsa(line) {
        return classified(Kind::Ncsa, None);
    }
    let values: Vec<&str> = line.split(' ').collect();
    if is_ftp_line(&values) {
        return classified(Kind::Other, Some(FTP_LOG.into()));
    }
    let lower = path.to_ascii_lowercase();
    let name = file_name(path);
    let httperr_path = lower.split('/').any(|c| c == "httperr") || name.starts_with("httperr");
    let w3c_path = lower.split('/').any(|c| c.starts_with("w3svc"))
        || name.starts_with("u_ex")
        || name.starts_with("ex");
    let httperr_shape = w3c::looks_like_httperr_line(&values);
    let access_shape = w3c::access_layout_for(&values).is_some();
    if httperr_shape && (httperr_path || !w3c_path) {
        return classified(
            Kind::Httperr,
            Some("no header: HTTP.sys layout inferred from the line's shape".into()),
        );
    }
    if access_shape {
        return classified(
            Kind::W3c,
            Some("no header: IIS layout inferred from the line's shape".into()),
        );
    }
    if httperr_path {
        return classified(
            Kind::Httperr,
            Some("no header and no known layout; placed by its path".into()),
        );
    }
    if w3c_path {
        return classified(
            Kind::W3c,
            Some("no header and no known layout; placed by its path".into()),
        );
    }
    classified(
        Kind::Other,
        Some("text that is not an IIS, HTTP.sys or event log".into()),
    )
}

/// `host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "request" status bytes`.
fn is_ncsa(line: &str) -> bool {
    let Some(open) = line.find(" [") else {
        return false;
    };
    let Some(close) = line[open..].find("] \"") else {
        return false;
    };
    let stamp = &line[open + 2..open + close];
    stamp.len() >= 20
        && stamp.as_bytes()[2] == b'/'
        && stamp.contains(':')
        && line.split(' ').count() >= 7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_names() {
        assert_eq!(
            classify("System.evtx_data", b"ElfFile\0rest").kind,
            Kind::Evtx
        );
        assert_eq!(
            classify(
                "x.txt",
                b"#Software: Microsoft HTTP API 2.0\r\n#Fields: date time s-reason\r\n"
            )
            .kind,
            Kind::Httperr
        );
        assert_eq!(
            classify(
                "a.log",
                b"#Software: Microsoft Internet Information Services 10.0\n#Fields: date time\n"
            )
            .kind,
            Kind::W3c
        );
        assert_eq!(
            classify(
                "a.log",
                b"#Fields: date time cs-uri-stem sc-status\n2020-01-01 00:00:00 / 200\n"
            )
            .kind,
            Kind::W3c
        );
    }

    #[test]
    fn other_w3c_writers_are_skipped_with_their_name() {
        let c = classify("pf.log", b"#Verson: 1.0\r\n#Software: Microsoft Internet Connection Firewall\r\n#Fields: date time action\r\n");
        assert_eq!(c.kind, Kind::Other);
        assert!(c.reason.unwrap().contains("Internet Connection Firewall"));
    }

    #[test]
    fn iis_ftp_logs_are_skipped_for_what_they_are() {
        // Elastic's test-iis-ftp.log: header-less, the FTP service's default layout.
        let line = b"2022-10-05 10:43:56 172.16.1.1 user1 192.168.2.2 21 ControlChannelClosed - - 0 0 8124db49-68d2-461c-a95b-d92ad1e8af15 -\n";
        let with_header = b"#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem sc-status sc-win32-status sc-substatus x-session x-fullpath\r\n";
        for head in [&line[..], &with_header[..]] {
            let c = classify("u_ex221005.log", head);
            assert_eq!(c.kind, Kind::Other);
            assert!(c.reason.unwrap().starts_with("IIS FTP service log"));
        }
    }

    #[test]
    fn legacy_formats_are_recognized() {
        let native = b"192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SERVER, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,\n";
        assert_eq!(classify("in010320.log", native).kind, Kind::IisNative);
        let ncsa = b"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n";
        assert_eq!(classify("nc001010.log", ncsa).kind, Kind::Ncsa);
        let advanced = b"#Software: IIS Advanced Logging Module\r\n\r\n#Fields: date-local time-local s-ip cs-uri-stem sc-status TimeTakenMS\r\n";
        let c = classify("W3SVC3/adv.log", advanced);
        assert_eq!((c.kind, c.site_hint), (Kind::IisAdvanced, Some(3)));
        let unsigned = b"#Fields: date time date-local time-local cs-uri-stem sc-status\r\n";
        assert_eq!(classify("x.log", unsigned).kind, Kind::IisAdvanced);
    }

    #[test]
    fn header_less_logs_by_shape_and_path() {
        let line = b"2018-05-05 05:05:55 149.42.83.135 12345 192.168.101.101 443 HTTP/1.1 GET /x 400 - URL -\n";
        assert_eq!(classify("some/err.log", line).kind, Kind::Httperr);
        let acc = b"2019-03-06 18:43:17 10.0.140.107 GET /health - 80 - 10.0.140.2 - 200 0 0 15\n";
        let c = classify("LogFiles/W3SVC7/u_ex190306.log", acc);
        assert_eq!(c.kind, Kind::W3c);
        assert_eq!(c.site_hint, Some(7));
    }

    #[test]
    fn xml_binary_and_empty() {
        assert_eq!(classify("applicationHost.config", b"<?xml version=\"1.0\"?>\n<configuration>\n<configSections>\n<sectionGroup name=\"system.applicationHost\">").kind, Kind::AppConfig);
        assert_eq!(
            classify(
                "web.config",
                b"<configuration><system.web/></configuration>"
            )
            .kind,
            Kind::Other
        );
        assert_eq!(
            classify("x.log", &[0u8, 1, 2, 3, 0xff, 0xfe, 7, 8, 0, 0, 9]).kind,
            Kind::Other
        );
        assert_eq!(classify("x.log", b"").kind, Kind::Other);
    }

    #[test]
    fn event_log_exports_and_their_locale_metadata() {
        let csv = b"Level,Date and Time,Source,Event ID,Task Category\r\nError,1/1/2024 1:00:00 PM,WAS,5002,None,\"x\"\r\n";
        assert_eq!(
            classify("a.csv", csv).kind,
            Kind::EventExport(EventForm::ViewerCsv)
        );
        let ps =
            "\u{FEFF}\"LevelDisplayName\";\"TimeCreated\";\"ProviderName\";\"Id\";\"Message\"\r\n";
        assert_eq!(
            classify("b.csv", ps.as_bytes()).kind,
            Kind::EventExport(EventForm::PowershellCsv)
        );
        let tab = b"Warning\t1/16/2011 11:43\tMicrosoft-Windows-WAS\t5011\tNone\tA process\r\n";
        assert_eq!(
            classify("c.txt", tab).kind,
            Kind::EventExport(EventForm::ViewerText)
        );
        let xml = b"<Events><Event><System><Provider Name=\"ASP.NET 4.0.30319.0\"/></System></Event></Events>";
        assert_eq!(
            classify("LogFiles/eventlog.xml", xml).kind,
            Kind::EventExport(EventForm::AppServiceXml)
        );
        let mta = classify("EventLogs/LocaleMetaData/System_1033.MTA", &[0, 1, 2, 0xff]);
        assert_eq!(mta.kind, Kind::Other);
        assert!(mta.reason.unwrap().contains("locale metadata"));
        // A W3C log stays a W3C log.
        let w3c = b"#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time cs-method\r\n";
        assert_eq!(classify("u_ex1.log", w3c).kind, Kind::W3c);
    }
}
