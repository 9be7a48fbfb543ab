//! Event log exports (CSV, text, XML): read after the bundle's other sources, because
//! the clock of a local time is decided with the UTC evidence those gave
//! (`correlate::offset`), then written through the same tables as an `.evtx`, into one
//! part file of their own.

use super::entry::SourceInfo;
use super::Options;
use crate::bundle::{Bundle, Entry};
use crate::correlate::collect::{Collected, Tee};
use crate::correlate::offset::{self, event_key, Evidence, LocalEvent, Placement};
use crate::dataset::Staging;
use crate::domain::{EventForm, ReadStatus, SourceKind, TimeBasis};
use crate::parse::classify::{Classified, Kind};
use crate::parse::export::write::{self, ExportStats};
use crate::parse::export::{self, DataFrom, ExportFile};
use crate::parse::utf16::Utf16Reader;
use crate::parse::{lifecycle, Emit};
use crate::progress::Progress;
use crate::tables::TableId;
use crate::time::local::DateOrder;
use crate::time::zone::Clock;
use crate::{Error, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;

/// What reading the exports gave: manifest rows by entry index, rows per table, and
/// what correlation needs.
pub(super) type ExportsRead = (Vec<(usize, SourceInfo)>, BTreeMap<TableId, u64>, Collected);

/// An export by entry index: read with its clock decided, or why it could not be read.
type Placed = (usize, std::result::Result<(ExportFile, Placement), String>);

/// The entries that are event log exports, with their form.
pub(super) fn planned(
    classes: &[std::result::Result<Classified, String>],
) -> Vec<(usize, EventForm)> {
    classes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c.as_ref().ok()?.kind {
            Kind::EventExport(form) => Some((i, form)),
            _ => None,
        })
        .collect()
}

/// Reads, places and writes the exports of `bundle` into part files `part`, `part + 1`
/// ... (one per export).
pub(super) fn run(
    opts: &Options,
    bundle: &Bundle,
    classes: &[std::result::Result<Classified, String>],
    staging: &Staging,
    part: usize,
    before: &Collected,
    progress: &Progress,
) -> Result<ExportsRead> {
    let files: Vec<(usize, std::result::Result<ExportFile, String>)> = planned(classes)
        .par_iter()
        .map(|&(i, form)| {
            let class = classes[i]
                .as_ref()
                .expect("planned entries were classified");
            let file = read_one(&bundle.entries[i], form, class, opts);
            progress.inc(bundle.entries[i].size);
            (i, file)
        })
        .collect();
    let mut evidence = Evidence::of(before);
    let mut placed: Vec<Placed> = files
        .into_par_iter()
        .map(|(i, f)| (i, f.map(|f| place_best(f, opts.clock.as_ref(), &evidence))))
        .collect();
    one_clock(&mut placed, opts.clock.as_ref(), &evidence);
    // The surest and finest first: an event exported twice is kept from the file whose
    // time for it is surest (and counted once; `Evidence::in_evtx` expects the time it
    // holds to be at least as fine as the one it is asked about).
    placed.sort_by_key(|(i, r)| {
        let rank = r.as_ref().map(|(f, p)| (p.basis.doubt(), f.resolution_s));
        (rank.unwrap_or((u8::MAX, u32::MAX)), *i)
    });
    let flags = duplicates(&placed, &mut evidence);
    let written: Vec<Result<Written>> = placed
        .into_par_iter()
        .zip(flags)
        .enumerate()
        .map(|(k, ((i, file), dups))| {
            let entry = &bundle.entries[i];
            match file {
                Ok((file, placement)) => {
                    let w = (&file, &placement, dups.as_slice());
                    write_one(bundle, (i, entry), w, opts, staging.part_writer(part + k))
                }
                Err(e) => Ok(Written {
                    index: i,
                    info: SourceInfo::failed(&entry.path, SourceKind::EventExport, entry.size, e),
                    rows: BTreeMap::new(),
                    collected: Collected::default(),
                }),
            }
        })
        .collect();
    if crate::progress::interrupted() {
        return Err(Error::Interrupted);
    }
    gather(written)
}

/// What writing one export gave.
struct Written {
    /// Its entry index.
    index: usize,
    /// Its manifest row.
    info: SourceInfo,
    /// Rows written per table.
    rows: BTreeMap<TableId, u64>,
    /// What correlation needs.
    collected: Collected,
}

/// The exports written, gathered (the first error, if one failed).
fn gather(written: Vec<Result<Written>>) -> Result<ExportsRead> {
    let mut infos = Vec::new();
    let mut rows = BTreeMap::new();
    let mut parts = Vec::new();
    for w in written {
        let w = w?;
        infos.push((w.index, w.info));
        for (t, n) in w.rows {
            *rows.entry(t).or_default() += n;
        }
        parts.push(w.collected);
    }
    Ok((infos, rows, Collected::merge_all(parts)))
}

