//! Event logs exported as text, CSV or XML: the real exports of the corpus, every form's
//! reader on real-shaped input (multi-line messages, another culture's delimiter and
//! dates, broken quotes, XML cut in the middle), and local times placed with a given
//! zone, a UTC time in the file, or not at all (said so).

mod common;
use common::*;
use polars::prelude::*;

fn analyze_files(
    files: &[(&str, &[u8])],
    extra: impl FnOnce(&mut corvid::analyze::Options),
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    write_tree(&input, files);
    let out = dir.path().join("out");
    let mut opts = options(&[&input], &out);
    extra(&mut opts);
    corvid::analyze::run(&opts).expect("analyze succeeds");
    (dir, out)
}

/// `df` in time order (`read_table` sorts by file and line; exports are newest first).
fn by_time(df: DataFrame) -> DataFrame {
    df.sort(["time"], SortMultipleOptions::default()).unwrap()
}

fn col_strs(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    (0..df.height()).map(|r| s(df, col, r)).collect()
}

#[test]
fn real_event_viewer_exports_give_the_rapid_fail_of_the_owa_pool() {
    let dir = corpus_dir().join("event-text-dumps/evandhoffman-jblog");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    analyze(&[&dir], &out);

    // Every event of the four files is a row: 8 lines of the tab-separated System
    // export, one Application Error, one WER report, three events in the last file.
    let events = read_table(&out, "events");
    assert_eq!(events.height(), 13, "{events}");
    assert!(col_strs(&events, "time_basis")
        .iter()
        .all(|b| b.as_deref() == Some("unknown")));
    assert!(col_strs(&events, "time_local").iter().all(|t| t.is_some()));
    assert!(col_strs(&events, "message").iter().all(|m| m.is_some()));

    let life = read_table(&out, "lifecycle");
    let was = |id: i64| {
        (0..life.height())
            .filter(|&r| i(&life, "event_id", r) == Some(id))
            .collect::<Vec<_>>()
    };
    assert_eq!(was(5011).len(), 5, "{life}");
    assert_eq!(was(5009).len(), 2);
    assert_eq!(was(5002).len(), 1);
    for r in was(5011).into_iter().chain(was(5009)).chain(was(5002)) {
        assert_eq!(
            s(&life, "app_pool", r).as_deref(),
            Some("MSExchangeOWAAppPool")
        );
    }
    let pids: Vec<i64> = was(5011)
        .iter()
        .filter_map(|&r| i(&life, "pid", r))
        .collect();
    for pid in [13180, 12856, 15328, 11724, 3760] {
        assert!(pids.contains(&pid), "pid {pid} in {pids:?}");
    }
    let r = was(5009)[0];
    assert_eq!(s(&life, "exit_code", r).as_deref(), Some("0x800703e9"));
    let app_errors = was(1000);
    assert_eq!(app_errors.len(), 2);
    for r in app_errors {
        assert_eq!(
            s(&life, "faulting_module", r).as_deref(),
            Some("KERNELBASE.dll")
        );
        assert_eq!(s(&life, "exception_code", r).as_deref(), Some("0xe053534f"));
        // The export left the pid unresolved (`0x%9`): unknown, not made up.
        assert_eq!(i(&life, "pid", r), None);
    }

    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    let incidents = findings["incidents"].as_array().unwrap();
    let rapid: Vec<_> = incidents
        .iter()
        .filter(|i| i["kind"] == "rapid_fail")
        .collect();
    assert_eq!(rapid.len(), 1, "{incidents:#?}");
    let rf = rapid[0];
    assert!(rf["app_pool"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("MSExchangeOWAAppPool"));
    assert!(rf["pids"].as_array().unwrap().len() >= 5, "{rf:#}");
    assert_eq!(rf["cause"]["faulting_module"], "KERNELBASE.dll");
    assert_eq!(rf["time_basis"], "unknown");
    assert!(rf["explanation"]
        .as_str()
        .unwrap()
        .contains("exported in local time"));

    let md = std::fs::read_to_string(out.join("findings.md")).unwrap();
    assert!(md.contains("GUESSED OFFSET"), "{md}");
    assert!(md.contains("offset unknown"));
    let src = read_table(&out, "sources");
    for r in 0..src.height() {
        assert_eq!(s(&src, "kind", r).as_deref(), Some("event_export"));
        assert_eq!(s(&src, "time_basis", r).as_deref(), Some("unknown"));
        assert!(s(&src, "clock", r).unwrap().contains("offset unknown"));
    }
}

const VIEWER_CSV: &str = "Level,Date and Time,Source,Event ID,Task Category\r\n\
Warning,3/4/2024 1:05:09 PM,Microsoft-Windows-WAS,5011,None,\"A process serving application pool 'Shop' suffered a fatal communication error with the Windows Process Activation Service. The process id was '4242'. The data field contains the error number.\"\r\n\
Error,3/4/2024 1:05:02 PM,Application Error,1000,(100),\"Faulting application name: w3wp.exe, version: 10.0.17763.1, time stamp: 0x5c3e3e8a\r\nFaulting module name: clr.dll, version: 4.8.4300.0, time stamp: 0x5e7d1b7c\r\nException code: 0xc00000fd\r\nFault offset: 0x0000000000123abc\r\nFaulting process id: 0x1092\r\nFaulting application start time: 0x01da6e1c2b3c4d5e\r\nFaulting application path: c:\\windows\\system32\\inetsrv\\w3wp.exe\r\nFaulting module path: C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll\r\nReport Id: 0b6a2f3e-1111-2222-3333-444455556666\"\r\n\
Information,3/4/2024 1:00:00 PM,Service Control Manager,7036,None,\"The Windows Update service entered the running state.\"\r\n";

#[test]
fn viewer_csv_with_a_zone_reads_multi_line_messages_and_converts_local_time() {
    let (_d, out) = analyze_files(&[("System.csv", VIEWER_CSV.as_bytes())], |o| {
        o.clock = Some(corvid::time::zone::Clock::from_tz_name("Europe/Berlin").unwrap())
    });
    let events = read_table(&out, "events");
    assert_eq!(events.height(), 3);
    let life = by_time(read_table(&out, "lifecycle"));
    assert_eq!(life.height(), 2, "{life}");
    // The crash, then WAS.
    assert_eq!(i(&life, "event_id", 0), Some(1000));
    assert_eq!(i(&life, "pid", 0), Some(0x1092));
    assert_eq!(s(&life, "exception_code", 0).as_deref(), Some("0xc00000fd"));
    assert_eq!(s(&life, "faulting_module", 0).as_deref(), Some("clr.dll"));
    assert_eq!(i(&life, "event_id", 1), Some(5011));
    assert_eq!(s(&life, "app_pool", 1).as_deref(), Some("Shop"));
    assert_eq!(i(&life, "pid", 1), Some(4242));
    // 13:05:09 in Berlin in March (UTC+01:00) is 12:05:09 UTC.
    assert_eq!(i(&life, "time", 1), Some(t("2024-03-04T12:05:09Z")));
    assert_eq!(s(&life, "time_basis", 1).as_deref(), Some("given"));
    let w = (0..events.height())
        .find(|&r| i(&events, "event_id", r) == Some(5011))
        .unwrap();
    assert_eq!(
        s(&events, "time_local", w).as_deref(),
        Some("3/4/2024 1:05:09 PM")
    );
    assert_eq!(i(&events, "utc_offset_min", w), Some(60));
    assert_eq!(s(&events, "form", w).as_deref(), Some("viewer_csv"));
    assert_eq!(s(&events, "channel", w).as_deref(), Some("System"));
    // The crash and its WAS event are one incident of pool Shop.
    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    let inc = &findings["incidents"][0];
    assert_eq!(inc["kind"], "crash");
    assert!(inc["app_pool"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("Shop"));
    assert!(inc.get("time_basis").is_none() || inc["time_basis"] == "given");
}

#[test]
fn powershell_csv_of_a_german_server_reads_with_its_delimiter_and_dates() {
    let csv = "\u{FEFF}\"LevelDisplayName\";\"TimeCreated\";\"ProviderName\";\"Id\";\"UserId\";\"Message\"\r\n\
\"Fehler\";\"04.03.2024 13:43:00\";\"Microsoft-Windows-WAS\";\"5002\";\"\";\"Application pool 'Shop' is being automatically disabled due to a series of failures in the process(es) serving that application pool.\"\r\n\
\"Warnung\";\"04.03.2024 13:42:10\";\"Microsoft-Windows-WAS\";\"5009\";\"\";\"A process serving application pool 'Shop' terminated unexpectedly. The process id was '77'. The process exit code was '0xc0000005'.\"\r\n";
    let (_d, out) = analyze_files(&[("WEB01-System.csv", csv.as_bytes())], |o| {
        o.clock = Some(corvid::time::zone::Clock::from_offset("+01:00").unwrap())
    });
    let life = by_time(read_table(&out, "lifecycle"));
    assert_eq!(life.height(), 2, "{life}");
    assert_eq!(i(&life, "event_id", 0), Some(5009));
    assert_eq!(i(&life, "time", 0), Some(t("2024-03-04T12:42:10Z")));
    assert_eq!(s(&life, "exit_code", 0).as_deref(), Some("0xc0000005"));
    assert_eq!(s(&life, "kind", 1).as_deref(), Some("disable"));
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "form", 0).as_deref(), Some("powershell_csv"));
    let events = by_time(read_table(&out, "events"));
    assert_eq!(i(&events, "level", 0), Some(3), "Warnung is a warning");
}

