//! Shared test support: a catalog of realistic events of every kind corvid simulates (WAS,
//! Application Error, WER, .NET Runtime, ASP.NET, IIS-W3SVC-WP, Service Control Manager),
//! parsing a file with the `evtx` crate (checksums validated), and a checker that compares a
//! parsed record's JSON and XML with the event it was written from, field by field.

#![allow(dead_code)]

use corvid::simulate::evtx_writer::{Event, EventData, EvtxWriter};
use evtx::{EvtxParser, ParserSettings};
use serde_json::Value;

pub const WAS_GUID: &str = "{524B5D04-133C-4A62-8362-64E8EDB9CE40}";
pub const W3SVC_WP_GUID: &str = "{670080D9-742A-4187-8D16-41143D1290BD}";
pub const SCM_GUID: &str = "{555908d1-a6d7-4695-8e1e-26931d2012f4}";
pub const APP_ERROR_GUID: &str = "{a0e9b465-b939-57d7-b27d-95d8e925ff57}";
/// Keywords of classic (EventLog API) events.
pub const CLASSIC: u64 = 0x80000000000000;
pub const HOST: &str = "WEB01.contoso.local";

/// FILETIME of a UTC civil time plus `ticks` (100 ns).
pub fn filetime(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, ticks: u64) -> u64 {
    // Days from civil (H. Hinnant), relative to 1970-01-01.
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + h * 3600 + mi * 60 + s + 11_644_473_600;
    secs as u64 * 10_000_000 + ticks
}

/// How Windows (and the evtx crate) render a FILETIME: `YYYY-MM-DDTHH:MM:SS.fffffffZ`.
pub fn render_filetime(ft: u64) -> String {
    let ticks = ft % 10_000_000;
    let secs = (ft / 10_000_000) as i64 - 11_644_473_600;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Civil from days (H. Hinnant).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ticks:07}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn positional(values: &[&str], binary: Option<Vec<u8>>) -> EventData {
    EventData::Positional {
        values: values.iter().map(|v| v.to_string()).collect(),
        binary,
    }
}

pub fn named(fields: &[(&str, &str)], binary: Option<Vec<u8>>) -> EventData {
    EventData::Named {
        fields: fields
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        binary,
    }
}

/// UTF-16LE bytes of `s` plus a NUL (how SCM puts the service key name in `<Binary>`).
pub fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// A WAS event (System channel).
pub fn was(id: u16, qualifiers: u16, level: u8, data: EventData, at: u64) -> Event {
    Event {
        provider_name: "Microsoft-Windows-WAS".into(),
        provider_guid: Some(WAS_GUID.into()),
        event_source_name: Some("WAS".into()),
        event_id: id,
        qualifiers: Some(qualifiers),
        version: Some(0),
        level,
        task: 0,
        opcode: Some(0),
        keywords: CLASSIC,
        time_created: at,
        execution_pid: 0,
        execution_tid: 0,
        channel: "System".into(),
        computer: HOST.into(),
        user_sid: None,
        data,
    }
}

/// A classic Application-channel event (no GUID, Qualifiers, no Version/Opcode).
pub fn classic_app(
    provider: &str,
    id: u16,
    q: u16,
    level: u8,
    task: u16,
    data: EventData,
    at: u64,
) -> Event {
    Event {
        provider_name: provider.into(),
        provider_guid: None,
        event_source_name: None,
        event_id: id,
        qualifiers: Some(q),
        version: None,
        level,
        task,
        opcode: None,
        keywords: CLASSIC,
        time_created: at,
        execution_pid: 0,
        execution_tid: 0,
        channel: "Application".into(),
        computer: HOST.into(),
        user_sid: None,
        data,
    }
}

/// The catalog's first event time: 2024-05-14T09:25:03.0246158Z.
pub fn t0() -> u64 {
    filetime(2024, 5, 14, 9, 25, 3, 246_158)
}

