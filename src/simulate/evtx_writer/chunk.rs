//! Chunk assembly: a 65536-byte chunk being filled with event records, its common string table
//! (64 hash buckets of name nodes, newest first) and template table (32 buckets of template
//! definitions, newest first), and on [`ChunkBuilder::finish`] its 512-byte header: record
//! numbers and identifiers, last-record and free-space offsets, the CRC-32 of the records and
//! the CRC-32 of header bytes 0..120 and 128..512. A record is encoded into a scratch buffer
//! first and only copied in when it fits, so a failed [`ChunkBuilder::try_add`] changes
//! nothing.

use std::collections::HashMap;

use crate::simulate::evtx_writer::binxml::{
    self, name_hash, Element, NameSlot, NameTable, TemplateRef,
};
use crate::simulate::evtx_writer::crc32::{crc32, Crc32};
use crate::simulate::evtx_writer::event::Event;
use crate::simulate::evtx_writer::templates::{
    prepare, Layout, Prepared, Shape, XmlName, NAME_COUNT,
};

/// Size of a chunk.
pub(crate) const CHUNK_SIZE: usize = 0x10000;
/// Size of the chunk header (records start here).
const CHUNK_HEADER_SIZE: usize = 512;
/// Size of the record header (signature, size, identifier, written time).
const RECORD_HEADER_SIZE: usize = 24;
/// Latest written time the record header gets (9999-12-30T00:00:00Z), so that parsers can
/// always turn it into a date; `TimeCreated` keeps the event's own value.
const MAX_RECORD_FILETIME: u64 = 2_650_466_016_000_000_000;

/// The chunk's common string table as the encoder updates it.
struct Names<'a> {
    offsets: &'a mut [u32; NAME_COUNT],
    buckets: &'a mut [u32; 64],
}

impl NameTable for Names<'_> {
    fn slot(&mut self, name: XmlName, at: u32) -> NameSlot {
        let known = self.offsets[name as usize];
        if known != 0 {
            return NameSlot::Existing(known);
        }
        let bucket = usize::from(name_hash(name.as_str())) % 64;
        let next = self.buckets[bucket];
        self.buckets[bucket] = at;
        self.offsets[name as usize] = at;
        NameSlot::New { next }
    }
}

/// A template defined in the chunk.
#[derive(Debug, Clone, Copy)]
struct Defined {
    id: u32,
    offset: u32,
}

/// A template as a record refers to it: defined earlier in the chunk, or new (with its
/// tree, defined in the record).
enum Resolved {
    Existing(Defined),
    New {
        guid: [u8; 16],
        next: u32,
        root: Element,
    },
}

impl Resolved {
    /// The reference the encoder takes.
    fn as_ref(&self) -> TemplateRef<'_> {
        match self {
            Resolved::Existing(d) => TemplateRef::Existing {
                id: d.id,
                offset: d.offset,
            },
            Resolved::New { guid, next, root } => TemplateRef::New {
                guid: *guid,
                root,
                next: *next,
            },
        }
    }
}

/// A chunk being filled.
pub(crate) struct ChunkBuilder {
    data: Vec<u8>,
    free: usize,
    last_record: usize,
    first_id: u64,
    last_id: u64,
    string_buckets: [u32; 64],
    template_buckets: [u32; 32],
    names: [u32; NAME_COUNT],
    templates: HashMap<Shape, Defined>,
    scratch: Vec<u8>,
    layout: Layout,
}

impl ChunkBuilder {
    /// An empty chunk whose events get templates laid out as `layout` says.
    pub(crate) fn with_layout(layout: Layout) -> Self {
        ChunkBuilder {
            data: vec![0u8; CHUNK_SIZE],
            free: CHUNK_HEADER_SIZE,
            last_record: 0,
            first_id: 0,
            last_id: 0,
            string_buckets: [0; 64],
            template_buckets: [0; 32],
            names: [0; NAME_COUNT],
            templates: HashMap::new(),
            scratch: Vec::new(),
            layout,
        }
    }

