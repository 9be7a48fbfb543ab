//! The writers: [`EvtxWriter`] keeps finished chunks in memory and writes the whole file at the
//! end; [`StreamingEvtxWriter`] writes each chunk as soon as it is full and seeks back to fill
//! in the 4 KiB file header on [`StreamingEvtxWriter::finish`]. Both assign record identifiers
//! 1, 2, 3... in order, start a new chunk when a record does not fit, and shrink an event that
//! cannot fit even an empty chunk (see [`EvtxWriter::add`]).

use std::io::{self, Seek, SeekFrom, Write};

use crate::simulate::evtx_writer::binxml::{MAX_BINARY_BYTES, MAX_VALUE_UNITS};
use crate::simulate::evtx_writer::chunk::ChunkBuilder;
use crate::simulate::evtx_writer::event::{Event, EventData};
use crate::simulate::evtx_writer::header::{file_header, FILE_HEADER_SIZE};
use crate::simulate::evtx_writer::templates::{Layout, MAX_DATA_ITEMS};

/// Most chunks a file can have (the header's chunk count is 16-bit).
const MAX_CHUNKS: u32 = u16::MAX as u32;

/// Record numbering and chunk rollover shared by both writers.
struct Assembler {
    current: ChunkBuilder,
    next_id: u64,
    finished: u32,
    layout: Layout,
}

impl Assembler {
    fn new(layout: Layout) -> Self {
        Assembler {
            current: ChunkBuilder::with_layout(layout),
            next_id: 1,
            finished: 0,
            layout,
        }
    }

    /// Adds `event`; returns its record identifier (`None` when the file is full) and the chunk
    /// it completed, if any.
    fn add(&mut self, event: &Event) -> (Option<u64>, Option<Vec<u8>>) {
        let id = self.next_id;
        if self.current.try_add(id, event).is_ok() {
            self.next_id += 1;
            return (Some(id), None);
        }
        let mut done = None;
        if !self.current.is_empty() {
            if self.finished + 1 >= MAX_CHUNKS {
                return (None, None);
            }
            let full = std::mem::replace(&mut self.current, ChunkBuilder::with_layout(self.layout));
            done = Some(full.finish());
            self.finished += 1;
            if self.current.try_add(id, event).is_ok() {
                self.next_id += 1;
                return (Some(id), done);
            }
        }
        if add_shrunk(&mut self.current, id, event) {
            self.next_id += 1;
            (Some(id), done)
        } else {
            (None, done)
        }
    }

    /// Completes the last chunk; returns it (if it holds records), the chunk count and the
    /// next record identifier.
    fn finish(self) -> (Option<Vec<u8>>, u16, u64) {
        let last = (!self.current.is_empty()).then(|| self.current.finish());
        let count = self.finished + u32::from(last.is_some());
        (last, u16::try_from(count).unwrap_or(u16::MAX), self.next_id)
    }
}

/// Adds a shrunk copy of `event`, which does not fit the empty chunk `chunk`. Strings are cut
/// to what one value can hold, then the longest strings / binary data are cut to a common
/// length that saves the bytes the record is over by; only when all text together is not
/// enough are trailing data items dropped. Every round makes the event strictly smaller, so
/// this ends; it returns false only if an empty event did not fit (it always does).
fn add_shrunk(chunk: &mut ChunkBuilder, id: u64, event: &Event) -> bool {
    let mut e = event.clone();
    for s in strings_mut(&mut e).0 {
        cut_units(s, MAX_VALUE_UNITS);
    }
    match &mut e.data {
        EventData::Named { fields, binary } => {
            fields.truncate(MAX_DATA_ITEMS);
            binary.iter_mut().for_each(|b| b.truncate(MAX_BINARY_BYTES));
        }
        EventData::Positional { values, binary } => {
            values.truncate(MAX_DATA_ITEMS);
            binary.iter_mut().for_each(|b| b.truncate(MAX_BINARY_BYTES));
        }
        EventData::None => {}
    }
    loop {
        let excess = match chunk.try_add(id, &e) {
            Ok(()) => return true,
            Err(needed) => needed.saturating_sub(chunk.room()).max(1),
        };
        if !shrink_by(&mut e, excess) {
            return false;
        }
    }
}

/// The event's strings (System strings, data names and values) and its binary data.
fn strings_mut(e: &mut Event) -> (Vec<&mut String>, Option<&mut Vec<u8>>) {
    let mut strings = vec![&mut e.provider_name, &mut e.channel, &mut e.computer];
    strings.extend(e.event_source_name.as_mut());
    let binary = match &mut e.data {
        EventData::Named { fields, binary } => {
            for (n, v) in fields.iter_mut() {
                strings.push(n);
                strings.push(v);
            }
            binary.as_mut()
        }
        EventData::Positional { values, binary } => {
            strings.extend(values.iter_mut());
            binary.as_mut()
        }
        EventData::None => None,
    };
    (strings, binary)
}

