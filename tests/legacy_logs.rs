//! The legacy IIS access log formats read into `requests` line for line (issue 17 item
//! 5): the IIS log format ("IIS native") from the real corpus samples, NCSA common log
//! lines as Microsoft and Apache document them, and IIS Advanced Logging from lnav's
//! real sample. Every data line is a row or a parse error naming its file and line;
//! parsed values equal what the lines say; local times are converted with `--tz` /
//! `--utc-offset` (or taken as UTC and said to be), NCSA's own offset exactly, and
//! each row says how (`time_basis`, `time_local`, `utc_offset_min`).

mod common;
use common::*;
use corvid::analyze::{self, BundleReport};
use corvid::time::zone::Clock;
use polars::prelude::*;
use std::path::Path;

/// Runs `analyze` on `inputs` with the server's clock `clock` (as `--tz` / `--utc-offset`).
fn analyze_with(inputs: &[&Path], out: &Path, clock: Option<Clock>) -> Vec<BundleReport> {
    let mut o = options(inputs, out);
    o.clock = clock;
    analyze::run(&o).expect("analyze succeeds")
}

fn new_york() -> Option<Clock> {
    Some(Clock::from_tz_name("America/New_York").unwrap())
}

/// Lines of `bytes` that hold data: not blank, not a `#` directive.
fn data_lines(bytes: &[u8]) -> usize {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

/// The rows of `table` from the file whose path ends with `name`.
fn of_file(out: &Path, table: &str, name: &str) -> DataFrame {
    let df = read_table(out, table);
    if df.height() == 0 {
        return df;
    }
    let keep: Vec<bool> = (0..df.height())
        .map(|r| s(&df, "source_file", r).is_some_and(|v| v.ends_with(name)))
        .collect();
    df.filter(&BooleanChunked::from_slice("keep".into(), &keep))
        .unwrap()
}

/// Rows + parse errors of `name` equal its data lines, and the manifest agrees; the
/// (rows, errors) counts.
fn accounted(out: &Path, name: &str, bytes: &[u8]) -> (usize, usize) {
    let rows = of_file(out, "requests", name).height();
    let errors = of_file(out, "parse_errors", name);
    for r in 0..errors.height() {
        assert!(
            i(&errors, "source_line", r).is_some(),
            "{name}: an error names its line"
        );
    }
    assert_eq!(
        rows + errors.height(),
        data_lines(bytes),
        "{name}: every data line is a row or an error"
    );
    let src = of_file(out, "sources", name);
    assert_eq!(src.height(), 1, "{name} is in the manifest once");
    assert_eq!(i(&src, "data_lines", 0), Some(rows as i64));
    assert_eq!(i(&src, "error_lines", 0), Some(errors.height() as i64));
    (rows, errors.height())
}

/// The row of `df` at source line `line`.
fn line(df: &DataFrame, line: i64) -> usize {
    (0..df.height())
        .find(|&r| i(df, "source_line", r) == Some(line))
        .unwrap_or_else(|| panic!("no row for line {line}: {df}"))
}

#[test]
fn iis_log_format_corpus_samples_read_line_for_line_with_tz() {
    let corpus = corpus_dir();
    let files = [
        "brianary-scripts/ex010320.log",
        "logjoint-extracted/IIS7_Test_native_iis_format.log",
        "logjoint-extracted/IIS_SmokeTest_native_iis_format.log",
    ];
    let paths: Vec<_> = files.iter().map(|f| corpus.join(f)).collect();
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze_with(&refs, &out, new_york());
    let mut counts = Vec::new();
    for (f, p) in files.iter().zip(&paths) {
        let name = f.rsplit('/').next().unwrap();
        counts.push(accounted(&out, name, &std::fs::read(p).unwrap()));
        let src = of_file(&out, "sources", name);
        assert_eq!(s(&src, "kind", 0).as_deref(), Some("iis_native"));
        assert_eq!(s(&src, "status", 0).as_deref(), Some("parsed"));
        assert_eq!(s(&src, "time_basis", 0).as_deref(), Some("given"));
        assert!(s(&src, "clock", 0).unwrap().contains("America/New_York"));
    }
    assert_eq!(counts, [(2, 0), (4, 0), (6, 0)]);

    // Microsoft's own example line: 7:55:20 on 20 March 2001, EST (UTC-5).
    let r = of_file(&out, "requests", "ex010320.log");
    let k = line(&r, 1);
    assert_eq!(s(&r, "c_ip", k).as_deref(), Some("192.168.114.201"));
    assert_eq!(s(&r, "cs_username", k), None);
    assert_eq!(i(&r, "time", k), Some(t("2001-03-20T12:55:20Z")));
    assert_eq!(i(&r, "start_time", k), Some(t("2001-03-20T12:55:15.498Z")));
    assert_eq!(s(&r, "time_local", k).as_deref(), Some("03/20/01 7:55:20"));
    assert_eq!(i(&r, "utc_offset_min", k), Some(-300));
    assert_eq!(s(&r, "time_basis", k).as_deref(), Some("given"));
    assert_eq!(
        (s(&r, "site_name", k).as_deref(), i(&r, "site_id", k)),
        (Some("W3SVC2"), Some(2))
    );
    assert_eq!(s(&r, "s_computername", k).as_deref(), Some("SERVER"));
    assert_eq!(s(&r, "s_ip", k).as_deref(), Some("172.21.13.45"));
    assert_eq!(i(&r, "time_taken_ms", k), Some(4502));
    assert_eq!(i(&r, "cs_bytes", k), Some(163));
    assert_eq!(i(&r, "sc_bytes", k), Some(3223));
    assert_eq!(i(&r, "sc_status", k), Some(200));
    assert_eq!(i(&r, "sc_win32_status", k), Some(0));
    assert_eq!(s(&r, "cs_method", k).as_deref(), Some("GET"));
    assert_eq!(s(&r, "cs_uri_stem", k).as_deref(), Some("/DeptLogo.gif"));
    assert_eq!(s(&r, "cs_uri_query", k), None);

    // June: EDT (UTC-4); an HRESULT win32 status; a user name with a space.
    let r = of_file(&out, "requests", "IIS_SmokeTest_native_iis_format.log");
    let k = line(&r, 3);
    assert_eq!(i(&r, "time", k), Some(t("2009-06-10T14:11:59Z")));
    assert_eq!(i(&r, "utc_offset_min", k), Some(-240));
    assert_eq!(
        (i(&r, "sc_status", k), i(&r, "sc_win32_status", k)),
        (Some(401), Some(2148074254))
    );
    assert_eq!(i(&r, "site_id", line(&r, 3)), Some(1893743816));
    let k = line(&r, 5);
    assert_eq!(
        s(&r, "cs_username", k).as_deref(),
        Some(r"NT AUTHORITY\LOCAL SERVICE")
    );
    assert_eq!(
        (i(&r, "time_taken_ms", k), i(&r, "sc_bytes", k)),
        (Some(46), Some(336))
    );
    let k = line(&r, 6);
    assert_eq!(s(&r, "cs_method", k).as_deref(), Some("POST"));
    assert_eq!(
        s(&r, "cs_uri_stem", k).as_deref(),
        Some("/_vti_bin/sitedata.asmx")
    );

    // IPv6 loopback addresses.
    let r = of_file(&out, "requests", "IIS7_Test_native_iis_format.log");
    let k = line(&r, 2);
    assert_eq!(
        (s(&r, "c_ip", k).as_deref(), s(&r, "s_ip", k).as_deref()),
        (Some("::1"), Some("::1"))
    );
    assert_eq!(
        (i(&r, "sc_bytes", k), s(&r, "cs_uri_stem", k).as_deref()),
        (Some(185196), Some("/welcome.png"))
    );
    let k = line(&r, 3);
    assert_eq!(
        (i(&r, "sc_status", k), i(&r, "sc_win32_status", k)),
        (Some(404), Some(2))
    );
    assert_eq!(i(&r, "time", k), Some(t("2013-02-23T17:12:46Z")));
}

/// Lines in the IIS log format (the layout of Microsoft's "IIS Log File Format (IIS
/// 6.0)"), a winter morning on a New York server, and a broken line.
const NATIVE: &str = concat!(
    "10.0.0.7, CONTOSO\\ann, 1/15/2024, 10:00:00, W3SVC3, WEB01, 10.0.0.2, 31000, 512, 0, 503, 64, POST, /api/orders, id=7, \r\n",
    "10.0.0.8, -, 1/15/2024, 10:00:01, W3SVC3, WEB01, 10.0.0.2, 12, 400, 5120, 200, 0, GET, /a,b.htm, q=1,2,\r\n",
    "\r\n",
    "10.0.0.9, -, 13/15/2024, 10:00:02, W3SVC3, WEB01, 10.0.0.2, 12, 400, 5120, 200, 0, GET, /bad-date, -,\r\n",
    "10.0.0.9, -, 1/15/2024\r\n",
);

#[test]
fn local_time_converted_with_tz_or_offset_or_said_to_be_utc() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    write_tree(
        &input,
        &[("LogFiles/W3SVC3/in240115.log", NATIVE.as_bytes())],
    );
    let cases = [
        (new_york(), "2024-01-15T15:00:00Z", "given", Some(-300)),
        (
            Some(Clock::from_offset("-05:00").unwrap()),
            "2024-01-15T15:00:00Z",
            "given",
            Some(-300),
        ),
        (None, "2024-01-15T10:00:00Z", "unknown", Some(0)),
    ];
    for (n, (clock, utc, basis, offset)) in cases.into_iter().enumerate() {
        let out = dir.path().join(format!("out{n}"));
        analyze_with(&[&input], &out, clock);
        assert_eq!(accounted(&out, "in240115.log", NATIVE.as_bytes()), (2, 2));
        let r = read_table(&out, "requests");
        assert_eq!(i(&r, "time", 0), Some(t(utc)), "{basis}");
        assert_eq!(s(&r, "time_basis", 0).as_deref(), Some(basis));
        assert_eq!(i(&r, "utc_offset_min", 0), offset);
        assert_eq!(
            s(&r, "time_local", 0).as_deref(),
            Some("1/15/2024 10:00:00")
        );
        let src = read_table(&out, "sources");
        assert_eq!(s(&src, "time_basis", 0).as_deref(), Some(basis));
        if basis == "unknown" {
            assert!(
                s(&src, "clock", 0).unwrap().contains("taken as UTC"),
                "{src}"
            );
        }
    }
    let out = dir.path().join("out0");
    let r = read_table(&out, "requests");
    assert_eq!(s(&r, "cs_username", 0).as_deref(), Some(r"CONTOSO\ann"));
    assert_eq!(
        (i(&r, "sc_status", 0), i(&r, "sc_win32_status", 0)),
        (Some(503), Some(64))
    );
    assert_eq!(
        (i(&r, "time_taken_ms", 0), i(&r, "site_id", 0)),
        (Some(31000), Some(3))
    );
    assert_eq!(s(&r, "cs_uri_query", 0).as_deref(), Some("id=7"));
    // Commas inside the target and the parameters.
    assert_eq!(s(&r, "cs_uri_stem", 1).as_deref(), Some("/a,b.htm"));
    assert_eq!(s(&r, "cs_uri_query", 1).as_deref(), Some("q=1,2"));
    let e = read_table(&out, "parse_errors");
    assert_eq!(
        (i(&e, "source_line", 0), i(&e, "source_line", 1)),
        (Some(4), Some(5))
    );
    assert!(s(&e, "reason", 0).unwrap().contains("13/15/2024"), "{e}");
    assert!(s(&e, "reason", 1).unwrap().contains("15"), "{e}");
    assert!(s(&e, "source_file", 0).unwrap().ends_with("in240115.log"));
}