/// Every event kind corvid's simulator writes, with realistic values: `(name, event)`.
pub fn catalog() -> Vec<(&'static str, Event)> {
    let t = t0();
    let sec = 10_000_000u64;
    let pool = "DefaultAppPool";
    let hr = Some(vec![0x6D, 0x00, 0x07, 0x80]);
    let mut v = vec![
        (
            "was_5002",
            was(5002, 49152, 2, positional(&[pool], None), t),
        ),
        (
            "was_5009",
            was(
                5009,
                32768,
                3,
                positional(&[pool, "4528", "0x800703e9"], None),
                t + sec,
            ),
        ),
        (
            "was_5010",
            was(
                5010,
                32768,
                3,
                positional(&[pool, "4528"], None),
                t + 2 * sec,
            ),
        ),
        (
            "was_5011",
            was(
                5011,
                32768,
                3,
                named(&[("AppPoolID", pool), ("ProcessID", "4528")], hr),
                t + 3 * sec,
            ),
        ),
        (
            "was_5012",
            was(
                5012,
                32768,
                3,
                positional(&[pool, "6012"], None),
                t + 4 * sec,
            ),
        ),
        (
            "was_5013",
            was(
                5013,
                32768,
                3,
                positional(&[pool, "6012"], None),
                t + 5 * sec,
            ),
        ),
    ];
    let recycle = ["was_5074", "was_5075", "was_5076", "was_5077", "was_5078"];
    for (i, id) in (5074u16..=5078).enumerate() {
        v.push((
            recycle[i],
            was(
                id,
                16384,
                4,
                positional(&["7420", pool], None),
                t + (6 + i as u64) * sec,
            ),
        ));
    }
    v.extend([
        (
            "was_5079",
            was(5079, 16384, 4, positional(&[pool], None), t + 11 * sec),
        ),
        (
            "was_5080",
            was(5080, 16384, 4, positional(&[pool], None), t + 12 * sec),
        ),
        (
            "was_5081",
            was(5081, 16384, 4, positional(&[pool], None), t + 13 * sec),
        ),
        (
            "was_5117",
            was(5117, 16384, 4, positional(&[pool], None), t + 14 * sec),
        ),
        (
            "was_5139",
            was(
                5139,
                32768,
                3,
                named(
                    &[
                        ("AppPoolID", pool),
                        ("ProcessID", "4528"),
                        ("param3", ""),
                        ("ProtocolID", "http"),
                    ],
                    Some(vec![0x05, 0x00, 0x07, 0x80]),
                ),
                t + 15 * sec,
            ),
        ),
        (
            "was_5186",
            was(
                5186,
                16384,
                4,
                positional(&["7420", pool, "20"], None),
                t + 16 * sec,
            ),
        ),
    ]);

    let app_error_classic = classic_app(
        "Application Error",
        1000,
        0,
        2,
        100,
        positional(
            &[
                "w3wp.exe",
                "8.5.9600.16384",
                "5215df96",
                "clr.dll",
                "4.7.3062.0",
                "5b2873f4",
                "c0000409",
                "000000000006dd27",
                "709c",
                "01d2e5e2ff5dd5cf",
                "c:\\windows\\system32\\inetsrv\\w3wp.exe",
                "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll",
                "6f1c2a5e-5a3d-11e7-80d5-0050568d6f2b",
                "",
                "",
            ],
            None,
        ),
        t + 17 * sec,
    );
    let app_error_named = Event {
        provider_guid: Some(APP_ERROR_GUID.into()),
        version: Some(0),
        opcode: Some(0),
        execution_pid: 9932,
        execution_tid: 10080,
        data: named(
            &[
                ("AppName", "w3wp.exe"),
                ("AppVersion", "10.0.20348.1"),
                ("AppTimeStamp", "9d4fdf35"),
                ("ModuleName", "ntdll.dll"),
                ("ModuleVersion", "10.0.20348.2849"),
                ("ModuleTimeStamp", "2b1d3d6f"),
                ("ExceptionCode", "c0000374"),
                ("FaultingOffset", "0000000000104a59"),
                ("ProcessId", "0x9380"),
                ("ProcessCreationTime", "0x1db2bc6a335d2c0"),
                ("AppPath", "c:\\windows\\system32\\inetsrv\\w3wp.exe"),
                ("ModulePath", "C:\\Windows\\SYSTEM32\\ntdll.dll"),
                ("IntegratorReportId", "3b9f6e8a-41a2-4f0e-9c55-2a1f0d7e6b31"),
                ("PackageFullName", ""),
                ("PackageRelativeAppId", ""),
            ],
            None,
        ),
        ..classic_app(
            "Application Error",
            1000,
            0,
            2,
            100,
            EventData::None,
            t + 18 * sec,
        )
    };
    let wer_appcrash = classic_app(
        "Windows Error Reporting",
        1001,
        0,
        4,
        0,
        positional(
            &[
                "1837451246578139263",
                "4",
                "APPCRASH",
                "Not available",
                "0",
                "w3wp.exe",
                "10.0.20348.1",
                "9d4fdf35",
                "ntdll.dll",
                "10.0.20348.2849",
                "2b1d3d6f",
                "c0000374",
                "0000000000104a59",
                "",
                "",
                "\\\\?\\C:\\ProgramData\\Microsoft\\Windows\\WER\\Temp\\WER5A1C.tmp.mdmp",
                "\\\\?\\C:\\ProgramData\\Microsoft\\Windows\\WER\\ReportArchive\\AppCrash_w3wp.exe_1f2e3d4c",
                "0",
                "3b9f6e8a-41a2-4f0e-9c55-2a1f0d7e6b31",
                "0",
                "8a1d2c3b4e5f60718293a4b5c6d7e8f9",
                "",
                "",
            ],
            None,
        ),
        t + 19 * sec,
    );
    let wer_clr = classic_app(
        "Windows Error Reporting",
        1001,
        0,
        4,
        0,
        positional(
            &[
                "2214637818735467813",
                "5",
                "CLR20r3",
                "Not available",
                "0",
                "w3wp.exe",
                "10.0.17763.1",
                "cd2d9fd6",
                "mscorlib",
                "4.8.4180.0",
                "5e7d1c0d",
                "1a2d",
                "5e",
                "System.NullReferenceException",
                "",
                "",
                "",
                "0",
                "0c8e1d2a-7b3f-4e59-a6d4-91f2e3c4b5a6",
                "4",
                "",
            ],
            None,
        ),
        t + 20 * sec,
    );
    let dotnet = classic_app(
        ".NET Runtime",
        1026,
        0,
        2,
        0,
        positional(
            &[
                "Application: w3wp.exe\nFramework Version: v4.0.30319\nDescription: The process was terminated due to an unhandled exception.\nException Info: System.StackOverflowException\n   at Contoso.Web.Controllers.HomeController.Recurse(Int32)\n   at Contoso.Web.Controllers.HomeController.Recurse(Int32)\n",
            ],
            None,
        ),
        t + 21 * sec,
    );
    let aspnet = classic_app(
        "ASP.NET 4.0.30319.0",
        1309,
        32768,
        3,
        3,
        positional(
            &[
                "3005",
                "An unhandled exception has occurred.",
                "5/14/2024 11:25:25 AM",
                "5/14/2024 9:25:25 AM",
                "8f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "2",
                "1",
                "0",
                "/LM/W3SVC/2/ROOT-1-133601183043291234",
                "Full",
                "/",
                "C:\\inetpub\\contoso\\",
                "WEB01",
                "",
                "7420",
                "w3wp.exe",
                "IIS APPPOOL\\DefaultAppPool",
                "NullReferenceException",
                "Object reference not set to an instance of an object.",
                "https://www.contoso.com/orders/view?id=42&lang=fr",
                "/orders/view",
                "10.1.2.3",
                "",
                "False",
                "",
                "IIS APPPOOL\\DefaultAppPool",
                "14",
                "IIS APPPOOL\\DefaultAppPool",
                "False",
                "   at Contoso.Web.Orders.View(Int32 id)\n   at System.Web.Mvc.ActionMethodDispatcher.Execute(ControllerBase controller, Object[] parameters)",
            ],
            None,
        ),
        t + 22 * sec,
    );
    let wp = |id: u16, q: u16, level: u8, data: EventData, at: u64| Event {
        provider_name: "Microsoft-Windows-IIS-W3SVC-WP".into(),
        provider_guid: Some(W3SVC_WP_GUID.into()),
        event_source_name: Some("W3SVC-WP".into()),
        event_id: id,
        qualifiers: Some(q),
        version: Some(0),
        level,
        task: 0,
        opcode: Some(0),
        keywords: CLASSIC,
        time_created: at,
        execution_pid: 7420,
        execution_tid: 7432,
        channel: "Application".into(),
        computer: HOST.into(),
        user_sid: None,
        data,
    };
    let scm = |id: u16, data: EventData, at: u64| Event {
        provider_name: "Service Control Manager".into(),
        provider_guid: Some(SCM_GUID.into()),
        event_source_name: Some("Service Control Manager".into()),
        event_id: id,
        qualifiers: Some(49152),
        version: Some(0),
        level: 2,
        task: 0,
        opcode: Some(0),
        keywords: 0x8080000000000000,
        time_created: at,
        execution_pid: 668,
        execution_tid: 2716,
        channel: "System".into(),
        computer: HOST.into(),
        user_sid: Some("S-1-5-18".into()),
        data,
    };
    v.extend([
        ("application_error_1000_classic", app_error_classic),
        ("application_error_1000_named", app_error_named),
        ("wer_1001_appcrash", wer_appcrash),
        ("wer_1001_clr20r3", wer_clr),
        ("dotnet_runtime_1026", dotnet),
        ("aspnet_1309", aspnet),
        (
            "w3svc_wp_2269",
            wp(
                2269,
                49152,
                2,
                named(
                    &[("AppPoolId", pool), ("ProcessId", "7420")],
                    Some(vec![0x05, 0x40, 0x07, 0x80]),
                ),
                t + 23 * sec,
            ),
        ),
        (
            "w3svc_wp_2299",
            wp(
                2299,
                32768,
                3,
                named(
                    &[("Reason", "Health check failed: /healthz returned 503")],
                    None,
                ),
                t + 24 * sec,
            ),
        ),
        (
            "scm_7031",
            scm(
                7031,
                named(
                    &[
                        ("param1", "Windows Process Activation Service"),
                        ("param2", "1"),
                        ("param3", "60000"),
                        ("param4", "1"),
                        ("param5", "Restart the service"),
                    ],
                    Some(utf16z("WAS")),
                ),
                t + 25 * sec,
            ),
        ),
        (
            "scm_7034",
            scm(
                7034,
                named(
                    &[
                        ("param1", "World Wide Web Publishing Service"),
                        ("param2", "2"),
                    ],
                    Some(utf16z("W3SVC")),
                ),
                t + 26 * sec,
            ),
        ),
    ]);
    v
}

