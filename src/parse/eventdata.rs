//! One event record, read from the XML the evtx crate renders: the System fields and
//! the EventData items in document order (named or positional), plus UserData.

use crate::parse::data_json::DataJson;
use quick_xml::events::{BytesRef, BytesStart, Event as X};
use quick_xml::Reader;

/// The System part and data of one event.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Event {
    /// `Provider/@Name`.
    pub provider: Option<String>,
    /// `Provider/@Guid`.
    pub provider_guid: Option<String>,
    /// `Provider/@EventSourceName`.
    pub source_name: Option<String>,
    /// `EventID` text (before masking).
    pub event_id: Option<i64>,
    /// `EventID/@Qualifiers`.
    pub qualifiers: Option<i64>,
    /// `Version`.
    pub version: Option<i64>,
    /// `Level`.
    pub level: Option<i64>,
    /// `Task`.
    pub task: Option<i64>,
    /// `Opcode`.
    pub opcode: Option<i64>,
    /// `Keywords` as written (hex).
    pub keywords: Option<String>,
    /// `TimeCreated/@SystemTime` as written.
    pub system_time: Option<String>,
    /// `EventRecordID`.
    pub record_id: Option<i64>,
    /// `Channel`.
    pub channel: Option<String>,
    /// `Computer`.
    pub computer: Option<String>,
    /// `Execution/@ProcessID`.
    pub pid: Option<i64>,
    /// `Execution/@ThreadID`.
    pub tid: Option<i64>,
    /// `Security/@UserID`.
    pub user_sid: Option<String>,
    /// EventData items in order: (`Name` attribute, text).
    pub data: Vec<(Option<String>, String)>,
    /// EventData `<Binary>` as hex text.
    pub binary: Option<String>,
    /// UserData leaves: (path below UserData, text).
    pub user_data: Vec<(String, String)>,
}

