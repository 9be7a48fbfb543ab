//! HTTPERR and IIS W3C logs read into the `httperr` and `requests` tables, checked
//! field by field: every HTTPERR layout of domain.md §1.3 in one file (mid-file
//! `#Fields:` changes), IPv6 zone ids, custom fields, `#Date`-only dates, `HH:MM` and
//! fractional times, CRLF/LF/BOM, non-UTF-8 bytes, and line accounting.

mod common;
use common::*;

const HTTPERR: &str = concat!(
    "#Software: Microsoft HTTP API 2.0\r\n",
    "#Version: 1.0\r\n",
    "#Date: 2024-03-01 10:00:00\r\n",
    "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename\r\n",
    "2024-03-01 10:00:01 10.0.0.5 50000 10.0.0.1 80 HTTP/1.1 GET /a?x=1 - 2 Connection_Abandoned_By_ReqQueue ShopPool\r\n",
    "2024-03-01 10:00:02 10.0.0.5 50001 10.0.0.1 80 - - - - - Timer_ConnectionIdle -\r\n",
    "\r\n",
    "#Software: Microsoft HTTP API 2.0\r\n",
    "#Version: 1.0\r\n",
    "#Date: 2024-03-01 11:00:00\r\n",
    "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri streamid sc-status s-siteid s-reason s-queuename\r\n",
    "2024-03-01 11:00:02 fe80::1%14 50002 2001:db8::2%3 443 HTTP/2.0 POST /b 7 503 3 QueueFull ApiPool\r\n",
    "2024-03-01 11:00:03 10.0.0.5 50003 10.0.0.1 443 HTTP/2.0 GET /too few\r\n",
    "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri streamid streamid_ex sc-status s-siteid s-reason s-queuename transport\r\n",
    "2024-03-01 12:00:03 10.0.0.6 50004 10.0.0.1 443 HTTP/3 GET /c 5 0x1f 503 2 AppOffline ShopPool QUIC\r\n",
    "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri streamid streamid_ex sc-status s-siteid s-reason s-queuename transport fault-code extended-fault-code\r\n",
    "2024-03-01 12:00:04 10.0.0.7 50005 10.0.0.1 80 HTTP/1.1 GET /d\u{ff} - - 400 - BadRequest - TCP 17 0x80004005\r\n",
    "2024-03-01 12:00:05 10.0.0.7 50006 10.0.0.1 80 HTTP/1.1 GET /e - - abc - Brand_New_Reason - TCP - -"
);

