//! The rows of one export once the clock of its local times is decided: every event an
//! `events` row (UTC time, the local time as written, the offset applied, the form, the
//! message), every lifecycle event a `lifecycle` row and a typed event for correlation,
//! unless the bundle's `.evtx` already holds it (then the `events` row is marked a
//! duplicate and nothing is counted twice: [`duplicates`] tells which, file after file,
//! before the files are written in parallel). Rows go out in time order (Event Viewer
//! writes newest first) so that events of one minute keep their order.

use super::{ExportFile, Exported};
use crate::domain::TimeBasis;
use crate::parse::rows::{push_event, push_lifecycle, Placed};
use crate::parse::{lifecycle, Emit};
use crate::tables::events::EventsTable;
use crate::tables::lifecycle::LifecycleTable;
use crate::time::zone::{Clock, Mapping};
use crate::time::MICROS_PER_SEC;
use std::collections::BTreeMap;

/// What writing an export gave.
#[derive(Debug, Default)]
pub struct ExportStats {
    /// Events written.
    pub records: u64,
    /// Lifecycle events written.
    pub lifecycle: u64,
    /// Events the bundle's `.evtx` (or an export written before) also holds.
    pub duplicates: u64,
    /// Local times in the hour DST repeats (the earlier instant taken).
    pub ambiguous: u64,
    /// Local times in the hour DST skips.
    pub skipped: u64,
    /// Earliest and latest UTC time.
    pub first_time: Option<i64>,
    /// Latest UTC time.
    pub last_time: Option<i64>,
    /// The most frequent `Computer`.
    pub computer: Option<String>,
}

/// Whether the bundle's `.evtx` (or an export written before) holds an event: (its
/// provider and id as `correlate::offset::event_key` makes them, UTC time, resolution
/// of the export's times in seconds).
pub type Seen<'a> = &'a dyn Fn(&str, i32, i64, u32) -> bool;

/// Which records of `file` (on `clock`) are events `seen` already holds, and the
/// (provider, id, UTC time) of those that are not, for the files read after it.
pub fn duplicates(
    file: &ExportFile,
    clock: &Clock,
    seen: Seen<'_>,
) -> (Vec<bool>, Vec<(String, i32, i64)>) {
    let mut ignored = ExportStats::default();
    let mut new = Vec::new();
    let flags = file
        .records
        .iter()
        .map(|r| {
            let (time, _) = utc_of(r, clock, &mut ignored);
            let (Some(t), Some(id)) = (time, r.ev.event_id16()) else {
                return false;
            };
            let provider = r.ev.provider.as_deref().unwrap_or("");
            let dup = seen(provider, id, t, file.resolution_s);
            if !dup {
                new.push((provider.to_string(), id, t));
            }
            dup
        })
        .collect();
    (flags, new)
}

/// One record's UTC time and the offset applied to its local time (minutes east).
fn utc_of(r: &Exported, clock: &Clock, st: &mut ExportStats) -> (Option<i64>, Option<i32>) {
    if let Some(t) = r.utc {
        return (Some(t), None);
    }
    let Some(local) = r.local else {
        return (None, None);
    };
    let (t, mapping) = clock.to_utc(local);
    match mapping {
        Mapping::Exact => {}
        Mapping::Ambiguous => st.ambiguous += 1,
        Mapping::Skipped => st.skipped += 1,
    }
    let offset_s = (local.and_utc().timestamp_micros() - t) / MICROS_PER_SEC;
    (Some(t), Some((offset_s / 60) as i32))
}

/// The records in time order; records of one time in the order they happened (a file
/// written newest first is read backwards).
fn time_order(file: &ExportFile, times: &[Option<i64>]) -> Vec<usize> {
    let known: Vec<i64> = times.iter().flatten().copied().collect();
    let falling = known.windows(2).filter(|w| w[1] < w[0]).count();
    let rising = known.windows(2).filter(|w| w[1] > w[0]).count();
    let mut order: Vec<usize> = (0..file.records.len()).collect();
    if falling > rising {
        order.reverse();
    }
    order.sort_by_key(|&i| times[i]);
    order
}

/// Writes the rows of `file` with its times on `clock` (`basis` says how it was
/// chosen); the records `duplicate` marks are events read already ([`duplicates`]).
pub fn write(
    file: &ExportFile,
    basis: TimeBasis,
    clock: &Clock,
    duplicate: &[bool],
    emit: &mut Emit<'_>,
) -> ExportStats {
    let mut st = ExportStats::default();
    let mut events = EventsTable::with_capacity(file.records.len().min(1 << 15));
    let mut life = LifecycleTable::with_capacity(64);
    let mut computers: BTreeMap<&str, u64> = BTreeMap::new();
    let placed: Vec<(Option<i64>, Option<i32>)> = file
        .records
        .iter()
        .map(|r| utc_of(r, clock, &mut st))
        .collect();
    let times: Vec<Option<i64>> = placed.iter().map(|p| p.0).collect();
    for i in time_order(file, &times) {
        let r = &file.records[i];
        let (time, offset) = placed[i];
        if let Some(c) = r.ev.computer.as_deref() {
            *computers.entry(c).or_default() += 1;
        }
        if let Some(t) = time {
            st.first_time = Some(st.first_time.map_or(t, |f| f.min(t)));
            st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
        }
        let lifecycle = lifecycle::extract(&r.ev);
        let duplicate = duplicate.get(i).copied().unwrap_or(false);
        if duplicate {
            st.duplicates += 1;
        }
        let at = Placed {
            record_id: r.ev.record_id,
            line: Some(r.line),
            time,
            form: file.form,
            basis: if r.utc.is_some() {
                TimeBasis::Utc
            } else {
                basis
            },
            time_local: r.written.as_deref().filter(|_| r.utc.is_none()),
            utc_offset_min: offset,
            message: r.message.as_deref(),
            recovered: false,
            duplicate,
            slack_s: if r.utc.is_some() {
                0
            } else {
                file.resolution_s.saturating_sub(1)
            },
        };
        let data = r.ev.data_json();
        push_event(&mut events, &r.ev, data.as_deref(), &at, emit);
        st.records += 1;
        match lifecycle {
            Some(_) if duplicate => {}
            Some(l) => {
                st.lifecycle += 1;
                push_lifecycle(&mut life, &r.ev, &l, &at, emit);
            }
            None => {}
        }
        emit.flush(&mut events, false);
        emit.flush(&mut life, false);
    }
    emit.flush(&mut events, true);
    emit.flush(&mut life, true);
    st.computer = computers
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(c, _)| c.to_string());
    st
}
