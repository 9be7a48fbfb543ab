//! Event log files (.evtx) through the evtx crate: every record the crate can recover
//! becomes an `events` row (and a `lifecycle` row when it matters to app pools); each
//! chunk or record that fails is counted and reported, and reading goes on.

use crate::domain::lifecycle::Lifecycle;
use crate::domain::{EventForm, TimeBasis};
use crate::parse::eventdata::{parse_event_xml, Event};
use crate::parse::lifecycle;
use crate::parse::rows::{push_event, push_lifecycle, Placed};
use crate::parse::{Emit, ErrorReport};
use crate::tables::events::EventsTable;
use crate::tables::lifecycle::LifecycleTable;
use crate::time::parse_rfc3339;
use evtx::err::EvtxError;
use evtx::{EvtxChunkData, EvtxParser, ParserSettings};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// Counts and time range of one .evtx file.
#[derive(Debug, Default, Clone)]
pub struct EvtxStats {
    /// Records read.
    pub records: u64,
    /// Chunks or records that could not be read.
    pub failures: u64,
    /// Records carved from unallocated space.
    pub recovered: u64,
    /// Live records dropped because a record with the same id was read before (a chunk
    /// repeated in a damaged or doctored file).
    pub repeated: u64,
    /// Carved records dropped: a copy of a live record (same record id).
    pub carved_copies: u64,
    /// Carved records dropped: they render to no complete event (time, provider and
    /// event id), so nothing confirms them.
    pub carved_incomplete: u64,
    /// Lifecycle rows produced.
    pub lifecycle: u64,
    /// Earliest event time.
    pub first_time: Option<i64>,
    /// Latest event time.
    pub last_time: Option<i64>,
    /// Most frequent `Computer`.
    pub computer: Option<String>,
    /// Notes on the file (dirty header, truncation).
    pub notes: Vec<String>,
    /// The file is cut inside a chunk: records after the cut are lost.
    pub truncated: bool,
    /// The file could not be opened as an event log at all.
    pub open_error: Option<String>,
}

/// Reads one .evtx file.
pub fn read(path: &Path, emit: &mut Emit<'_>) -> EvtxStats {
    let mut st = EvtxStats::default();
    let settings = ParserSettings::new()
        .indent(false)
        .validate_checksums(false)
        .recover_records(true);
    let file = match PaddedChunks::open(path) {
        Ok(f) => f,
        Err(e) => {
            st.open_error = Some(format!("cannot open: {e}"));
            return st;
        }
    };
    if let Some(cut) = file.cut() {
        st.notes.push(cut);
        st.truncated = true;
    }
    let mut parser = match EvtxParser::from_read_seek(file) {
        Ok(p) => p.with_configuration(settings.clone()),
        Err(e) => {
            st.open_error = Some(format!("not a readable event log: {e}"));
            return st;
        }
    };
    let header = parser.header();
    if header.flags.contains(evtx::HeaderFlags::DIRTY) {
        st.notes
            .push("header marks the log dirty (not closed cleanly)".into());
    }
    let settings = Arc::new(settings);
    let mut rows = FileRows::new(emit.batch_rows());
    // Decoding (rendering and reading the XML) is most of the work and needs no order:
    // a few chunks at a time decode on the pool, then this thread makes their rows in
    // record order. (Decoding the next chunks while making the rows of the last
    // measured no faster.)
    let mut chunks = parser.chunks();
    let batch = 2 * rayon::current_num_threads();
    'file: loop {
        let read: Vec<_> = chunks.by_ref().take(batch).collect();
        if read.is_empty() {
            break;
        }
        let decoded: Vec<Vec<Decoded>> = read
            .into_par_iter()
            .map(|chunk| decode_chunk(chunk, &settings))
            .collect();
        for item in decoded.into_iter().flatten() {
            if emit.failed() || crate::progress::interrupted() {
                break 'file;
            }
            match item {
                Decoded::Record(rec) => rows.push(*rec, &mut st, emit),
                Decoded::Failed(report) => {
                    st.failures += 1;
                    emit.error(report);
                }
            }
        }
    }
    rows.push_carved(&mut st, emit);
    emit.flush(&mut rows.events, true);
    emit.flush(&mut rows.life, true);
    st.computer = rows
        .computers
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(c, _)| c);
    st
}

