//! Handlers for `<applicationPools>` elements: `<add>`, the attribute-carrying pool
//! children, and `<schedule>` entries.

use quick_xml::events::BytesStart;

use super::{Attrs, Ctx, Walker};
use crate::parse::appconfig::collection::CollOp;
use crate::parse::appconfig::error::Error;
use crate::parse::appconfig::pools::{self, PoolSub, RawPool};
use crate::parse::appconfig::values::quote;

impl Walker<'_> {
    /// `<applicationPools><add>`.
    pub(super) fn pool_add(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Ctx, Error> {
        let attrs = self.attrs(e, start)?;
        let Some(name) = self.value(&attrs, "add", "name") else {
            self.warn_missing(&attrs, "applicationPools/add", "name");
            return Ok(Ctx::Skip);
        };
        self.cur_pool = Some(RawPool {
            name,
            ..RawPool::default()
        });
        self.pool_attrs(&attrs, PoolSub::Root, false);
        Ok(Ctx::Pool { defaults: false })
    }

    /// Records the attributes the model holds for `sub` of the current pool/defaults.
    pub(super) fn pool_attrs(&mut self, attrs: &Attrs<'_>, sub: PoolSub, defaults: bool) {
        let mut found = Vec::new();
        for a in &attrs.list {
            if let Some(known) = pools::known_attr(sub, a.key.as_ref()) {
                let v = self.decode(&a.value, sub.element(), known, attrs.at);
                found.push((sub, known, v));
            }
        }
        let target = if defaults {
            Some(&mut self.pools.defaults)
        } else {
            self.cur_pool.as_mut()
        };
        if let Some(t) = target {
            t.attrs.extend(found);
        }
    }

    /// `<schedule>` child: `add` / `remove` with `value`, or `clear`.
    pub(super) fn schedule_op(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
    ) -> Result<Option<CollOp<String>>, Error> {
        if name == b"clear" {
            return Ok(Some(CollOp::Clear));
        }
        let attrs = self.attrs(e, start)?;
        let Some(raw) = self.value(&attrs, "schedule", "value") else {
            self.warn_missing(&attrs, "schedule entry", "value");
            return Ok(None);
        };
        let key = pools::schedule_key(&raw);
        Ok(match (name, key) {
            (b"add", Ok(k)) => Some(CollOp::Add(k.clone(), k)),
            (b"add", Err(err)) => {
                let who = self.cur_pool_label();
                self.warnings.push(format!(
                    "{who}: schedule entry {} at byte {}: {err}; ignored",
                    quote(&raw),
                    attrs.at
                ));
                None
            }
            (_, Ok(k)) => Some(CollOp::Remove(k)),
            (_, Err(_)) => Some(CollOp::Remove(raw)),
        })
    }

    pub(super) fn cur_pool_label(&self) -> String {
        match &self.cur_pool {
            Some(p) => format!("app pool {}", quote(&p.name)),
            None => "applicationPoolDefaults".to_string(),
        }
    }
}