/// An event with non-ASCII text and XML special characters everywhere a string goes.
pub fn tricky() -> Event {
    Event {
        provider_name: "Prövider & <Co>".into(),
        event_source_name: Some("Sourcé 'src'".into()),
        computer: "SRV-ÄÖÜ-测试".into(),
        user_sid: Some("S-1-5-21-3623811015-3361044348-30300820-1013".into()),
        data: named(
            &[
                ("Ünïcode", "naïve café — 東京 \u{1F600}"),
                ("Xml", "<tag attr=\"v\">a & b</tag> 'apos'"),
                ("Amp", "&amp; &lt; &#233;"),
                ("Empty", ""),
            ],
            Some(vec![0x00, 0xFF, 0x10]),
        ),
        ..classic_app("x", 4242, 0, 4, 7, EventData::None, t0())
    }
}

/// Writes `events` to bytes.
pub fn write(events: &[Event]) -> Vec<u8> {
    let mut w = EvtxWriter::new();
    for e in events {
        w.add(e).expect("record id");
    }
    let mut out = Vec::new();
    w.write_to(&mut out).unwrap();
    out
}

/// A parsed record: its identifier, JSON and XML.
pub struct Parsed {
    pub id: u64,
    pub json: Value,
    pub xml: String,
}

/// Parses `bytes` with the evtx crate, validating all checksums; panics on any error.
pub fn parse(bytes: &[u8]) -> Vec<Parsed> {
    let settings = || {
        ParserSettings::new()
            .validate_checksums(true)
            .num_threads(1)
    };
    let mut p = EvtxParser::from_buffer(bytes.to_vec())
        .unwrap()
        .with_configuration(settings());
    assert!(p.header().validate_checksum(), "file header CRC");
    let json: Vec<_> = p
        .records_json_value()
        .map(|r| r.expect("record parses"))
        .collect();
    let mut p = EvtxParser::from_buffer(bytes.to_vec())
        .unwrap()
        .with_configuration(settings());
    let xml: Vec<_> = p.records().map(|r| r.expect("record parses")).collect();
    assert_eq!(json.len(), xml.len());
    json.into_iter()
        .zip(xml)
        .map(|(j, x)| {
            assert_eq!(j.event_record_id, x.event_record_id);
            Parsed {
                id: j.event_record_id,
                json: j.data,
                xml: x.data,
            }
        })
        .collect()
}