/// NCSA common log lines: Microsoft's example ("NCSA Common Log File Format", IIS 6.0
/// documentation), Apache's (`combined` adds referer and user agent), an IPv6 client
/// east of UTC, and a line that is not NCSA.
const NCSA: &str = concat!(
    "172.21.13.45 - REDMOND\\fred [08/Apr/2001:17:39:04 -0800] \"GET /scripts/iisadmin/ism.dll?http/serv HTTP/1.0\" 200 3401\r\n",
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\r\n",
    "fe80::1%3 - - [01/Mar/2024:10:00:00 +0530] \"POST /api HTTP/1.1\" 500 -\r\n",
    "10.0.0.1 - - 01/Mar/2024:10:00:00 \"GET / HTTP/1.1\" 200 1\r\n",
);

#[test]
fn ncsa_offsets_are_applied_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    write_tree(&input, &[("LogFiles/W3SVC4/nc240301.log", NCSA.as_bytes())]);
    let out = dir.path().join("out");
    // A --tz that is not the lines' zone: NCSA's own offsets win.
    analyze_with(
        &[&input],
        &out,
        Some(Clock::from_tz_name("Asia/Tokyo").unwrap()),
    );
    assert_eq!(accounted(&out, "nc240301.log", NCSA.as_bytes()), (3, 1));
    let r = read_table(&out, "requests");
    assert_eq!(i(&r, "time", 0), Some(t("2001-04-09T01:39:04Z")));
    assert_eq!(i(&r, "utc_offset_min", 0), Some(-480));
    assert_eq!(
        s(&r, "time_local", 0).as_deref(),
        Some("08/Apr/2001:17:39:04 -0800")
    );
    assert_eq!(s(&r, "time_basis", 0).as_deref(), Some("offset"));
    assert_eq!(s(&r, "cs_username", 0).as_deref(), Some(r"REDMOND\fred"));
    assert_eq!(
        s(&r, "cs_uri_stem", 0).as_deref(),
        Some("/scripts/iisadmin/ism.dll")
    );
    assert_eq!(s(&r, "cs_uri_query", 0).as_deref(), Some("http/serv"));
    assert_eq!(s(&r, "cs_version", 0).as_deref(), Some("HTTP/1.0"));
    assert_eq!(
        (i(&r, "sc_status", 0), i(&r, "sc_bytes", 0)),
        (Some(200), Some(3401))
    );
    assert_eq!(i(&r, "site_id", 0), Some(4));
    assert_eq!(i(&r, "time", 1), Some(t("2000-10-10T20:55:36Z")));
    assert_eq!(
        s(&r, "referer", 1).as_deref(),
        Some("http://www.example.com/start.html")
    );
    assert_eq!(
        s(&r, "user_agent", 1).as_deref(),
        Some("Mozilla/4.08 [en] (Win98; I ;Nav)")
    );
    assert_eq!(i(&r, "time", 2), Some(t("2024-03-01T04:30:00Z")));
    assert_eq!(i(&r, "utc_offset_min", 2), Some(330));
    assert_eq!(
        (
            s(&r, "c_ip", 2).as_deref(),
            s(&r, "c_ip_zone", 2).as_deref()
        ),
        (Some("fe80::1"), Some("3"))
    );
    assert_eq!(
        (i(&r, "sc_status", 2), i(&r, "sc_bytes", 2)),
        (Some(500), None)
    );
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "kind", 0).as_deref(), Some("ncsa"));
    assert_eq!(s(&src, "status", 0).as_deref(), Some("partial"));
    assert_eq!(s(&src, "time_basis", 0).as_deref(), Some("offset"));
    let e = read_table(&out, "parse_errors");
    assert_eq!(i(&e, "source_line", 0), Some(4));
}