#[test]
fn httperr_layouts_a_to_d_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    let mut bytes = HTTPERR.as_bytes().to_vec();
    // A byte that is not UTF-8 inside the URI of the D-layout line.
    let pos = bytes.windows(3).position(|w| w == b"/d\xc3").map(|p| p + 2);
    if let Some(p) = pos {
        bytes.splice(p..p + 2, [0xffu8]);
    }
    write_tree(&input, &[("LogFiles/HTTPERR/httperr1.log", &bytes)]);
    let out = dir.path().join("out");
    analyze(&[&input], &out);
    let h = read_table(&out, "httperr");
    assert_eq!(h.height(), 6, "{h}");

    // Layout A.
    assert_eq!(i(&h, "source_line", 0), Some(5));
    assert_eq!(i(&h, "time", 0), Some(t("2024-03-01T10:00:01Z")));
    assert_eq!(s(&h, "c_ip", 0).as_deref(), Some("10.0.0.5"));
    assert_eq!(i(&h, "c_port", 0), Some(50000));
    assert_eq!(i(&h, "s_port", 0), Some(80));
    assert_eq!(s(&h, "cs_version", 0).as_deref(), Some("HTTP/1.1"));
    assert_eq!(s(&h, "cs_uri", 0).as_deref(), Some("/a?x=1"));
    assert_eq!(i(&h, "sc_status", 0), None);
    assert_eq!(i(&h, "site_id", 0), Some(2));
    assert_eq!(
        s(&h, "reason", 0).as_deref(),
        Some("Connection_Abandoned_By_ReqQueue")
    );
    assert_eq!(s(&h, "reason_class", 0).as_deref(), Some("app_pool"));
    assert_eq!(s(&h, "queue", 0).as_deref(), Some("ShopPool"));
    assert_eq!(i(&h, "streamid", 0), None);
    // Timer line: dashes are nulls.
    assert_eq!(s(&h, "cs_method", 1), None);
    assert_eq!(s(&h, "queue", 1), None);
    assert_eq!(s(&h, "reason_class", 1).as_deref(), Some("benign"));

    // Layout B, IPv6 with zone ids.
    assert_eq!(i(&h, "source_line", 2), Some(12));
    assert_eq!(s(&h, "c_ip", 2).as_deref(), Some("fe80::1"));
    assert_eq!(s(&h, "c_ip_zone", 2).as_deref(), Some("14"));
    assert_eq!(s(&h, "s_ip", 2).as_deref(), Some("2001:db8::2"));
    assert_eq!(s(&h, "s_ip_zone", 2).as_deref(), Some("3"));
    assert_eq!(i(&h, "streamid", 2), Some(7));
    assert_eq!(i(&h, "sc_status", 2), Some(503));
    assert_eq!(s(&h, "reason", 2).as_deref(), Some("QueueFull"));
    assert_eq!(s(&h, "queue", 2).as_deref(), Some("ApiPool"));

    // Layout C.
    assert_eq!(i(&h, "source_line", 3), Some(15));
    assert_eq!(s(&h, "cs_version", 3).as_deref(), Some("HTTP/3"));
    assert_eq!(s(&h, "streamid_ex", 3).as_deref(), Some("0x1f"));
    assert_eq!(s(&h, "transport", 3).as_deref(), Some("QUIC"));
    assert_eq!(s(&h, "reason", 3).as_deref(), Some("AppOffline"));

    // Layout D with a byte that is not UTF-8: kept, flagged.
    assert_eq!(i(&h, "source_line", 4), Some(17));
    assert_eq!(s(&h, "fault_code", 4).as_deref(), Some("17"));
    assert_eq!(
        s(&h, "extended_fault_code", 4).as_deref(),
        Some("0x80004005")
    );
    assert_eq!(b(&h, "utf8_lossy", 4), Some(true));
    assert_eq!(s(&h, "cs_uri", 4).as_deref(), Some("/d\u{fffd}"));
    assert_eq!(b(&h, "utf8_lossy", 3), Some(false));

    // A status that is not a number is kept raw; an unknown reason is classed unknown.
    assert_eq!(i(&h, "sc_status", 5), None);
    assert_eq!(s(&h, "invalid_fields", 5).as_deref(), Some("sc-status"));
    let extra: serde_json::Value = serde_json::from_str(&s(&h, "extra", 5).unwrap()).unwrap();
    assert_eq!(extra["sc-status"], "abc");
    assert_eq!(s(&h, "reason_class", 5).as_deref(), Some("unknown"));

    // The short line is a parse error with its line number and text.
    let e = read_table(&out, "parse_errors");
    assert_eq!(e.height(), 1);
    assert_eq!(i(&e, "source_line", 0), Some(13));
    assert!(s(&e, "reason", 0).unwrap().contains("declares 14"), "{e}");
    assert!(s(&e, "raw", 0).unwrap().ends_with("/too few"));

    // Every line accounted for.
    let src = rows_where(&read_table(&out, "sources"), "kind", "httperr");
    assert_eq!(i(&src, "lines", 0), Some(18));
    assert_eq!(i(&src, "data_lines", 0), Some(6));
    assert_eq!(i(&src, "directive_lines", 0), Some(10));
    assert_eq!(i(&src, "blank_lines", 0), Some(1));
    assert_eq!(i(&src, "error_lines", 0), Some(1));
    assert_eq!(s(&src, "status", 0).as_deref(), Some("partial"));
}