/// The rows of one file, made in record order.
struct FileRows {
    events: EventsTable,
    life: LifecycleTable,
    /// Records per `Computer`, for the file's most frequent one.
    computers: BTreeMap<String, u64>,
    /// Record ids read so far.
    seen: HashSet<i64>,
    /// Records carved from slack, kept until every live record is read: a carved copy
    /// of a live record is dropped whichever comes first.
    carved: Vec<DecodedRecord>,
}

impl FileRows {
    fn new(batch_rows: usize) -> Self {
        FileRows {
            events: EventsTable::with_capacity(batch_rows.min(1 << 15)),
            life: LifecycleTable::with_capacity(256),
            computers: BTreeMap::new(),
            seen: HashSet::new(),
            carved: Vec::new(),
        }
    }

    /// The carved records that are neither copies of a live record nor incomplete.
    fn push_carved(&mut self, st: &mut EvtxStats, emit: &mut Emit<'_>) {
        for rec in std::mem::take(&mut self.carved) {
            let ev = &rec.ev;
            if self.seen.contains(&rec.record_id) {
                st.carved_copies += 1;
            } else if rec.time.is_none() || ev.provider.is_none() || ev.event_id.is_none() {
                st.carved_incomplete += 1;
            } else {
                self.add(rec, st, emit);
            }
        }
    }

    /// Takes one record: a carved one waits for the end of the file, a live one whose
    /// id was read before is dropped, any other is added.
    fn push(&mut self, rec: DecodedRecord, st: &mut EvtxStats, emit: &mut Emit<'_>) {
        if rec.recovered {
            self.carved.push(rec);
        } else {
            self.add(rec, st, emit);
        }
    }

    /// Adds one record's rows and counts it in `st`; full batches go to `emit`.
    fn add(&mut self, rec: DecodedRecord, st: &mut EvtxStats, emit: &mut Emit<'_>) {
        let DecodedRecord {
            ev,
            time,
            record_id,
            recovered,
            data_json,
            life,
        } = rec;
        if !self.seen.insert(record_id) {
            st.repeated += 1;
            return;
        }
        st.records += 1;
        if recovered {
            st.recovered += 1;
        }
        if let Some(t) = time {
            st.first_time = Some(st.first_time.map_or(t, |f| f.min(t)));
            st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
        }
        if let Some(c) = &ev.computer {
            if let Some(n) = self.computers.get_mut(c) {
                *n += 1;
            } else {
                self.computers.insert(c.clone(), 1);
            }
        }
        let at = Placed {
            record_id: Some(record_id),
            line: None,
            time,
            form: EventForm::Evtx,
            basis: TimeBasis::Utc,
            time_local: None,
            utc_offset_min: None,
            message: None,
            recovered,
            duplicate: false,
            slack_s: 0,
        };
        push_event(&mut self.events, &ev, data_json.as_deref(), &at, emit);
        if let Some(l) = life {
            st.lifecycle += 1;
            push_lifecycle(&mut self.life, &ev, &l, &at, emit);
        }
        emit.flush(&mut self.events, false);
        emit.flush(&mut self.life, false);
    }
}

/// One record, read and with what its rows need worked out, ready to push.
struct DecodedRecord {
    ev: Event,
    /// `TimeCreated`, else the record header's time.
    time: Option<i64>,
    /// `EventRecordID`, else the record header's.
    record_id: i64,
    /// Carved from unallocated chunk space.
    recovered: bool,
    /// The `event_data` column.
    data_json: Option<String>,
    /// The `lifecycle` row, when the event matters to app pools.
    life: Option<Lifecycle>,
}

impl DecodedRecord {
    fn new(ev: Event, header_record_id: u64, header_time_us: i64, recovered: bool) -> Self {
        DecodedRecord {
            time: ev
                .system_time
                .as_deref()
                .and_then(parse_rfc3339)
                .or(Some(header_time_us)),
            record_id: ev.record_id.unwrap_or(header_record_id as i64),
            recovered,
            data_json: ev.data_json(),
            life: lifecycle::extract(&ev),
            ev,
        }
    }
}

/// One record of a chunk, decoded, or why it could not be.
enum Decoded {
    Record(Box<DecodedRecord>),
    Failed(ErrorReport),
}

