//! Handlers for `<applicationPools>` elements: the children of `<applicationPools>`,
//! of a pool and of its parts, `<add>`, and `<schedule>` entries.

use quick_xml::events::BytesStart;

use super::{Attrs, Ctx, Walker};
use crate::parse::appconfig::collection::CollOp;
use crate::parse::appconfig::error::Error;
use crate::parse::appconfig::pools::{self, PoolSub, RawPool};
use crate::parse::appconfig::values::quote;

impl Walker<'_> {
    /// A child of `<applicationPools>`.
    pub(super) fn in_app_pools(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
    ) -> Result<Ctx, Error> {
        Ok(match name {
            b"add" => self.pool_add(e, start)?,
            b"applicationPoolDefaults" => {
                let attrs = self.attrs(e, start)?;
                self.pool_attrs(&attrs, PoolSub::Root, true);
                Ctx::Pool { defaults: true }
            }
            b"remove" | b"clear" => {
                let edit = self.removal(e, start, name, "applicationPools/remove", "name")?;
                self.pools.ops.extend(edit);
                Ctx::Skip
            }
            _ => Ctx::Skip,
        })
    }

    /// A child of a pool (`<add>` or `<applicationPoolDefaults>`): the parts that carry
    /// attributes.
    pub(super) fn in_pool(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
        defaults: bool,
    ) -> Result<Ctx, Error> {
        let sub = match name {
            b"processModel" => PoolSub::ProcessModel,
            b"recycling" => PoolSub::Recycling,
            b"failure" => PoolSub::Failure,
            _ => return Ok(Ctx::Skip),
        };
        self.pool_part(e, start, sub, defaults)
    }

    /// A child of a pool part: `<recycling><periodicRestart>`, and its `<schedule>`.
    pub(super) fn in_pool_part(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
        sub: PoolSub,
        defaults: bool,
    ) -> Result<Ctx, Error> {
        match (sub, name) {
            (PoolSub::Recycling, b"periodicRestart") => {
                self.pool_part(e, start, PoolSub::PeriodicRestart, defaults)
            }
            (PoolSub::PeriodicRestart, b"schedule") => Ok(Ctx::Schedule { defaults }),
            _ => Ok(Ctx::Skip),
        }
    }

    /// A part of a pool that carries attributes (`sub`).
    fn pool_part(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        sub: PoolSub,
        defaults: bool,
    ) -> Result<Ctx, Error> {
        let attrs = self.attrs(e, start)?;
        self.pool_attrs(&attrs, sub, defaults);
        Ok(Ctx::PoolPart { sub, defaults })
    }

    /// A child of `<schedule>`: `add`, `remove` or `clear` edits the restart times.
    pub(super) fn in_schedule(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
        defaults: bool,
    ) -> Result<Ctx, Error> {
        if !matches!(name, b"add" | b"remove" | b"clear") {
            return Ok(Ctx::Skip);
        }
        let op = self.schedule_op(e, start, name)?;
        let target = if defaults {
            Some(&mut self.pools.defaults)
        } else {
            self.cur_pool.as_mut()
        };
        if let (Some(op), Some(t)) = (op, target) {
            t.schedule.push(op);
        }
        Ok(Ctx::Skip)
    }

    /// `<applicationPools><add>`.
    fn pool_add(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Ctx, Error> {
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
    fn pool_attrs(&mut self, attrs: &Attrs<'_>, sub: PoolSub, defaults: bool) {
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
    fn schedule_op(
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

    fn cur_pool_label(&self) -> String {
        match &self.cur_pool {
            Some(p) => format!("app pool {}", quote(&p.name)),
            None => "applicationPoolDefaults".to_string(),
        }
    }
}