/// Which records of each export (in writing order) are events an earlier source
/// already holds; the events of each are added to `evidence` for the next.
fn duplicates(placed: &[Placed], evidence: &mut Evidence) -> Vec<Vec<bool>> {
    placed
        .iter()
        .map(|(_, r)| match r {
            Ok((file, p)) => {
                let seen = |provider: &str, id: i32, t: i64, res: u32| {
                    evidence.seen(event_key(provider, id), t, res)
                };
                let (flags, new) = write::duplicates(file, &p.clock, &seen);
                evidence.add_seen(
                    new.into_iter()
                        .map(|(p, id, t)| (event_key(&p, id), t))
                        .collect(),
                );
                flags
            }
            Err(_) => Vec::new(),
        })
        .collect()
}

/// The file with its dates read and its clock decided. When the dates do not tell day
/// from month, both readings are tried and the one the evidence supports more is kept.
fn place_best(
    mut file: ExportFile,
    given: Option<&Clock>,
    evidence: &Evidence,
) -> (ExportFile, Placement) {
    let other = match file.date_order_shown() {
        (DateOrder::MonthFirst, false) => DateOrder::DayFirst,
        (DateOrder::DayFirst, false) => DateOrder::MonthFirst,
        // Decided by the dates, or year first (no other reading).
        (DateOrder::MonthFirst | DateOrder::DayFirst, true) | (DateOrder::YearFirst, _) => {
            file.resolve_dates(None);
            let p = place(&file, given, evidence);
            return (file, p);
        }
    };
    let mut second = file.clone();
    file.resolve_dates(None);
    let p = place(&file, given, evidence);
    second.resolve_dates(Some(other));
    let q = place(&second, given, evidence);
    if q.support > p.support && second.errors.len() <= file.errors.len() {
        second.order_by_evidence = true;
        (second, q)
    } else {
        (file, p)
    }
}

/// Exports of one server share its clock: it is decided once, from the events and UTC
/// twins of all its local-time exports together (a zone's DST change shows in the
/// System log's alignment with HTTP.sys while the Application log's twins all lie on
/// one side of it), after each file's day/month order was chosen.
fn one_clock(placed: &mut [Placed], given: Option<&Clock>, evidence: &Evidence) {
    let local: Vec<&ExportFile> = placed
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|(f, _)| f))
        .filter(|f| f.records.iter().any(|r| r.local.is_some()))
        .collect();
    if local.len() < 2 {
        return;
    }
    let inputs: Vec<LocalInputs> = local.iter().map(|f| local_inputs(f)).collect();
    let events: Vec<LocalEvent> = inputs.iter().flat_map(|i| i.events.clone()).collect();
    let pairs: Vec<_> = inputs.iter().flat_map(|i| i.pairs.clone()).collect();
    let first = inputs.iter().map(|i| i.range.0).min();
    let last = inputs.iter().map(|i| i.range.1).max();
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let resolution = local.iter().map(|f| f.resolution_s).max().unwrap_or(1);
    let mut joint = offset::decide(&events, &pairs, (first, last), given, evidence, resolution);
    joint.note = format!(
        "{} (one clock for the {} local-time exports of the bundle)",
        joint.note,
        local.len()
    );
    for (_, r) in placed.iter_mut() {
        if let Ok((file, p)) = r {
            if file.records.iter().any(|r| r.local.is_some()) {
                *p = joint.clone();
            }
        }
    }
}

/// The largest export read: an export is held in memory while its clock is decided
/// (a year of a busy System log exported as CSV is about 30 MB).
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;

/// The text of an export (UTF-16 transcoded, invalid UTF-8 replaced), parsed.
fn read_one(
    entry: &Entry,
    form: EventForm,
    class: &Classified,
    opts: &Options,
) -> std::result::Result<ExportFile, String> {
    if entry.size > MAX_EXPORT_BYTES {
        return Err(format!(
            "an event log export of {} bytes is over the {} bytes corvid holds in memory to place its times: export the log as .evtx instead, or split it",
            entry.size, MAX_EXPORT_BYTES
        ));
    }
    let bytes = entry
        .with_reader(&opts.limits, |r| {
            let mut buf = Vec::with_capacity(entry.size.min(1 << 26) as usize);
            // UTF-16 doubles at most to UTF-8's 1.5x; a lying size stops at the cap.
            let cap = MAX_EXPORT_BYTES * 2;
            let res = match class.utf16 {
                Some(order) => Utf16Reader::new(r, order).take(cap).read_to_end(&mut buf),
                None => r.take(cap).read_to_end(&mut buf),
            };
            res.map(|_| buf)
        })
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("{}: {e}", entry.path))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(export::read(form, &text, &entry.path))
}