/// Uppercase hex, as `<Binary>` renders.
pub fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Unescapes the five XML entities (enough for the evtx crate's XML output).
pub fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The `<Data ...>` items of an XML record, in order: `(Name, text)`, both unescaped.
pub fn xml_data_items(xml: &str) -> Vec<(Option<String>, String)> {
    let mut items = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<Data") {
        rest = &rest[i + 5..];
        let end = rest.find('>').unwrap();
        let tag = rest[..end].trim();
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/').trim();
        let name = tag
            .strip_prefix("Name=\"")
            .map(|n| xml_unescape(n.strip_suffix('"').unwrap()));
        rest = &rest[end + 1..];
        if self_closing {
            items.push((name, String::new()));
            continue;
        }
        let close = rest.find("</Data>").unwrap();
        items.push((name, xml_unescape(&rest[..close])));
        rest = &rest[close..];
    }
    items
}

/// Asserts a rendered string: the evtx crate renders an empty string as `null` (or leaves an
/// empty attribute out), so empty matches null or missing too.
fn assert_text(got: Option<&Value>, want: &str, what: &str) {
    match got {
        Some(Value::String(s)) => assert_eq!(s, want, "{what}"),
        None | Some(Value::Null) => assert!(want.is_empty(), "{what}: missing, want {want:?}"),
        Some(other) => panic!("{what}: {other} is not a string"),
    }
}

