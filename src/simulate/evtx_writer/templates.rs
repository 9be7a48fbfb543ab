//! Template shapes: which `<System>` attributes/elements an [`Event`] has and how its
//! `<EventData>` looks ([`Shape`]), the template element tree of a shape (the `Event/System/...`
//! skeleton with substitution tokens), its deterministic GUID, and the typed substitution
//! values of one event ([`prepare`]). Events of the same shape share one template definition
//! per chunk. The value layout is fixed: indices 0..=16 hold the `<System>` values (Windows'
//! order for the first 13), `<EventData>` values follow from index 17.

use crate::simulate::evtx_writer::binxml::{
    value_type, AttrValue, Content, Element, Substitution, Value,
};
use crate::simulate::evtx_writer::event::{Event, EventData};

/// Element and attribute names the templates use; each is stored once per chunk in the common
/// string table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlName {
    Event,
    Xmlns,
    System,
    Provider,
    NameAttr,
    Guid,
    EventSourceName,
    EventId,
    Qualifiers,
    Version,
    Level,
    Task,
    Opcode,
    Keywords,
    TimeCreated,
    SystemTime,
    EventRecordId,
    Correlation,
    Execution,
    ProcessId,
    ThreadId,
    Channel,
    Computer,
    Security,
    UserId,
    EventData,
    Data,
    Binary,
}

/// Number of [`Name`]s.
pub(crate) const NAME_COUNT: usize = XmlName::Binary as usize + 1;

impl XmlName {
    /// The name's text.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            XmlName::Event => "Event",
            XmlName::Xmlns => "xmlns",
            XmlName::System => "System",
            XmlName::Provider => "Provider",
            XmlName::NameAttr => "Name",
            XmlName::Guid => "Guid",
            XmlName::EventSourceName => "EventSourceName",
            XmlName::EventId => "EventID",
            XmlName::Qualifiers => "Qualifiers",
            XmlName::Version => "Version",
            XmlName::Level => "Level",
            XmlName::Task => "Task",
            XmlName::Opcode => "Opcode",
            XmlName::Keywords => "Keywords",
            XmlName::TimeCreated => "TimeCreated",
            XmlName::SystemTime => "SystemTime",
            XmlName::EventRecordId => "EventRecordID",
            XmlName::Correlation => "Correlation",
            XmlName::Execution => "Execution",
            XmlName::ProcessId => "ProcessID",
            XmlName::ThreadId => "ThreadID",
            XmlName::Channel => "Channel",
            XmlName::Computer => "Computer",
            XmlName::Security => "Security",
            XmlName::UserId => "UserID",
            XmlName::EventData => "EventData",
            XmlName::Data => "Data",
            XmlName::Binary => "Binary",
        }
    }
}

/// The event namespace Windows puts on `<Event>`.
const EVENT_NS: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

/// Substitution indices of the `<System>` values.
mod idx {
    pub(super) const LEVEL: u16 = 0;
    pub(super) const OPCODE: u16 = 1;
    pub(super) const TASK: u16 = 2;
    pub(super) const EVENT_ID: u16 = 3;
    pub(super) const QUALIFIERS: u16 = 4;
    pub(super) const KEYWORDS: u16 = 5;
    pub(super) const TIME_CREATED: u16 = 6;
    pub(super) const PROVIDER_NAME: u16 = 7;
    pub(super) const PROCESS_ID: u16 = 8;
    pub(super) const THREAD_ID: u16 = 9;
    pub(super) const RECORD_ID: u16 = 10;
    pub(super) const VERSION: u16 = 11;
    pub(super) const USER_ID: u16 = 12;
    pub(super) const PROVIDER_GUID: u16 = 13;
    pub(super) const SOURCE_NAME: u16 = 14;
    pub(super) const CHANNEL: u16 = 15;
    pub(super) const COMPUTER: u16 = 16;
    /// First `<EventData>` value.
    pub(super) const FIRST_DATA: u16 = 17;
}

/// Most `<Data>` items (plus `<Binary>`) a template holds; more could never fit a chunk.
pub(crate) const MAX_DATA_ITEMS: usize = 4096;

/// Which optional `<System>` parts a shape has.
mod flag {
    pub(super) const GUID: u8 = 1;
    pub(super) const SOURCE: u8 = 2;
    pub(super) const QUALIFIERS: u8 = 4;
    pub(super) const VERSION: u8 = 8;
    pub(super) const OPCODE: u8 = 16;
    pub(super) const USER: u8 = 32;
    /// The `<EventData>` is a nested template instance (a BinXML fragment value).
    pub(super) const FRAGMENT: u8 = 64;
}

