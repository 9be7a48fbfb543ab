//! The fast path of the EVTX reader: an event read from its template instance's typed
//! substitution values and its template's [`Plan`], with no XML rendered or parsed.
//!
//! The XML path stays the reference. A record takes the fast path only when it is one
//! template instance whose template has a plan and whose values are all of types
//! turned into text here; and its *shape* (template, and each slot's type and whether
//! it is empty, which decide what the renderer leaves out) must have been checked: the
//! first record of each shape in a file is read both ways, and the shape takes the fast
//! path from then on only if both gave the same event.

use super::definition::definition_bytes;
use super::template::{fragment_plan_at, plan_at, Plan, Source, Target, Within};
use super::value::{filetime_us, is_empty, number, resolve, shape_into, shape_into_more};
use crate::parse::data_json::DataJson;
use crate::parse::eventdata::{Event, Tag};
use crate::parse::lifecycle::may_read;
use evtx::binxml::value_variant::BinXmlValue;
use evtx::EvtxRecord;
use std::collections::HashMap;
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
        let fields = plan.fields.iter().zip(&plan.keys).zip(&plan.omit_empty);
        for (((target, source), key), omit_empty) in fields {
            if self.system(target, source, values)? {
                continue;
            }
            if *omit_empty && is_empty(source, values) {
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
