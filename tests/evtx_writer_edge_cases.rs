//! Unusual input: non-ASCII text and XML special characters, empty and missing values,
//! invalid GUID/SID strings, strings and events too large for a record, many fields, extreme
//! times. Nothing may panic, and every file must parse with checksums validated.

mod common;
mod evtx_common;

use common::Rng;
use corvid::simulate::evtx_writer::{Event, EventData, EvtxWriter};
use evtx_common::{check, named, parse, positional, t0, tricky, was, write};

#[test]
fn non_ascii_and_xml_specials_round_trip() {
    let e = tricky();
    let records = parse(&write(&[e.clone(), e.clone()]));
    check(&records[0], &e, 1);
    check(&records[1], &e, 2);
    // The XML rendering escapes what it must.
    assert!(records[0]
        .xml
        .contains("&lt;tag attr=\"v\"&gt;a &amp; b&lt;/tag&gt;"));
    assert!(records[0]
        .xml
        .contains("Name=\"Prövider &amp; &lt;Co&gt;\""));
    assert!(records[0].xml.contains("naïve café — 東京 \u{1F600}"));
}

#[test]
fn positional_values_with_specials() {
    let e = was(
        5009,
        32768,
        3,
        positional(&["Pool <\"&\"> ü", "", "línea1\nlínea2\ttab"], None),
        t0(),
    );
    check(&parse(&write(std::slice::from_ref(&e)))[0], &e, 1);
}

#[test]
fn default_event_and_all_options_absent() {
    let e = Event::default();
    check(&parse(&write(std::slice::from_ref(&e)))[0], &e, 1);
    let e = Event {
        data: EventData::Positional {
            values: vec![],
            binary: Some(vec![1, 2, 3]),
        },
        ..Event::default()
    };
    check(&parse(&write(std::slice::from_ref(&e)))[0], &e, 1);
    let e = Event {
        data: named(&[], Some(vec![])),
        ..Event::default()
    };
    let records = parse(&write(std::slice::from_ref(&e)));
    check(&records[0], &e, 1);
    let e = Event {
        data: positional(&[""], None),
        ..Event::default()
    };
    check(&parse(&write(std::slice::from_ref(&e)))[0], &e, 1);
}

#[test]
fn invalid_guid_and_sid_are_left_out() {
    let mut e = tricky();
    e.provider_guid = Some("not-a-guid".into());
    e.user_sid = Some("S-1-nope".into());
    let records = parse(&write(std::slice::from_ref(&e)));
    let sys = &records[0].json["Event"]["System"];
    assert!(sys["Provider"]["#attributes"].get("Guid").is_none());
    assert!(sys["Security"].is_null());
    e.provider_guid = None;
    e.user_sid = None;
    check(&records[0], &e, 1);
}

