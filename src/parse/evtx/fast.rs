//! The fast path of the EVTX reader: an event read from its template instance's typed
//! substitution values and its template's [`Plan`], with no XML rendered or parsed.
//!
//! The XML path stays the reference. A record takes the fast path only when it is one
//! template instance whose template has a plan and whose values are all of types
//! turned into text here; and its *shape* (template, and each slot's type and whether
//! it is empty, which decide what the renderer leaves out) must have been checked: the
//! first record of each shape in a file is read both ways, and the shape takes the fast
//! path from then on only if both gave the same event.

use super::template::{definition_bytes, fragment_plan_at, plan_at, Plan, Source, Target, Within};
use crate::parse::eventdata::{DataJson, Event, Tag};
use crate::parse::lifecycle::may_read;
use evtx::binxml::value_variant::BinXmlValue;
use evtx::EvtxRecord;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

/// A template's identity: a digest of its definition's bytes (a GUID alone is not
/// trusted: a damaged file can reuse one).
type TemplateKey = u64;

/// A template's key and plan (none if it cannot be described), as first read.
type KnownPlan = (TemplateKey, Option<Arc<Plan>>);

/// One record's shape: its template and, per slot, the value's type and emptiness.
type Shape = (TemplateKey, Vec<u8>);

/// What one file has learnt about its templates, shared by the threads that decode its
/// chunks.
#[derive(Default)]
pub struct Templates {
    plans: Mutex<HashMap<TemplateKey, Option<Arc<Plan>>>>,
    shapes: Mutex<HashMap<Shape, bool>>,
}

/// A chunk's view of [`Templates`]: its own definitions by offset, and the verdicts it
/// has looked up, so that the shared maps are locked once per template and shape.
pub struct ChunkTemplates<'t> {
    shared: &'t Templates,
    by_offset: HashMap<(u32, Option<Within>), KnownPlan>,
    shapes: HashMap<TemplateKey, HashMap<Vec<u8>, bool>>,
    /// The shape of the record being read.
    shape: Vec<u8>,
    /// Text of the value and of the name being read, kept from record to record.
    text: String,
    name: String,
}

/// What the fast path makes of one record.
pub enum Fast {
    /// The event, from a shape already checked.
    Event(FastEvent),
    /// The event of a shape not checked yet, whole: render the record, compare, then
    /// [`ChunkTemplates::settle`] the shape.
    Unchecked(Event, Shape),
    /// The record needs the XML path.
    Render,
}

/// An event read on the fast path, with what its rows need.
pub struct FastEvent {
    /// The System fields; the data items only of events lifecycle extraction may
    /// read (`parse::lifecycle::may_read`), and no `system_time` text.
    pub ev: Event,
    /// The `event_data` column.
    pub data_json: Option<String>,
    /// `TimeCreated`, when written as a FILETIME (else from `ev.system_time`).
    pub time: Option<i64>,
    /// Whether lifecycle extraction may read the event (`parse::lifecycle::may_read`):
    /// if not, its data items are not in `ev` and it is no lifecycle event.
    pub may_matter: bool,
}

impl<'t> ChunkTemplates<'t> {
    /// An empty view of `shared` for one chunk.
    pub fn new(shared: &'t Templates) -> Self {
        ChunkTemplates {
            shared,
            by_offset: HashMap::new(),
            shapes: HashMap::new(),
            shape: Vec::new(),
            text: String::new(),
            name: String::new(),
        }
    }

    /// Reads `record` on the fast path if it can be.
    pub fn read(&mut self, record: &EvtxRecord<'_>) -> Fast {
        let Some(outer) = self.instance(record, None) else {
            return Fast::Render;
        };
        let (key, plan, values) = outer;
        if !shape_into(&values, &mut self.shape) {
            return Fast::Render;
        }
        // The fragment (EventData or UserData written as a nested template instance);
        // a fragment anywhere else is rendered.
        let mut nested = None;
        for (i, value) in values.iter().enumerate() {
            let BinXmlValue::BinXmlType(bytes) = value else {
                continue;
            };
            let within = plan.fields.iter().find_map(|(t, s)| match (t, s) {
                (Target::Fragment(w), Source::Slot(j)) if usize::from(*j) == i => Some(*w),
                _ => None,
            });
            let (Some(within), None) = (within, &nested) else {
                return Fast::Render;
            };
            let Some((k, p, v)) = self.instance(record, Some((bytes, within))) else {
                return Fast::Render;
            };
            self.shape.extend(k.to_le_bytes());
            if !shape_into_more(&v, &mut self.shape) {
                return Fast::Render;
            }
            nested = Some((p, v));
        }
        let nested = nested.as_ref().map(|(p, v)| (&**p, v.as_slice()));
        let verdict = self.verdict_of(key);
        // Most of a record's bytes are its UTF-16 text: about half as much JSON.
        let json_bytes = record.binxml_size as usize / 2 + 64;
        let bufs = (&mut self.text, &mut self.name);
        match verdict {
            Some(false) => Fast::Render,
            Some(true) => event(&plan, &values, nested, false, bufs, json_bytes)
                .map_or(Fast::Render, Fast::Event),
            None => match event(&plan, &values, nested, true, bufs, json_bytes) {
                Some(whole) => Fast::Unchecked(whole.ev, (key, self.shape.clone())),
                None => Fast::Render,
            },
        }
    }