/// How an event's template is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// One template holds `<System>` and `<EventData>`.
    #[default]
    Flat,
    /// As Windows writes manifest events: the event's template holds `<System>` and a
    /// substitution whose value is a BinXML fragment, itself an instance of an
    /// `<EventData>` template.
    Nested,
}

/// Which template of a layout a shape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    /// `<Event>` with `<System>` and `<EventData>`, or a fragment slot in place of it.
    Event,
    /// `<EventData>` alone: the fragment's template.
    EventData,
}

/// The `<EventData>` part of a shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum DataShape {
    /// No `<EventData>`.
    None,
    /// Named `<Data>` items (names are literal in the template) and maybe `<Binary>`.
    Named { names: Vec<String>, binary: bool },
    /// `count` unnamed `<Data>` items and maybe `<Binary>`.
    Positional { count: usize, binary: bool },
}

/// Everything that decides an event's template: events with equal shapes share a definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    flags: u8,
    data: DataShape,
    part: Part,
}

/// An event turned into its shape and substitution values.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    /// The template shape.
    pub(crate) shape: Shape,
    /// The substitution values, by index.
    pub(crate) values: Vec<Value<'a>>,
    /// With [`Layout::Nested`]: the `<EventData>` template's shape and values, the value
    /// of the slot [`Value::Fragment`] stands in.
    pub(crate) fragment: Option<(Shape, Vec<Value<'a>>)>,
}

/// The shape and values of `event` as record `record_id`, or `None` when it has more than
/// [`MAX_DATA_ITEMS`] data items.
pub(crate) fn prepare(event: &Event, record_id: u64, layout: Layout) -> Option<Prepared<'_>> {
    let items = match &event.data {
        EventData::None => 0,
        EventData::Named { fields, .. } => fields.len(),
        EventData::Positional { values, .. } => values.len(),
    };
    if items > MAX_DATA_ITEMS {
        return None;
    }
    let guid = event.provider_guid.as_deref().and_then(parse_guid);
    let sid = event.user_sid.as_deref().and_then(parse_sid);
    let flags = system_flags(event, guid.is_some(), sid.is_some());
    let mut values = system_values(event, record_id, guid, sid);
    let data = data_values(event, &mut values);
    let flat = Shape {
        flags,
        data,
        part: Part::Event,
    };
    Some(lay_out(flat, values, layout))
}

/// The optional `<System>` parts `event` has.
fn system_flags(event: &Event, guid: bool, sid: bool) -> u8 {
    [
        (guid, flag::GUID),
        (event.event_source_name.is_some(), flag::SOURCE),
        (event.qualifiers.is_some(), flag::QUALIFIERS),
        (event.version.is_some(), flag::VERSION),
        (event.opcode.is_some(), flag::OPCODE),
        (sid, flag::USER),
    ]
    .into_iter()
    .filter(|(present, _)| *present)
    .fold(0, |flags, (_, bit)| flags | bit)
}

/// The `<System>` values, indices 0 to 16.
fn system_values(
    event: &Event,
    record_id: u64,
    guid: Option<[u8; 16]>,
    sid: Option<Vec<u8>>,
) -> Vec<Value<'_>> {
    let values = vec![
        Value::U8(event.level),
        event.opcode.map_or(Value::Null, Value::U8),
        Value::U16(event.task),
        Value::U16(event.event_id),
        event.qualifiers.map_or(Value::Null, Value::U16),
        Value::Hex64(event.keywords),
        Value::FileTime(event.time_created),
        Value::string(&event.provider_name),
        Value::U32(event.execution_pid),
        Value::U32(event.execution_tid),
        Value::U64(record_id),
        event.version.map_or(Value::Null, Value::U8),
        sid.map_or(Value::Null, Value::Sid),
        guid.map_or(Value::Null, Value::Guid),
        event
            .event_source_name
            .as_deref()
            .map_or(Value::Null, Value::string),
        Value::string(&event.channel),
        Value::string(&event.computer),
    ];
    debug_assert_eq!(values.len(), usize::from(idx::FIRST_DATA));
    values
}