const ACCESS: &str = concat!(
    "\u{feff}#Software: Microsoft Internet Information Services 10.0\n",
    "#Version: 1.0\n",
    "#Date: 2024-03-02 00:00:00\n",
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken X-Forwarded-For\n",
    "2024-03-02 00:00:10 10.1.1.1 GET /shop/cart id=7 443 - 10.2.2.2 Mozilla/5.0+(Windows) - 200 0 0 1500 203.0.113.9,+10.0.0.1\n",
    "2024-03-02 00:00:11 10.1.1.1 POST /shop/pay - 443 CORP\\bob fe80::5d3d:c591:3026:46ee%14 - https://r.example/ 500 19 64 61000 -\n",
    "#Software: Microsoft Internet Information Services 10.0\n",
    "#Version: 1.0\n",
    "#Date: 2024-03-02 01:00:00\n",
    "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken\n",
    "2024-03-02 01:00:00.250 W3SVC3 WEB01 10.1.1.1 GET / - 80 - 10.2.2.3 HTTP/1.1 curl/8.0 a=b - shop.example 503 2 0 1234 321 15\n",
    "2024-03-02 01:01 W3SVC3 WEB01 10.1.1.1 GET /h - 80 - 10.2.2.3 HTTP/1.1 - - - shop.example 200 0 1236 99 1 20\n",
    "#Fields: time c-ip cs-method cs-uri-stem sc-status\n",
    "23:59:59 10.9.9.9 GET /late 404\n"
);

#[test]
fn access_logs_rebind_at_every_fields_directive() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    write_tree(
        &input,
        &[(
            "inetpub/logs/LogFiles/W3SVC7/u_ex240302.log",
            ACCESS.as_bytes(),
        )],
    );
    let out = dir.path().join("out");
    analyze(&[&input], &out);
    let r = read_table(&out, "requests");
    assert_eq!(r.height(), 5, "{r}");

    // Block 1: default layout plus a custom field; site id from the W3SVC7 folder.
    assert_eq!(i(&r, "time", 0), Some(t("2024-03-02T00:00:10Z")));
    assert_eq!(i(&r, "start_time", 0), Some(t("2024-03-02T00:00:08.500Z")));
    assert_eq!(i(&r, "site_id", 0), Some(7));
    assert_eq!(s(&r, "cs_uri_stem", 0).as_deref(), Some("/shop/cart"));
    assert_eq!(s(&r, "cs_uri_query", 0).as_deref(), Some("id=7"));
    assert_eq!(s(&r, "cs_username", 0), None);
    assert_eq!(
        s(&r, "user_agent", 0).as_deref(),
        Some("Mozilla/5.0+(Windows)")
    );
    assert_eq!(i(&r, "sc_status", 0), Some(200));
    assert_eq!(i(&r, "time_taken_ms", 0), Some(1500));
    let extra: serde_json::Value = serde_json::from_str(&s(&r, "extra", 0).unwrap()).unwrap();
    assert_eq!(extra["X-Forwarded-For"], "203.0.113.9,+10.0.0.1");
    assert_eq!(s(&r, "cs_username", 1).as_deref(), Some("CORP\\bob"));
    assert_eq!(
        s(&r, "c_ip", 1).as_deref(),
        Some("fe80::5d3d:c591:3026:46ee")
    );
    assert_eq!(s(&r, "c_ip_zone", 1).as_deref(), Some("14"));
    assert_eq!(s(&r, "referer", 1).as_deref(), Some("https://r.example/"));
    assert_eq!(
        (
            i(&r, "sc_status", 1),
            i(&r, "sc_substatus", 1),
            i(&r, "sc_win32_status", 1)
        ),
        (Some(500), Some(19), Some(64))
    );
    assert_eq!(s(&r, "extra", 1), None);

    // Block 2: all fields; s-sitename wins over the folder; fractional seconds and HH:MM.
    assert_eq!(i(&r, "time", 2), Some(t("2024-03-02T01:00:00.250Z")));
    assert_eq!(i(&r, "site_id", 2), Some(3));
    assert_eq!(s(&r, "site_name", 2).as_deref(), Some("W3SVC3"));
    assert_eq!(s(&r, "s_computername", 2).as_deref(), Some("WEB01"));
    assert_eq!(s(&r, "cookie", 2).as_deref(), Some("a=b"));
    assert_eq!(s(&r, "cs_host", 2).as_deref(), Some("shop.example"));
    assert_eq!(
        (i(&r, "sc_bytes", 2), i(&r, "cs_bytes", 2)),
        (Some(1234), Some(321))
    );
    assert_eq!(i(&r, "time", 3), Some(t("2024-03-02T01:01:00Z")));
    assert_eq!(i(&r, "sc_win32_status", 3), Some(1236));

    // Block 3: no date field, the date comes from #Date.
    assert_eq!(i(&r, "time", 4), Some(t("2024-03-02T23:59:59Z")));
    assert_eq!(i(&r, "sc_status", 4), Some(404));
    assert_eq!(i(&r, "start_time", 4), None);

    let src = rows_where(&read_table(&out, "sources"), "kind", "w3c");
    assert_eq!(
        (
            i(&src, "lines", 0),
            i(&src, "data_lines", 0),
            i(&src, "directive_lines", 0)
        ),
        (Some(14), Some(5), Some(9))
    );
    assert_eq!(s(&src, "computer", 0).as_deref(), Some("WEB01"));
}