/// Writes the rows of one export (its records, clock and duplicate flags) into its own
/// part file; its manifest row, rows per table and what correlation needs.
fn write_one(
    bundle: &Bundle,
    (index, entry): (usize, &Entry),
    (file, placement, dups): (&ExportFile, &Placement, &[bool]),
    opts: &Options,
    mut writer: crate::dataset::PartWriter,
) -> Result<Written> {
    let mut tee = Tee {
        inner: &mut writer,
        collected: Collected::default(),
    };
    let mut emit = Emit::new(&bundle.id, &entry.path, &mut tee, opts.batch_rows);
    for e in &file.errors {
        emit.error(e.clone());
    }
    let st = write::write(file, placement.basis, &placement.clock, dups, &mut emit);
    emit.finish();
    if let Some(e) = emit.take_error() {
        return Err(e);
    }
    let info = manifest_row(entry, file, placement, &st, emit.rows_written);
    drop(emit);
    let collected = tee.collected;
    let rows = writer.finish()?;
    Ok(Written {
        index,
        info,
        rows,
        collected,
    })
}

/// What deciding the clock of a file's local times draws on.
struct LocalInputs {
    /// Its lifecycle events at their local times.
    events: Vec<LocalEvent>,
    /// (local, UTC) twins in its records.
    pairs: Vec<(chrono::NaiveDateTime, i64)>,
    /// First and last local time.
    range: (chrono::NaiveDateTime, chrono::NaiveDateTime),
}

/// The local-time inputs of `file` (an empty range when it has no local time).
fn local_inputs(file: &ExportFile) -> LocalInputs {
    let locals = file.records.iter().filter_map(|r| r.local);
    let range = (
        locals.clone().min().unwrap_or_default(),
        locals.max().unwrap_or_default(),
    );
    let events = file
        .records
        .iter()
        .filter_map(|r| {
            Some(LocalEvent {
                local: r.local?,
                event_id: r.ev.event_id16()?,
                life: lifecycle::extract(&r.ev)?,
            })
        })
        .collect();
    let pairs = file
        .records
        .iter()
        .filter_map(|r| Some((r.embedded_local.or(r.local)?, r.embedded_utc?)))
        .collect();
    LocalInputs {
        events,
        pairs,
        range,
    }
}

/// The clock of `file` alone: UTC when it has no local time, else decided from the
/// evidence.
fn place(file: &ExportFile, given: Option<&Clock>, evidence: &Evidence) -> Placement {
    if !file.records.iter().any(|r| r.local.is_some()) {
        return Placement {
            basis: TimeBasis::Utc,
            clock: Clock::Fixed { offset_s: 0 },
            note: String::new(),
            support: 0,
        };
    }
    let i = local_inputs(file);
    offset::decide(
        &i.events,
        &i.pairs,
        i.range,
        given,
        evidence,
        file.resolution_s,
    )
}

/// The manifest row of an export.
fn manifest_row(
    entry: &Entry,
    file: &ExportFile,
    placement: &Placement,
    st: &ExportStats,
    rows: u64,
) -> SourceInfo {
    let mut notes = Vec::new();
    if !file.errors.is_empty() {
        notes.push(format!(
            "{} line(s) or record(s) could not be read (see parse_errors)",
            file.errors.len()
        ));
    }
    let mismatched = file
        .records
        .iter()
        .filter(|r| r.data_from == DataFrom::Mismatch)
        .count();
    if mismatched > 0 {
        notes.push(format!("{mismatched} message(s) did not match their event's template (another display language or an edited text): kept in `events.message`, no fields read from them"));
    }
    if st.duplicates > 0 {
        notes.push(format!(
            "{} event(s) also in an .evtx or another export of the bundle: marked `duplicate` in `events`, counted once",
            st.duplicates
        ));
    }
    match file.date_order {
        Some((order, _)) if file.order_by_evidence => notes.push(format!(
            "dates read as {order:?}: no date tells day from month, and that reading aligns with the bundle's evidence"
        )),
        Some((order, false)) => notes.push(format!(
            "dates read as {order:?} (assumed: no date in the file tells day from month)"
        )),
        Some((_, true)) | None => {}
    }
    if st.ambiguous + st.skipped > 0 {
        notes.push(format!(
            "{} local time(s) in the hour a DST change repeats, {} in the hour it skips",
            st.ambiguous, st.skipped
        ));
    }
    let status = if file.errors.is_empty() {
        ReadStatus::Parsed
    } else {
        ReadStatus::Partial
    };
    let basis = if file.records.iter().any(|r| r.local.is_some()) {
        placement.basis
    } else {
        TimeBasis::Utc
    };
    SourceInfo {
        path: entry.path.clone(),
        kind: SourceKind::EventExport,
        status,
        reason: notes.join("; "),
        bytes: entry.size,
        records: Some(st.records),
        record_failures: Some(file.errors.len() as u64),
        rows,
        first_time: st.first_time,
        last_time: st.last_time,
        computer: st.computer.clone(),
        form: Some(file.form),
        time_basis: Some(basis),
        clock: (!placement.note.is_empty()).then(|| placement.note.clone()),
        ..SourceInfo::skipped(
            &entry.path,
            SourceKind::EventExport,
            entry.size,
            String::new(),
        )
    }
}
