//! The EventData of an exported event that carries only its message: the insertion
//! strings read back with the event's message template (`domain::messages`), in the
//! order the `.evtx` holds them, so `parse::lifecycle` reads them as it reads an
//! `.evtx`'s positional data.

use super::{DataFrom, Exported};
use crate::domain::lifecycle::{Reporter, ASPNET_WEB_EVENT};
use crate::domain::messages;
use crate::parse::eventdata::Event;
use crate::time::local::{self, DateOrder};
use chrono::NaiveDateTime;

/// Fills `rec.ev.data` from `rec.message` when the record carries no data, and says
/// where its data came from.
pub fn fill(rec: &mut Exported) {
    if !rec.ev.data.is_empty() || !rec.ev.user_data.is_empty() {
        rec.data_from = DataFrom::Record;
        return;
    }
    let template = rec
        .ev
        .provider
        .as_deref()
        .and_then(Reporter::of_provider)
        .zip(rec.ev.event_id16().and_then(|id| u16::try_from(id).ok()))
        .and_then(|(reporter, id)| messages::template(reporter, id));
    let (Some(template), Some(message)) = (template, rec.message.as_deref()) else {
        rec.data_from = DataFrom::NoTemplate;
        return;
    };
    match messages::recover(template, message) {
        Some(values) => {
            rec.ev.data = values.into_iter().map(|v| (None, v)).collect();
            rec.data_from = DataFrom::Template;
        }
        None => rec.data_from = DataFrom::Mismatch,
    }
}

/// ASP.NET 1309's "Event time" and "Event time (UTC)" (data items 2 and 3), read with
/// the file's date order (else their own): the same instant in local time and in UTC.
pub fn aspnet_times(ev: &Event, order: DateOrder) -> Option<(Option<NaiveDateTime>, i64)> {
    let aspnet = ev.provider.as_deref().and_then(Reporter::of_provider) == Some(Reporter::AspNet);
    if !aspnet || ev.event_id16() != Some(i32::from(ASPNET_WEB_EVENT)) || ev.is_named() {
        return None;
    }
    // ASP.NET writes both times in its own culture, which may not be the export's.
    let (at_local, at_utc) = (ev.get("", 2).unwrap_or_default(), ev.get("", 3)?);
    let own = || local::detect_order([at_local, at_utc]).0;
    let utc = local::parse(at_utc, order).or_else(|| local::parse(at_utc, own()))?;
    let local = local::parse(at_local, order).or_else(|| local::parse(at_local, own()));
    Some((
        local.map(|w| w.local),
        utc.local.and_utc().timestamp_micros(),
    ))
}
