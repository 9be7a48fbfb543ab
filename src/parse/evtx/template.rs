//! A template definition of an .evtx chunk (its element tree: `definition`) read into a [`Plan`]: which substitution
//! slot (or which text written in the template itself) gives each field of an
//! [`Event`](crate::parse::eventdata::Event), in document order, by the same rules as
//! the XML reader (`parse::eventdata`). The BinXML tokens are those of MS-EVEN6 §2.2.
//!
//! A definition the plan cannot describe exactly (character or entity references,
//! CDATA, nested templates, text mixed with substitutions in one value, an EventData
//! item with child elements) gives no plan: its records are rendered.

use super::definition::{root_at, Element};
use crate::parse::eventdata::{system_tag, Tag};
use crate::parse::values::push_json_str;

/// Where one value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Text written in the template.
    Literal(String),
    /// Substitution slot `index` of the record's template instance.
    Slot(u16),
    /// Nothing: an element or attribute with no content.
    Empty,
}

/// Which field of the event one value fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The text of a `<System>` child.
    SystemText(Tag),
    /// An attribute of a `<System>` child.
    SystemAttribute(Tag, String),
    /// An EventData `<Data>` item, with its `Name` if it has one.
    Data(Option<Source>),
    /// Another child of EventData: an item with no name, kept only when it has text.
    Item,
    /// EventData `<Binary>`.
    Binary,
    /// A UserData leaf at its path below UserData.
    UserData(String),
    /// A BinXML fragment: a nested template instance, at the top of the event (whose
    /// template is `<EventData>` or `<UserData>`: how Windows writes manifest events)
    /// or as the content of `<UserData>`.
    Fragment(Within),
}

/// Where a fragment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Within {
    /// Directly in `<Event>`.
    Event,
    /// In `<UserData>`.
    UserData,
}

/// The fields of one template, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Each field and where its value comes from.
    pub fields: Vec<(Target, Source)>,
    /// Per field, whether the renderer leaves its element out when the value is empty
    /// (its whole content is one optional substitution).
    pub omit_empty: Vec<bool>,
    /// Per field, the JSON key of a `<Data>` item whose name the template writes
    /// (`"Name":`, or `"Name#2":` for the second of that name), when no item takes its
    /// name from a slot.
    pub keys: Vec<Option<String>>,
}

impl Plan {
    fn new(fields: Fields) -> Plan {
        let (fields, omit_empty): (Vec<_>, Vec<_>) =
            fields.into_iter().map(|(t, s, o)| ((t, s), o)).unzip();
        fn literal(t: &Target) -> Option<&str> {
            match t {
                Target::Data(Some(Source::Literal(n))) if !n.is_empty() => Some(n.as_str()),
                _ => None,
            }
        }
        let dynamic = fields
            .iter()
            .any(|(t, _)| matches!(t, Target::Data(Some(Source::Slot(_)))));
        let mut seen: Vec<&str> = Vec::new();
        let keys = fields
            .iter()
            .map(|(t, _)| {
                let name = literal(t).filter(|_| !dynamic)?;
                let k = 1 + seen.iter().filter(|s| **s == name).count();
                seen.push(name);
                let mut key = String::new();
                match k {
                    1 => push_json_str(&mut key, name),
                    k => push_json_str(&mut key, &format!("{name}#{k}")),
                }
                key.push(':');
                Some(key)
            })
            .collect();
        Plan {
            fields,
            omit_empty,
            keys,
        }
    }
}

/// The fields of a plan being made.
type Fields = Vec<(Target, Source, bool)>;

/// The plan of the template definition at `offset` of `chunk` (the chunk's bytes), or
/// `None` if it cannot be described.
pub fn plan_at(chunk: &[u8], offset: usize) -> Option<Plan> {
    let root = root_at(chunk, offset)?;
    let mut fields = Vec::new();
    let fragments: Vec<_> = root
        .text
        .iter()
        .filter_map(|p| match p {
            Source::Slot(i) => Some((Target::Fragment(Within::Event), Source::Slot(*i), false)),
            Source::Literal(_) | Source::Empty => None,
        })
        .collect();
    let sections = root.children.iter().map(|c| local(&c.name));
    if !fragments.is_empty()
        && sections
            .clone()
            .any(|n| n == "EventData" || n == "UserData")
    {
        return None;
    }
    for section in &root.children {
        match local(&section.name) {
            "System" => system(section, &mut fields)?,
            "EventData" => event_data(section, &mut fields)?,
            "UserData" => user_data(section, "", &mut fields)?,
            _ => {}
        }
    }
    fields.extend(fragments);
    Some(Plan::new(fields))
}