#[test]
fn a_broken_quote_costs_its_record_not_the_file() {
    let csv = "Level,Date and Time,Source,Event ID,Task Category\n\
Warning,3/4/2024 1:05:09 PM,Microsoft-Windows-WAS,5010,None,\"A process serving application pool 'A' failed to respond to a ping. The process id was '1'.\"\n\
Warning,3/4/2024 1:06:09 PM,Microsoft-Windows-WAS,5010,None,\"never closed\n\
Warning,3/4/2024 1:07:09 PM,Microsoft-Windows-WAS,5010,None,no quotes here\n\
Warning,3/4/2024 1:08:09 PM,Microsoft-Windows-WAS,x5010,None,bad id\n";
    let (_d, out) = analyze_files(&[("System.csv", csv.as_bytes())], |_| {});
    let errors = read_table(&out, "parse_errors");
    assert_eq!(errors.height(), 2, "{errors}");
    assert_eq!(i(&errors, "source_line", 0), Some(3));
    assert!(s(&errors, "reason", 0)
        .unwrap()
        .contains("quoted value is not closed"));
    assert_eq!(i(&errors, "source_line", 1), Some(5));
    assert!(s(&errors, "reason", 1).unwrap().contains("not a number"));
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "status", 0).as_deref(), Some("partial"));
    // The records before and after the damage are read.
    let events = read_table(&out, "events");
    let lines: Vec<i64> = (0..events.height())
        .filter_map(|r| i(&events, "source_line", r))
        .collect();
    assert_eq!(lines, vec![2, 4], "{events}");
    assert_eq!(i(&read_table(&out, "lifecycle"), "pid", 0), Some(1));
}