    /// Whether no record was added yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.free == CHUNK_HEADER_SIZE
    }

    /// Bytes left for records.
    pub(crate) fn room(&self) -> usize {
        CHUNK_SIZE - self.free
    }

    /// Appends `event` as record `record_id` if it fits. Otherwise nothing changes and the error
    /// holds the record's size (a lower bound when it is far too large; `usize::MAX` when it
    /// has more than `MAX_DATA_ITEMS` data items).
    pub(crate) fn try_add(&mut self, record_id: u64, event: &Event) -> Result<(), usize> {
        let Some(prepared) = prepare(event, record_id, self.layout) else {
            return Err(usize::MAX);
        };
        // Cheap lower bound (header, descriptors, values, trailing size) before encoding.
        let inner = prepared.fragment.iter().flat_map(|(_, v)| v);
        let min: usize = RECORD_HEADER_SIZE
            + 4
            + prepared
                .values
                .iter()
                .chain(inner)
                .map(|v| 4 + v.size())
                .sum::<usize>();
        if self.free + min > CHUNK_SIZE {
            return Err(min);
        }

        let saved = (self.string_buckets, self.template_buckets, self.names);
        let start = self.free;
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        out.extend_from_slice(b"\x2a\x2a\x00\x00");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&record_id.to_le_bytes());
        out.extend_from_slice(&event.time_created.min(MAX_RECORD_FILETIME).to_le_bytes());
        let new_template = self.encode_binxml(&mut out, start as u32, &prepared);
        // Records are padded to 8 bytes, then end with a copy of their size.
        while !(out.len() + 4).is_multiple_of(8) {
            out.push(0);
        }
        let size = out.len() + 4;
        if start + size > CHUNK_SIZE {
            (self.string_buckets, self.template_buckets, self.names) = saved;
            self.scratch = out;
            return Err(size);
        }
        let size32 = size as u32;
        out[4..8].copy_from_slice(&size32.to_le_bytes());
        out.extend_from_slice(&size32.to_le_bytes());
        self.data[start..start + size].copy_from_slice(&out);
        self.scratch = out;

        let (outer, inner) = new_template;
        let shapes = [Some(prepared.shape), prepared.fragment.map(|(s, _)| s)];
        for (defined, shape) in [outer, inner].into_iter().zip(shapes) {
            if let (Some(defined), Some(shape)) = (defined, shape) {
                self.template_buckets[(defined.id % 32) as usize] = defined.offset;
                self.templates.insert(shape, defined);
            }
        }
        if self.is_empty() {
            self.first_id = record_id;
        }
        self.last_id = record_id;
        self.last_record = start;
        self.free = start + size;
        Ok(())
    }

    /// Encodes the record's BinXml into `out` (the record starting at chunk offset `base`),
    /// with a back reference to its templates (the event's and its fragment's) or, the
    /// first time, their definitions; adds the names it defines to the string table.
    /// Returns the templates it defined, if any.
    fn encode_binxml(
        &mut self,
        out: &mut Vec<u8>,
        base: u32,
        prepared: &Prepared<'_>,
    ) -> (Option<Defined>, Option<Defined>) {
        let outer = self.resolve(&prepared.shape);
        let inner = prepared
            .fragment
            .as_ref()
            .map(|(s, v)| (self.resolve(s), v.as_slice()));
        let fragment = inner.as_ref().map(|(t, v)| (t.as_ref(), *v));
        let mut names = Names {
            offsets: &mut self.names,
            buckets: &mut self.string_buckets,
        };
        let (outer_at, inner_at) = binxml::write_record_binxml(
            out,
            base,
            &mut names,
            outer.as_ref(),
            &prepared.values,
            fragment,
        );
        let defined = |at: Option<u32>, t: &Resolved| match (at, t) {
            (Some(offset), Resolved::New { guid, .. }) => Some(Defined {
                id: binxml::template_id(guid),
                offset,
            }),
            (None, _) | (Some(_), Resolved::Existing(_)) => None,
        };
        let inner_defined = inner.as_ref().and_then(|(t, _)| defined(inner_at, t));
        (defined(outer_at, &outer), inner_defined)
    }

    /// How a record refers to the template of `shape`.
    fn resolve(&self, shape: &Shape) -> Resolved {
        match self.templates.get(shape) {
            Some(d) => Resolved::Existing(*d),
            None => {
                let guid = shape.guid();
                let bucket = (binxml::template_id(&guid) % 32) as usize;
                Resolved::New {
                    guid,
                    next: self.template_buckets[bucket],
                    root: shape.template(),
                }
            }
        }
    }

    /// Writes the header and checksums and returns the 65536 chunk bytes.
    pub(crate) fn finish(self) -> Vec<u8> {
        let mut d = self.data;
        d[0..8].copy_from_slice(b"ElfChnk\0");
        // Record numbers equal identifiers: the log never wraps.
        d[8..16].copy_from_slice(&self.first_id.to_le_bytes());
        d[16..24].copy_from_slice(&self.last_id.to_le_bytes());
        d[24..32].copy_from_slice(&self.first_id.to_le_bytes());
        d[32..40].copy_from_slice(&self.last_id.to_le_bytes());
        d[40..44].copy_from_slice(&128u32.to_le_bytes());
        d[44..48].copy_from_slice(&(self.last_record as u32).to_le_bytes());
        d[48..52].copy_from_slice(&(self.free as u32).to_le_bytes());
        let records_crc = crc32(&d[CHUNK_HEADER_SIZE..self.free]);
        d[52..56].copy_from_slice(&records_crc.to_le_bytes());
        for (i, offset) in self.string_buckets.iter().enumerate() {
            d[128 + i * 4..132 + i * 4].copy_from_slice(&offset.to_le_bytes());
        }
        for (i, offset) in self.template_buckets.iter().enumerate() {
            d[384 + i * 4..388 + i * 4].copy_from_slice(&offset.to_le_bytes());
        }
        let mut crc = Crc32::new();
        crc.update(&d[..120]);
        crc.update(&d[128..CHUNK_HEADER_SIZE]);
        d[124..128].copy_from_slice(&crc.finish().to_le_bytes());
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::evtx_writer::event::EventData;

    fn event(values: usize) -> Event {
        Event {
            provider_name: "P".into(),
            channel: "System".into(),
            computer: "HOST".into(),
            data: EventData::Positional {
                values: (0..values).map(|i| format!("value {i}")).collect(),
                binary: None,
            },
            ..Event::default()
        }
    }

    #[test]
    fn first_record_defines_template_and_names_later_ones_reuse_them() {
        let mut c = ChunkBuilder::with_layout(Layout::Flat);
        assert!(c.try_add(1, &event(2)).is_ok());
        let after_first = c.free;
        assert!(c.try_add(2, &event(2)).is_ok());
        let second = c.free - after_first;
        assert!(
            second < after_first - CHUNK_HEADER_SIZE,
            "second record is a back reference"
        );
        assert_eq!(c.templates.len(), 1);
        assert!(c.try_add(3, &event(3)).is_ok());
        assert_eq!(c.templates.len(), 2);
        let d = c.finish();
        assert_eq!(u64::from_le_bytes(d[24..32].try_into().unwrap()), 1);
        assert_eq!(u64::from_le_bytes(d[32..40].try_into().unwrap()), 3);
        // Every record size is a multiple of 8 with a trailing copy.
        let mut at = CHUNK_HEADER_SIZE;
        for _ in 0..3 {
            let size = u32::from_le_bytes(d[at + 4..at + 8].try_into().unwrap()) as usize;
            assert_eq!(size % 8, 0);
            assert_eq!(&d[at + size - 4..at + size], &(size as u32).to_le_bytes());
            at += size;
        }
    }

    #[test]
    fn failed_add_changes_nothing() {
        let mut c = ChunkBuilder::with_layout(Layout::Flat);
        assert!(c.try_add(1, &event(1)).is_ok());
        let huge = Event {
            data: EventData::Positional {
                values: vec!["x".repeat(30_000), "y".repeat(30_000)],
                binary: None,
            },
            ..event(0)
        };
        let (free, strings, templates) = (c.free, c.string_buckets, c.template_buckets);
        let needed = c.try_add(2, &huge).unwrap_err();
        assert!(needed > c.room());
        assert_eq!(
            (c.free, c.string_buckets, c.template_buckets),
            (free, strings, templates)
        );
        assert_eq!(c.templates.len(), 1);
    }
}
