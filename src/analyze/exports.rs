//! Event log exports (CSV, text, XML): read after the bundle's other sources, because
//! the clock of a local time is decided with the UTC evidence those gave
//! (`correlate::offset`), then written through the same tables as an `.evtx`, into one
//! part file of their own.

use super::entry::SourceInfo;
use super::Options;
use crate::bundle::{Bundle, Entry};
use crate::correlate::collect::{Collected, Tee};
use crate::correlate::offset::{self, Evidence, LocalEvent, Placement};
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

/// Reads, places and writes the exports of `bundle` into part file `part`.
pub(super) fn run(
    opts: &Options,
    bundle: &Bundle,
    classes: &[std::result::Result<Classified, String>],
    staging: &Staging,
    part: usize,
    before: &Collected,
    progress: &Progress,
) -> Result<ExportsRead> {
    let planned = planned(classes);
    let files: Vec<(usize, std::result::Result<ExportFile, String>)> = planned
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
        .into_iter()
        .map(|(i, f)| (i, f.map(|f| place_best(f, opts.clock.as_ref(), &evidence))))
        .collect();
    adopt_sibling_clocks(&mut placed, &bundle.entries);
    // The surest and finest first: an event exported twice is kept from the file whose
    // time for it is surest (and counted once; `Evidence::in_evtx` expects the time it
    // holds to be at least as fine as the one it is asked about).
    placed.sort_by_key(|(i, r)| {
        let rank = r.as_ref().map(|(f, p)| (p.basis.doubt(), f.resolution_s));
        (rank.unwrap_or((u8::MAX, u32::MAX)), *i)
    });
    let mut writer = staging.part_writer(part);
    let mut tee = Tee {
        inner: &mut writer,
        collected: Collected::default(),
    };
    let mut infos = Vec::new();
    for (i, file) in placed {
        if crate::progress::interrupted() {
            return Err(Error::Interrupted);
        }
        let entry = &bundle.entries[i];
        let info = match file {
            Ok((file, placement)) => write_one(
                bundle,
                entry,
                &file,
                &placement,
                &mut evidence,
                opts,
                &mut tee,
            )?,
            Err(e) => SourceInfo::failed(&entry.path, SourceKind::EventExport, entry.size, e),
        };
        infos.push((i, info));
    }
    let collected = tee.collected;
    let rows = writer.finish()?;
    Ok((infos, rows, collected))
}

/// The file with its dates read and its clock decided. When the dates do not tell day
/// from month, both readings are tried and the one the evidence supports more is kept.
fn place_best(
    file: ExportFile,
    given: Option<&Clock>,
    evidence: &Evidence,
) -> (ExportFile, Placement) {
    let mut first = file.clone();
    first.resolve_dates(None);
    let p = place(&first, given, evidence);
    let other = match first.date_order {
        Some((DateOrder::MonthFirst, false)) => DateOrder::DayFirst,
        Some((DateOrder::DayFirst, false)) => DateOrder::MonthFirst,
        _ => return (first, p),
    };
    let mut second = file;
    second.resolve_dates(Some(other));
    let q = place(&second, given, evidence);
    if q.support > p.support && second.errors.len() <= first.errors.len() {
        (second, q)
    } else {
        (first, p)
    }
}

/// Exports of one server share its clock: a file whose offset stays unknown takes the
/// clock found for another file of the bundle (the surest one).
fn adopt_sibling_clocks(placed: &mut [Placed], entries: &[Entry]) {
    let best = placed
        .iter()
        .filter_map(|(i, r)| Some((*i, &r.as_ref().ok()?.1)))
        .filter(|(_, p)| p.basis != TimeBasis::Unknown && p.basis != TimeBasis::Utc)
        .min_by_key(|(i, p)| (p.basis.doubt(), std::cmp::Reverse(p.support), *i))
        .map(|(i, p)| (entries[i].path.clone(), p.clone()));
    let Some((from, sibling)) = best else {
        return;
    };
    for (_, r) in placed.iter_mut() {
        let Ok((file, p)) = r else { continue };
        if p.basis == TimeBasis::Unknown && file.records.iter().any(|r| r.local.is_some()) {
            *p = Placement {
                note: format!("{} (the clock found for {from}: same server)", sibling.note),
                support: 0,
                ..sibling.clone()
            };
        }
    }
}

/// The text of an export (UTF-16 transcoded, invalid UTF-8 replaced), parsed.
fn read_one(
    entry: &Entry,
    form: EventForm,
    class: &Classified,
    opts: &Options,
) -> std::result::Result<ExportFile, String> {
    let bytes = entry
        .with_reader(&opts.limits, |r| {
            let mut buf = Vec::with_capacity(entry.size.min(1 << 26) as usize);
            let res = match class.utf16 {
                Some(order) => Utf16Reader::new(r, order).read_to_end(&mut buf),
                None => r.read_to_end(&mut buf),
            };
            res.map(|_| buf)
        })
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("{}: {e}", entry.path))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(export::read(form, &text, &entry.path))
}

/// Writes the rows of one export on its clock; its manifest row.
fn write_one<S: crate::tables::BatchSink>(
    bundle: &Bundle,
    entry: &Entry,
    file: &ExportFile,
    placement: &Placement,
    evidence: &mut Evidence,
    opts: &Options,
    tee: &mut Tee<'_, S>,
) -> Result<SourceInfo> {
    let mut emit = Emit::new(&bundle.id, &entry.path, tee, opts.batch_rows);
    for e in &file.errors {
        emit.error(e.clone());
    }
    let seen: &Evidence = evidence;
    let in_evtx = |id: i32, l: &crate::domain::lifecycle::Lifecycle, t: i64, res: u32| {
        seen.in_evtx(id, l, t, res)
    };
    let mut st = write::write(file, placement.basis, &placement.clock, &in_evtx, &mut emit);
    for (id, l, t) in std::mem::take(&mut st.written) {
        evidence.add(id, &l, t);
    }
    emit.finish();
    if let Some(e) = emit.take_error() {
        return Err(e);
    }
    Ok(manifest_row(entry, file, placement, &st, emit.rows_written))
}

/// The clock of `file`: UTC when the form writes UTC, else decided from the evidence.
fn place(file: &ExportFile, given: Option<&Clock>, evidence: &Evidence) -> Placement {
    let locals: Vec<_> = file.records.iter().filter_map(|r| r.local).collect();
    let (Some(first), Some(last)) = (locals.iter().min(), locals.iter().max()) else {
        return Placement {
            basis: TimeBasis::Utc,
            clock: Clock::Fixed { offset_s: 0 },
            note: String::new(),
            support: 0,
        };
    };
    let events: Vec<LocalEvent> = file
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
    let pairs: Vec<_> = file
        .records
        .iter()
        .filter_map(|r| Some((r.local?, r.embedded_utc?)))
        .collect();
    offset::decide(
        &events,
        &pairs,
        (*first, *last),
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
            "{} lifecycle event(s) also in an .evtx or another export of the bundle: counted once",
            st.duplicates
        ));
    }
    if let Some((order, decided)) = file.date_order {
        if !decided {
            notes.push(format!(
                "dates read as {order:?} (assumed: no date in the file tells day from month)"
            ));
        }
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