const WEVTUTIL_XML: &str = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WAS' Guid='{524B5D04-133C-4A62-8362-64E8EDB9CE40}' EventSourceName='WAS'/><EventID Qualifiers='32768'>5011</EventID><Level>3</Level><Task>0</Task><TimeCreated SystemTime='2021-04-01T09:25:03.024615800Z'/><EventRecordID>77</EventRecordID><Channel>System</Channel><Computer>EX01</Computer></System><EventData><Data Name='AppPoolID'>MSExchangeMapiFrontEndAppPool</Data><Data Name='ProcessID'>4528</Data><Binary>6D000780</Binary></EventData><RenderingInfo Culture='en-US'><Message>A process serving application pool &apos;MSExchangeMapiFrontEndAppPool&apos; suffered a fatal communication error.</Message></RenderingInfo></Event>\r\n<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WAS'/><EventID>5002</EventID><TimeCreated SystemTime='2021-04-01T09:26:00.0Z'/><Channel>System</Channel></System><EventData><Data Name='AppPoolID'>MSExch";

#[test]
fn wevtutil_xml_cut_in_the_middle_keeps_what_is_whole() {
    let (_d, out) = analyze_files(&[("system.xml", WEVTUTIL_XML.as_bytes())], |_| {});
    let life = read_table(&out, "lifecycle");
    assert_eq!(life.height(), 1, "{life}");
    assert_eq!(
        s(&life, "app_pool", 0).as_deref(),
        Some("MSExchangeMapiFrontEndAppPool")
    );
    assert_eq!(i(&life, "pid", 0), Some(4528));
    assert_eq!(i(&life, "time", 0), Some(t("2021-04-01T09:25:03.024615Z")));
    assert_eq!(s(&life, "time_basis", 0).as_deref(), Some("utc"));
    let events = read_table(&out, "events");
    assert_eq!(s(&events, "form", 0).as_deref(), Some("event_xml"));
    assert!(s(&events, "message", 0)
        .unwrap()
        .contains("'MSExchangeMapiFrontEndAppPool'"));
    let errors = read_table(&out, "parse_errors");
    assert_eq!(errors.height(), 1);
    assert!(s(&errors, "reason", 0).unwrap().contains("cut off"));
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "status", 0).as_deref(), Some("partial"));
}