impl Event {
    /// A data item: the one named `name` (case-insensitive) if any is named, else the
    /// item at `pos` (0-based) in document order.
    pub fn get(&self, name: &str, pos: usize) -> Option<&str> {
        if let Some((_, v)) = self
            .data
            .iter()
            .find(|(n, _)| n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        {
            return Some(v.as_str());
        }
        if self.data.iter().any(|(n, _)| n.is_some()) {
            return None;
        }
        self.data.get(pos).map(|(_, v)| v.as_str())
    }

    /// Sets the System field the text of a `<System>` child gives (trimmed, numbers
    /// parsed): one rule for every reader of event XML or its binary template.
    pub(crate) fn set_system_text(&mut self, tag: Tag, text: &str) {
        let t = text.trim();
        match tag {
            Tag::EventId => self.event_id = t.parse().ok(),
            Tag::Version => self.version = t.parse().ok(),
            Tag::Level => self.level = t.parse().ok(),
            Tag::Task => self.task = t.parse().ok(),
            Tag::Opcode => self.opcode = t.parse().ok(),
            Tag::Keywords => self.keywords = Some(t.to_string()),
            Tag::RecordId => self.record_id = t.parse().ok(),
            Tag::Channel => self.channel = Some(t.to_string()),
            Tag::Computer => self.computer = Some(t.to_string()),
            Tag::Provider
            | Tag::TimeCreated
            | Tag::Execution
            | Tag::Security
            | Tag::Data
            | Tag::Binary
            | Tag::Other => {}
        }
    }

    /// Sets the numeric System field `tag`'s text gives to `n`, as
    /// [`set_system_text`](Self::set_system_text) would from its digits; false if the
    /// field is not a number.
    pub(crate) fn set_system_number(&mut self, tag: Tag, n: i64) -> bool {
        let field = match tag {
            Tag::EventId => &mut self.event_id,
            Tag::Version => &mut self.version,
            Tag::Level => &mut self.level,
            Tag::Task => &mut self.task,
            Tag::Opcode => &mut self.opcode,
            Tag::RecordId => &mut self.record_id,
            _ => return false,
        };
        *field = Some(n);
        true
    }

    /// Sets the numeric System field an attribute gives to `n`, as
    /// [`set_attribute`](Self::set_attribute) would from its digits; false if the
    /// attribute is not a number corvid reads.
    pub(crate) fn set_attribute_number(&mut self, tag: Tag, name: &[u8], n: i64) -> bool {
        let field = match (tag, name) {
            (Tag::EventId, b"Qualifiers") => &mut self.qualifiers,
            (Tag::Execution, b"ProcessID") => &mut self.pid,
            (Tag::Execution, b"ThreadID") => &mut self.tid,
            _ => return false,
        };
        *field = Some(n);
        true
    }

    /// Sets the System field an attribute of a `<System>` child gives (`value` with
    /// its references resolved).
    pub(crate) fn set_attribute(&mut self, tag: Tag, name: &[u8], value: &str) {
        let int = || value.trim().parse().ok();
        match (tag, name) {
            (Tag::Provider, b"Name") => self.provider = Some(value.to_string()),
            (Tag::Provider, b"Guid") => self.provider_guid = Some(value.to_string()),
            (Tag::Provider, b"EventSourceName") => self.source_name = Some(value.to_string()),
            (Tag::EventId, b"Qualifiers") => self.qualifiers = int(),
            (Tag::TimeCreated, b"SystemTime") => self.system_time = Some(value.to_string()),
            (Tag::Execution, b"ProcessID") => self.pid = int(),
            (Tag::Execution, b"ThreadID") => self.tid = int(),
            (Tag::Security, b"UserID") => self.user_sid = Some(value.to_string()),
            _ => {}
        }
    }

    /// Whether any data item has a name.
    pub fn is_named(&self) -> bool {
        self.data.iter().any(|(n, _)| n.is_some())
    }

    /// The 16-bit event id (qualifiers removed).
    pub fn event_id16(&self) -> Option<i32> {
        self.event_id.map(|v| (v & 0xFFFF) as i32)
    }

    /// EventData (or UserData) as JSON text: see [`DataJson`].
    pub fn data_json(&self) -> Option<String> {
        let mut json = DataJson::default();
        for (n, v) in &self.data {
            match n {
                Some(n) => json.named(n, v),
                None => json.unnamed(v),
            }
        }
        if let Some(b) = &self.binary {
            json.binary(b);
        }
        for (path, v) in &self.user_data {
            json.user_data(path, v);
        }
        json.finish()
    }
}

#[derive(Clone, Copy, PartialEq, Default)]
enum Section {
    #[default]
    None,
    System,
    EventData,
    UserData,
}

/// The elements whose text or attributes are read; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Provider,
    EventId,
    Version,
    Level,
    Task,
    Opcode,
    Keywords,
    TimeCreated,
    RecordId,
    Execution,
    Channel,
    Computer,
    Security,
    Data,
    Binary,
    Other,
}

impl Tag {
    /// Whether attributes of the element are read.
    pub(crate) fn has_attributes(self) -> bool {
        matches!(
            self,
            Tag::Provider
                | Tag::EventId
                | Tag::TimeCreated
                | Tag::Execution
                | Tag::Security
                | Tag::Data
        )
    }
}

/// The tag of a child of `<System>`, by its local name.
pub(crate) fn system_tag(name: &[u8]) -> Tag {
    match name {
        b"Provider" => Tag::Provider,
        b"EventID" => Tag::EventId,
        b"Version" => Tag::Version,
        b"Level" => Tag::Level,
        b"Task" => Tag::Task,
        b"Opcode" => Tag::Opcode,
        b"Keywords" => Tag::Keywords,
        b"TimeCreated" => Tag::TimeCreated,
        b"EventRecordID" => Tag::RecordId,
        b"Execution" => Tag::Execution,
        b"Channel" => Tag::Channel,
        b"Computer" => Tag::Computer,
        b"Security" => Tag::Security,
        _ => Tag::Other,
    }
}

