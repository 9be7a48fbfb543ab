//! Streaming walk over the decoded document with quick-xml: enforces depth and element
//! limits, tracks which IIS element every open tag is, records pools and sites raw
//! (resolution happens in `pools` / `sites`), and turns XML errors into offsets.
//!
//! Only `configuration/system.applicationHost` (or a bare `system.applicationHost`
//! root) is read; `<location>` contents and every other section are skipped without
//! looking at their attributes. DOCTYPEs are reported, never interpreted, so no entity
//! is ever expanded.

use std::collections::HashSet;

use quick_xml::escape::unescape;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

mod classify;
mod pool_elements;
mod site_elements;

use crate::parse::appconfig::collection::CollOp;
use crate::parse::appconfig::encoding::Decoded;
use crate::parse::appconfig::error::{Error, LimitKind, Limits};
use crate::parse::appconfig::model::Config;
use crate::parse::appconfig::pools::{self, PoolSub, RawPool, RawPools};
use crate::parse::appconfig::sites::{self, RawApp, RawSite, RawSites};
use crate::parse::appconfig::values::quote;
use crate::parse::appconfig::warnings::Warnings;

/// What an open element is, as far as this reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// An element whose whole subtree is ignored.
    Skip,
    Configuration,
    Location,
    AppHost,
    AppPools,
    /// `<add>` (`defaults == false`) or `<applicationPoolDefaults>`.
    Pool {
        defaults: bool,
    },
    /// A child element of a pool that carries attributes.
    PoolPart {
        sub: PoolSub,
        defaults: bool,
    },
    /// `<recycling><periodicRestart><schedule>` of a pool or of the defaults.
    Schedule {
        defaults: bool,
    },
    Sites,
    /// `<site>` (`defaults == false`) or `<siteDefaults>`.
    Site {
        defaults: bool,
    },
    /// `<bindings>` of a site or of the site defaults.
    Bindings {
        defaults: bool,
    },
    Application,
}

/// An open element.
struct Frame {
    ctx: Ctx,
    /// Element name (lossy, truncated) for end-of-input messages.
    name: String,
}

/// The attributes of one element, checked for duplicates, values still raw.
struct Attrs<'e> {
    list: Vec<Attribute<'e>>,
    /// Original byte offset of the element, for messages.
    at: u64,
}

/// Walk state.
struct Walker<'d> {
    doc: &'d Decoded,
    limits: &'d Limits,
    stack: Vec<Frame>,
    elements: u64,
    warnings: Warnings,
    pools: RawPools,
    sites: RawSites,
    cur_pool: Option<RawPool>,
    cur_site: Option<RawSite>,
    cur_app: Option<RawApp>,
    seen_root: bool,
    root_closed: bool,
    seen_apphost: bool,
    warned_doctype: bool,
    warned_location: bool,
}