#[test]
fn app_service_eventlog_xml_with_a_time_of_day_only_uses_the_utc_event_time() {
    let data = [
        "3005",
        "An unhandled exception has occurred.",
        "3/3/2014 1:55:57 PM",
        "3/3/2014 9:55:57 PM",
        "6a2c",
        "5",
        "1",
        "0",
        "/LM/W3SVC/1/ROOT-1-130383981519101734",
        "Full",
        "/",
        "D:\\home\\site\\wwwroot\\",
        "RD00155D",
        "",
        "2632",
        "w3wp.exe",
        "IIS APPPOOL\\shop",
        "TimeoutException",
        "The operation has timed out.",
        "https://shop.example/api/pay",
        "/api/pay",
    ];
    let data_xml: String = data.iter().map(|d| format!("<Data>{d}</Data>")).collect();
    let xml = format!(
        "<Events>\r\n<Event><System><Provider Name=\"ASP.NET 4.0.30319.0\"/><EventID>1309</EventID><Level>3</Level><Task>0</Task><Keywords>Keywords</Keywords><TimeCreated SystemTime=\"12:49:19 AM\"/><EventRecordID>1</EventRecordID><Channel>Application</Channel><Computer>RD00155D</Computer><Security/></System><EventData>{data_xml}</EventData></Event>\r\n</Events>"
    );
    let (_d, out) = analyze_files(&[("LogFiles/eventlog.xml", xml.as_bytes())], |_| {});
    let life = read_table(&out, "lifecycle");
    assert_eq!(life.height(), 1, "{life}");
    assert_eq!(s(&life, "kind", 0).as_deref(), Some("request_error"));
    assert_eq!(i(&life, "pid", 0), Some(2632));
    assert_eq!(i(&life, "site_id", 0), Some(1));
    assert_eq!(
        s(&life, "exception_type", 0).as_deref(),
        Some("TimeoutException")
    );
    assert_eq!(i(&life, "time", 0), Some(t("2014-03-03T21:55:57Z")));
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "form", 0).as_deref(), Some("app_service_xml"));
}

#[test]
fn details_text_with_its_event_xml_gives_the_offset() {
    let text = "Log Name:      Application\r\nSource:        Application Error\r\nDate:          6/18/2018 11:24:33 AM\r\nEvent ID:      1000\r\nTask Category: (100)\r\nLevel:         Error\r\nKeywords:      Classic\r\nUser:          N/A\r\nComputer:      WEB7\r\nDescription:\r\nFaulting application name: w3wp.exe, version: 10.0.14393.0, time stamp: 0x57899b8a\r\nFaulting module name: ntdll.dll, version: 10.0.14393.2248, time stamp: 0x5ae3f8e1\r\nException code: 0xc0000374\r\nFault offset: 0x00000000000f8403\r\nFaulting process id: 0x2b3c\r\nFaulting application start time: 0x01d4071c\r\nFaulting application path: c:\\windows\\system32\\inetsrv\\w3wp.exe\r\nFaulting module path: C:\\Windows\\SYSTEM32\\ntdll.dll\r\nReport Id: 1\r\nEvent Xml:\r\n<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\r\n  <System>\r\n    <Provider Name=\"Application Error\" />\r\n    <EventID Qualifiers=\"0\">1000</EventID>\r\n    <TimeCreated SystemTime=\"2018-06-18T18:24:33.7468721Z\" />\r\n    <EventRecordID>5555</EventRecordID>\r\n  </System>\r\n  <EventData>\r\n    <Data>w3wp.exe</Data><Data>10.0.14393.0</Data><Data>57899b8a</Data><Data>ntdll.dll</Data><Data>10.0.14393.2248</Data><Data>5ae3f8e1</Data><Data>c0000374</Data><Data>00000000000f8403</Data><Data>2b3c</Data>\r\n  </EventData>\r\n</Event>\r\n";
    let (_d, out) = analyze_files(&[("crash.txt", text.as_bytes())], |_| {});
    let life = read_table(&out, "lifecycle");
    assert_eq!(life.height(), 1, "{life}");
    assert_eq!(i(&life, "pid", 0), Some(0x2b3c));
    assert_eq!(s(&life, "time_basis", 0).as_deref(), Some("embedded"));
    // 11:24:33 local with the XML's 18:24:33.75Z: UTC-07:00.
    assert_eq!(i(&life, "time", 0), Some(t("2018-06-18T18:24:33Z")));
    let src = read_table(&out, "sources");
    assert!(s(&src, "clock", 0).unwrap().contains("UTC-07:00"), "{src}");
    assert_eq!(i(&read_table(&out, "events"), "record_id", 0), Some(5555));
}