fn attr_value(a: &quick_xml::events::attributes::Attribute<'_>) -> String {
    a.unescape_value()
        .map(|v| v.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
}

/// Reads the record XML the evtx crate renders. Errors name the byte offset.
///
/// Borrows from `xml` (no copy into a buffer) and allocates only for the values it
/// keeps: this runs once per event record, and was half of the EVTX reading time when it
/// owned every element name.
pub fn parse_event_xml(xml: &[u8]) -> Result<Event, String> {
    let mut r = Reader::from_reader(xml);
    r.config_mut().check_end_names = false;
    let mut p = EventXml::default();
    loop {
        let e = r
            .read_event()
            .map_err(|e| format!("event XML unreadable at byte {}: {e}", r.buffer_position()))?;
        match e {
            X::Start(ref s) => p.open(s, false),
            X::Empty(ref s) => p.open(s, true),
            X::Text(t) => match t.decode() {
                Ok(s) => p.text.push_str(&s),
                Err(_) => p.text.push_str(&String::from_utf8_lossy(&t)),
            },
            X::CData(t) => p.text.push_str(&String::from_utf8_lossy(&t)),
            X::GeneralRef(g) => p.reference(&g),
            X::End(_) => p.close(),
            X::Eof => break,
            _ => {}
        }
    }
    Ok(p.ev)
}

/// The state of reading one record's XML.
#[derive(Default)]
struct EventXml {
    ev: Event,
    /// The open elements; names are kept only below UserData (for the leaves' paths).
    stack: Vec<Tag>,
    user_path: Vec<String>,
    section: Section,
    /// Text of the element being read.
    text: String,
    /// `Name` of the `<Data>` being read.
    data_name: Option<String>,
}

impl EventXml {
    /// A start (or, `empty`, an empty) element.
    fn open(&mut self, s: &BytesStart<'_>, empty: bool) {
        let local = s.local_name();
        let name = local.as_ref();
        let depth = self.stack.len();
        if depth == 1 {
            self.section = match name {
                b"System" => Section::System,
                b"EventData" => Section::EventData,
                b"UserData" => Section::UserData,
                _ => Section::None,
            };
        }
        self.text.clear();
        let tag = match (depth, self.section) {
            (2, Section::System) => system_tag(name),
            (2, Section::EventData) if name == b"Data" => Tag::Data,
            (2, Section::EventData) if name == b"Binary" => Tag::Binary,
            _ => Tag::Other,
        };
        self.attributes(tag, s);
        if empty {
            if tag == Tag::Data {
                self.ev.data.push((self.data_name.take(), String::new()));
            }
        } else {
            if self.section == Section::UserData && depth >= 2 {
                self.user_path
                    .push(String::from_utf8_lossy(name).into_owned());
            }
            self.stack.push(tag);
        }
    }

    /// The attributes read of the elements that have some.
    fn attributes(&mut self, tag: Tag, s: &BytesStart<'_>) {
        if !tag.has_attributes() {
            return;
        }
        for a in s.attributes().with_checks(false).flatten() {
            let name = a.key.local_name();
            if tag == Tag::Data {
                if name.as_ref() == b"Name" {
                    self.data_name = Some(attr_value(&a));
                }
            } else {
                self.ev.set_attribute(tag, name.as_ref(), &attr_value(&a));
            }
        }
    }

    /// An entity or character reference in text: resolved, or kept as written.
    fn reference(&mut self, g: &BytesRef<'_>) {
        let text = &mut self.text;
        if let Ok(Some(c)) = g.resolve_char_ref() {
            text.push(c);
            return;
        }
        let r: &[u8] = g;
        match r {
            b"amp" => text.push('&'),
            b"lt" => text.push('<'),
            b"gt" => text.push('>'),
            b"quot" => text.push('"'),
            b"apos" => text.push('\''),
            other => {
                text.push('&');
                text.push_str(&String::from_utf8_lossy(other));
                text.push(';');
            }
        }
    }

    /// An end element: keeps the text of the elements read.
    fn close(&mut self) {
        let Some(tag) = self.stack.pop() else { return };
        let depth = self.stack.len();
        match self.section {
            Section::System if depth == 2 => self.system_text(tag),
            Section::EventData if depth == 2 => match tag {
                Tag::Binary => self.ev.binary = Some(self.text.trim().to_string()),
                _ => self
                    .ev
                    .data
                    .push((self.data_name.take(), std::mem::take(&mut self.text))),
            },
            Section::UserData if depth >= 2 => self.user_data_leaf(depth),
            _ => {}
        }
        if depth <= 1 {
            self.section = Section::None;
        }
        self.text.clear();
    }

    /// The text of a System element.
    fn system_text(&mut self, tag: Tag) {
        self.ev.set_system_text(tag, &self.text);
    }

    /// The end of an element below UserData (at `depth` once closed): a leaf with text
    /// is kept under its path.
    fn user_data_leaf(&mut self, depth: usize) {
        let name = self.user_path.pop().unwrap_or_default();
        if depth >= 3 && !self.text.trim().is_empty() {
            let mut path = self.user_path.join("/");
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(&name);
            self.ev.user_data.push((path, self.text.trim().to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAS_5011: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name="Microsoft-Windows-WAS" Guid="{524B5D04-133C-4A62-8362-64E8EDB9CE40}" EventSourceName="WAS"/>
    <EventID Qualifiers="32768">5011</EventID>
    <Level>3</Level><Task>0</Task><Keywords>0x80000000000000</Keywords>
    <TimeCreated SystemTime="2021-04-01T09:25:03.024615800Z"/>
    <EventRecordID>42</EventRecordID>
    <Execution ProcessID="0" ThreadID="0"/>
    <Channel>System</Channel><Computer>EX01.corp.local</Computer><Security/>
  </System>
  <EventData>
    <Data Name="AppPoolID">MSExchange&amp;Pool</Data>
    <Data Name="ProcessID">4528</Data>
    <Binary>6D000780</Binary>
  </EventData>
</Event>"#;

    #[test]
    fn reads_system_fields_and_named_data() {
        let ev = parse_event_xml(WAS_5011.as_bytes()).unwrap();
        assert_eq!(ev.provider.as_deref(), Some("Microsoft-Windows-WAS"));
        assert_eq!(ev.source_name.as_deref(), Some("WAS"));
        assert_eq!(ev.event_id16(), Some(5011));
        assert_eq!(ev.qualifiers, Some(32768));
        assert_eq!(ev.level, Some(3));
        assert_eq!(ev.record_id, Some(42));
        assert_eq!(ev.computer.as_deref(), Some("EX01.corp.local"));
        assert_eq!(
            ev.system_time.as_deref(),
            Some("2021-04-01T09:25:03.024615800Z")
        );
        assert_eq!(ev.get("AppPoolID", 0), Some("MSExchange&Pool"));
        assert_eq!(ev.get("processid", 1), Some("4528"));
        assert_eq!(ev.binary.as_deref(), Some("6D000780"));
        let j: serde_json::Value = serde_json::from_str(&ev.data_json().unwrap()).unwrap();
        assert_eq!(j["AppPoolID"], "MSExchange&Pool");
        assert_eq!(j["Binary"], "6D000780");
    }

    #[test]
    fn positional_data_keeps_order_and_empty_items() {
        let xml = r#"<Event><System><Provider Name="Application Error"/><EventID Qualifiers="0">1000</EventID></System>
<EventData><Data>w3wp.exe</Data><Data></Data><Data/><Data>c0000005</Data></EventData></Event>"#;
        let ev = parse_event_xml(xml.as_bytes()).unwrap();
        assert_eq!(ev.data.len(), 4);
        assert_eq!(ev.get("AppName", 0), Some("w3wp.exe"));
        assert_eq!(ev.get("x", 2), Some(""));
        assert_eq!(ev.get("ExceptionCode", 3), Some("c0000005"));
        let j: serde_json::Value = serde_json::from_str(&ev.data_json().unwrap()).unwrap();
        assert_eq!(j["Data"][3], "c0000005");
    }

    #[test]
    fn user_data_leaves_keep_their_path() {
        let xml = r#"<Event><System><EventID>1102</EventID></System><UserData><LogFileCleared xmlns="x"><SubjectUserName>bob</SubjectUserName></LogFileCleared></UserData></Event>"#;
        let ev = parse_event_xml(xml.as_bytes()).unwrap();
        assert_eq!(
            ev.user_data,
            vec![(
                "LogFileCleared/SubjectUserName".to_string(),
                "bob".to_string()
            )]
        );
    }
}