#[test]
fn header_less_logs_are_placed_by_path_and_shape() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    write_tree(
        &input,
        &[
            ("W3SVC5/u_ex240101.log", b"2024-01-01 00:00:01 10.0.0.1 GET /x - 80 - 10.0.0.2 UA - 200 0 0 12\r\n2024-01-01 00:00:02 10.0.0.1 GET /y - 80 - 10.0.0.2 UA - 200 0 0 12 198.51.100.7\r\n"),
            ("err/HTTPERR/httperr9.log", b"2024-01-01 00:00:03 10.0.0.2 1234 10.0.0.1 80 HTTP/1.1 GET /z 503 5 QueueFull Pool5\r\n"),
            ("notes/readme.txt", b"collected by support\n"),
            ("old/in240101.log", b"192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SERVER, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,\n"),
        ],
    );
    let out = dir.path().join("out");
    analyze(&[&input], &out);
    let r = read_table(&out, "requests");
    // Two W3C rows, and the legacy IIS log format's line (tests/legacy_logs.rs).
    assert_eq!(r.height(), 3);
    let r = rows_where(&r, "source_file", "W3SVC5/u_ex240101.log");
    assert_eq!(i(&r, "site_id", 0), Some(5));
    assert_eq!(s(&r, "referer", 0), None);
    let extra: serde_json::Value = serde_json::from_str(&s(&r, "extra", 1).unwrap()).unwrap();
    assert_eq!(extra["x-unnamed-1"], "198.51.100.7");
    let h = read_table(&out, "httperr");
    assert_eq!(s(&h, "queue", 0).as_deref(), Some("Pool5"));
    assert_eq!(i(&h, "site_id", 0), Some(5));
    let src = read_table(&out, "sources");
    let native = rows_where(&src, "source_file", "old/in240101.log");
    assert_eq!(s(&native, "kind", 0).as_deref(), Some("iis_native"));
    assert_eq!(s(&native, "status", 0).as_deref(), Some("parsed"));
    assert_eq!(s(&native, "time_basis", 0).as_deref(), Some("unknown"));
    let other = rows_where(&src, "source_file", "notes/readme.txt");
    assert_eq!(s(&other, "status", 0).as_deref(), Some("skipped"));
    assert!(s(&other, "reason", 0).unwrap().contains("not an IIS"));
}

#[test]
fn utf16_logs_are_transcoded() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bundle");
    let text = "#Software: Microsoft HTTP API 2.0\r\n#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename\r\n2024-01-01 00:00:03 10.0.0.2 1234 10.0.0.1 80 HTTP/1.1 GET /é 503 5 QueueFull Pool5\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write_tree(&input, &[("httperr1.log", &utf16)]);
    let out = dir.path().join("out");
    analyze(&[&input], &out);
    let h = read_table(&out, "httperr");
    assert_eq!(h.height(), 1);
    assert_eq!(s(&h, "cs_uri", 0).as_deref(), Some("/é"));
    let src = read_table(&out, "sources");
    assert!(s(&src, "reason", 0).unwrap().contains("UTF-16"));
}