/// Appends the `<EventData>` values (items, then `<Binary>`) to `values`; returns the
/// data's shape.
fn data_values<'a>(event: &'a Event, values: &mut Vec<Value<'a>>) -> DataShape {
    let (data, binary) = match &event.data {
        EventData::None => (DataShape::None, None),
        EventData::Named { fields, binary } => {
            values.extend(fields.iter().map(|(_, v)| Value::string(v)));
            let names = fields.iter().map(|(n, _)| n.clone()).collect();
            let shape = DataShape::Named {
                names,
                binary: binary.is_some(),
            };
            (shape, binary.as_deref())
        }
        EventData::Positional {
            values: items,
            binary,
        } => {
            values.extend(items.iter().map(|v| Value::string(v)));
            let shape = DataShape::Positional {
                count: items.len(),
                binary: binary.is_some(),
            };
            (shape, binary.as_deref())
        }
    };
    if let Some(b) = binary {
        values.push(Value::binary(b));
    }
    data
}

/// The flat shape and values as `layout` writes them: unchanged, or with the data
/// moved into a fragment.
fn lay_out(flat: Shape, mut values: Vec<Value<'_>>, layout: Layout) -> Prepared<'_> {
    match (layout, flat.data) {
        (Layout::Flat, data) | (Layout::Nested, data @ DataShape::None) => Prepared {
            shape: Shape { data, ..flat },
            values,
            fragment: None,
        },
        (Layout::Nested, data) => {
            let items = values.split_off(usize::from(idx::FIRST_DATA));
            values.push(Value::Fragment);
            let inner = Shape {
                flags: 0,
                data,
                part: Part::EventData,
            };
            Prepared {
                shape: Shape {
                    flags: flat.flags | flag::FRAGMENT,
                    data: DataShape::None,
                    part: Part::Event,
                },
                values,
                fragment: Some((inner, items)),
            }
        }
    }
}

impl Shape {
    fn has(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }

    /// The template's GUID: a deterministic 128-bit FNV-1a hash of the shape.
    pub(crate) fn guid(&self) -> [u8; 16] {
        let part = match self.part {
            Part::Event => 1,
            Part::EventData => 2,
        };
        let mut bytes = vec![b'E', b'W', part, self.flags];
        let push_len = |bytes: &mut Vec<u8>, n: usize| {
            bytes.extend_from_slice(&(n as u64).to_le_bytes());
        };
        match &self.data {
            DataShape::None => bytes.push(0),
            DataShape::Named { names, binary } => {
                bytes.push(1);
                bytes.push(u8::from(*binary));
                push_len(&mut bytes, names.len());
                for n in names {
                    push_len(&mut bytes, n.len());
                    bytes.extend_from_slice(n.as_bytes());
                }
            }
            DataShape::Positional { count, binary } => {
                bytes.push(2);
                bytes.push(u8::from(*binary));
                push_len(&mut bytes, *count);
            }
        }
        fnv1a_128(&bytes).to_le_bytes()
    }

    /// The template's element tree.
    pub(crate) fn template(&self) -> Element {
        match self.part {
            Part::Event => self.event_template(),
            Part::EventData => self.event_data(0).unwrap_or(Element {
                name: XmlName::EventData,
                attrs: Vec::new(),
                children: Vec::new(),
            }),
        }
    }

    /// The `<EventData>` element, its values from index `first` on; `None` without one.
    fn event_data(&self, first: u16) -> Option<Element> {
        // EventData values are NormalSubstitutions so that empty strings keep their element.
        let data_sub = |i: usize, value_type: u8| Substitution {
            index: first.saturating_add(u16::try_from(i).unwrap_or(u16::MAX)),
            value_type,
            optional: false,
        };
        let data_item = |i: usize, attrs: Vec<(XmlName, AttrValue)>| {
            Content::Element(Element {
                name: XmlName::Data,
                attrs,
                children: vec![Content::Sub(data_sub(i, value_type::STRING))],
            })
        };
        let binary_item = |i: usize| {
            Content::Element(Element {
                name: XmlName::Binary,
                attrs: Vec::new(),
                children: vec![Content::Sub(data_sub(i, value_type::BINARY))],
            })
        };
        let children = match &self.data {
            DataShape::None => return None,
            DataShape::Named { names, binary } => {
                let mut items: Vec<Content> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        data_item(i, vec![(XmlName::NameAttr, AttrValue::Text(n.clone()))])
                    })
                    .collect();
                if *binary {
                    items.push(binary_item(names.len()));
                }
                items
            }
            DataShape::Positional { count, binary } => {
                let mut items: Vec<Content> =
                    (0..*count).map(|i| data_item(i, Vec::new())).collect();
                if *binary {
                    items.push(binary_item(*count));
                }
                items
            }
        };
        Some(Element {
            name: XmlName::EventData,
            attrs: Vec::new(),
            children,
        })
    }

    /// The children of the `<System>` template.
    fn system_children(&self) -> Vec<Content> {
        let mut provider = vec![attr(
            XmlName::NameAttr,
            idx::PROVIDER_NAME,
            value_type::STRING,
        )];
        if self.has(flag::GUID) {
            provider.push(attr(XmlName::Guid, idx::PROVIDER_GUID, value_type::GUID));
        }
        if self.has(flag::SOURCE) {
            provider.push(attr(
                XmlName::EventSourceName,
                idx::SOURCE_NAME,
                value_type::STRING,
            ));
        }
        let mut event_id_attrs = Vec::new();
        if self.has(flag::QUALIFIERS) {
            event_id_attrs.push(attr(
                XmlName::Qualifiers,
                idx::QUALIFIERS,
                value_type::UINT16,
            ));
        }

        let mut system = vec![
            empty(XmlName::Provider, provider),
            Content::Element(Element {
                name: XmlName::EventId,
                attrs: event_id_attrs,
                children: vec![Content::Sub(sub(idx::EVENT_ID, value_type::UINT16))],
            }),
        ];
        if self.has(flag::VERSION) {
            system.push(leaf(XmlName::Version, idx::VERSION, value_type::UINT8));
        }
        system.push(leaf(XmlName::Level, idx::LEVEL, value_type::UINT8));
        system.push(leaf(XmlName::Task, idx::TASK, value_type::UINT16));
        if self.has(flag::OPCODE) {
            system.push(leaf(XmlName::Opcode, idx::OPCODE, value_type::UINT8));
        }
        system.push(leaf(
            XmlName::Keywords,
            idx::KEYWORDS,
            value_type::HEX_INT64,
        ));
        system.push(empty(
            XmlName::TimeCreated,
            vec![attr(
                XmlName::SystemTime,
                idx::TIME_CREATED,
                value_type::FILETIME,
            )],
        ));
        system.push(leaf(
            XmlName::EventRecordId,
            idx::RECORD_ID,
            value_type::UINT64,
        ));
        system.push(empty(XmlName::Correlation, Vec::new()));
        system.push(empty(
            XmlName::Execution,
            vec![
                attr(XmlName::ProcessId, idx::PROCESS_ID, value_type::UINT32),
                attr(XmlName::ThreadId, idx::THREAD_ID, value_type::UINT32),
            ],
        ));
        system.push(leaf(XmlName::Channel, idx::CHANNEL, value_type::STRING));
        system.push(leaf(XmlName::Computer, idx::COMPUTER, value_type::STRING));
        let mut security = Vec::new();
        if self.has(flag::USER) {
            security.push(attr(XmlName::UserId, idx::USER_ID, value_type::SID));
        }
        system.push(empty(XmlName::Security, security));

        system
    }

    /// The `<Event>` template: `<System>`, then `<EventData>` or the fragment slot.
    fn event_template(&self) -> Element {
        let system = self.system_children();
        let mut event = vec![Content::Element(Element {
            name: XmlName::System,
            attrs: Vec::new(),
            children: system,
        })];

        if let Some(data) = self.event_data(idx::FIRST_DATA) {
            event.push(Content::Element(data));
        }
        if self.has(flag::FRAGMENT) {
            event.push(Content::Sub(Substitution {
                index: idx::FIRST_DATA,
                value_type: value_type::BINXML,
                optional: false,
            }));
        }

        Element {
            name: XmlName::Event,
            attrs: vec![(XmlName::Xmlns, AttrValue::Text(EVENT_NS.to_string()))],
            children: event,
        }
    }
}