    /// The one template instance of the record (`fragment`: of that BinXML fragment of
    /// it), with its template's key and plan.
    fn instance<'a>(
        &mut self,
        record: &EvtxRecord<'a>,
        fragment: Option<(&[u8], Within)>,
    ) -> Option<(TemplateKey, Arc<Plan>, Vec<BinXmlValue<'a>>)> {
        let chunk = record.chunk.data;
        let instances = match fragment {
            None => {
                single_instance(chunk.get(record.binxml_offset as usize..)?).then_some(())?;
                record.template_instances().ok()?
            }
            Some((bytes, _)) => {
                // The crate reads the instances of any window of the chunk: a copy of
                // the record pointed at the fragment reads those of the fragment.
                single_instance(bytes).then_some(())?;
                let at = (bytes.as_ptr() as usize).checked_sub(chunk.as_ptr() as usize)?;
                (at.checked_add(bytes.len())? <= chunk.len()).then_some(())?;
                let mut inner = record.clone();
                inner.binxml_offset = at as u64;
                inner.binxml_size = u32::try_from(bytes.len()).ok()?;
                inner.template_instances().ok()?
            }
        };
        let [instance] = <[_; 1]>::try_from(instances).ok()?;
        let within = fragment.map(|(_, w)| w);
        let (key, plan) = self.plan(chunk, instance.template_def_offset, within);
        Some((key, plan?, instance.values))
    }

    /// Records whether the fast path gave the rendered event for `shape`.
    pub fn settle(&mut self, shape: Shape, same: bool) {
        let mut shared = self.shared.shapes.lock().unwrap_or_else(|e| e.into_inner());
        let same = *shared.entry(shape.clone()).or_insert(same);
        let (key, shape) = shape;
        self.shapes.entry(key).or_default().insert(shape, same);
    }

    /// Whether the current shape of template `key` takes the fast path; `None` if it
    /// was not checked yet.
    fn verdict_of(&mut self, key: TemplateKey) -> Option<bool> {
        if let Some(v) = self.shapes.get(&key).and_then(|m| m.get(&self.shape)) {
            return Some(*v);
        }
        let probe = (key, self.shape.clone());
        let shared = self.shared.shapes.lock().unwrap_or_else(|e| e.into_inner());
        let v = shared.get(&probe).copied()?;
        drop(shared);
        self.shapes.entry(key).or_default().insert(probe.1, v);
        Some(v)
    }

    /// The plan of the definition at `offset` (of an event, or of a `fragment`), read
    /// once per file.
    fn plan(&mut self, chunk: &[u8], offset: u32, fragment: Option<Within>) -> KnownPlan {
        if let Some(known) = self.by_offset.get(&(offset, fragment)) {
            return known.clone();
        }
        let found = match definition_bytes(chunk, offset as usize) {
            None => (0, None),
            Some(bytes) => {
                // The same definition read as an event or as a fragment is two plans.
                let role = match fragment {
                    None => 0,
                    Some(Within::Event) => 1,
                    Some(Within::UserData) => 2,
                };
                let key = xxhash_rust::xxh3::xxh3_64(bytes) ^ role;
                let read = || match fragment {
                    None => plan_at(chunk, offset as usize),
                    Some(w) => fragment_plan_at(chunk, offset as usize, w),
                };
                let mut plans = self.shared.plans.lock().unwrap_or_else(|e| e.into_inner());
                let plan = plans
                    .entry(key)
                    .or_insert_with(|| read().map(Arc::new))
                    .clone();
                (key, plan)
            }
        };
        self.by_offset.insert((offset, fragment), found.clone());
        found
    }
}

