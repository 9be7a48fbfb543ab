//! `corvid simulate` with `event_forms` and `timezone`: every export form is in the
//! bundle, in its documented shape, with one record per .evtx record and the local
//! times of the zone on both sides of a DST change; the default options write the same
//! bytes as before the forms existed.

use chrono::{DateTime, NaiveDateTime, TimeDelta};
use corvid::domain::source::EventForm;
use corvid::simulate::{self, evtx_writer::Event, scenario::Scenario};
use std::io::Read;
use std::path::Path;

/// Two days around the 2024-03-31 01:00 UTC change of Europe/Berlin (+01:00 → +02:00).
fn berlin() -> Scenario {
    Scenario {
        seed: 5,
        start: "2024-03-30T00:00:00Z".into(),
        days: 2.0,
        requests_per_day: 2000,
        event_log_gap_hours: 0.0,
        event_forms: EventForm::ALL.to_vec(),
        timezone: "Europe/Berlin".into(),
        ..Scenario::default()
    }
}

/// The offset (hours) of Europe/Berlin at a UTC instant of March/April 2024, by hand.
fn berlin_offset(utc: NaiveDateTime) -> i64 {
    let change = DateTime::from_timestamp(1_711_846_800, 0)
        .unwrap()
        .naive_utc(); // 2024-03-31T01:00Z
    if utc < change {
        1
    } else {
        2
    }
}

/// The offset (hours) of America/New_York around its 2024-03-10 07:00 UTC change.
fn new_york_offset(utc: NaiveDateTime) -> i64 {
    let change = DateTime::from_timestamp(1_710_054_000, 0)
        .unwrap()
        .naive_utc(); // 2024-03-10T07:00Z
    if utc < change {
        -5
    } else {
        -4
    }
}

fn utc_of(e: &Event) -> NaiveDateTime {
    let secs = (e.time_created / 10_000_000) as i64 - 11_644_473_600;
    let nanos = (e.time_created % 10_000_000) as u32 * 100;
    DateTime::from_timestamp(secs, nanos).unwrap().naive_utc()
}

fn local_of(e: &Event, offset: fn(NaiveDateTime) -> i64) -> NaiveDateTime {
    let utc = utc_of(e);
    utc + TimeDelta::hours(offset(utc))
}

fn us_long(t: NaiveDateTime) -> String {
    t.format("%-m/%-d/%Y %-I:%M:%S %p").to_string()
}

fn system_time(e: &Event) -> String {
    format!(
        "{}.{:07}Z",
        utc_of(e).format("%Y-%m-%dT%H:%M:%S"),
        e.time_created % 10_000_000
    )
}

/// The members of a zip: name → bytes.
fn members(zip: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut z = ::zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

fn evtx_records(bytes: &[u8]) -> usize {
    let mut p = evtx::EvtxParser::from_buffer(bytes.to_vec()).unwrap();
    p.records().filter(|r| r.is_ok()).count()
}

/// A CSV text into records of cells (quotes honoured, `""` an escaped quote, records
/// ending at CRLF outside quotes).
fn parse_csv(text: &str, sep: char) -> Vec<Vec<String>> {
    let (mut out, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (_, '"') => quoted = !quoted,
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                out.push(std::mem::take(&mut row));
            }
            (false, c) if c == sep => row.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && row.is_empty(),
        "CSV ends with CRLF"
    );
    out
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

/// Every value between `start` and the next `end`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    s.split(start)
        .skip(1)
        .map(|rest| &rest[..rest.find(end).unwrap()])
        .collect()
}

/// What the simulator's event logs hold: the log's events, in time order.
fn logs(sc: &Scenario) -> Vec<(&'static str, Vec<Event>)> {
    let (server, plan) = simulate::prepare(sc).unwrap();
    simulate::event_logs(&server, &plan, sc.seed)
}

