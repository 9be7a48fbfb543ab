//! The XML forms: `wevtutil qe /f:xml` (a run of rendered `<Event>` elements with no
//! root, single-quoted attributes, `<RenderingInfo Culture='en-US'>`), the `Event Xml:`
//! part of Event Viewer's copied details (pretty-printed, double quotes), and Azure App
//! Service's `LogFiles/eventlog.xml` (`<Events>` root, no namespace, positional
//! `<Data>` only). Times are UTC `SystemTime`s.

use super::{crlf_lines, keywords_name, level_of, message, system_time, task_category};
use crate::simulate::evtx_writer::{Event, EventData};

const NS: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

/// How an event's XML is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    /// The attribute quote.
    quote: char,
    /// The end of an empty element (`/>` or ` />`).
    empty: &'static str,
    /// One element per line, indented by two spaces per level (CRLF).
    pretty: bool,
    /// With `<RenderingInfo>`.
    rendered: bool,
}

/// `wevtutil qe /f:xml`.
const WEVTUTIL: Style = Style {
    quote: '\'',
    empty: "/>",
    pretty: false,
    rendered: true,
};

/// Event Viewer's "Event Xml:".
pub(super) const VIEWER: Style = Style {
    quote: '"',
    empty: " />",
    pretty: true,
    rendered: false,
};

/// Lines of XML at their depth, joined compact or pretty.
struct Xml {
    style: Style,
    lines: Vec<(usize, String)>,
}

impl Xml {
    fn attrs(&self, attrs: &[(&str, &str)]) -> String {
        let q = self.style.quote;
        attrs
            .iter()
            .map(|(k, v)| format!(" {k}={q}{}{q}", escape(v, true)))
            .collect()
    }
    fn empty(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) {
        let line = format!("<{name}{}{}", self.attrs(attrs), self.style.empty);
        self.lines.push((depth, line));
    }
    fn text(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)], text: &str) {
        let line = format!(
            "<{name}{}>{}</{name}>",
            self.attrs(attrs),
            escape(text, false)
        );
        self.lines.push((depth, line));
    }
    fn open(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) {
        let line = format!("<{name}{}>", self.attrs(attrs));
        self.lines.push((depth, line));
    }
    fn close(&mut self, depth: usize, name: &str) {
        self.lines.push((depth, format!("</{name}>")));
    }
    fn finish(self) -> String {
        if !self.style.pretty {
            return self.lines.into_iter().map(|(_, l)| l).collect();
        }
        let lines = self.lines.iter();
        let text: Vec<String> = lines
            .map(|(d, l)| format!("{}{l}", "  ".repeat(*d)))
            .collect();
        text.join("\r\n")
    }
}

/// XML escapes (in attributes also the quotes).
fn escape(v: &str, attr: bool) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The XML of one event with its record id, as Windows renders it.
pub(super) fn event(e: &Event, record_id: u64, style: Style) -> String {
    let mut x = Xml {
        style,
        lines: Vec::new(),
    };
    x.open(0, "Event", &[("xmlns", NS)]);
    system(&mut x, e, record_id);
    event_data(&mut x, &e.data);
    if style.rendered {
        rendering_info(&mut x, e);
    }
    x.close(0, "Event");
    x.finish()
}

/// `<System>`, the parts the evtx has (optional ones left out as it leaves them out).
fn system(x: &mut Xml, e: &Event, record_id: u64) {
    x.open(1, "System", &[]);
    let guid = e.provider_guid.as_ref().map(|g| braced(g));
    let mut provider = vec![("Name", e.provider_name.as_str())];
    if let Some(g) = &guid {
        provider.push(("Guid", g.as_str()));
    }
    if let Some(s) = &e.event_source_name {
        provider.push(("EventSourceName", s.as_str()));
    }
    x.empty(2, "Provider", &provider);
    let q = e.qualifiers.map(|q| q.to_string());
    let q_attr: Vec<(&str, &str)> = q.iter().map(|q| ("Qualifiers", q.as_str())).collect();
    x.text(2, "EventID", &q_attr, &e.event_id.to_string());
    if let Some(v) = e.version {
        x.text(2, "Version", &[], &v.to_string());
    }
    x.text(2, "Level", &[], &e.level.to_string());
    x.text(2, "Task", &[], &e.task.to_string());
    if let Some(o) = e.opcode {
        x.text(2, "Opcode", &[], &o.to_string());
    }
    x.text(2, "Keywords", &[], &format!("0x{:x}", e.keywords));
    x.empty(2, "TimeCreated", &[("SystemTime", &system_time(e))]);
    x.text(2, "EventRecordID", &[], &record_id.to_string());
    x.empty(2, "Correlation", &[]);
    let (pid, tid) = (e.execution_pid.to_string(), e.execution_tid.to_string());
    x.empty(2, "Execution", &[("ProcessID", &pid), ("ThreadID", &tid)]);
    x.text(2, "Channel", &[], &e.channel);
    x.text(2, "Computer", &[], &e.computer);
    match &e.user_sid {
        Some(sid) => x.empty(2, "Security", &[("UserID", sid)]),
        None => x.empty(2, "Security", &[]),
    }
    x.close(1, "System");
}

/// A GUID in braces.
fn braced(g: &str) -> String {
    format!("{{{}}}", g.trim_start_matches('{').trim_end_matches('}'))
}