/// Whether a record's BinXML is one template instance (after a fragment header).
fn single_instance(binxml: &[u8]) -> bool {
    const FRAGMENT_HEADER: u8 = 0x0f;
    const TEMPLATE_INSTANCE: u8 = 0x0c;
    matches!(
        binxml,
        [FRAGMENT_HEADER, _, _, _, TEMPLATE_INSTANCE, ..] | [TEMPLATE_INSTANCE, ..]
    )
}

/// Each slot's type and emptiness, into `shape`; false if a value is of a type the
/// fast path does not turn into text.
fn shape_into(values: &[BinXmlValue<'_>], shape: &mut Vec<u8>) -> bool {
    const EMPTY: u8 = 0x80;
    shape.clear();
    for v in values {
        let Some((code, empty)) = type_code(v) else {
            return false;
        };
        shape.push(if empty { code | EMPTY } else { code });
    }
    true
}

/// The shape of a fragment's values, appended to `shape`.
fn shape_into_more(values: &[BinXmlValue<'_>], shape: &mut Vec<u8>) -> bool {
    let mut more = Vec::with_capacity(values.len());
    let ok = shape_into(values, &mut more);
    shape.extend(more);
    ok
}

/// A small code per value type the fast path reads, and whether the value is empty.
fn type_code(v: &BinXmlValue<'_>) -> Option<(u8, bool)> {
    use BinXmlValue as V;
    Some(match v {
        V::NullType => (0, true),
        V::StringType(s) => (1, s.is_empty()),
        V::AnsiStringType(s) => (2, s.is_empty()),
        V::Int8Type(_) => (3, false),
        V::UInt8Type(_) => (4, false),
        V::Int16Type(_) => (5, false),
        V::UInt16Type(_) => (6, false),
        V::Int32Type(_) => (7, false),
        V::UInt32Type(_) => (8, false),
        V::Int64Type(_) => (9, false),
        V::UInt64Type(_) => (10, false),
        V::Real32Type(_) => (11, false),
        V::Real64Type(_) => (12, false),
        V::BoolType(_) => (13, false),
        V::BinaryType(b) => (14, b.is_empty()),
        V::GuidType(_) => (15, false),
        V::SizeTType(_) => (16, false),
        V::FileTimeType(_) => (17, false),
        V::SysTimeType(_) => (18, false),
        V::SidType(_) => (19, false),
        V::HexInt32Type(_) => (20, false),
        V::HexInt64Type(_) => (21, false),
        // Read only where the plan has a fragment (never as text).
        V::BinXmlType(b) => (22, b.is_empty()),
        _ => return None,
    })
}

/// The text of one value, as the XML path reads it back; `None` for text the fast
/// path leaves to the renderer (control characters, bad UTF-16).
fn write_text(v: &BinXmlValue<'_>, out: &mut String) -> Option<()> {
    use BinXmlValue as V;
    match v {
        V::NullType => {}
        V::StringType(s) => push_utf16(s.as_bytes(), out)?,
        V::AnsiStringType(s) => {
            for c in s.chars() {
                out.push(plain(c)?);
            }
        }
        V::Int8Type(n) => write!(out, "{n}").ok()?,
        V::UInt8Type(n) => write!(out, "{n}").ok()?,
        V::Int16Type(n) => write!(out, "{n}").ok()?,
        V::UInt16Type(n) => write!(out, "{n}").ok()?,
        V::Int32Type(n) => write!(out, "{n}").ok()?,
        V::UInt32Type(n) => write!(out, "{n}").ok()?,
        V::Int64Type(n) => write!(out, "{n}").ok()?,
        V::UInt64Type(n) => write!(out, "{n}").ok()?,
        V::HexInt32Type(n) => write!(out, "0x{n:x}").ok()?,
        V::HexInt64Type(n) => write!(out, "0x{n:x}").ok()?,
        V::BoolType(b) => out.push_str(if *b { "true" } else { "false" }),
        V::GuidType(g) => push_guid(g, out),
        V::BinaryType(bytes) => {
            for b in *bytes {
                write!(out, "{b:02X}").ok()?;
            }
        }
        // Rendered by the crate; a shape whose text differs from the XML's is caught
        // by the check of its first record.
        other => write!(out, "{other}").ok()?,
    }
    Some(())
}

/// UTF-16LE text appended to `out`; `None` for a character [`plain`] refuses or bad
/// UTF-16.
fn push_utf16(bytes: &[u8], out: &mut String) -> Option<()> {
    let ascii = |u: &[u8]| u[1] == 0 && (0x20..0x80).contains(&u[0]);
    if bytes.chunks_exact(2).all(ascii) {
        let mut text = std::mem::take(out).into_bytes();
        text.extend(bytes.chunks_exact(2).map(|u| u[0]));
        *out = String::from_utf8(text).ok()?;
        return Some(());
    }
    let units = bytes
        .chunks_exact(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]));
    for c in char::decode_utf16(units) {
        out.push(plain(c.ok()?)?);
    }
    Some(())
}