/// Reads the decoded document into a [`Config`].
pub(crate) fn read_document(doc: &Decoded, limits: &Limits) -> Result<Config, Error> {
    let mut w = Walker {
        doc,
        limits,
        stack: Vec::new(),
        elements: 0,
        warnings: Warnings::default(),
        pools: RawPools::default(),
        sites: RawSites::default(),
        cur_pool: None,
        cur_site: None,
        cur_app: None,
        seen_root: false,
        root_closed: false,
        seen_apphost: false,
        warned_doctype: false,
        warned_location: false,
    };
    for w0 in &doc.warnings {
        w.warnings.push(w0.clone());
    }
    let mut reader = Reader::from_reader(doc.bytes.as_slice());
    loop {
        let start = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => return Err(w.malformed(reader.error_position(), e.to_string())),
        };
        match event {
            Event::Start(e) => w.open(&e, start, false)?,
            Event::Empty(e) => w.open(&e, start, true)?,
            Event::End(_) => w.close(),
            Event::DocType(_) if !w.warned_doctype => {
                w.warned_doctype = true;
                w.warnings.push(format!(
                    "DOCTYPE at byte {} ignored; entities are not expanded",
                    doc.original_offset(start)
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let end = reader.buffer_position();
    if let Some(open) = w.stack.last() {
        let reason = format!("unexpected end of input: <{}> is not closed", open.name);
        return Err(w.malformed(end, reason));
    }
    if !w.seen_root {
        return Err(w.malformed(end, "no root element".to_string()));
    }
    w.finish(end)
}

impl Walker<'_> {
    fn malformed(&self, pos: u64, reason: String) -> Error {
        Error::Malformed {
            offset: self.doc.original_offset(pos),
            reason,
        }
    }

    fn limit(&self, limit: LimitKind, max: u64, pos: u64) -> Error {
        Error::LimitExceeded {
            limit,
            max,
            offset: self.doc.original_offset(pos),
        }
    }

    /// Start or empty tag at `start`.
    fn open(&mut self, e: &BytesStart<'_>, start: u64, empty: bool) -> Result<(), Error> {
        if self.root_closed {
            return Err(self.malformed(start, "element after the root element".into()));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.limit(LimitKind::MaxDepth, self.limits.max_depth as u64, start));
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(self.limit(LimitKind::MaxElements, self.limits.max_elements, start));
        }
        let parent = self.stack.last().map(|f| f.ctx);
        let ctx = self.classify(parent, e, start)?;
        if empty {
            self.end_of(ctx);
            if self.stack.is_empty() {
                self.root_closed = true;
            }
        } else {
            let name: String = String::from_utf8_lossy(e.name().as_ref())
                .chars()
                .take(80)
                .collect();
            self.stack.push(Frame { ctx, name });
        }
        Ok(())
    }

    /// End tag (quick-xml has already checked that it matches).
    fn close(&mut self) {
        if let Some(frame) = self.stack.pop() {
            self.end_of(frame.ctx);
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    /// Commits the item an element described once the element is complete.
    fn end_of(&mut self, ctx: Ctx) {
        match ctx {
            Ctx::Pool { defaults: false } => {
                if let Some(p) = self.cur_pool.take() {
                    self.pools.ops.push(CollOp::Add(p.name.clone(), p));
                }
            }
            Ctx::Site { defaults: false } => {
                if let Some(s) = self.cur_site.take() {
                    self.sites.ops.push(CollOp::Add(site_key(&s), s));
                }
            }
            Ctx::Application => {
                if let (Some(app), Some(site)) = (self.cur_app.take(), self.cur_site.as_mut()) {
                    site.apps.push(CollOp::Add(app.path.clone(), app));
                }
            }
            _ => {}
        }
    }
}

impl Walker<'_> {
    /// Parses the attributes of an element we use; malformed or duplicate attributes
    /// make the document malformed.
    fn attrs<'e>(&self, e: &'e BytesStart<'_>, start: u64) -> Result<Attrs<'e>, Error> {
        let mut list = Vec::new();
        let mut seen = HashSet::new();
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|err| self.malformed(start, format!("bad attribute: {err}")))?;
            if !seen.insert(a.key.as_ref().to_vec()) {
                let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                return Err(self.malformed(start, format!("duplicate attribute {}", quote(&key))));
            }
            list.push(a);
        }
        Ok(Attrs {
            list,
            at: self.doc.original_offset(start),
        })
    }

    /// The unescaped value of attribute `attr`, if present.
    fn value(&mut self, attrs: &Attrs<'_>, elem: &str, attr: &str) -> Option<String> {
        let a = attrs
            .list
            .iter()
            .find(|a| a.key.as_ref() == attr.as_bytes())?;
        Some(self.decode(&a.value, elem, attr, attrs.at))
    }

    /// Lossy UTF-8 + XML unescaping. An unknown entity (e.g. one declared in a DOCTYPE)
    /// or bad character reference keeps the raw text, with a warning.
    fn decode(&mut self, raw: &[u8], elem: &str, attr: &str, at: u64) -> String {
        let text = String::from_utf8_lossy(raw);
        match unescape(&text) {
            Ok(v) => v.into_owned(),
            Err(err) => {
                self.warnings.push(format!(
                    "<{elem} {attr}=...> at byte {at}: {err}; raw value {} kept unexpanded",
                    quote(&text)
                ));
                text.into_owned()
            }
        }
    }

    fn warn_missing(&mut self, attrs: &Attrs<'_>, elem: &str, attr: &str) {
        self.warnings.push(format!(
            "{elem} at byte {} has no {attr} attribute",
            attrs.at
        ));
    }

    /// `<remove>` (naming its item by attribute `key`) or `<clear/>` in a collection:
    /// the edit, or `None` (and a warning naming `what`) for a `<remove>` without `key`.
    fn removal<T>(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
        what: &str,
        key: &str,
    ) -> Result<Option<CollOp<T>>, Error> {
        if name == b"clear" {
            return Ok(Some(CollOp::Clear));
        }
        let attrs = self.attrs(e, start)?;
        let removed = self.value(&attrs, "remove", key);
        if removed.is_none() {
            self.warn_missing(&attrs, what, key);
        }
        Ok(removed.map(CollOp::Remove))
    }

    /// End of document: resolves defaults and applies the copy budget.
    fn finish(mut self, end: u64) -> Result<Config, Error> {
        if !self.seen_apphost {
            self.warnings
                .push("no <system.applicationHost> section found; no sites or pools".into());
        }
        let max = self.limits.max_elements;
        let mut copied = 0u64;
        let mut budget = |n: u64| {
            copied = copied.saturating_add(n);
            copied <= max
        };
        let too_many = Error::LimitExceeded {
            limit: LimitKind::MaxElements,
            max,
            offset: self.doc.original_offset(end),
        };
        let mut warnings = std::mem::take(&mut self.warnings);
        let Some(app_pools) = pools::resolve(self.pools, &mut warnings, &mut budget) else {
            return Err(too_many);
        };
        let Some(sites) = sites::resolve(self.sites, &mut warnings, &mut budget) else {
            return Err(too_many);
        };
        Ok(Config {
            sites,
            app_pools,
            warnings: warnings.into_vec(),
        })
    }
}

/// Collection key of a site: its name, or a unique placeholder for a nameless site.
fn site_key(s: &RawSite) -> String {
    if s.name.is_empty() {
        format!("\u{0}nameless site at byte {}", s.at)
    } else {
        s.name.clone()
    }
}