// Strings are NormalSubstitutions so that an empty one still renders (an optional empty
// string is left out); fixed-size values are optional, as Windows writes them.
fn sub(index: u16, value_type: u8) -> Substitution {
    Substitution {
        index,
        value_type,
        optional: value_type != value_type::STRING,
    }
}

fn attr(name: XmlName, index: u16, value_type: u8) -> (XmlName, AttrValue) {
    (name, AttrValue::Sub(sub(index, value_type)))
}

fn leaf(name: XmlName, index: u16, value_type: u8) -> Content {
    Content::Element(Element {
        name,
        attrs: Vec::new(),
        children: vec![Content::Sub(sub(index, value_type))],
    })
}

fn empty(name: XmlName, attrs: Vec<(XmlName, AttrValue)>) -> Content {
    Content::Element(Element {
        name,
        attrs,
        children: Vec::new(),
    })
}

/// 128-bit FNV-1a.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Parses `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (braces optional, any case) into the wire
/// layout: data1..3 little-endian, data4 as is.
pub(crate) fn parse_guid(text: &str) -> Option<[u8; 16]> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t);
    let parts: Vec<&str> = t.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if parts.len() != 5
        || parts
            .iter()
            .zip(lens)
            .any(|(p, n)| p.len() != n || !p.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    let d1 = u32::from_str_radix(parts[0], 16).ok()?;
    let d2 = u16::from_str_radix(parts[1], 16).ok()?;
    let d3 = u16::from_str_radix(parts[2], 16).ok()?;
    let tail = format!("{}{}", parts[3], parts[4]);
    let mut g = [0u8; 16];
    g[0..4].copy_from_slice(&d1.to_le_bytes());
    g[4..6].copy_from_slice(&d2.to_le_bytes());
    g[6..8].copy_from_slice(&d3.to_le_bytes());
    for (i, slot) in g[8..].iter_mut().enumerate() {
        *slot = u8::from_str_radix(tail.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(g)
}

/// Parses `S-R-A-S1-...-Sn` (decimal, authority below 2^48, at most 15 sub-authorities) into
/// the wire layout: revision, count, 48-bit big-endian authority, little-endian
/// sub-authorities.
pub(crate) fn parse_sid(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    let rest = t.strip_prefix("S-").or_else(|| t.strip_prefix("s-"))?;
    let mut parts = rest.split('-');
    let revision: u8 = parts.next()?.parse().ok()?;
    let authority: u64 = parts.next()?.parse().ok()?;
    if authority >= 1 << 48 {
        return None;
    }
    let subs = parts
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()?;
    if subs.len() > 15 {
        return None;
    }
    let mut b = vec![revision, subs.len() as u8];
    b.extend_from_slice(&authority.to_be_bytes()[2..]);
    for s in subs {
        b.extend_from_slice(&s.to_le_bytes());
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_layout() {
        let g = parse_guid("{524B5D04-133C-4A62-8362-64E8EDB9CE40}").unwrap();
        assert_eq!(&g[..4], &[0x04, 0x5D, 0x4B, 0x52]);
        assert_eq!(&g[4..8], &[0x3C, 0x13, 0x62, 0x4A]);
        assert_eq!(&g[8..], &[0x83, 0x62, 0x64, 0xE8, 0xED, 0xB9, 0xCE, 0x40]);
        assert_eq!(parse_guid("524b5d04-133c-4a62-8362-64e8edb9ce40"), Some(g));
        for bad in [
            "",
            "{}",
            "524B5D04-133C-4A62-8362",
            "{524B5D04-133C-4A62-8362-64E8EDB9CE4G}",
        ] {
            assert_eq!(parse_guid(bad), None, "{bad}");
        }
        assert_eq!(parse_guid("{é24B5D0-133C-4A62-8362-64E8EDB9CE40}"), None);
    }

    #[test]
    fn sid_layout() {
        assert_eq!(
            parse_sid("S-1-5-18").unwrap(),
            vec![1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]
        );
        assert_eq!(parse_sid("S-1-5").unwrap(), vec![1, 0, 0, 0, 0, 0, 0, 5]);
        for bad in [
            "",
            "S-1",
            "S-x-5-18",
            "S-1-5-18-",
            "X-1-5-18",
            "S-1-281474976710656-1",
        ] {
            assert_eq!(parse_sid(bad), None, "{bad}");
        }
    }

    #[test]
    fn shapes_differ_and_guids_are_stable() {
        let mut e = Event::default();
        let a = prepare(&e, 1, Layout::Flat).unwrap().shape;
        e.qualifiers = Some(0);
        let b = prepare(&e, 2, Layout::Flat).unwrap().shape;
        assert_ne!(a, b);
        assert_ne!(a.guid(), b.guid());
        assert_eq!(b.guid(), prepare(&e, 3, Layout::Flat).unwrap().shape.guid());
    }

    #[test]
    fn too_many_items() {
        let e = Event {
            data: EventData::Positional {
                values: vec![String::new(); MAX_DATA_ITEMS + 1],
                binary: None,
            },
            ..Event::default()
        };
        assert!(prepare(&e, 1, Layout::Flat).is_none());
    }
}