/// Checks every field of a parsed record against the event it was written from.
pub fn check(p: &Parsed, e: &Event, record_id: u64) {
    let ctx = format!("record {record_id} ({} {})", e.provider_name, e.event_id);
    assert_eq!(p.id, record_id, "{ctx}: header record id");
    let ev = &p.json["Event"];
    assert_eq!(
        ev["#attributes"]["xmlns"], "http://schemas.microsoft.com/win/2004/08/events/event",
        "{ctx}"
    );
    let sys = &ev["System"];
    let prov = &sys["Provider"]["#attributes"];
    assert_text(
        prov.get("Name"),
        &e.provider_name,
        &format!("{ctx}: Provider Name"),
    );
    match &e.provider_guid {
        Some(g) => {
            let g = g
                .trim_start_matches('{')
                .trim_end_matches('}')
                .to_lowercase();
            assert_eq!(
                prov["Guid"],
                format!("{{{g}}}").as_str(),
                "{ctx}: Provider Guid"
            );
        }
        None => assert!(prov.get("Guid").is_none(), "{ctx}: no Guid"),
    }
    match &e.event_source_name {
        Some(s) => assert_text(
            prov.get("EventSourceName"),
            s,
            &format!("{ctx}: EventSourceName"),
        ),
        None => assert!(prov.get("EventSourceName").is_none(), "{ctx}"),
    }
    match e.qualifiers {
        Some(q) => {
            assert_eq!(sys["EventID"]["#text"], e.event_id, "{ctx}: EventID");
            assert_eq!(
                sys["EventID"]["#attributes"]["Qualifiers"], q,
                "{ctx}: Qualifiers"
            );
        }
        None => assert_eq!(sys["EventID"], e.event_id, "{ctx}: EventID"),
    }
    match e.version {
        Some(v) => assert_eq!(sys["Version"], v, "{ctx}: Version"),
        None => assert!(sys.get("Version").is_none(), "{ctx}: no Version"),
    }
    assert_eq!(sys["Level"], e.level, "{ctx}: Level");
    assert_eq!(sys["Task"], e.task, "{ctx}: Task");
    match e.opcode {
        Some(v) => assert_eq!(sys["Opcode"], v, "{ctx}: Opcode"),
        None => assert!(sys.get("Opcode").is_none(), "{ctx}: no Opcode"),
    }
    assert_eq!(
        sys["Keywords"],
        format!("0x{:x}", e.keywords).as_str(),
        "{ctx}: Keywords"
    );
    assert_eq!(
        sys["TimeCreated"]["#attributes"]["SystemTime"],
        render_filetime(e.time_created).as_str(),
        "{ctx}: SystemTime"
    );
    assert_eq!(sys["EventRecordID"], record_id, "{ctx}: EventRecordID");
    let exec = &sys["Execution"]["#attributes"];
    assert_eq!(exec["ProcessID"], e.execution_pid, "{ctx}: ProcessID");
    assert_eq!(exec["ThreadID"], e.execution_tid, "{ctx}: ThreadID");
    assert_text(sys.get("Channel"), &e.channel, &format!("{ctx}: Channel"));
    assert_text(
        sys.get("Computer"),
        &e.computer,
        &format!("{ctx}: Computer"),
    );
    match &e.user_sid {
        Some(s) => assert_eq!(
            sys["Security"]["#attributes"]["UserID"],
            s.as_str(),
            "{ctx}: UserID"
        ),
        None => assert!(sys["Security"].is_null(), "{ctx}: empty Security"),
    }

    let data = &ev["EventData"];
    let xml_items = xml_data_items(&p.xml);
    let check_binary = |binary: &Option<Vec<u8>>| match binary {
        Some(b) if !b.is_empty() => {
            assert_eq!(data["Binary"], hex_upper(b).as_str(), "{ctx}: Binary")
        }
        Some(_) => assert!(data["Binary"].is_null(), "{ctx}: empty Binary"),
        None => assert!(data.get("Binary").is_none(), "{ctx}: no Binary"),
    };
    match &e.data {
        EventData::None => {
            assert!(ev.get("EventData").is_none(), "{ctx}: no EventData");
            assert!(xml_items.is_empty());
        }
        EventData::Named { fields, binary } => {
            for (name, value) in fields {
                assert_text(
                    data.get(name.as_str()),
                    value,
                    &format!("{ctx}: Data {name}"),
                );
            }
            let want: Vec<_> = fields
                .iter()
                .map(|(n, v)| (Some(n.clone()), v.clone()))
                .collect();
            assert_eq!(xml_items, want, "{ctx}: XML Data items in order");
            check_binary(binary);
        }
        EventData::Positional { values, binary } => {
            let text = &data["Data"]["#text"];
            match values.len() {
                0 => assert!(data.get("Data").is_none(), "{ctx}"),
                1 => assert_eq!(text, values[0].as_str(), "{ctx}: Data[0]"),
                _ => {
                    let got: Vec<&str> = text
                        .as_array()
                        .unwrap_or_else(|| panic!("{ctx}: Data array in {data}"))
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    let want: Vec<&str> = values.iter().map(String::as_str).collect();
                    assert_eq!(got, want, "{ctx}: Data");
                }
            }
            let want: Vec<_> = values.iter().map(|v| (None, v.clone())).collect();
            assert_eq!(xml_items, want, "{ctx}: XML Data items in order");
            check_binary(binary);
        }
    }
}

