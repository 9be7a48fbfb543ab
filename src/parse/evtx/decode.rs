//! One chunk's records decoded (on any thread): each record is read on the fast path
//! (`fast`) when it can be, else rendered to XML by the evtx crate and read back
//! (`parse::eventdata`), and becomes a [`DecodedRecord`] or a parse error.

use super::fast::{ChunkTemplates, Fast, FastEvent, Templates};
use super::padded::{causes, damage_report, CHUNK_BYTES, HEADER_BLOCK};
use super::Decoding;
use crate::domain::lifecycle::Lifecycle;
use crate::parse::eventdata::{parse_event_xml, Event};
use crate::parse::lifecycle;
use crate::parse::ErrorReport;
use crate::time::parse_rfc3339;
use evtx::{EvtxChunkData, EvtxRecord, ParserSettings};
use std::sync::Arc;

/// One record, read and with what its rows need worked out, ready to push.
pub struct DecodedRecord {
    pub ev: Event,
    /// `TimeCreated`, else the record header's time.
    pub time: Option<i64>,
    /// `EventRecordID`, else the record header's.
    pub record_id: i64,
    /// Carved from unallocated chunk space.
    pub recovered: bool,
    /// Read on the fast path (no XML).
    pub fast: bool,
    /// The `event_data` column.
    pub data_json: Option<String>,
    /// The `lifecycle` row, when the event matters to app pools.
    pub life: Option<Lifecycle>,
}

impl DecodedRecord {
    /// A record read from its XML.
    fn from_xml(ev: Event, record: &Header) -> Self {
        let data_json = ev.data_json();
        Self::new(ev, None, data_json, record, None)
    }

    /// A record read on the fast path.
    fn from_fast(fast: FastEvent, record: &Header) -> Self {
        let mut rec = Self::new(
            fast.ev,
            fast.time,
            fast.data_json,
            record,
            Some(fast.may_matter),
        );
        rec.fast = true;
        rec
    }

    fn new(
        ev: Event,
        time: Option<i64>,
        data_json: Option<String>,
        record: &Header,
        may_matter: Option<bool>,
    ) -> Self {
        let time = time.or_else(|| ev.system_time.as_deref().and_then(parse_rfc3339));
        DecodedRecord {
            time: time.or(Some(record.time_us)),
            record_id: ev.record_id.unwrap_or(record.id as i64),
            recovered: record.recovered,
            fast: false,
            data_json,
            life: match may_matter {
                Some(false) => None,
                Some(true) | None => lifecycle::extract(&ev),
            },
            ev,
        }
    }
}

/// What a record's header says, kept when the record itself is consumed by rendering.
struct Header {
    id: u64,
    time_us: i64,
    recovered: bool,
}

/// One record of a chunk, decoded, or why it could not be.
pub enum Decoded {
    Record(Box<DecodedRecord>),
    Failed(ErrorReport),
}

/// Reads every record of one chunk (any thread). A chunk that cannot be parsed is one
/// failure; carved records that fail to render are dropped as noise, as the crate's
/// own record iterator does.
pub fn decode_chunk(
    chunk: evtx::err::Result<EvtxChunkData>,
    settings: &Arc<ParserSettings>,
    templates: &Templates,
    decoding: Decoding,
) -> Vec<Decoded> {
    let mut data = match chunk {
        Ok(d) => d,
        Err(e) => return vec![Decoded::Failed(damage_report(&e))],
    };
    let number = data.number;
    let mut chunk = match data.parse(Arc::clone(settings)) {
        Ok(c) => c,
        Err(e) => return vec![Decoded::Failed(unparsed_chunk(number, &e))],
    };
    let mut known = ChunkTemplates::new(templates);
    let mut out = Vec::new();
    for record in chunk.iter() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.push(Decoded::Failed(damage_report(&e)));
                continue;
            }
        };
        let header = Header {
            id: record.event_record_id,
            time_us: record.timestamp.as_microsecond(),
            recovered: record.recovered,
        };
        let fast = match decoding {
            Decoding::Fast => known.read(&record),
            Decoding::Xml => Fast::Render,
        };
        let decoded = match fast {
            Fast::Event(fast) => Some(Decoded::Record(Box::new(DecodedRecord::from_fast(
                fast, &header,
            )))),
            Fast::Unchecked(ev, shape) => {
                let rendered = render(record, &header);
                let same = matches!(&rendered, Some(Decoded::Record(r)) if r.ev == ev);
                known.settle(shape, same);
                rendered
            }
            Fast::Render => render(record, &header),
        };
        out.extend(decoded);
    }
    out
}

/// A record rendered to XML and read back; `None` for a carved record that does not
/// render.
fn render(record: EvtxRecord<'_>, header: &Header) -> Option<Decoded> {
    let rendered = match record.into_xml_bytes() {
        Ok(r) => r,
        Err(_) if header.recovered => return None,
        Err(e) => return Some(Decoded::Failed(damage_report(&e))),
    };
    Some(match parse_event_xml(&rendered.data) {
        Ok(ev) => Decoded::Record(Box::new(DecodedRecord::from_xml(ev, header))),
        Err(reason) => Decoded::Failed(ErrorReport {
            line: None,
            record: Some(header.id),
            offset: None,
            reason,
            raw: String::from_utf8_lossy(&rendered.data).into_owned(),
        }),
    })
}

/// The error row of a chunk the crate cannot parse, worded as the crate words one it
/// cannot read itself.
fn unparsed_chunk(number: Option<u64>, e: &evtx::err::ChunkError) -> ErrorReport {
    let n = number.map_or_else(|| "?".into(), |n| n.to_string());
    ErrorReport {
        line: None,
        record: None,
        offset: number.map(|n| HEADER_BLOCK + n * CHUNK_BYTES),
        reason: format!(
            "event log damage: Failed to parse chunk number {n}: {}",
            causes(e)
        ),
        raw: String::new(),
    }
}