/// The data values of record `i` (positional) from its JSON.
fn positional_values(json: &serde_json::Value) -> Vec<String> {
    match &json["Event"]["EventData"]["Data"]["#text"] {
        serde_json::Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

#[test]
fn long_string_is_cut_to_a_value() {
    // 100k units: the value is cut to 32767 units, at a character boundary.
    let long = "\u{1F600}".repeat(50_000);
    let e = was(5002, 49152, 2, positional(&[&long], None), t0());
    let records = parse(&write(std::slice::from_ref(&e)));
    let got = positional_values(&records[0].json);
    assert_eq!(got.len(), 1);
    assert!(long.starts_with(&got[0]));
    assert!(got[0].encode_utf16().count() <= 32767);
    assert!(got[0].encode_utf16().count() >= 16_000);
}

#[test]
fn oversized_events_are_shrunk_to_fit_a_chunk() {
    let big: Vec<String> = (0..6).map(|i| format!("{i}").repeat(30_000)).collect();
    let e = Event {
        data: EventData::Positional {
            values: big.clone(),
            binary: Some(vec![7; 60_000]),
        },
        ..was(5009, 32768, 3, EventData::None, t0())
    };
    let small = was(5010, 32768, 3, positional(&["p", "1"], None), t0());
    let mut w = EvtxWriter::new();
    assert_eq!(w.add(&small), Some(1));
    assert_eq!(w.add(&e), Some(2));
    assert_eq!(w.add(&small), Some(3));
    let records = parse(&w.into_bytes());
    assert_eq!(records.len(), 3);
    check(&records[0], &small, 1);
    check(&records[2], &small, 3);
    let got = positional_values(&records[1].json);
    assert_eq!(got.len(), 6);
    for (g, b) in got.iter().zip(&big) {
        assert!(b.starts_with(g.as_str()));
    }
    assert_eq!(records[1].json["Event"]["System"]["EventRecordID"], 2);
}

#[test]
fn many_fields_are_kept_or_trimmed_from_the_end() {
    // 500 named fields fit in one record.
    let fields: Vec<(String, String)> = (0..500)
        .map(|i| (format!("f{i}"), format!("{i}")))
        .collect();
    let e = Event {
        data: EventData::Named {
            fields: fields.clone(),
            binary: None,
        },
        ..Event::default()
    };
    check(&parse(&write(std::slice::from_ref(&e)))[0], &e, 1);

    // 20 000 cannot: trailing ones are dropped, the rest is intact.
    let fields: Vec<(String, String)> = (0..20_000)
        .map(|i| (format!("f{i}"), format!("{i}")))
        .collect();
    let e = Event {
        data: EventData::Named {
            fields,
            binary: None,
        },
        ..Event::default()
    };
    let records = parse(&write(std::slice::from_ref(&e)));
    let data = records[0].json["Event"]["EventData"].as_object().unwrap();
    assert!(data.len() > 500, "{}", data.len());
    for i in 0..data.len() {
        assert_eq!(data[&format!("f{i}")], format!("{i}").as_str());
    }
}

#[test]
fn long_names_and_huge_provider_strings() {
    let e = Event {
        provider_name: "P".repeat(200_000),
        computer: "C".repeat(40_000),
        data: named(&[(&"N".repeat(70_000), "v")], None),
        ..Event::default()
    };
    let records = parse(&write(&[e]));
    assert_eq!(records.len(), 1);
}

#[test]
fn extreme_times() {
    for t in [0u64, 1, u64::MAX, 2_650_467_743_999_999_999] {
        let e = Event {
            time_created: t,
            ..was(5002, 49152, 2, positional(&["p"], None), 0)
        };
        let records = parse(&write(std::slice::from_ref(&e)));
        assert_eq!(records.len(), 1, "time {t}");
        if t < 2_650_466_016_000_000_000 {
            check(&records[0], &e, 1);
        }
    }
}

#[test]
fn duplicate_data_names_do_not_break_parsing() {
    let e = Event {
        data: named(&[("param1", "a"), ("param1", "b")], None),
        ..Event::default()
    };
    let records = parse(&write(&[e]));
    assert_eq!(
        evtx_common::xml_data_items(&records[0].xml),
        vec![
            (Some("param1".to_string()), "a".to_string()),
            (Some("param1".to_string()), "b".to_string())
        ]
    );
}

#[test]
#[should_panic(expected = "Data AppPoolID")]
fn checker_catches_a_wrong_value() {
    let (_, e) = evtx_common::catalog()
        .into_iter()
        .find(|(n, _)| *n == "was_5011")
        .unwrap();
    let records = parse(&write(std::slice::from_ref(&e)));
    let mut other = e.clone();
    if let EventData::Named { fields, .. } = &mut other.data {
        fields[0].1 = "SomethingElse".into();
    }
    check(&records[0], &other, 1);
}

/// A random string of up to `max` characters (rarely up to 40 000), from a pool of
/// characters XML and UTF-16 make tricky.
fn random_string(rng: &mut Rng, max: u64) -> String {
    const POOL: &[char] = &[
        'a',
        'Z',
        '0',
        ' ',
        '<',
        '&',
        '"',
        '\'',
        '>',
        '\n',
        'é',
        '東',
        '\u{1F600}',
        '\t',
        '\\',
    ];
    let len = if rng.below(20) == 0 {
        rng.below(40_000)
    } else {
        rng.below(max)
    };
    (0..len).map(|_| POOL[rng.index(POOL.len())]).collect()
}

#[test]
fn randomized_events_always_parse() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut events = Vec::new();
    for _ in 0..600 {
        let items = if rng.below(50) == 0 {
            rng.below(3000)
        } else {
            rng.below(12)
        } as usize;
        let binary = rng.maybe(|r| (0..r.below(300)).map(|i| i as u8).collect::<Vec<u8>>());
        let data = match rng.below(3) {
            0 => EventData::None,
            1 => EventData::Named {
                fields: (0..items)
                    .map(|i| {
                        (
                            format!("n{i}{}", random_string(&mut rng, 4)),
                            random_string(&mut rng, 60),
                        )
                    })
                    .collect(),
                binary,
            },
            _ => EventData::Positional {
                values: (0..items).map(|_| random_string(&mut rng, 60)).collect(),
                binary,
            },
        };
        events.push(Event {
            provider_name: random_string(&mut rng, 30),
            provider_guid: rng.maybe(|r| {
                if r.below(4) == 0 {
                    random_string(r, 10)
                } else {
                    evtx_common::WAS_GUID.to_string()
                }
            }),
            event_source_name: rng.maybe(|r| random_string(r, 10)),
            event_id: rng.next() as u16,
            qualifiers: rng.maybe(|r| r.next() as u16),
            version: rng.maybe(|r| r.next() as u8),
            level: rng.next() as u8,
            task: rng.next() as u16,
            opcode: rng.maybe(|r| r.next() as u8),
            keywords: rng.next(),
            time_created: t0() + rng.below(1 << 40),
            execution_pid: rng.next() as u32,
            execution_tid: rng.next() as u32,
            channel: random_string(&mut rng, 12),
            computer: random_string(&mut rng, 20),
            user_sid: rng.maybe(|r| format!("S-1-5-21-{}-{}", r.next() as u32, r.next() as u32)),
            data,
        });
    }
    let mut w = EvtxWriter::new();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(w.add(e), Some(i as u64 + 1));
    }
    let records = parse(&w.into_bytes());
    assert_eq!(records.len(), events.len());
    let mut exact = 0;
    for (i, (r, e)) in records.iter().zip(&events).enumerate() {
        let id = i as u64 + 1;
        assert_eq!(r.id, id);
        let mut e = e.clone();
        if e.provider_guid.as_deref() != Some(evtx_common::WAS_GUID) {
            e.provider_guid = None;
        }
        let units = |s: &String| s.encode_utf16().count();
        let (strings, items, longest, binary) = match &e.data {
            EventData::None => (0, 0, 0, 0),
            EventData::Named { fields, binary } => (
                fields.iter().map(|(n, v)| units(n) + units(v)).sum(),
                fields.len(),
                fields.iter().map(|(_, v)| units(v)).max().unwrap_or(0),
                binary.as_ref().map_or(0, Vec::len),
            ),
            EventData::Positional { values, binary } => (
                values.iter().map(units).sum(),
                values.len(),
                values.iter().map(units).max().unwrap_or(0),
                binary.as_ref().map_or(0, Vec::len),
            ),
        };
        let system = units(&e.provider_name)
            + units(&e.channel)
            + units(&e.computer)
            + e.event_source_name.as_ref().map_or(0, units);
        let estimate = 2 * (strings + system) + binary + 64 * items + 1500;
        if estimate < 60_000 && longest <= 32767 && system < 30_000 {
            // Not shrunk: every field comes back exactly.
            check(r, &e, id);
            exact += 1;
        } else {
            // Shrunk: positional values are prefixes of the originals, in order.
            let sys = &r.json["Event"]["System"];
            assert_eq!(sys["EventRecordID"], id);
            if let EventData::Positional { values, .. } = &e.data {
                let got = positional_values(&r.json);
                assert!(got.len() <= values.len());
                for (g, v) in got.iter().zip(values) {
                    assert!(
                        v.starts_with(g.as_str()),
                        "record {id}: value is not a prefix"
                    );
                }
            }
        }
    }
    assert!(exact > 450, "{exact}");
}
