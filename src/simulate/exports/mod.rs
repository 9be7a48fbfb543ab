//! The simulated event logs in the forms support bundles carry them besides (or instead
//! of) the binary .evtx (real-bundles.md §1): Event Viewer's CSV and tab-separated text,
//! the TSS collector's PowerShell CSV ([`tabular`]), Event Viewer's "copy details as
//! text" and `wevtutil qe /f:text` blocks ([`blocks`]), `wevtutil qe /f:xml` and Azure
//! App Service's `eventlog.xml` ([`xml`]).
//!
//! Owns the dispatch ([`write`], [`folder`]) and what the forms share: an event's
//! message as Windows renders it (its reporter's template from `domain::messages` with
//! its EventData values, or Windows' "description cannot be found" text for providers
//! without a template), its level and task names, and the local (`clock`) and UTC
//! date-times in the shapes the exports write. Every text form is written from the same
//! events as the .evtx, so a reader's record count and times can be checked against it.

mod blocks;
mod tabular;
mod xml;

use crate::domain::lifecycle::Reporter;
use crate::domain::messages;
use crate::domain::EventForm;
use crate::simulate::evtx_writer::{Event, EventData, EvtxWriter};
use crate::time::zone::Clock;
use chrono::{Datelike, NaiveDateTime, Timelike};

/// The files of one event log (`"System"` or `"Application"`) in `form`: (file name,
/// bytes). `computer` is the short computer name (the PowerShell CSV is named after it);
/// local times are `clock`'s. App Service has no System log: that form writes nothing
/// for it. The files go in the bundle under [`folder`].
pub fn write(
    form: EventForm,
    log: &str,
    events: &[Event],
    clock: &Clock,
    computer: &str,
) -> Vec<(String, Vec<u8>)> {
    let one = |name: String, bytes: Vec<u8>| vec![(name, bytes)];
    match form {
        EventForm::Evtx => one(format!("{log}.evtx"), evtx(events)),
        EventForm::ViewerCsv => one(format!("{log}.csv"), tabular::viewer_csv(events, clock)),
        EventForm::ViewerText => one(format!("{log}.txt"), tabular::viewer_text(events, clock)),
        EventForm::PowershellCsv => one(
            format!("{computer}-{log}.csv"),
            tabular::powershell_csv(events, clock),
        ),
        EventForm::DetailsText => one(
            format!("{log}-details.txt"),
            blocks::details_text(log, events, clock),
        ),
        EventForm::WevtutilText => one(
            format!("{log}-wevtutil.txt"),
            blocks::wevtutil_text(log, events),
        ),
        EventForm::EventXml => one(format!("{log}.xml"), xml::event_xml(events)),
        EventForm::AppServiceXml if log == "Application" => {
            one("eventlog.xml".into(), xml::app_service_xml(events))
        }
        EventForm::AppServiceXml => Vec::new(),
    }
}

/// The bundle folder the files of `form` go in (`""`: the bundle's root).
pub fn folder(form: EventForm) -> &'static str {
    match form {
        EventForm::Evtx => "",
        EventForm::AppServiceXml => "LogFiles/",
        EventForm::ViewerCsv
        | EventForm::ViewerText
        | EventForm::PowershellCsv
        | EventForm::DetailsText
        | EventForm::WevtutilText
        | EventForm::EventXml => "EventLogs/",
    }
}

/// The .evtx file of the events (record ids 1, 2, ... in order).
fn evtx(events: &[Event]) -> Vec<u8> {
    let mut w = EvtxWriter::new();
    for e in events {
        w.add(e);
    }
    w.into_bytes()
}

/// The EventData values in order (named: the values of the pairs).
fn values(data: &EventData) -> Vec<&str> {
    match data {
        EventData::Named { fields, .. } => fields.iter().map(|(_, v)| v.as_str()).collect(),
        EventData::Positional { values, .. } => values.iter().map(String::as_str).collect(),
        EventData::None => Vec::new(),
    }
}

/// The message of an event as Windows renders it (`\r\n` line breaks): its template
/// with the EventData values, or, for a provider with no template here, the text
/// Windows writes when it cannot find the description, with the values.
pub(crate) fn message(e: &Event) -> String {
    let vals = values(&e.data);
    let template =
        Reporter::of_provider(&e.provider_name).and_then(|r| messages::template(r, e.event_id));
    match template {
        Some(t) => messages::render(t, &vals),
        None => format!(
            "The description for Event ID {} from source {} cannot be found. Either the \
             component that raises this event is not installed on your local computer or \
             the installation is corrupted. You can install or repair the component on the \
             local computer.\r\n\r\nIf the event originated on another computer, the \
             display information had to be saved with the event.\r\n\r\nThe following \
             information was included with the event: \r\n\r\n{}",
            e.event_id,
            e.provider_name,
            vals.join("\r\n")
        ),
    }
}