/// Renders and reads every record of one chunk (any thread). A chunk that cannot be
/// parsed is one failure; carved records that fail to render are dropped as noise, as
/// the crate's own record iterator does.
fn decode_chunk(
    chunk: evtx::err::Result<EvtxChunkData>,
    settings: &Arc<ParserSettings>,
) -> Vec<Decoded> {
    let mut data = match chunk {
        Ok(d) => d,
        Err(e) => return vec![Decoded::Failed(damage_report(&e))],
    };
    let number = data.number;
    let mut chunk = match data.parse(Arc::clone(settings)) {
        Ok(c) => c,
        Err(e) => {
            // Worded as the crate words a chunk it cannot read itself.
            let n = number.map_or_else(|| "?".into(), |n| n.to_string());
            return vec![Decoded::Failed(ErrorReport {
                line: None,
                record: None,
                offset: number.map(|n| HEADER_BLOCK + n * CHUNK_BYTES),
                reason: format!(
                    "event log damage: Failed to parse chunk number {n}: {}",
                    causes(&e)
                ),
                raw: String::new(),
            })];
        }
    };
    let mut out = Vec::new();
    for record in chunk.iter() {
        let recovered = record.as_ref().is_ok_and(|r| r.recovered);
        let rendered = record.and_then(|r| r.into_xml_bytes());
        let rec = match rendered {
            Ok(r) => r,
            Err(_) if recovered => continue,
            Err(e) => {
                out.push(Decoded::Failed(damage_report(&e)));
                continue;
            }
        };
        out.push(match parse_event_xml(&rec.data) {
            Ok(ev) => Decoded::Record(Box::new(DecodedRecord::new(
                ev,
                rec.event_record_id,
                rec.timestamp.as_microsecond(),
                rec.recovered,
            ))),
            Err(reason) => Decoded::Failed(ErrorReport {
                line: None,
                record: Some(rec.event_record_id),
                offset: None,
                reason,
                raw: String::from_utf8_lossy(&rec.data).into_owned(),
            }),
        });
    }
    out
}

const HEADER_BLOCK: u64 = 4096;
const CHUNK_BYTES: u64 = 65536;

/// An .evtx file as the evtx crate is given it: a file cut inside a chunk reads as if
/// that chunk were complete, with zeros after the cut, so that the crate parses the
/// chunk and gives up the records before the cut (and reports the damage) instead of
/// leaving the partial chunk out without a word.
struct PaddedChunks {
    file: File,
    len: u64,
    padded: u64,
    pos: u64,
}

impl PaddedChunks {
    fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let partial = len.saturating_sub(HEADER_BLOCK) % CHUNK_BYTES;
        let padded = if len > HEADER_BLOCK && partial > 0 {
            len + (CHUNK_BYTES - partial)
        } else {
            len
        };
        Ok(PaddedChunks {
            file,
            len,
            padded,
            pos: 0,
        })
    }

    /// What is missing, if the file ends inside a chunk.
    fn cut(&self) -> Option<String> {
        (self.padded > self.len).then(|| {
            let chunk = (self.len - HEADER_BLOCK) / CHUNK_BYTES;
            format!(
                "the file ends {} bytes into chunk {chunk} (truncated): the records after the cut are lost",
                (self.len - HEADER_BLOCK) % CHUNK_BYTES
            )
        })
    }
}

impl Read for PaddedChunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        if self.pos >= self.padded || buf.is_empty() {
            return Ok(0);
        }
        let n = if self.pos < self.len {
            let want = buf.len().min((self.len - self.pos) as usize);
            self.file.read_at(&mut buf[..want], self.pos)?
        } else {
            let n = buf.len().min((self.padded - self.pos) as usize);
            buf[..n].fill(0);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PaddedChunks {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let new = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.padded.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

/// A parse error row for a chunk or record the crate could not read: where it is (record
/// id, file offset) and the whole chain of causes.
fn damage_report(e: &EvtxError) -> ErrorReport {
    use EvtxError as E;
    const HEADER: u64 = HEADER_BLOCK;
    const CHUNK: u64 = CHUNK_BYTES;
    let (record, offset) = match e {
        E::FailedToParseChunk { chunk_id, .. } => (None, Some(HEADER + chunk_id * CHUNK)),
        E::FailedToParseRecord { record_id, .. } => (Some(*record_id), None),
        E::FailedToReadRecordAt { chunk, offset, .. } => {
            (None, chunk.map(|c| HEADER + c * CHUNK + offset))
        }
        _ => (None, None),
    };
    ErrorReport {
        line: None,
        record,
        offset,
        reason: format!("event log damage: {}", causes(e)),
        raw: String::new(),
    }
}

/// An error and the whole chain of its causes, joined by ": ".
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