#[test]
fn every_form_is_written_in_its_shape_with_local_times_across_dst() {
    let sc = berlin();
    let dir = tempfile::tempdir().unwrap();
    let o = simulate::run(&sc, dir.path()).unwrap();
    assert_eq!(o.truth.event_forms, EventForm::ALL.to_vec());
    assert_eq!(o.truth.timezone, "Europe/Berlin");
    let m = members(&o.bundle);
    assert_eq!(o.truth.written.members as usize, m.len());
    for (log, events) in logs(&sc) {
        let n = evtx_records(&m[&format!("{log}.evtx")]);
        assert_eq!(n, events.len(), "{log}.evtx");
        let offsets: Vec<i64> = events.iter().map(|e| berlin_offset(utc_of(e))).collect();
        assert!(
            offsets.contains(&1) && offsets.contains(&2),
            "{log}: both sides of DST"
        );
        let newest_first: Vec<&Event> = events.iter().rev().collect();
        check_viewer_csv(&m[&format!("EventLogs/{log}.csv")], &newest_first);
        check_viewer_text(&m[&format!("EventLogs/{log}.txt")], &newest_first);
        check_powershell_de(&m[&format!("EventLogs/WEB01-{log}.csv")], &newest_first);
        check_details(log, &m[&format!("EventLogs/{log}-details.txt")], &events);
        check_wevtutil(log, &m[&format!("EventLogs/{log}-wevtutil.txt")], &events);
        check_event_xml(&m[&format!("EventLogs/{log}.xml")], &events);
        if log == "Application" {
            check_app_service(&m["LogFiles/eventlog.xml"], &events);
        }
    }
}

fn check_viewer_csv(bytes: &[u8], events: &[&Event]) {
    let t = text(bytes);
    assert!(t.starts_with("Level,Date and Time,Source,Event ID,Task Category\r\n"));
    let rows = parse_csv(t, ',');
    assert_eq!(rows.len() - 1, events.len());
    for (row, e) in rows[1..].iter().zip(events) {
        assert_eq!(row.len(), 6, "{row:?}");
        assert_eq!(row[1], us_long(local_of(e, berlin_offset)));
        assert_eq!(row[2], e.provider_name);
        assert_eq!(row[3], e.event_id.to_string());
    }
    let first = t.lines().nth(1).unwrap();
    let e = events[0];
    let want = format!(
        "{},{},{},{},",
        ["", "Critical", "Error", "Warning", "Information"][e.level as usize],
        us_long(local_of(e, berlin_offset)),
        e.provider_name,
        e.event_id
    );
    assert!(first.starts_with(&want), "{first}");
}

fn check_viewer_text(bytes: &[u8], events: &[&Event]) {
    let t = text(bytes);
    let lines: Vec<&str> = t.strip_suffix("\r\n").unwrap().split("\r\n").collect();
    assert_eq!(lines.len(), events.len());
    for (l, e) in lines.iter().zip(events) {
        let cells: Vec<&str> = l.split('\t').collect();
        assert_eq!(cells.len(), 6, "{l}");
        let want = local_of(e, berlin_offset).format("%-m/%-d/%Y %-H:%M");
        assert_eq!(cells[1], want.to_string());
        assert_eq!(cells[3], e.event_id.to_string());
    }
}

fn check_powershell_de(bytes: &[u8], events: &[&Event]) {
    let t = text(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("UTF-8 BOM"));
    assert!(t.starts_with(
        "\"LevelDisplayName\";\"TimeCreated\";\"ProviderName\";\"Id\";\"UserId\";\"Message\"\r\n"
    ));
    assert!(t.lines().nth(1).unwrap().starts_with('"'));
    let rows = parse_csv(t, ';');
    assert_eq!(rows.len() - 1, events.len());
    for (row, e) in rows[1..].iter().zip(events) {
        assert_eq!(row.len(), 6, "{row:?}");
        let want = local_of(e, berlin_offset).format("%d.%m.%Y %H:%M:%S");
        assert_eq!(row[1], want.to_string());
    }
}