/// The display name of an event's level.
fn level_of(e: &Event) -> &'static str {
    crate::domain::eventlog::level_name(i32::from(e.level))
}

/// The task category Event Viewer shows: `None` for task 0, ASP.NET's `Web Event`,
/// else the number in parentheses (no name in the provider's resources).
fn task_category(e: &Event) -> String {
    match (e.task, Reporter::of_provider(&e.provider_name)) {
        (0, _) => "None".into(),
        (3, Some(Reporter::AspNet)) => "Web Event".into(),
        (t, _) => format!("({t})"),
    }
}

/// The keywords' display name (every simulated event is a classic one).
fn keywords_name(e: &Event) -> &'static str {
    if e.keywords & 0x0080_0000_0000_0000 != 0 {
        "Classic"
    } else {
        "None"
    }
}

/// The UTC instant of the event, in microseconds.
fn utc_us(e: &Event) -> i64 {
    crate::time::filetime_to_micros(e.time_created)
}

/// The event's local time on `clock`.
fn local(e: &Event, clock: &Clock) -> NaiveDateTime {
    clock.to_local(utc_us(e))
}

/// `2024-03-04T12:05:09.0000000Z`: the UTC time with 100 ns digits, as Windows
/// renders a `SystemTime`.
fn system_time(e: &Event) -> String {
    let secs = crate::time::format_rfc3339(utc_us(e).div_euclid(1_000_000) * 1_000_000, 0);
    let ticks = e.time_created % 10_000_000;
    format!("{}.{ticks:07}Z", secs.trim_end_matches('Z'))
}

/// en-US long date-time: `3/4/2024 1:05:09 PM`.
pub(crate) fn us_long(t: NaiveDateTime) -> String {
    let h = t.hour();
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        t.month(),
        t.day(),
        t.year(),
        (h + 11) % 12 + 1,
        t.minute(),
        t.second(),
        if h < 12 { "AM" } else { "PM" }
    )
}

/// Event Viewer's tab-separated date-time: `3/4/2024 13:05` (no seconds).
fn us_short_24h(t: NaiveDateTime) -> String {
    format!(
        "{}/{}/{} {}:{:02}",
        t.month(),
        t.day(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// de-DE date-time: `04.03.2024 13:05:09`.
fn de_long(t: NaiveDateTime) -> String {
    t.format("%d.%m.%Y %H:%M:%S").to_string()
}

/// Joins lines with CRLF, with a CRLF after the last.
fn crlf_lines(lines: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn was_5011() -> Event {
        Event {
            provider_name: "Microsoft-Windows-WAS".into(),
            event_id: 5011,
            level: 3,
            keywords: 0x0080_0000_0000_0000,
            // 2024-03-04T12:05:09Z
            time_created: ((1_709_553_909i64 + 11_644_473_600) * 10_000_000) as u64,
            channel: "System".into(),
            computer: "WEB01.corp.example".into(),
            data: EventData::Named {
                fields: vec![
                    ("AppPoolID".into(), "ShopPool".into()),
                    ("ProcessID".into(), "4528".into()),
                ],
                binary: Some(vec![0x6D, 0, 7, 0x80]),
            },
            ..Event::default()
        }
    }

    #[test]
    fn messages_render_templates_or_the_missing_description() {
        let e = was_5011();
        assert!(message(&e).starts_with(
            "A process serving application pool 'ShopPool' suffered a fatal communication"
        ));
        let other = Event {
            provider_name: "Microsoft-Windows-Time-Service".into(),
            event_id: 35,
            data: EventData::Positional {
                values: vec!["time.windows.com".into()],
                binary: None,
            },
            ..Event::default()
        };
        let m = message(&other);
        assert!(m.starts_with(
            "The description for Event ID 35 from source Microsoft-Windows-Time-Service cannot be found."
        ));
        assert!(m.ends_with("\r\n\r\ntime.windows.com"));
        assert_eq!(
            Reporter::of_provider("ASP.NET 4.0.30319.0"),
            Some(Reporter::AspNet)
        );
        assert_eq!(Reporter::of_provider("WAS"), Some(Reporter::Was));
        assert_eq!(Reporter::of_provider("Foo"), None);
    }

    #[test]
    fn times_are_written_in_each_shape() {
        let e = was_5011();
        assert_eq!(system_time(&e), "2024-03-04T12:05:09.0000000Z");
        let berlin = Clock::from_tz_name("Europe/Berlin").unwrap();
        let t = local(&e, &berlin);
        assert_eq!(us_long(t), "3/4/2024 1:05:09 PM");
        assert_eq!(us_short_24h(t), "3/4/2024 13:05");
        assert_eq!(de_long(t), "04.03.2024 13:05:09");
        let midnight = local(&e, &Clock::from_tz_name("America/Chicago").unwrap());
        assert_eq!(us_long(midnight), "3/4/2024 6:05:09 AM");
    }
}
