//! The nested layout (EventData as a second template, whose instance is the value of a
//! BinXML substitution, as Windows writes manifest events): the evtx crate must read every
//! event of the catalog, across several chunks, to the same XML and JSON as the flat
//! layout, with checksums valid; and the fragment must really be nested.

mod evtx_common;

use corvid::simulate::evtx_writer::{EvtxWriter, Layout};
use evtx_common::{catalog, parse, tricky};

fn write(events: &[corvid::simulate::evtx_writer::Event], layout: Layout) -> Vec<u8> {
    let mut w = EvtxWriter::with_layout(layout);
    for e in events {
        w.add(e).expect("record id");
    }
    let mut out = Vec::new();
    w.write_to(&mut out).unwrap();
    out
}

#[test]
fn nested_and_flat_layouts_render_the_same_events() {
    let mut events: Vec<_> = catalog().into_iter().map(|(_, e)| e).collect();
    events.push(tricky());
    // Enough copies to fill several chunks, so templates are defined again per chunk.
    let many: Vec<_> = events
        .iter()
        .cycle()
        .take(events.len() * 40)
        .cloned()
        .collect();
    let flat = parse(&write(&many, Layout::Flat));
    let nested_bytes = write(&many, Layout::Nested);
    let nested = parse(&nested_bytes);
    assert_eq!(flat.len(), many.len());
    assert_eq!(nested.len(), many.len());
    assert!(nested_bytes.len() > 4096 + 2 * 65536, "several chunks");
    for (f, n) in flat.iter().zip(&nested) {
        assert_eq!(f.id, n.id);
        assert_eq!(f.xml, n.xml, "record {}", f.id);
        assert_eq!(f.json, n.json, "record {}", f.id);
    }
}

#[test]
fn nested_records_carry_their_event_data_as_a_fragment() {
    let (_, event) = catalog()
        .into_iter()
        .find(|(n, _)| *n == "was_5011")
        .unwrap();
    let bytes = write(&[event.clone(), event], Layout::Nested);
    let mut parser = evtx::EvtxParser::from_buffer(bytes).unwrap();
    let mut chunk = parser.chunks().next().unwrap().unwrap();
    let settings = std::sync::Arc::new(evtx::ParserSettings::new());
    let mut chunk = chunk.parse(settings).unwrap();
    let mut records = 0;
    for record in chunk.iter() {
        let record = record.unwrap();
        let instances = record.template_instances().unwrap();
        assert_eq!(instances.len(), 1);
        let fragments = instances[0]
            .values
            .iter()
            .filter(|v| matches!(v, evtx::binxml::value_variant::BinXmlValue::BinXmlType(_)))
            .count();
        assert_eq!(fragments, 1, "record {}", record.event_record_id);
        records += 1;
    }
    assert_eq!(records, 2);
}