fn check_details(log: &str, bytes: &[u8], events: &[Event]) {
    let t = text(bytes);
    assert!(t.starts_with(&format!("Log Name:      {log}\r\nSource:        ")));
    assert_eq!(t.matches("Log Name:      ").count(), events.len());
    let dates = between(t, "\r\nDate:          ", "\r\n");
    let want: Vec<String> = events
        .iter()
        .map(|e| us_long(local_of(e, berlin_offset)))
        .collect();
    assert_eq!(dates, want);
    // Every third event, from the first, carries its XML with the UTC time.
    assert_eq!(
        t.matches("\r\nEvent Xml:\r\n").count(),
        events.len().div_ceil(3)
    );
    let xml_times = between(t, "<TimeCreated SystemTime=\"", "\"");
    let want: Vec<String> = events.iter().step_by(3).map(system_time).collect();
    assert_eq!(xml_times, want);
}

fn check_wevtutil(log: &str, bytes: &[u8], events: &[Event]) {
    let t = text(bytes);
    assert!(t.starts_with(&format!("Event[0]:\r\n  Log Name: {log}\r\n  Source: ")));
    assert_eq!(t.matches("\r\n  Log Name: ").count(), events.len());
    let dates = between(t, "\r\n  Date: ", "\r\n");
    let want: Vec<String> = events.iter().map(system_time).collect();
    assert_eq!(dates, want);
    assert!(t.contains(&format!("\r\n\r\nEvent[{}]:\r\n", events.len() - 1)));
}

fn check_event_xml(bytes: &[u8], events: &[Event]) {
    let t = text(bytes);
    let ns = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='";
    assert!(t.starts_with(ns));
    assert_eq!(t.matches(ns).count(), events.len());
    assert_eq!(
        t.matches("<RenderingInfo Culture='en-US'><Message>")
            .count(),
        events.len()
    );
    let times = between(t, "<TimeCreated SystemTime='", "'");
    let want: Vec<String> = events.iter().map(system_time).collect();
    assert_eq!(times, want);
    // Well-formed once given a root (the messages keep their line breaks).
    well_formed(&format!("<Root>{t}</Root>"));
}

fn well_formed(xml: &str) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(depth, 0);
}