#[test]
fn advanced_logging_corpus_sample_with_local_times() {
    // lnav's real IIS Advanced Logging file: blank lines between directives, local
    // times with milliseconds, quoted values, a doubled-quote "garbage" substatus.
    let file = corpus_dir().join("lnav/logfile_w3c.3");
    let bytes = std::fs::read(&file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze_with(&[&file], &out, new_york());
    assert_eq!(accounted(&out, "logfile_w3c.3", &bytes), (3, 0));
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "kind", 0).as_deref(), Some("iis_advanced"));
    assert_eq!(
        (i(&src, "directive_lines", 0), i(&src, "blank_lines", 0)),
        (Some(4), Some(3))
    );
    let r = read_table(&out, "requests");
    // 2012-08-15 17:00:00.363 EDT.
    assert_eq!(i(&r, "time", 0), Some(t("2012-08-15T21:00:00.363Z")));
    assert_eq!(i(&r, "start_time", 0), Some(t("2012-08-15T21:00:00.254Z")));
    assert_eq!(
        s(&r, "time_local", 0).as_deref(),
        Some("2012-08-15 17:00:00.363")
    );
    assert_eq!(
        (
            s(&r, "time_basis", 0).as_deref(),
            i(&r, "utc_offset_min", 0)
        ),
        (Some("given"), Some(-240))
    );
    assert_eq!(s(&r, "s_ip", 0).as_deref(), Some("1.2.3.4"));
    assert_eq!(s(&r, "c_ip", 0).as_deref(), Some("70.95.0.0"));
    assert_eq!(
        s(&r, "cs_uri_stem", 0).as_deref(),
        Some("/Products/theProduct")
    );
    assert_eq!(s(&r, "cs_host", 0).as_deref(), Some("xzy.example.com"));
    assert!(s(&r, "user_agent", 0)
        .unwrap()
        .starts_with("Mozilla/5.0 (Linux; Android 4.4.4;"));
    assert_eq!(
        (i(&r, "sc_status", 0), i(&r, "time_taken_ms", 0)),
        (Some(200), Some(109))
    );
    assert_eq!(
        (i(&r, "s_port", 0), i(&r, "sc_win32_status", 0)),
        (Some(80), Some(0))
    );
    assert_eq!((i(&r, "sc_status", 1), s(&r, "c_ip", 1)), (Some(301), None));
    assert_eq!(
        s(&r, "cs_uri_stem", 2).as_deref(),
        Some("/hello/world/6,681965")
    );
    assert_eq!(
        (i(&r, "sc_status", 2), i(&r, "time_taken_ms", 2)),
        (Some(404), Some(359))
    );
    // The substatus that is no number is kept and named.
    assert_eq!(i(&r, "sc_substatus", 2), None);
    assert_eq!(s(&r, "invalid_fields", 2).as_deref(), Some("sc-substatus"));
    let extra: serde_json::Value = serde_json::from_str(&s(&r, "extra", 2).unwrap()).unwrap();
    assert_eq!(extra["sc-substatus"], " \"garbage\" w/ spaces ");
}

