//! The rows one event record becomes, whatever form it was read from: an `events` row
//! and, when it tells what happened to a pool or worker, a `lifecycle` row and the typed
//! event handed to the sink. Shared by the `.evtx` reader and the export readers.

use crate::domain::lifecycle::{Lifecycle, Origin};
use crate::domain::{EventForm, RecycleReason, TimeBasis};
use crate::parse::eventdata::Event;
use crate::parse::Emit;
use crate::tables::events::{EventsRow, EventsTable};
use crate::tables::lifecycle::{LifecycleRow, LifecycleTable};

/// Where and when one record was read, beyond its System fields.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    /// Record id: `EventRecordID`, else the record header's; none in most exports.
    pub record_id: Option<i64>,
    /// Line where the record starts (exports).
    pub line: Option<u64>,
    /// UTC time.
    pub time: Option<i64>,
    /// The form it was read from.
    pub form: EventForm,
    /// How its UTC time was found.
    pub basis: TimeBasis,
    /// The local time as written (exports in local time).
    pub time_local: Option<&'a str>,
    /// The offset applied to the local time, minutes east of UTC.
    pub utc_offset_min: Option<i32>,
    /// The message as written (exports).
    pub message: Option<&'a str>,
    /// Carved from unallocated chunk space (`.evtx`).
    pub recovered: bool,
    /// The same event was read from another source of the bundle.
    pub duplicate: bool,
    /// Seconds the written time may be short of the real one (59 for minutes only).
    pub slack_s: u32,
}

/// Adds the `events` row of `ev`.
pub fn push_event(
    t: &mut EventsTable,
    ev: &Event,
    data: Option<&str>,
    at: &Placed<'_>,
    emit: &Emit<'_>,
) {
    let small = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok());
    t.push(&EventsRow {
        bundle_id: Some(emit.bundle_id),
        source_file: Some(emit.source_file),
        record_id: at.record_id,
        source_line: at.line.map(|l| l as i64),
        time: at.time,
        form: Some(at.form.name()),
        time_basis: Some(at.basis.name()),
        time_local: at.time_local,
        utc_offset_min: at.utc_offset_min,
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
        event_data: data,
        message: at.message,
        recovered: Some(at.recovered),
        duplicate: Some(at.duplicate),
    });
}

/// Adds the `lifecycle` row of `l` (read from `ev`) and hands the typed event on.
pub fn push_lifecycle(
    t: &mut LifecycleTable,
    ev: &Event,
    l: &Lifecycle,
    at: &Placed<'_>,
    emit: &mut Emit<'_>,
) {
    let origin = Origin {
        source_file: emit.source_file,
        record_id: at.record_id,
        line: at.line,
        time: at.time,
        provider: ev.provider.as_deref(),
        event_id: ev.event_id16(),
        basis: at.basis,
        slack_s: at.slack_s,
    };
    emit.lifecycle(&origin, l);
    t.push(&LifecycleRow {
        bundle_id: Some(emit.bundle_id),
        source_file: Some(emit.source_file),
        record_id: at.record_id,
        source_line: at.line.map(|l| l as i64),
        time: at.time,
        time_basis: Some(at.basis.name()),
        computer: ev.computer.as_deref(),
        provider: ev.provider.as_deref(),
        event_id: ev.event_id16(),
        kind: Some(l.kind.name()),
        app_pool: l.app_pool.as_deref(),
        pid: l.pid,
        recycle_reason: l.recycle_reason.map(RecycleReason::name),
        exit_code: l.exit_code.as_deref(),
        exception_code: l.exception_code.as_deref(),
        faulting_module: l.faulting_module.as_deref(),
        exception_type: l.exception_type.as_deref(),
        site_id: l.site_id,
        process_name: l.process_name.as_deref(),
        detail: l.detail.as_deref(),
    });
}
