//! Hostile and broken input: malformed XML with offsets, entity expansion attempts,
//! limits, encodings, and a deterministic mutation fuzz for panics.

mod common;
use common::Rng;
use corvid::parse::appconfig::{parse, Config, Error, LimitKind, Limits};

const REALISTIC: &str = include_str!("fixtures/realistic.config");

fn run(bytes: &[u8]) -> Result<Config, Error> {
    parse(bytes, &Limits::default())
}

fn malformed_offset(r: Result<Config, Error>) -> (u64, String) {
    match r {
        Err(Error::Malformed { offset, reason }) => (offset, reason),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn truncated_inside_a_tag() {
    let cut = REALISTIC.find("<add name=\"ApiPool\"").unwrap() + 12;
    let (offset, reason) = malformed_offset(run(&REALISTIC.as_bytes()[..cut]));
    // quick-xml reports the start of the unclosed tag.
    assert_eq!(offset, (cut - 12) as u64, "{reason}");
    let e = run(&REALISTIC.as_bytes()[..cut]).unwrap_err().to_string();
    assert!(e.contains(&format!("byte {}", cut - 12)), "{e}");
}

#[test]
fn truncated_between_elements() {
    let cut = REALISTIC.find("<sites>").unwrap();
    let (offset, reason) = malformed_offset(run(&REALISTIC.as_bytes()[..cut]));
    assert_eq!(offset, cut as u64);
    assert!(
        reason.contains("<system.applicationHost> is not closed"),
        "{reason}"
    );
}

#[test]
fn bad_nesting() {
    let xml =
        "<configuration><system.applicationHost><sites></system.applicationHost></configuration>";
    let (offset, reason) = malformed_offset(run(xml.as_bytes()));
    let at = xml.find("</system.applicationHost>").unwrap() as u64;
    assert!(
        offset >= at && offset <= at + 2,
        "offset {offset}, reason {reason}"
    );
    assert!(reason.contains("sites"), "{reason}");
}

#[test]
fn unmatched_end_and_second_root() {
    let (_, reason) = malformed_offset(run(b"<a></a></b>"));
    assert!(reason.contains('b'), "{reason}");
    let (offset, reason) = malformed_offset(run(b"<a/><b/>"));
    assert_eq!(offset, 4, "{reason}");
}

#[test]
fn duplicate_and_broken_attributes() {
    let xml = r#"<configuration><system.applicationHost><applicationPools><add name="a" name="b"/></applicationPools></system.applicationHost></configuration>"#;
    let (offset, reason) = malformed_offset(run(xml.as_bytes()));
    assert_eq!(offset, xml.find("<add").unwrap() as u64);
    assert!(reason.contains("duplicate attribute"), "{reason}");
    let xml = r#"<configuration><system.applicationHost><sites><site name=x/></sites></system.applicationHost></configuration>"#;
    let (offset, _) = malformed_offset(run(xml.as_bytes()));
    assert_eq!(offset, xml.find("<site ").unwrap() as u64);
}

#[test]
fn empty_and_garbage_input_are_errors() {
    assert!(matches!(run(b""), Err(Error::Malformed { .. })));
    assert!(matches!(run(b"   \n"), Err(Error::Malformed { .. })));
    assert!(matches!(
        run(b"\x00\x01\x02<<<>>>&&&"),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn billion_laughs_is_not_expanded() {
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE configuration [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        xml.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    xml.push_str(
        "]>\n<configuration><system.applicationHost><applicationPools>\
        <add name=\"&lol9;\" queueLength=\"&lol9;\"/></applicationPools></system.applicationHost>\
        <system.webServer>&lol9;&lol9;</system.webServer></configuration>",
    );
    let start = std::time::Instant::now();
    let cfg = run(xml.as_bytes()).expect("parses without expansion");
    assert!(start.elapsed().as_secs() < 2);
    assert_eq!(cfg.app_pools[0].name, "&lol9;");
    assert_eq!(cfg.app_pools[0].queue_length, 1000);
    let all = cfg.warnings.join("\n");
    assert!(all.contains("DOCTYPE"), "{all}");
    assert!(all.contains("kept unexpanded"), "{all}");
    assert!(all.contains("@queueLength = \"&lol9;\""), "{all}");
    assert!(all.len() < 4096);
}

#[test]
fn external_entity_is_not_resolved() {
    let xml = r#"<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<configuration><system.applicationHost><applicationPools><add name="&xxe;"/></applicationPools></system.applicationHost></configuration>"#;
    let cfg = run(xml.as_bytes()).unwrap();
    assert_eq!(cfg.app_pools[0].name, "&xxe;");
}

#[test]
fn depth_limit() {
    let depth = 100;
    let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let err = run(xml.as_bytes()).unwrap_err();
    match &err {
        Error::LimitExceeded { limit, max, offset } => {
            assert_eq!((*limit, *max), (LimitKind::MaxDepth, 64));
            assert_eq!(*offset, 64 * 3);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("max_depth"), "{err}");
    // Exactly at the limit is fine.
    let xml = format!("{}{}", "<a>".repeat(64), "</a>".repeat(64));
    assert!(run(xml.as_bytes()).is_ok());
}

#[test]
fn element_and_byte_limits() {
    let limits = Limits {
        max_elements: 10,
        ..Limits::default()
    };
    let xml = format!("<r>{}</r>", "<x/>".repeat(10));
    let err = parse(xml.as_bytes(), &limits).unwrap_err();
    assert!(matches!(
        err,
        Error::LimitExceeded {
            limit: LimitKind::MaxElements,
            ..
        }
    ));
    assert!(err.to_string().contains("max_elements"));

    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let err = parse(REALISTIC.as_bytes(), &limits).unwrap_err();
    assert!(matches!(
        err,
        Error::LimitExceeded {
            limit: LimitKind::MaxBytes,
            max: 100,
            ..
        }
    ));
    assert!(err.to_string().contains("max_bytes"));
}

#[test]
fn inherited_copies_count_against_element_limit() {
    // 20 schedule entries in the defaults × 20 pools = 400 copies, 43 elements.
    let sched: String = (0..20)
        .map(|h| format!("<add value=\"{h:02}:00:00\"/>"))
        .collect();
    let pools: String = (0..20).map(|i| format!("<add name=\"p{i}\"/>")).collect();
    let xml = format!(
        "<configuration><system.applicationHost><applicationPools>{pools}\
         <applicationPoolDefaults><recycling><periodicRestart><schedule>{sched}</schedule>\
         </periodicRestart></recycling></applicationPoolDefaults></applicationPools>\
         </system.applicationHost></configuration>"
    );
    let ok = parse(xml.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(ok.app_pools[19].periodic_restart_schedule.len(), 20);
    let tight = Limits {
        max_elements: 100,
        ..Limits::default()
    };
    let err = parse(xml.as_bytes(), &tight).unwrap_err();
    assert!(matches!(
        err,
        Error::LimitExceeded {
            limit: LimitKind::MaxElements,
            ..
        }
    ));
}

fn utf16(s: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn utf16_files_are_transcoded() {
    let expected = run(REALISTIC.as_bytes()).unwrap();
    let as16 = REALISTIC.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    for le in [true, false] {
        let cfg = run(&utf16(&as16, le)).unwrap();
        assert_eq!(cfg.app_pools, expected.app_pools);
        assert_eq!(cfg.sites, expected.sites);
        assert_eq!(cfg.warnings.len(), 1, "{:?}", cfg.warnings);
        assert!(cfg.warnings[0].contains(if le { "UTF-16LE" } else { "UTF-16BE" }));
    }
}

#[test]
fn utf16_error_offsets_are_in_original_bytes() {
    let xml = "<configuration><sites>é</configuration>";
    let at = xml.find("</configuration>").unwrap();
    let chars_before = xml[..at].chars().count();
    let (offset, _) = malformed_offset(run(&utf16(xml, true)));
    assert_eq!(offset, 2 + 2 * chars_before as u64);
}

#[test]
fn utf8_bom_is_accepted_and_counted_in_offsets() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(REALISTIC.as_bytes());
    let cfg = run(&bytes).unwrap();
    assert_eq!(cfg.app_pools.len(), 4);
    assert!(cfg.warnings.is_empty());
    let (offset, _) = malformed_offset(run(b"\xEF\xBB\xBF<a></b>"));
    assert_eq!(offset, 3 + 3);
}

#[test]
fn invalid_utf8_is_replaced_with_warning() {
    let xml = b"<configuration><system.applicationHost><applicationPools><add name=\"P\xFF\"/></applicationPools></system.applicationHost></configuration>";
    let cfg = run(xml).unwrap();
    assert_eq!(cfg.app_pools[0].name, "P\u{FFFD}");
    assert!(cfg.warnings[0].contains("not valid UTF-8"));
}

#[test]
fn utf32_is_an_error() {
    assert!(matches!(
        run(&[0, 0, 0xFE, 0xFF, 0, 0, 0, b'<']),
        Err(Error::UnsupportedEncoding(_))
    ));
}

#[test]
fn mutation_fuzz_never_panics() {
    const TOKENS: &[&[u8]] = &[
        b"<",
        b">",
        b"/>",
        b"</",
        b"&",
        b"&lt;",
        b"&#0;",
        b"&#xD800;",
        b"\"",
        b"'",
        b"=",
        b"<![CDATA[",
        b"]]>",
        b"<!--",
        b"-->",
        b"<!DOCTYPE x [",
        b"<?",
        b"?>",
        b"\xFF\xFE",
        b"\xEF\xBB\xBF",
        b"\x00",
        b"<clear/>",
        b"<remove name=\"DefaultAppPool\"/>",
        b"<add name=\"x\">",
        b"00:00:00",
        b"99999999999999999999",
        b"<location>",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let base = REALISTIC.as_bytes();
    let limits = Limits {
        max_depth: 16,
        ..Limits::default()
    };
    let (mut ok, mut err) = (0, 0);
    for _ in 0..3000 {
        let mut doc = base.to_vec();
        for _ in 0..1 + rng.below(4) {
            let pos = rng.index(doc.len());
            match rng.below(5) {
                0 => doc[pos] = rng.next() as u8,
                1 => doc.truncate(pos),
                2 => {
                    let t = TOKENS[rng.index(TOKENS.len())];
                    doc.splice(pos..pos, t.iter().copied());
                }
                3 => {
                    let end = (pos + rng.index(64)).min(doc.len());
                    doc.drain(pos..end);
                }
                _ => {
                    let end = (pos + rng.index(200)).min(doc.len());
                    let chunk = doc[pos..end].to_vec();
                    doc.splice(pos..pos, chunk);
                }
            }
        }
        if rng.below(8) == 0 {
            // Occasionally re-encode as UTF-16 (possibly with an odd byte count).
            let text = String::from_utf8_lossy(&doc).into_owned();
            doc = utf16(&text, rng.below(2) == 0);
            if rng.below(2) == 0 {
                doc.pop();
            }
        }
        match parse(doc.as_slice(), &limits) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    // The fuzz must exercise both outcomes to mean anything.
    assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
}