/// A GUID as Windows writes it: `{aabbccdd-eeff-...}`, lower case, the first three
/// groups little-endian.
fn push_guid(g: &[u8; 16], out: &mut String) {
    const ORDER: [usize; 16] = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('{');
    for (i, &at) in ORDER.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(g[at] >> 4)]));
        out.push(char::from(HEX[usize::from(g[at] & 0x0f)]));
    }
    out.push('}');
}

/// `c` if XML carries it as itself.
fn plain(c: char) -> Option<char> {
    (c >= ' ' || matches!(c, '\t' | '\n' | '\r')).then_some(c)
}

/// The event `plan` makes of `values` (and `nested`, the plan and values of its
/// fragment), by the rules of the XML reader: an empty value leaves its attribute or
/// element out, but an empty `<Data>` is still an item. `whole`: with every data item
/// and the `system_time` text, as the XML path gives it; else the data items go
/// straight into the JSON unless lifecycle extraction may read them, and a FILETIME
/// `TimeCreated` straight into the time.
fn event(
    plan: &Plan,
    values: &[BinXmlValue<'_>],
    nested: Option<(&Plan, &[BinXmlValue<'_>])>,
    whole: bool,
    (text, name): (&mut String, &mut String),
    capacity: usize,
) -> Option<FastEvent> {
    let mut f = Filling {
        out: FastEvent {
            ev: Event::default(),
            data_json: None,
            time: None,
            may_matter: true,
        },
        json: DataJson::with_capacity(capacity),
        whole,
        items: None,
        text,
        name,
    };
    f.fill(plan, values, nested)?;
    let ev = &f.out.ev;
    let items = f
        .items
        .unwrap_or_else(|| whole || may_read(ev.provider.as_deref(), ev.source_name.as_deref()));
    let mut out = f.out;
    out.may_matter = items;
    out.data_json = if items {
        out.ev.data_json()
    } else {
        if let Some(b) = &out.ev.binary {
            f.json.binary(b);
        }
        f.json.finish()
    };
    Some(out)
}

/// The state of filling one event from its plans.
struct Filling<'b> {
    out: FastEvent,
    json: DataJson,
    whole: bool,
    /// Whether data items go into the event (else straight into `json`), decided once
    /// the System fields are read.
    items: Option<bool>,
    text: &'b mut String,
    name: &'b mut String,
}

impl Filling<'_> {
    fn fill(
        &mut self,
        plan: &Plan,
        values: &[BinXmlValue<'_>],
        nested: Option<(&Plan, &[BinXmlValue<'_>])>,
    ) -> Option<()> {
        for ((target, source), key) in plan.fields.iter().zip(&plan.keys) {
            if self.system(target, source, values)? {
                continue;
            }
            let ev = &self.out.ev;
            let items = *self.items.get_or_insert_with(|| {
                self.whole || may_read(ev.provider.as_deref(), ev.source_name.as_deref())
            });
            match (target, nested) {
                (Target::Fragment(_), Some((plan, values))) => self.fill(plan, values, None)?,
                _ => self.data(target, source, key.as_deref(), values, items)?,
            }
        }
        Some(())
    }

    /// A System field; false if `target` is not one.
    fn system(
        &mut self,
        target: &Target,
        source: &Source,
        values: &[BinXmlValue<'_>],
    ) -> Option<bool> {
        let ev = &mut self.out.ev;
        let (tag, attr) = match target {
            Target::SystemText(tag) => (*tag, None),
            Target::SystemAttribute(tag, attr) => (*tag, Some(attr.as_bytes())),
            _ => return Some(false),
        };
        if let (Tag::TimeCreated, false) = (tag, self.whole) {
            if let Some(t) = filetime_us(source, values) {
                self.out.time = Some(t);
                return Some(true);
            }
        }
        let set = match (attr, number(source, values)) {
            (None, Some(n)) => ev.set_system_number(tag, n),
            (Some(attr), Some(n)) => ev.set_attribute_number(tag, attr, n),
            (_, None) => false,
        };
        if !set {
            let value = resolve(source, values, self.text)?;
            match attr {
                _ if value.is_empty() => {}
                None => ev.set_system_text(tag, value),
                Some(attr) => ev.set_attribute(tag, attr, value),
            }
        }
        Some(true)
    }

    /// A data field (EventData item, Binary, UserData leaf).
    fn data(
        &mut self,
        target: &Target,
        source: &Source,
        key: Option<&str>,
        values: &[BinXmlValue<'_>],
        items: bool,
    ) -> Option<()> {
        let (ev, json) = (&mut self.out.ev, &mut self.json);
        let value = resolve(source, values, self.text)?;
        match target {
            Target::Data(name_source) => {
                let name = match name_source {
                    Some(s) => Some(resolve(s, values, self.name)?).filter(|n| !n.is_empty()),
                    None => None,
                };
                match (items, key, name) {
                    (true, _, name) => ev.data.push((name.map(str::to_string), value.to_string())),
                    (false, Some(key), _) => json.keyed(key, value),
                    (false, None, Some(name)) => json.named(name, value),
                    (false, None, None) => json.unnamed(value),
                }
            }
            Target::Item if !value.is_empty() => match items {
                true => ev.data.push((None, value.to_string())),
                false => json.unnamed(value),
            },
            Target::Binary if !value.is_empty() => ev.binary = Some(value.trim().to_string()),
            Target::UserData(path) if !value.trim().is_empty() => match items {
                true => ev.user_data.push((path.clone(), value.trim().to_string())),
                false => json.user_data(path, value.trim()),
            },
            // A fragment slot with no fragment (null) renders as nothing.
            Target::Fragment(_)
            | Target::Item
            | Target::Binary
            | Target::UserData(_)
            | Target::SystemText(_)
            | Target::SystemAttribute(..) => {}
        }
        Some(())
    }
}

/// The value of a slot holding a decimal integer that fits an `i64`: its text would
/// parse to the same number.
fn number(source: &Source, values: &[BinXmlValue<'_>]) -> Option<i64> {
    use BinXmlValue as V;
    let Source::Slot(i) = source else { return None };
    match values.get(*i as usize)? {
        V::Int8Type(n) => Some(i64::from(*n)),
        V::UInt8Type(n) => Some(i64::from(*n)),
        V::Int16Type(n) => Some(i64::from(*n)),
        V::UInt16Type(n) => Some(i64::from(*n)),
        V::Int32Type(n) => Some(i64::from(*n)),
        V::UInt32Type(n) => Some(i64::from(*n)),
        V::Int64Type(n) => Some(*n),
        V::UInt64Type(n) => i64::try_from(*n).ok(),
        _ => None,
    }
}

/// Microseconds since the Unix epoch of a FILETIME slot, when the XML would write it
/// as a date the time parser reads the same (years up to 9999).
fn filetime_us(source: &Source, values: &[BinXmlValue<'_>]) -> Option<i64> {
    /// 100 ns ticks from 1601-01-01 to 1970-01-01.
    const UNIX_EPOCH_TICKS: i64 = 116_444_736_000_000_000;
    /// 100 ns ticks from 1601-01-01 to 10000-01-01.
    const YEAR_10000_TICKS: u64 = 2_650_467_744_000_000_000;
    let Source::Slot(i) = source else { return None };
    let BinXmlValue::FileTimeType(ft) = values.get(*i as usize)? else {
        return None;
    };
    let ticks = ft.0;
    (ticks < YEAR_10000_TICKS).then(|| (ticks as i64 - UNIX_EPOCH_TICKS).div_euclid(10))
}

/// The text `source` gives, in `buf` when it comes from a slot.
fn resolve<'a>(
    source: &'a Source,
    values: &[BinXmlValue<'_>],
    buf: &'a mut String,
) -> Option<&'a str> {
    match source {
        Source::Literal(t) => Some(t.as_str()),
        Source::Empty => Some(""),
        Source::Slot(i) => {
            buf.clear();
            // A slot past the values renders as nothing.
            if let Some(v) = values.get(*i as usize) {
                write_text(v, buf)?;
            }
            Some(buf.as_str())
        }
    }
}
