//! Element dispatch: given the parent's context and a tag name, decides what the new
//! element is (`Ctx`) and hands its attributes to the pool/site handlers.

use quick_xml::events::BytesStart;

use super::{Ctx, Walker};
use crate::parse::appconfig::collection::CollOp;
use crate::parse::appconfig::error::Error;
use crate::parse::appconfig::pools::PoolSub;
use crate::parse::appconfig::values::quote;

impl Walker<'_> {
    /// Decides what a new element is and records its attributes.
    pub(super) fn classify(
        &mut self,
        parent: Option<Ctx>,
        e: &BytesStart<'_>,
        start: u64,
    ) -> Result<Ctx, Error> {
        let name = e.name();
        let name = name.as_ref();
        let Some(parent) = parent else {
            self.seen_root = true;
            return Ok(match name {
                b"configuration" => Ctx::Configuration,
                b"system.applicationHost" => {
                    self.seen_apphost = true;
                    Ctx::AppHost
                }
                _ => Ctx::Skip,
            });
        };
        Ok(match (parent, name) {
            (Ctx::Configuration, b"system.applicationHost") => {
                self.seen_apphost = true;
                Ctx::AppHost
            }
            (Ctx::Configuration, b"location") => Ctx::Location,
            (Ctx::Location, b"system.applicationHost") => {
                if !self.warned_location {
                    self.warned_location = true;
                    let at = self.doc.original_offset(start);
                    self.warnings.push(format!(
                        "<location> at byte {at} contains system.applicationHost settings; \
                         location sections are not evaluated"
                    ));
                }
                Ctx::Skip
            }
            (Ctx::AppHost, b"applicationPools") => {
                self.check_config_source(e, start, "applicationPools")?;
                Ctx::AppPools
            }
            (Ctx::AppHost, b"sites") => {
                self.check_config_source(e, start, "sites")?;
                Ctx::Sites
            }
            (Ctx::AppPools, b"add") => self.pool_add(e, start)?,
            (Ctx::AppPools, b"applicationPoolDefaults") => {
                let attrs = self.attrs(e, start)?;
                self.pool_attrs(&attrs, PoolSub::Root, true);
                Ctx::Pool { defaults: true }
            }
            (Ctx::AppPools, b"remove") => {
                let attrs = self.attrs(e, start)?;
                match self.value(&attrs, "remove", "name") {
                    Some(n) => self.pools.ops.push(CollOp::Remove(n)),
                    None => self.warn_missing(&attrs, "applicationPools/remove", "name"),
                }
                Ctx::Skip
            }
            (Ctx::AppPools, b"clear") => {
                self.pools.ops.push(CollOp::Clear);
                Ctx::Skip
            }
            (Ctx::Pool { defaults }, _) | (Ctx::PoolPart { defaults, .. }, _) => {
                let sub = match (parent, name) {
                    (Ctx::Pool { .. }, b"processModel") => PoolSub::ProcessModel,
                    (Ctx::Pool { .. }, b"recycling") => PoolSub::Recycling,
                    (Ctx::Pool { .. }, b"failure") => PoolSub::Failure,
                    (
                        Ctx::PoolPart {
                            sub: PoolSub::Recycling,
                            ..
                        },
                        b"periodicRestart",
                    ) => PoolSub::PeriodicRestart,
                    (
                        Ctx::PoolPart {
                            sub: PoolSub::PeriodicRestart,
                            ..
                        },
                        b"schedule",
                    ) => return Ok(Ctx::Schedule { defaults }),
                    _ => return Ok(Ctx::Skip),
                };
                let attrs = self.attrs(e, start)?;
                self.pool_attrs(&attrs, sub, defaults);
                Ctx::PoolPart { sub, defaults }
            }
            (Ctx::Schedule { defaults }, b"add" | b"remove" | b"clear") => {
                let op = self.schedule_op(e, start, name)?;
                let target = if defaults {
                    Some(&mut self.pools.defaults)
                } else {
                    self.cur_pool.as_mut()
                };
                if let (Some(op), Some(t)) = (op, target) {
                    t.schedule.push(op);
                }
                Ctx::Skip
            }
            (Ctx::Sites, b"site") => self.site(e, start)?,
            (Ctx::Sites, b"siteDefaults") => {
                let attrs = self.attrs(e, start)?;
                if let Some(v) = self.value(&attrs, "siteDefaults", "serverAutoStart") {
                    self.sites.defaults.server_auto_start = Some(v);
                }
                Ctx::Site { defaults: true }
            }
            (Ctx::Sites, b"applicationDefaults") => {
                let attrs = self.attrs(e, start)?;
                if let Some(v) = self.value(&attrs, "applicationDefaults", "applicationPool") {
                    self.sites.app_defaults_pool = Some(v);
                }
                Ctx::Skip
            }
            (Ctx::Sites, b"remove") => {
                let attrs = self.attrs(e, start)?;
                match self.value(&attrs, "remove", "name") {
                    Some(n) => self.sites.ops.push(CollOp::Remove(n)),
                    None => self.warn_missing(&attrs, "sites/remove", "name"),
                }
                Ctx::Skip
            }
            (Ctx::Sites, b"clear") => {
                self.sites.ops.push(CollOp::Clear);
                Ctx::Skip
            }
            (Ctx::Site { defaults }, b"bindings") => Ctx::Bindings { defaults },
            (Ctx::Site { defaults }, b"logFile") => {
                let attrs = self.attrs(e, start)?;
                let dir = self.value(&attrs, "logFile", "directory");
                if let (Some(dir), Some(t)) = (dir, self.site_target(defaults)) {
                    t.log_directory = Some(dir);
                }
                Ctx::Skip
            }
            (Ctx::Site { defaults: false }, b"application") => self.application(e, start)?,
            (Ctx::Site { defaults: false }, b"applicationDefaults") => {
                let attrs = self.attrs(e, start)?;
                let pool = self.value(&attrs, "applicationDefaults", "applicationPool");
                if let (Some(p), Some(s)) = (pool, self.cur_site.as_mut()) {
                    s.app_defaults_pool = Some(p);
                }
                Ctx::Skip
            }
            (Ctx::Site { defaults: false }, b"remove") => {
                let attrs = self.attrs(e, start)?;
                match self.value(&attrs, "remove", "path") {
                    Some(p) => {
                        if let Some(s) = self.cur_site.as_mut() {
                            s.apps.push(CollOp::Remove(p));
                        }
                    }
                    None => self.warn_missing(&attrs, "site/remove", "path"),
                }
                Ctx::Skip
            }
            (Ctx::Site { defaults: false }, b"clear") => {
                if let Some(s) = self.cur_site.as_mut() {
                    s.apps.push(CollOp::Clear);
                }
                Ctx::Skip
            }
            (Ctx::Bindings { defaults }, b"binding" | b"remove" | b"clear") => {
                let op = self.binding_op(e, start, name)?;
                if let Some(t) = self.site_target(defaults) {
                    t.bindings.push(op);
                }
                Ctx::Skip
            }
            (Ctx::Application, b"virtualDirectory") => {
                self.virtual_directory(e, start)?;
                Ctx::Skip
            }
            _ => Ctx::Skip,
        })
    }

    /// Warns if a section is delegated to another file with `configSource`.
    fn check_config_source(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        section: &str,
    ) -> Result<(), Error> {
        let attrs = self.attrs(e, start)?;
        if let Some(src) = self.value(&attrs, section, "configSource") {
            self.warnings.push(format!(
                "<{section}> at byte {} has configSource={}; its content lives in that file \
                 and was not read",
                attrs.at,
                quote(&src)
            ));
        }
        Ok(())
    }
}
