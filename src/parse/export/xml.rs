//! XML exports: a run of `<Event>` elements (`wevtutil qe /f:xml`, with no root),
//! Event Viewer's "Save as XML" (`<Events>` around them) and Azure App Service's
//! `LogFiles/eventlog.xml` (namespace-less `<Event>`s, positional data). Each element is
//! read as an `.evtx` record is (`parse::eventdata`); `RenderingInfo/Message`, when
//! present, is the message. Times are UTC (`SystemTime`); App Service's old files give
//! only a time of day there, and then ASP.NET's UTC event time inside the data is used.

use super::{DataFrom, ExportFile, Exported};
use crate::domain::EventForm;
use crate::parse::eventdata::parse_event_xml;
use crate::parse::ErrorReport;

/// Reads an XML export.
pub fn read(form: EventForm, text: &str) -> ExportFile {
    let mut file = ExportFile::new(form);
    let mut at = 0usize;
    let mut line = 1u64;
    let mut counted = 0usize;
    while let Some(start) = next_event(text, at) {
        line += text[counted..start].matches('\n').count() as u64;
        counted = start;
        // A cut-off event runs into the next one: it ends where the next begins.
        let next = next_event(text, start + 1);
        let close = text[start..]
            .find("</Event>")
            .filter(|&c| next.is_none_or(|n| start + c < n));
        let Some(close) = close else {
            file.errors.push(ErrorReport {
                line: Some(line),
                record: None,
                offset: Some(start as u64),
                reason:
                    "event XML cut off: no </Event> before the next event or the end of the file"
                        .into(),
                raw: crate::text::truncate(&text[start..], 4096).to_string(),
            });
            match next {
                Some(n) => {
                    at = n;
                    continue;
                }
                None => break,
            }
        };
        let end = start + close + "</Event>".len();
        match parse_event_xml(&text.as_bytes()[start..end]) {
            Ok(ev) => file.records.push(record(ev, &text[start..end], line)),
            Err(reason) => file.errors.push(ErrorReport {
                line: Some(line),
                record: None,
                offset: Some(start as u64),
                reason,
                raw: crate::text::truncate(&text[start..end], 4096).to_string(),
            }),
        }
        at = end;
    }
    file
}

/// Where the next `<Event>` or `<Event ...>` element starts (not `<Events>`).
fn next_event(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let i = at + text[at..].find("<Event")?;
        match text.as_bytes().get(i + "<Event".len()) {
            Some(b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/') => return Some(i),
            _ => at = i + 1,
        }
    }
}

fn record(ev: crate::parse::eventdata::Event, xml: &str, line: u64) -> Exported {
    let utc = ev
        .system_time
        .as_deref()
        .and_then(crate::time::local::system_time_us);
    let data_from = if ev.data.is_empty() && ev.user_data.is_empty() {
        DataFrom::NoTemplate
    } else {
        DataFrom::Record
    };
    Exported {
        line,
        utc,
        message: rendered_message(xml),
        data_from,
        ev,
        ..Default::default()
    }
}

/// `RenderingInfo/Message`, unescaped.
fn rendered_message(xml: &str) -> Option<String> {
    let info = xml.find("<RenderingInfo")?;
    let open = info + xml[info..].find("<Message>")? + "<Message>".len();
    let close = open + xml[open..].find("</Message>")?;
    let raw = &xml[open..close];
    let text =
        quick_xml::escape::unescape(raw).map_or_else(|_| raw.to_string(), |c| c.into_owned());
    Some(text).filter(|t| !t.is_empty())
}