/// The plan of a template definition used as a fragment `within` an event (directly
/// in it, its root is `<EventData>` or `<UserData>`), or `None`.
pub fn fragment_plan_at(chunk: &[u8], offset: usize, within: Within) -> Option<Plan> {
    let root = root_at(chunk, offset)?;
    let mut fields = Vec::new();
    match (within, local(&root.name)) {
        (Within::Event, "EventData") => event_data(&root, &mut fields)?,
        (Within::Event, "UserData") => user_data(&root, "", &mut fields)?,
        (Within::Event, _) => return None,
        (Within::UserData, _) => user_data(&Element::parent_of(root), "", &mut fields)?,
    }
    Some(Plan::new(fields))
}

fn system(section: &Element, plan: &mut Fields) -> Option<()> {
    slotless(&section.text)?;
    for child in &section.children {
        let tag = system_tag(local(&child.name).as_bytes());
        if tag == Tag::Other {
            continue;
        }
        if tag.has_attributes() {
            for (name, value) in &child.attributes {
                let target = Target::SystemAttribute(tag, local(name).to_string());
                plan.push((target, one(value)?, false));
            }
        }
        if !child.children.is_empty() {
            return None;
        }
        plan.push((Target::SystemText(tag), one(&child.text)?, false));
    }
    Some(())
}

fn event_data(section: &Element, plan: &mut Fields) -> Option<()> {
    slotless(&section.text)?;
    for child in &section.children {
        if !child.children.is_empty() {
            return None;
        }
        let value = one(&child.text)?;
        let omit = child.omitted_when_empty();
        match local(&child.name) {
            "Binary" => plan.push((Target::Binary, value, omit)),
            "Data" => {
                let name = child
                    .attributes
                    .iter()
                    .find(|(n, _)| local(n) == "Name")
                    .map(|(_, v)| one(v))
                    .map_or(Some(None), |v| v.map(Some))?;
                plan.push((Target::Data(name), value, omit));
            }
            _ => plan.push((Target::Item, value, omit)),
        }
    }
    Some(())
}

/// UserData: every element below it with text is a leaf at its path (the names below
/// UserData joined by `/`); text beside child elements is not described.
fn user_data(element: &Element, path: &str, plan: &mut Fields) -> Option<()> {
    for piece in &element.text {
        match (path, piece) {
            ("", Source::Slot(i)) => {
                plan.push((Target::Fragment(Within::UserData), Source::Slot(*i), false))
            }
            (_, Source::Slot(_)) => return None,
            (_, Source::Literal(_) | Source::Empty) => {}
        }
    }
    for child in &element.children {
        let here = if path.is_empty() {
            child.name.clone()
        } else {
            format!("{path}/{}", child.name)
        };
        if child.children.is_empty() {
            // The XML reader keeps no text of UserData's own children.
            if !path.is_empty() {
                let omit = child.omitted_when_empty();
                plan.push((Target::UserData(here), one(&child.text)?, omit));
            }
        } else if !child.text.is_empty() {
            return None;
        } else {
            user_data(child, &here, plan)?;
        }
    }
    Some(())
}

/// `Some` if no substitution is written among `pieces` (text the XML reader ignores,
/// but where a fragment would add elements).
fn slotless(pieces: &[Source]) -> Option<()> {
    (!pieces.iter().any(|p| matches!(p, Source::Slot(_)))).then_some(())
}

/// A value made of at most one piece (several literals are joined).
fn one(pieces: &[Source]) -> Option<Source> {
    match pieces {
        [] => Some(Source::Empty),
        [only] => Some(only.clone()),
        many => {
            let mut text = String::new();
            for p in many {
                match p {
                    Source::Literal(t) => text.push_str(t),
                    Source::Empty => {}
                    Source::Slot(_) => return None,
                }
            }
            Some(Source::Literal(text))
        }
    }
}

/// A name without its namespace prefix.
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}
