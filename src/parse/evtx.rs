//! Event log files (.evtx) through the evtx crate: every record the crate can recover
//! becomes an `events` row (and a `lifecycle` row when it matters to app pools); each
//! chunk or record that fails is counted and reported, and reading goes on.

use crate::parse::eventdata::{parse_event_xml, Event};
use crate::parse::lifecycle;
use crate::parse::{Emit, ErrorReport};
use crate::tables::events::{EventsRow, EventsTable};
use crate::tables::lifecycle::{LifecycleRow, LifecycleTable};
use crate::time::parse_rfc3339;
use evtx::{EvtxParser, ParserSettings};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Counts and time range of one .evtx file.
#[derive(Debug, Default, Clone)]
pub struct EvtxStats {
    /// Records read.
    pub records: u64,
    /// Chunks or records that could not be read.
    pub failures: u64,
    /// Records carved from unallocated space.
    pub recovered: u64,
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
        Ok(p) => p.with_configuration(settings),
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
    let mut events = EventsTable::with_capacity(emit.batch_rows().min(1 << 15));
    let mut life = LifecycleTable::with_capacity(256);
    let mut computers: BTreeMap<String, u64> = BTreeMap::new();
    for item in parser.serialized_records(|r| r.and_then(|r| r.into_xml_bytes())) {
        if emit.failed() || crate::progress::interrupted() {
            break;
        }
        let rec = match item {
            Ok(r) => r,
            Err(e) => {
                st.failures += 1;
                emit.error(damage_report(&e));
                continue;
            }
        };
        let ev = match parse_event_xml(&rec.data) {
            Ok(ev) => ev,
            Err(reason) => {
                st.failures += 1;
                emit.error(ErrorReport {
                    line: None,
                    record: Some(rec.event_record_id),
                    offset: None,
                    reason,
                    raw: String::from_utf8_lossy(&rec.data).into_owned(),
                });
                continue;
            }
        };
        st.records += 1;
        if rec.recovered {
            st.recovered += 1;
        }
        let time = ev
            .system_time
            .as_deref()
            .and_then(parse_rfc3339)
            .or_else(|| Some(rec.timestamp.as_microsecond()));
        if let Some(t) = time {
            st.first_time = Some(st.first_time.map_or(t, |f| f.min(t)));
            st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
        }
        if let Some(c) = &ev.computer {
            if let Some(n) = computers.get_mut(c) {
                *n += 1;
            } else {
                computers.insert(c.clone(), 1);
            }
        }
        let record_id = ev.record_id.unwrap_or(rec.event_record_id as i64);
        push_event(&mut events, &ev, emit, record_id, time, rec.recovered);
        if let Some(l) = lifecycle::extract(&ev) {
            st.lifecycle += 1;
            push_lifecycle(&mut life, &ev, &l, emit, record_id, time);
        }
        emit.flush(&mut events, false);
        emit.flush(&mut life, false);
    }
    emit.flush(&mut events, true);
    emit.flush(&mut life, true);
    st.computer = computers
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(c, _)| c);
    st
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
fn damage_report(e: &evtx::err::EvtxError) -> ErrorReport {
    use evtx::err::EvtxError as E;
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
    let mut reason = format!("event log damage: {e}");
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        reason.push_str(": ");
        reason.push_str(&c.to_string());
        cause = c.source();
    }
    ErrorReport {
        line: None,
        record,
        offset,
        reason,
        raw: String::new(),
    }
}

fn push_event(
    t: &mut EventsTable,
    ev: &Event,
    emit: &Emit<'_>,
    record_id: i64,
    time: Option<i64>,
    recovered: bool,
) {
    let data = ev.data_json();
    let small = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok());
    t.push(&EventsRow {
        bundle_id: Some(emit.bundle_id),
        source_file: Some(emit.source_file),
        record_id: Some(record_id),
        time,
        channel: ev.channel.as_deref(),
        provider: ev.provider.as_deref(),
        provider_guid: ev.provider_guid.as_deref(),
        source_name: ev.source_name.as_deref(),
        event_id: ev.event_id16(),
        qualifiers: small(ev.qualifiers),
        version: small(ev.version),
        level: small(ev.level),
        task: small(ev.task),
        opcode: small(ev.opcode),
        keywords: ev.keywords.as_deref(),
        computer: ev.computer.as_deref(),
        pid: ev.pid,
        tid: ev.tid,
        user_sid: ev.user_sid.as_deref(),
        event_data: data.as_deref(),
        recovered: Some(recovered),
    });
}

fn push_lifecycle(
    t: &mut LifecycleTable,
    ev: &Event,
    l: &lifecycle::Lifecycle,
    emit: &Emit<'_>,
    record_id: i64,
    time: Option<i64>,
) {
    t.push(&LifecycleRow {
        bundle_id: Some(emit.bundle_id),
        source_file: Some(emit.source_file),
        record_id: Some(record_id),
        time,
        computer: ev.computer.as_deref(),
        provider: ev.provider.as_deref(),
        event_id: ev.event_id16(),
        kind: Some(l.kind),
        app_pool: l.app_pool.as_deref(),
        pid: l.pid,
        recycle_reason: l.recycle_reason,
        exit_code: l.exit_code.as_deref(),
        exception_code: l.exception_code.as_deref(),
        faulting_module: l.faulting_module.as_deref(),
        exception_type: l.exception_type.as_deref(),
        site_id: l.site_id,
        process_name: l.process_name.as_deref(),
        detail: l.detail.as_deref(),
    });
}