#[test]
fn an_address_column_holds_an_address_or_is_flagged() {
    // Elastic's beats test log, line 5: Markdown links where the addresses belong.
    let file = corpus_dir().join("beats/access/test-iis-7.5.log");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&file], &out);
    let req = read_table(&out, "requests");
    let row = (0..req.height())
        .find(|&r| i(&req, "source_line", r) == Some(5))
        .unwrap();
    assert_eq!(s(&req, "c_ip", row), None);
    assert_eq!(s(&req, "s_ip", row), None);
    assert_eq!(s(&req, "invalid_fields", row).as_deref(), Some("c-ip,s-ip"));
    let extra: serde_json::Value = serde_json::from_str(&s(&req, "extra", row).unwrap()).unwrap();
    assert_eq!(extra["c-ip"], "[10.100.118.31](http://10.100.118.31)");
    // Every other row's addresses parse, IPv6 zones in their own column.
    for r in (0..req.height()).filter(|&r| r != row) {
        let ip = s(&req, "c_ip", r).unwrap();
        assert!(
            ip.parse::<std::net::IpAddr>().is_ok(),
            "line {:?}: {ip}",
            i(&req, "source_line", r)
        );
    }
}

#[test]
fn a_line_that_fits_an_earlier_fields_layout_is_read_with_it() {
    // Elastic's beats test.log: the 15-field layout of line 4, then a 22-field header at
    // line 14, then (lines 16-17) two 15-value lines of a Struts attack.
    let file = corpus_dir().join("beats/access/test.log");
    let text = std::fs::read_to_string(&file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&file], &out);
    let req = read_table(&out, "requests");
    assert_eq!(read_table(&out, "parse_errors").height(), 0);
    for line in [16usize, 17] {
        // The truth from the line itself, split as the 15-field layout says.
        let v: Vec<&str> = text.lines().nth(line - 1).unwrap().split(' ').collect();
        assert_eq!(v.len(), 15);
        let r = (0..req.height())
            .find(|&r| i(&req, "source_line", r) == Some(line as i64))
            .unwrap_or_else(|| panic!("line {line} not read"));
        assert_eq!(s(&req, "c_ip", r).as_deref(), Some(v[8]));
        assert_eq!(i(&req, "s_port", r), v[6].parse().ok());
        assert_eq!(i(&req, "sc_status", r), v[11].parse().ok());
        assert_eq!(i(&req, "sc_win32_status", r), v[13].parse().ok());
        assert_eq!(i(&req, "time_taken_ms", r), v[14].parse().ok());
    }
}

#[test]
fn header_less_lines_of_different_layouts_read_as_elastic_reads_them() {
    // Elastic's test-iis10-access.log has no header; its lines have 16 or 18 values.
    // Expected values from Elastic's test-iis10-access.log-expected.json (the
    // elastic/integrations iis package), as quoted in issue 17.
    let file = corpus_dir().join("elastic-integrations/test-iis10-access.log");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&file], &out);
    let req = read_table(&out, "requests");
    let at = |line: i64| {
        (0..req.height())
            .find(|&r| i(&req, "source_line", r) == Some(line))
            .unwrap()
    };
    let r = at(8);
    assert_eq!(i(&req, "sc_status", r), Some(200));
    assert_eq!(i(&req, "sc_substatus", r), Some(0));
    assert_eq!(i(&req, "sc_win32_status", r), Some(0));
    assert_eq!(i(&req, "sc_bytes", r), Some(862954));
    assert_eq!(i(&req, "cs_bytes", r), Some(907));
    assert_eq!(i(&req, "time_taken_ms", r), Some(12));
    assert_eq!(s(&req, "cs_host", r), None);
    let r = at(3);
    assert_eq!(
        s(&req, "cookie", r).as_deref(),
        Some("BIGipServerYAkgvoMHHYQAGkWEWadfsadfnyAqAere=27246369425.20480.0000")
    );
    assert_eq!(s(&req, "referer", r).as_deref(), Some("itweb.acx.co"));
}