/// `n` events cycling through the catalog, each with its own time, thread id and first data
/// value (so shapes repeat and values differ).
pub fn many_events(n: usize) -> Vec<Event> {
    let kinds = catalog();
    (0..n)
        .map(|i| {
            let mut e = kinds[i % kinds.len()].1.clone();
            e.time_created = t0() + i as u64 * 370_001;
            e.execution_tid = i as u32;
            match &mut e.data {
                EventData::Named { fields, .. } => fields[0].1.push_str(&format!("-{i}")),
                EventData::Positional { values, .. } => values[0].push_str(&format!("-{i}")),
                EventData::None => {}
            }
            e
        })
        .collect()
}

/// Little-endian u32 at `at`.
pub fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Little-endian u64 at `at`.
pub fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// The expected.json description of one record, as `tests/interop/python_evtx_check.py` reads it.
#[allow(dead_code)]
pub fn describe(e: &Event, record_id: u64) -> Value {
    let (kind, items, binary) = match &e.data {
        EventData::None => ("none", vec![], None),
        EventData::Named { fields, binary } => (
            "named",
            fields
                .iter()
                .map(|(n, v)| serde_json::json!([n, v]))
                .collect(),
            binary.as_deref(),
        ),
        EventData::Positional { values, binary } => (
            "positional",
            values
                .iter()
                .map(|v| serde_json::json!([null, v]))
                .collect(),
            binary.as_deref(),
        ),
    };
    serde_json::json!({
        "record_id": record_id,
        "provider_name": e.provider_name,
        "provider_guid": e.provider_guid,
        "event_source_name": e.event_source_name,
        "event_id": e.event_id,
        "qualifiers": e.qualifiers,
        "version": e.version,
        "level": e.level,
        "task": e.task,
        "opcode": e.opcode,
        "keywords": e.keywords,
        "time_created": e.time_created,
        "execution_pid": e.execution_pid,
        "execution_tid": e.execution_tid,
        "channel": e.channel,
        "computer": e.computer,
        "user_sid": e.user_sid,
        "data": {"kind": kind, "items": items, "binary": binary.map(hex_upper)},
    })
}