/// Smallest encoded size of one data item (`<Data>` with its substitution and descriptor).
const ITEM_OVERHEAD: usize = 21;

/// Makes `e` about `excess` bytes smaller (at least a little); false when nothing is left.
fn shrink_by(e: &mut Event, excess: usize) -> bool {
    let items = match &e.data {
        EventData::Named { fields, .. } => fields.len(),
        EventData::Positional { values, .. } => values.len(),
        EventData::None => 0,
    };
    // Cost in bytes: 2 per UTF-16 unit, 1 per binary byte.
    let costs: Vec<usize> = {
        let (strings, binary) = strings_mut(e);
        let mut costs: Vec<usize> = strings
            .iter()
            .map(|s| 2 * s.encode_utf16().count())
            .collect();
        costs.extend(binary.map(|b| b.len()));
        costs
    };
    let text: usize = costs.iter().sum();
    if text < excess && items > 0 {
        let drop = (excess - text).div_ceil(ITEM_OVERHEAD).clamp(1, items);
        match &mut e.data {
            EventData::Named { fields, .. } => fields.truncate(items - drop),
            EventData::Positional { values, .. } => values.truncate(items - drop),
            EventData::None => {}
        }
        return true;
    }
    let max = costs.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return false;
    }
    // The largest cap that saves at least `excess` bytes (0 if nothing smaller does).
    let saved = |cap: usize| costs.iter().map(|c| c.saturating_sub(cap)).sum::<usize>();
    let (mut lo, mut hi) = (0usize, max);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if saved(mid) >= excess {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let (strings, binary) = strings_mut(e);
    for s in strings {
        cut_units(s, lo / 2);
    }
    if let Some(b) = binary {
        b.truncate(lo);
    }
    true
}

/// Cuts `s` to at most `max` UTF-16 units, at a character boundary.
fn cut_units(s: &mut String, max: usize) {
    let mut units = 0;
    for (at, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            s.truncate(at);
            return;
        }
    }
}

/// Writes an EVTX file from events added in order, keeping finished chunks in memory.
///
/// Memory use is 64 KiB per chunk (roughly 100-400 typical events each); use
/// [`StreamingEvtxWriter`] to write chunks out as they fill instead.
pub struct EvtxWriter {
    asm: Assembler,
    chunks: Vec<Vec<u8>>,
}

impl Default for EvtxWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl EvtxWriter {
    /// An empty log.
    pub fn new() -> Self {
        Self::with_layout(Layout::Flat)
    }

    /// An empty log whose events get templates laid out as `layout` says.
    pub fn with_layout(layout: Layout) -> Self {
        EvtxWriter {
            asm: Assembler::new(layout),
            chunks: Vec::new(),
        }
    }

    /// Appends a record; record ids are assigned 1, 2, 3... in order of add. Returns the record
    /// id.
    ///
    /// Each string value is cut to 32767 UTF-16 units (its size is 16-bit). An event too large
    /// for an empty chunk (about 64 KB of BinXML) is shrunk until it fits: its longest strings /
    /// binary data are cut to a common length and, as a last resort, trailing data items are
    /// dropped. Returns `None` (and writes nothing) only when the file already has the maximum
    /// of 65535 chunks.
    pub fn add(&mut self, event: &Event) -> Option<u64> {
        let (id, done) = self.asm.add(event);
        self.chunks.extend(done);
        id
    }

    /// Number of records added so far.
    pub fn len(&self) -> u64 {
        self.asm.next_id - 1
    }

    /// Whether no record was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the whole file (file header + 64 KiB chunks) to `out`.
    pub fn write_to<W: Write>(self, mut out: W) -> io::Result<()> {
        let mut chunks = self.chunks;
        let (last, count, next_id) = self.asm.finish();
        chunks.extend(last);
        out.write_all(&file_header(count, next_id))?;
        for chunk in &chunks {
            out.write_all(chunk)?;
        }
        out.flush()
    }

    /// The whole file as bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }
}

/// Writes an EVTX file to `out` as it goes: each chunk is written once full, so memory stays at
/// one chunk. The file header is written as zeros first and filled in by
/// [`StreamingEvtxWriter::finish`], which is why `out` must be seekable. The file starts at the
/// position `out` had when the writer was created.
pub struct StreamingEvtxWriter<W: Write + Seek> {
    out: W,
    start: u64,
    asm: Assembler,
}

