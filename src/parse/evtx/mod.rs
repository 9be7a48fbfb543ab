//! Event log files (.evtx) through the evtx crate: every record the crate can recover
//! becomes an `events` row (and a `lifecycle` row when it matters to app pools); each
//! chunk or record that fails is counted and reported, and reading goes on.
//!
//! `decode` reads one chunk's records (the fast path in `fast`, `definition`, `template` and `value`, the XML
//! path through `parse::eventdata`); `padded` meets the file and the crate's errors;
//! this file puts the records of a file in order and makes their rows.

mod decode;
mod definition;
mod fast;
mod padded;
mod template;
mod value;

use crate::domain::{EventForm, TimeBasis};
use crate::parse::rows::{push_event, push_lifecycle, Placed};
use crate::parse::Emit;
use crate::tables::events::EventsTable;
use crate::tables::lifecycle::LifecycleTable;
use decode::{decode_chunk, Decoded, DecodedRecord};
use evtx::{EvtxParser, ParserSettings};
use padded::PaddedChunks;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Counts and time range of one .evtx file.
#[derive(Debug, Default, Clone)]
pub struct EvtxStats {
    /// Records read.
    pub records: u64,
    /// Records read on the fast path (typed template values, no XML).
    pub fast: u64,
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

/// How records are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// From their typed template values where that is proven to give what the XML
    /// does (`fast`), else through XML: what [`read`] does.
    Fast,
    /// Every record rendered to XML and read back: the reference the fast path is
    /// checked against.
    Xml,
}

/// Reads one .evtx file.
pub fn read(path: &Path, emit: &mut Emit<'_>) -> EvtxStats {
    read_with(path, emit, Decoding::Fast)
}

/// Reads one .evtx file, decoding its records as `decoding` says.
pub fn read_with(path: &Path, emit: &mut Emit<'_>, decoding: Decoding) -> EvtxStats {
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
    let templates = fast::Templates::default();
    let mut rows = FileRows::new(emit.batch_rows());
    // Decoding is most of the work and needs no order: a batch of chunks is read and
    // decoded on the pool while this thread makes the rows of the batch before, in
    // record order.
    let mut chunks = parser.chunks();
    let batch = CHUNKS_PER_BATCH * rayon::current_num_threads();
    let mut ready: Vec<Vec<Decoded>> = Vec::new();
    loop {
        let mut next = Vec::new();
        let mut go_on = true;
        rayon::in_place_scope(|s| {
            s.spawn(|_| next = decode_batch(&mut chunks, batch, &settings, &templates, decoding));
            go_on = rows.push_batch(std::mem::take(&mut ready), &mut st, emit);
        });
        if !go_on || next.is_empty() {
            break;
        }
        ready = next;
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

/// Chunks read and decoded per batch and thread: enough that a batch outlasts the
/// making of the rows of the one before.
const CHUNKS_PER_BATCH: usize = 8;

/// The next `batch` chunks of `chunks`, decoded on the pool; empty at the end.
fn decode_batch(
    chunks: &mut (impl Iterator<Item = evtx::err::Result<evtx::EvtxChunkData>> + Send),
    batch: usize,
    settings: &Arc<ParserSettings>,
    templates: &fast::Templates,
    decoding: Decoding,
) -> Vec<Vec<Decoded>> {
    let read: Vec<_> = chunks.take(batch).collect();
    read.into_par_iter()
        .map(|chunk| decode_chunk(chunk, settings, templates, decoding))
        .collect()
}

/// The rows of one file, made in record order.
struct FileRows {
    events: EventsTable,
    life: LifecycleTable,
    /// Records per `Computer`, for the file's most frequent one.
    computers: BTreeMap<String, u64>,
    /// Record ids read so far.
    seen: RecordIds,
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
            seen: RecordIds::default(),
            carved: Vec::new(),
        }
    }

    /// Makes the rows of a batch of decoded chunks; false once writing failed or the
    /// run is interrupted.
    fn push_batch(
        &mut self,
        batch: Vec<Vec<Decoded>>,
        st: &mut EvtxStats,
        emit: &mut Emit<'_>,
    ) -> bool {
        for item in batch.into_iter().flatten() {
            if emit.failed() || crate::progress::interrupted() {
                return false;
            }
            match item {
                Decoded::Record(rec) => self.push(*rec, st, emit),
                Decoded::Failed(report) => {
                    st.failures += 1;
                    emit.error(report);
                }
            }
        }
        true
    }

    /// The carved records that are neither copies of a live record nor incomplete.
    fn push_carved(&mut self, st: &mut EvtxStats, emit: &mut Emit<'_>) {
        for rec in std::mem::take(&mut self.carved) {
            let ev = &rec.ev;
            if self.seen.contains(rec.record_id) {
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
            fast,
            data_json,
            life,
        } = rec;
        if !self.seen.insert(record_id) {
            st.repeated += 1;
            return;
        }
        st.records += 1;
        st.fast += u64::from(fast);
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

/// Record ids read so far, as runs of consecutive ids (first to last): a log numbers
/// its records one by one, so a file is a few runs where a set of ids would hold
/// millions.
#[derive(Debug, Default)]
struct RecordIds {
    runs: BTreeMap<i64, i64>,
}

impl RecordIds {
    /// Whether `id` was read.
    fn contains(&self, id: i64) -> bool {
        self.runs
            .range(..=id)
            .next_back()
            .is_some_and(|(_, &last)| id <= last)
    }

    /// Adds `id`; false if it was read before.
    fn insert(&mut self, id: i64) -> bool {
        if self.contains(id) {
            return false;
        }
        let before = id.checked_sub(1).and_then(|prev| {
            let (&first, &last) = self.runs.range(..=prev).next_back()?;
            (last == prev).then_some(first)
        });
        let after = id
            .checked_add(1)
            .and_then(|next| Some((next, self.runs.remove(&next)?)));
        let first = before.unwrap_or(id);
        let last = after.map_or(id, |(_, last)| last);
        self.runs.insert(first, last);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::RecordIds;

    #[test]
    fn record_ids_join_into_runs_and_refuse_repeats() {
        let mut ids = RecordIds::default();
        for id in [5, 6, 7, 10, 9, 8, 1, i64::MAX, i64::MIN] {
            assert!(ids.insert(id), "{id}");
        }
        let runs: Vec<_> = ids.runs.iter().map(|(a, b)| (*a, *b)).collect();
        assert_eq!(
            runs,
            [(i64::MIN, i64::MIN), (1, 1), (5, 10), (i64::MAX, i64::MAX)]
        );
        for id in [5, 8, 10, 1, i64::MAX, i64::MIN] {
            assert!(!ids.insert(id), "{id} again");
        }
        assert!(!ids.contains(4) && !ids.contains(11) && !ids.contains(0));
    }
}