#[test]
fn wevtutil_text_is_utc() {
    let text = "Event[0]:\r\n  Log Name: System\r\n  Source: Microsoft-Windows-WAS\r\n  Date: 2021-12-25T07:33:18.1520000Z\r\n  Event ID: 5010\r\n  Task: N/A\r\n  Level: Warning\r\n  Opcode: Info\r\n  Keyword: Classic\r\n  User: N/A\r\n  User Name: N/A\r\n  Computer: WEB01\r\n  Description: \r\nA process serving application pool 'Intranet' failed to respond to a ping. The process id was '5120'.\r\n\r\n";
    let (_d, out) = analyze_files(&[("sys.txt", text.as_bytes())], |_| {});
    let life = read_table(&out, "lifecycle");
    assert_eq!(life.height(), 1, "{life}");
    assert_eq!(s(&life, "kind", 0).as_deref(), Some("hang"));
    assert_eq!(s(&life, "app_pool", 0).as_deref(), Some("Intranet"));
    assert_eq!(i(&life, "pid", 0), Some(5120));
    assert_eq!(i(&life, "time", 0), Some(t("2021-12-25T07:33:18.152Z")));
    assert_eq!(
        s(&read_table(&out, "sources"), "form", 0).as_deref(),
        Some("wevtutil_text")
    );
}

#[test]
fn an_export_in_another_display_language_keeps_its_messages_and_says_so() {
    let csv = "Level,Date and Time,Source,Event ID,Task Category\r\nWarning,3/4/2024 1:05:09 PM,Microsoft-Windows-WAS,5011,None,\"Ein Prozess für den Anwendungspool 'Shop' hat einen schwerwiegenden Kommunikationsfehler festgestellt. Prozess-ID: '4242'.\"\r\n";
    let (_d, out) = analyze_files(&[("System.csv", csv.as_bytes())], |_| {});
    assert_eq!(read_table(&out, "events").height(), 1);
    let src = read_table(&out, "sources");
    assert!(
        s(&src, "reason", 0).unwrap().contains("did not match"),
        "{src}"
    );
}

/// Damages `text`: cuts, byte flips, and the characters the readers split on.
fn damage(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut t = text.to_vec();
    for _ in 0..1 + rng.below(8) {
        if t.is_empty() {
            break;
        }
        let at = rng.index(t.len());
        match rng.below(6) {
            0 => t.truncate(at),
            1 => t[at] ^= 1 << rng.below(8),
            2 => t.insert(at, b'"'),
            3 => t.insert(at, b'\t'),
            4 => t.insert(at, b'\n'),
            _ => t.splice(at..at, "é%1&nbsp;<Event>".bytes()).for_each(drop),
        }
    }
    t
}

#[test]
fn damaged_exports_of_every_form_never_panic() {
    use corvid::domain::EventForm;
    use corvid::parse::export;
    let dir = tempfile::tempdir().unwrap();
    let forms = "\"viewer_csv\", \"viewer_text\", \"powershell_csv\", \"details_text\", \"wevtutil_text\", \"event_xml\", \"app_service_xml\"";
    let text = format!("seed = 3\ndays = 0.5\nrequests_per_day = 2000\nevent_forms = [{forms}]\ntimezone = \"Europe/Berlin\"\n[rates]\ncrash = 4\nhang = 2\n");
    let p = dir.path().join("s.toml");
    std::fs::write(&p, text).unwrap();
    let sc = corvid::simulate::scenario::Scenario::from_file(&p).unwrap();
    let o = corvid::simulate::run(&sc, &dir.path().join("sim")).unwrap();
    let mut zip = ::zip::ZipArchive::new(std::fs::File::open(&o.bundle).unwrap()).unwrap();
    let mut samples: Vec<Vec<u8>> = vec![
        VIEWER_CSV.as_bytes().to_vec(),
        WEVTUTIL_XML.as_bytes().to_vec(),
    ];
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.starts_with("EventLogs/") || name.ends_with("eventlog.xml") {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut v).unwrap();
            // A few records are enough to damage.
            v.truncate(6000);
            samples.push(v);
        }
    }
    assert!(samples.len() >= 10, "{} samples", samples.len());
    let mut rng = Rng(0x5eed_cafe);
    for round in 0..3000 {
        let sample = &samples[round % samples.len()];
        let bytes = damage(sample, &mut rng);
        let text = String::from_utf8_lossy(&bytes);
        let detected = export::detect::form(&text);
        for form in EventForm::ALL.iter().copied().chain(detected) {
            let mut file = export::read(form, &text, "EventLogs/System.csv");
            file.resolve_dates(None);
        }
    }
}