impl<W: Write + Seek> StreamingEvtxWriter<W> {
    /// Starts a file at the current position of `out` (writes a placeholder header).
    pub fn new(out: W) -> io::Result<Self> {
        Self::with_layout(out, Layout::Flat)
    }

    /// Starts a file whose events get templates laid out as `layout` says.
    pub fn with_layout(mut out: W, layout: Layout) -> io::Result<Self> {
        let start = out.stream_position()?;
        out.write_all(&[0u8; FILE_HEADER_SIZE])?;
        Ok(StreamingEvtxWriter {
            out,
            start,
            asm: Assembler::new(layout),
        })
    }

    /// Appends a record, as [`EvtxWriter::add`] does, writing out the chunk it completes.
    pub fn add(&mut self, event: &Event) -> io::Result<Option<u64>> {
        let (id, done) = self.asm.add(event);
        if let Some(chunk) = done {
            self.out.write_all(&chunk)?;
        }
        Ok(id)
    }

    /// Writes the last chunk and the final file header; returns `out`, positioned at the end of
    /// the file.
    pub fn finish(mut self) -> io::Result<W> {
        let (last, count, next_id) = self.asm.finish();
        if let Some(chunk) = last {
            self.out.write_all(&chunk)?;
        }
        let end = self.out.stream_position()?;
        self.out.seek(SeekFrom::Start(self.start))?;
        self.out.write_all(&file_header(count, next_id))?;
        self.out.seek(SeekFrom::Start(end))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_units_keeps_characters_whole() {
        let mut a = "é".repeat(40);
        cut_units(&mut a, 20);
        assert_eq!(a, "é".repeat(20));
        let mut c = "\u{1F600}".repeat(3); // 6 units
        cut_units(&mut c, 3);
        assert_eq!(c, "\u{1F600}");
        let mut d = String::from("abc");
        cut_units(&mut d, 10);
        assert_eq!(d, "abc");
        cut_units(&mut d, 0);
        assert_eq!(d, "");
    }

    #[test]
    fn shrink_by_cuts_the_longest_first_then_drops_items() {
        let mut e = Event {
            provider_name: "p".repeat(10),
            data: EventData::Positional {
                values: vec!["x".repeat(1000), "y".repeat(100)],
                binary: Some(vec![1; 500]),
            },
            ..Event::default()
        };
        assert!(shrink_by(&mut e, 1000));
        let EventData::Positional { values, binary } = &e.data else {
            unreachable!()
        };
        // The x string (2000 bytes) was cut to save 1000 bytes; the short ones are intact.
        assert_eq!(values[0].len(), 500);
        assert_eq!(values[1].len(), 100);
        assert_eq!(binary.as_ref().unwrap().len(), 500);
        assert_eq!(e.provider_name.len(), 10);

        // More than all text: items go from the end.
        let mut e = Event {
            data: EventData::Named {
                fields: vec![("n".into(), "v".into()); 100],
                binary: None,
            },
            ..Event::default()
        };
        assert!(shrink_by(&mut e, 21 * 50 + 400));
        let EventData::Named { fields, .. } = &e.data else {
            unreachable!()
        };
        assert_eq!(fields.len(), 50);

        // Nothing left.
        let mut e = Event::default();
        assert!(!shrink_by(&mut e, 10));
    }

    #[test]
    fn streaming_matches_in_memory() {
        let events: Vec<Event> = (0..1000u32)
            .map(|i| Event {
                provider_name: "P".into(),
                event_id: (i % 7) as u16,
                channel: "System".into(),
                computer: "HOST".into(),
                time_created: 133_000_000_000_000_000 + u64::from(i),
                data: EventData::Positional {
                    values: vec![format!("value {i}"); (i % 5) as usize],
                    binary: None,
                },
                ..Event::default()
            })
            .collect();
        let mut mem = EvtxWriter::new();
        let mut cursor = io::Cursor::new(vec![1, 2, 3]);
        cursor.set_position(3);
        let mut stream = StreamingEvtxWriter::new(cursor).unwrap();
        for e in &events {
            assert_eq!(mem.add(e), stream.add(e).unwrap());
        }
        let bytes = mem.into_bytes();
        let streamed = stream.finish().unwrap().into_inner();
        assert_eq!(&streamed[..3], &[1, 2, 3]);
        assert_eq!(&streamed[3..], &bytes[..]);
        assert!(bytes.len() > FILE_HEADER_SIZE + 65536, "several chunks");
    }
}