/// `<EventData>` exactly as the evtx has it: named or positional `<Data>`, `<Binary>`
/// as upper-case hex.
fn event_data(x: &mut Xml, data: &EventData) {
    let (items, binary): (Vec<(Option<&str>, &str)>, _) = match data {
        EventData::Named { fields, binary } => (
            fields
                .iter()
                .map(|(k, v)| (Some(k.as_str()), v.as_str()))
                .collect(),
            binary,
        ),
        EventData::Positional { values, binary } => {
            (values.iter().map(|v| (None, v.as_str())).collect(), binary)
        }
        EventData::None => return,
    };
    x.open(1, "EventData", &[]);
    for (name, value) in items {
        match name {
            Some(n) => x.text(2, "Data", &[("Name", n)], value),
            None => x.text(2, "Data", &[], value),
        }
    }
    if let Some(b) = binary {
        x.text(2, "Binary", &[], &hex(b));
    }
    x.close(1, "EventData");
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02X}")).collect()
}

/// `<RenderingInfo Culture='en-US'>`: message, level, task, opcode, channel, provider,
/// keywords as `wevtutil qe /r /f:xml` renders them.
fn rendering_info(x: &mut Xml, e: &Event) {
    x.open(1, "RenderingInfo", &[("Culture", "en-US")]);
    x.text(2, "Message", &[], &message(e));
    x.text(2, "Level", &[], level_of(e));
    let task = task_category(e);
    x.text(2, "Task", &[], if e.task == 0 { "" } else { &task });
    x.text(2, "Opcode", &[], "Info");
    x.text(2, "Channel", &[], &e.channel);
    x.text(2, "Provider", &[], &e.provider_name);
    x.open(2, "Keywords", &[]);
    x.text(3, "Keyword", &[], keywords_name(e));
    x.close(2, "Keywords");
    x.close(1, "RenderingInfo");
}

/// `wevtutil qe <log> /f:xml`: one rendered `<Event>` per line, oldest first, no root.
pub(super) fn event_xml(events: &[Event]) -> Vec<u8> {
    let lines = events
        .iter()
        .enumerate()
        .map(|(i, e)| event(e, i as u64 + 1, WEVTUTIL));
    crlf_lines(lines)
}

/// App Service `eventlog.xml`: `<Events>` with one `<Event>` (no namespace) per line,
/// oldest first; positional `<Data>` only, SystemTime to the second.
pub(super) fn app_service_xml(events: &[Event]) -> Vec<u8> {
    let records = events.iter().enumerate().map(|(i, e)| {
        let data: String = super::values(&e.data)
            .iter()
            .map(|v| format!("<Data>{}</Data>", escape(v, false)))
            .collect();
        let time =
            crate::time::format_rfc3339(super::utc_us(e).div_euclid(1_000_000) * 1_000_000, 0);
        format!(
            "<Event><System><Provider Name=\"{}\"/><EventID>{}</EventID><Level>{}</Level>\
             <Task>{}</Task><Keywords>Keywords</Keywords><TimeCreated SystemTime=\"{time}\"/>\
             <EventRecordID>{}</EventRecordID><Channel>{}</Channel><Computer>{}</Computer>\
             <Security/></System><EventData>{data}</EventData></Event>",
            escape(&e.provider_name, true),
            e.event_id,
            e.level,
            e.task,
            i + 1,
            escape(&e.channel, false),
            escape(&e.computer, false),
        )
    });
    let lines = std::iter::once("<Events>".to_string())
        .chain(records)
        .chain(std::iter::once("</Events>".to_string()));
    crlf_lines(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_xml_has_named_data_binary_and_rendering() {
        let e = Event {
            provider_name: "Microsoft-Windows-WAS".into(),
            provider_guid: Some("{524B5D04-133C-4A62-8362-64E8EDB9CE40}".into()),
            event_source_name: Some("WAS".into()),
            event_id: 5011,
            qualifiers: Some(32768),
            level: 3,
            keywords: 0x0080_0000_0000_0000,
            time_created: ((1_709_553_909i64 + 11_644_473_600) * 10_000_000) as u64,
            channel: "System".into(),
            computer: "WEB01.corp.example".into(),
            data: EventData::Named {
                fields: vec![("AppPoolID".into(), "A&B".into())],
                binary: Some(vec![0x6D, 0, 7, 0x80]),
            },
            ..Event::default()
        };
        let x = event(&e, 9, WEVTUTIL);
        assert!(x.starts_with(&format!("<Event xmlns='{NS}'><System><Provider Name='Microsoft-Windows-WAS' Guid='{{524B5D04-133C-4A62-8362-64E8EDB9CE40}}' EventSourceName='WAS'/><EventID Qualifiers='32768'>5011</EventID>")));
        assert!(x.contains("<TimeCreated SystemTime='2024-03-04T12:05:09.0000000Z'/><EventRecordID>9</EventRecordID>"));
        assert!(x.contains(
            "<EventData><Data Name='AppPoolID'>A&amp;B</Data><Binary>6D000780</Binary></EventData>"
        ));
        assert!(x.contains(
            "<RenderingInfo Culture='en-US'><Message>A process serving application pool 'A&amp;B'"
        ));
        assert!(
            x.ends_with("<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>")
        );
        let pretty = event(&e, 9, VIEWER);
        assert!(pretty.starts_with(&format!(
            "<Event xmlns=\"{NS}\">\r\n  <System>\r\n    <Provider Name=\"Microsoft-Windows-WAS\""
        )));
        assert!(pretty
            .contains("\r\n    <TimeCreated SystemTime=\"2024-03-04T12:05:09.0000000Z\" />\r\n"));
        assert!(!pretty.contains("RenderingInfo"));
    }
}
