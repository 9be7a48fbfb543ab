//! Files that need several chunks: every record parses (evtx crate, checksums validated) with
//! the right identifier and fields, chunk headers and tables are consistent, templates are
//! defined once per chunk and reused, and the output is deterministic.

mod evtx_common;
use evtx_common as common;

use common::{check, many_events, parse, u32_at, u64_at, write};
use corvid::simulate::evtx_writer::{EvtxWriter, StreamingEvtxWriter};

const CHUNK: usize = 65536;
const HEADER: usize = 4096;

#[test]
fn five_thousand_events_parse_completely() {
    let events = many_events(5000);
    let bytes = write(&events);
    let records = parse(&bytes);
    assert_eq!(records.len(), 5000);
    for (i, (r, e)) in records.iter().zip(&events).enumerate() {
        check(r, e, i as u64 + 1);
    }

    assert_eq!((bytes.len() - HEADER) % CHUNK, 0);
    let chunks = (bytes.len() - HEADER) / CHUNK;
    assert!(chunks >= 5, "{chunks} chunks");
    // File header.
    assert_eq!(&bytes[..8], b"ElfFile\0");
    assert_eq!(u64_at(&bytes, 8), 0);
    assert_eq!(u64_at(&bytes, 16), chunks as u64 - 1);
    assert_eq!(u64_at(&bytes, 24), 5001);
    assert_eq!(u32_at(&bytes, 32), 128);
    assert_eq!(u16::from_le_bytes([bytes[36], bytes[37]]), 1);
    assert_eq!(u16::from_le_bytes([bytes[38], bytes[39]]), 3);
    assert_eq!(u16::from_le_bytes([bytes[40], bytes[41]]), 4096);
    assert_eq!(u16::from_le_bytes([bytes[42], bytes[43]]), chunks as u16);
    assert_eq!(u32_at(&bytes, 120), 0, "flags");

    // Chunk headers: contiguous ids, records up to the free space, tables.
    let mut next_id = 1u64;
    for c in 0..chunks {
        let d = &bytes[HEADER + c * CHUNK..HEADER + (c + 1) * CHUNK];
        assert_eq!(&d[..8], b"ElfChnk\0");
        let (first, last) = (u64_at(d, 24), u64_at(d, 32));
        assert_eq!((u64_at(d, 8), u64_at(d, 16)), (first, last));
        assert_eq!(first, next_id, "chunk {c}");
        assert_eq!(u32_at(d, 40), 128);
        let (last_off, free) = (u32_at(d, 44) as usize, u32_at(d, 48) as usize);
        assert!(free <= CHUNK);
        let mut at = 512;
        let mut ids = Vec::new();
        let mut defined = 0;
        while at < free {
            assert_eq!(&d[at..at + 4], b"\x2a\x2a\x00\x00");
            let size = u32_at(d, at + 4) as usize;
            assert_eq!(u32_at(d, at + size - 4) as usize, size);
            ids.push(u64_at(d, at + 8));
            // BinXML: fragment header, then TemplateInstance 0c 01 id offset.
            assert_eq!(&d[at + 24..at + 30], &[0x0f, 1, 1, 0, 0x0c, 1]);
            let def = at + 38;
            if u32_at(d, at + 34) as usize == def {
                defined += 1;
                // Definition: next, GUID (whose first dword is the instance's template id),
                // body size; the body is fragment header, <Event> element, EOF, and the
                // element's data size spans it up to the EOF.
                assert_eq!(&d[def + 4..def + 8], &d[at + 30..at + 34]);
                let body = def + 24;
                let body_end = body + u32_at(d, def + 20) as usize;
                assert_eq!(&d[body..body + 5], &[0x0f, 1, 1, 0, 0x41]);
                assert_eq!(&d[body + 5..body + 7], &[0xff, 0xff], "no dependency");
                let element_end = body + 4 + 7 + u32_at(d, body + 7) as usize;
                assert_eq!(element_end, body_end - 1);
                assert_eq!(d[element_end - 1], 0x04, "</Event>");
                assert_eq!(d[element_end], 0x00, "EOF");
            }
            if at == last_off {
                assert_eq!(at + size, free, "last record ends at the free space");
            }
            at += size;
        }
        assert_eq!(at, free);
        assert_eq!(ids, (first..=last).collect::<Vec<_>>());
        assert!(d[free..].iter().all(|&b| b == 0));
        // Every template-table entry chains through definitions that follow a 0x0c instance
        // header pointing at them.
        let mut table_entries = 0;
        for b in 0..32 {
            let mut off = u32_at(d, 384 + b * 4) as usize;
            while off != 0 {
                assert_eq!(d[off - 10], 0x0c);
                assert_eq!(u32_at(d, off - 4) as usize, off);
                table_entries += 1;
                off = u32_at(d, off) as usize;
            }
        }
        assert_eq!(
            table_entries, defined,
            "chunk {c}: table lists each definition"
        );
        // The catalog has 15 distinct shapes: at most that many definitions per chunk.
        assert!(defined <= 15, "chunk {c}: {defined} templates");
        assert!(
            c == chunks - 1 || defined * 4 < ids.len(),
            "chunk {c}: {defined} templates for {} records",
            ids.len()
        );
        // Every string-table entry is a name node whose hash bucket is right.
        for b in 0..64 {
            let mut off = u32_at(d, 128 + b * 4) as usize;
            while off != 0 {
                let hash = u16::from_le_bytes([d[off + 4], d[off + 5]]);
                assert_eq!(usize::from(hash) % 64, b);
                off = u32_at(d, off) as usize;
            }
        }
        next_id = last + 1;
    }
    assert_eq!(next_id, 5001);
}

#[test]
fn output_is_deterministic_and_streaming_matches() {
    let events = many_events(1500);
    let a = write(&events);
    let b = write(&events);
    assert_eq!(a, b);

    let mut s = StreamingEvtxWriter::new(std::io::Cursor::new(Vec::new())).unwrap();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(s.add(e).unwrap(), Some(i as u64 + 1));
    }
    let streamed = s.finish().unwrap().into_inner();
    assert_eq!(streamed, a);
}

#[test]
fn streaming_to_a_file() {
    let events = many_events(800);
    let path = std::env::temp_dir().join(format!("evtx_writer_stream_{}.evtx", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    let mut s = StreamingEvtxWriter::new(std::io::BufWriter::new(file)).unwrap();
    for e in &events {
        s.add(e).unwrap();
    }
    drop(s.finish().unwrap());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(bytes, write(&events));
    let records = parse(&bytes);
    assert_eq!(records.len(), 800);
    for (i, (r, e)) in records.iter().zip(&events).enumerate() {
        check(r, e, i as u64 + 1);
    }
}

#[test]
fn empty_log_is_a_valid_file() {
    let w = EvtxWriter::new();
    assert!(w.is_empty());
    let bytes = w.into_bytes();
    assert_eq!(bytes.len(), HEADER);
    assert_eq!(u64_at(&bytes, 24), 1);
    assert!(parse(&bytes).is_empty());
}