fn check_app_service(bytes: &[u8], events: &[Event]) {
    let t = text(bytes);
    assert!(t.starts_with("<Events>\r\n<Event><System><Provider Name=\""));
    assert!(t.ends_with("</Events>\r\n"));
    assert_eq!(t.matches("<Event><System>").count(), events.len());
    assert!(!t.contains("<Data Name="));
    well_formed(t);
    let times = between(t, "<TimeCreated SystemTime=\"", "\"");
    let want: Vec<String> = events
        .iter()
        .map(|e| utc_of(e).format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .collect();
    assert_eq!(times, want);
}

#[test]
fn asp_net_event_time_is_local_and_the_utc_time_utc() {
    let sc = berlin();
    let app = logs(&sc)
        .into_iter()
        .find(|(l, _)| *l == "Application")
        .unwrap()
        .1;
    let asp: Vec<&Event> = app
        .iter()
        .filter(|e| e.provider_name.starts_with("ASP.NET"))
        .collect();
    assert!(!asp.is_empty());
    for e in asp {
        let corvid::simulate::evtx_writer::EventData::Positional { values, .. } = &e.data else {
            panic!("1309 is positional");
        };
        assert_eq!(values[2], us_long(local_of(e, berlin_offset)));
        assert_eq!(values[3], us_long(utc_of(e)));
    }
}

#[test]
fn powershell_csv_of_an_american_zone_is_en_us() {
    let sc = Scenario {
        start: "2024-03-09T00:00:00Z".into(),
        timezone: "America/New_York".into(),
        event_forms: vec![EventForm::PowershellCsv],
        ..berlin()
    };
    let dir = tempfile::tempdir().unwrap();
    let o = simulate::run(&sc, dir.path()).unwrap();
    let m = members(&o.bundle);
    assert!(
        !m.keys().any(|k| k.ends_with(".evtx")),
        "evtx not asked for"
    );
    for (log, events) in logs(&sc) {
        let bytes = &m[&format!("EventLogs/WEB01-{log}.csv")];
        let t = text(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
        assert!(t.starts_with("\"LevelDisplayName\",\"TimeCreated\",\"ProviderName\",\"Id\",\"UserId\",\"Message\"\r\n"));
        let rows = parse_csv(t, ',');
        assert_eq!(rows.len() - 1, events.len());
        let offsets: Vec<i64> = events.iter().map(|e| new_york_offset(utc_of(e))).collect();
        assert!(offsets.contains(&-5) && offsets.contains(&-4));
        for (row, e) in rows[1..].iter().zip(events.iter().rev()) {
            assert_eq!(row[1], us_long(local_of(e, new_york_offset)));
        }
    }
}

/// The members (name, size, CRC-32) and sizes `corvid simulate --seed 5 --days 1
/// --requests-per-day 5000` wrote before event forms and time zones existed (commit
/// a8bf375).
const BEFORE: &[(&str, u64, u32)] = &[
    ("Application.evtx", 69632, 0xed63a98f),
    ("LogFiles/HTTPERR/httperr1.log", 71482, 0xffaf7e89),
    ("LogFiles/W3SVC1/u_ex240304.log", 29661, 0xa4f68e67),
    ("LogFiles/W3SVC2/u_ex240304.log", 545606, 0x239f03f8),
    ("LogFiles/W3SVC3/u_ex240304.log", 364382, 0xdcfdb66f),
    ("LogFiles/W3SVC4/u_ex240304.log", 157120, 0xb0f4c2f9),
    ("LogFiles/W3SVC5/u_ex240304.log", 59891, 0x8e30ed42),
    ("System.evtx", 69632, 0xb2a53dc2),
    ("applicationHost.config", 5569, 0x0333e519),
];

#[test]
fn default_options_write_the_same_bytes_as_before() {
    let sc = Scenario {
        seed: 5,
        days: 1.0,
        requests_per_day: 5000,
        ..Scenario::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let o = simulate::run(&sc, dir.path()).unwrap();
    let mut z = ::zip::ZipArchive::new(std::fs::File::open(&o.bundle).unwrap()).unwrap();
    let got: Vec<(String, u64, u32)> = (0..z.len())
        .map(|i| {
            let f = z.by_index(i).unwrap();
            (f.name().unwrap().to_string(), f.size(), f.crc32())
        })
        .collect();
    let want: Vec<(String, u64, u32)> = BEFORE
        .iter()
        .map(|(n, s, c)| (n.to_string(), *s, *c))
        .collect();
    assert_eq!(got, want);
    let zip = std::fs::read(&o.bundle).unwrap();
    let truth = std::fs::read(&o.truth_file).unwrap();
    assert_eq!((zip.len(), truth.len()), (128_188, 4098));
    assert_eq!(
        xxhash_rust::xxh3::xxh3_64(&zip),
        8_854_906_141_342_703_472,
        "xxh3 of the bundle written before"
    );
    assert!(!text(&truth).contains("event_forms") && !text(&truth).contains("timezone"));
}

#[test]
fn the_command_takes_event_forms_and_a_timezone() {
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_corvid"))
            .args(["simulate", "--days", "1", "--requests-per-day", "500"])
            .args(extra)
            .arg("-o")
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&[
        "--event-forms",
        "viewer_csv,app_service_xml",
        "--timezone",
        "Asia/Kolkata",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: corvid::simulate::truth::Truth = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("ground_truth.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        truth.event_forms,
        [EventForm::ViewerCsv, EventForm::AppServiceXml]
    );
    assert_eq!(truth.timezone, "Asia/Kolkata");
    let names: Vec<String> = members(&dir.path().join(&truth.bundle))
        .into_keys()
        .collect();
    for want in [
        "EventLogs/System.csv",
        "EventLogs/Application.csv",
        "LogFiles/eventlog.xml",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.ends_with(".evtx")));
    let bad = run(&["--timezone", "Mars/Olympus"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Mars/Olympus"));
    let bad = run(&["--event-forms", "evtx,csv"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown event form 'csv'"));
}