/// An Advanced Logging definition with the UTC `date`/`time` fields besides the local
/// ones (Advanced Logging's built-in `Date-UTC`, `Time-UTC`, `Date-Local`,
/// `Time-Local`), bytes under its own names, and a custom field.
const ADVANCED_UTC: &str = concat!(
    "#Software: IIS Advanced Logging Module\r\n",
    "#Version: 1.0\r\n",
    "#Start-Date: 2024-07-01 00:00:00.000\r\n",
    "#Fields: date time date-local time-local s-sitename cs-method cs-uri-stem sc-status BytesSent BytesRecvd TimeTakenMS x-session-id\r\n",
    "\"2024-07-01\" \"14:00:00.250\" \"2024-07-01\" \"16:00:00.250\" \"W3SVC2\" \"GET\" \"/media/a.ism\" 200 20480 310 1250 \"abc def\"\r\n",
    "\"2024-07-01\" \"14:00:01.000\" \"2024-07-01\" \"16:00:01.000\" \"W3SVC2\" \"GET\" \"/media/b.ism\" 206 1024 300 4\r\n",
);

#[test]
fn advanced_logging_utc_fields_win_over_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    write_tree(
        &input,
        &[("AdvancedLogs/WEB01-Server.log", ADVANCED_UTC.as_bytes())],
    );
    let out = dir.path().join("out");
    analyze_with(&[&input], &out, new_york());
    assert_eq!(
        accounted(&out, "WEB01-Server.log", ADVANCED_UTC.as_bytes()),
        (1, 1)
    );
    let r = read_table(&out, "requests");
    assert_eq!(i(&r, "time", 0), Some(t("2024-07-01T14:00:00.250Z")));
    assert_eq!(s(&r, "time_basis", 0).as_deref(), Some("utc"));
    assert_eq!(i(&r, "utc_offset_min", 0), Some(120));
    assert_eq!(
        s(&r, "time_local", 0).as_deref(),
        Some("2024-07-01 16:00:00.250")
    );
    assert_eq!(
        (i(&r, "site_id", 0), s(&r, "cs_uri_stem", 0).as_deref()),
        (Some(2), Some("/media/a.ism"))
    );
    assert_eq!(
        (
            i(&r, "sc_bytes", 0),
            i(&r, "cs_bytes", 0),
            i(&r, "time_taken_ms", 0)
        ),
        (Some(20480), Some(310), Some(1250))
    );
    let extra: serde_json::Value = serde_json::from_str(&s(&r, "extra", 0).unwrap()).unwrap();
    assert_eq!(extra, serde_json::json!({"x-session-id": "abc def"}));
    // The second line lacks its last value: an error with its file and line.
    let e = read_table(&out, "parse_errors");
    assert_eq!(i(&e, "source_line", 0), Some(6));
    assert!(s(&e, "source_file", 0)
        .unwrap()
        .ends_with("WEB01-Server.log"));
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "time_basis", 0).as_deref(), Some("utc"));
}
