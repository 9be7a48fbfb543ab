//! Handlers for `<sites>` elements: the children of `<sites>`, of a site, of its
//! `<bindings>` and of an `<application>`; `<site>`, `<application>`,
//! `<virtualDirectory>` and binding edits.

use quick_xml::events::BytesStart;

use super::{Ctx, Walker};
use crate::parse::appconfig::collection::CollOp;
use crate::parse::appconfig::error::Error;
use crate::parse::appconfig::model::Binding;
use crate::parse::appconfig::sites::{binding_key, RawApp, RawSite};
use crate::parse::appconfig::values::quote;

impl Walker<'_> {
    /// A child of `<sites>`.
    pub(super) fn in_sites(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
    ) -> Result<Ctx, Error> {
        Ok(match name {
            b"site" => self.site(e, start)?,
            b"siteDefaults" => {
                let attrs = self.attrs(e, start)?;
                if let Some(v) = self.value(&attrs, "siteDefaults", "serverAutoStart") {
                    self.sites.defaults.server_auto_start = Some(v);
                }
                Ctx::Site { defaults: true }
            }
            b"applicationDefaults" => {
                let attrs = self.attrs(e, start)?;
                if let Some(v) = self.value(&attrs, "applicationDefaults", "applicationPool") {
                    self.sites.app_defaults_pool = Some(v);
                }
                Ctx::Skip
            }
            b"remove" | b"clear" => {
                let edit = self.removal(e, start, name, "sites/remove", "name")?;
                self.sites.ops.extend(edit);
                Ctx::Skip
            }
            _ => Ctx::Skip,
        })
    }

    /// A child of `<site>` or (`defaults`) `<siteDefaults>`.
    pub(super) fn in_site(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
        defaults: bool,
    ) -> Result<Ctx, Error> {
        match name {
            b"bindings" => Ok(Ctx::Bindings { defaults }),
            b"logFile" => {
                let attrs = self.attrs(e, start)?;
                let dir = self.value(&attrs, "logFile", "directory");
                if let (Some(dir), Some(t)) = (dir, self.site_target(defaults)) {
                    t.log_directory = Some(dir);
                }
                Ok(Ctx::Skip)
            }
            _ if defaults => Ok(Ctx::Skip),
            _ => self.in_site_apps(e, start, name),
        }
    }

    /// A child of `<site>` about its applications: `<application>`, the site's
    /// `<applicationDefaults>`, and `remove` / `clear` of applications.
    fn in_site_apps(&mut self, e: &BytesStart<'_>, start: u64, name: &[u8]) -> Result<Ctx, Error> {
        match name {
            b"application" => return self.application(e, start),
            b"applicationDefaults" => {
                let attrs = self.attrs(e, start)?;
                let pool = self.value(&attrs, "applicationDefaults", "applicationPool");
                if let (Some(p), Some(s)) = (pool, self.cur_site.as_mut()) {
                    s.app_defaults_pool = Some(p);
                }
            }
            b"remove" | b"clear" => {
                let edit = self.removal(e, start, name, "site/remove", "path")?;
                if let (Some(edit), Some(s)) = (edit, self.cur_site.as_mut()) {
                    s.apps.push(edit);
                }
            }
            _ => {}
        }
        Ok(Ctx::Skip)
    }

    /// A child of `<bindings>`: `binding`, `remove` or `clear` edits the bindings.
    pub(super) fn in_bindings(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
        defaults: bool,
    ) -> Result<Ctx, Error> {
        if matches!(name, b"binding" | b"remove" | b"clear") {
            let op = self.binding_op(e, start, name)?;
            if let Some(t) = self.site_target(defaults) {
                t.bindings.push(op);
            }
        }
        Ok(Ctx::Skip)
    }

    /// A child of `<application>`: its root `<virtualDirectory>`.
    pub(super) fn in_application(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
    ) -> Result<Ctx, Error> {
        if name == b"virtualDirectory" {
            self.virtual_directory(e, start)?;
        }
        Ok(Ctx::Skip)
    }

    fn site_target(&mut self, defaults: bool) -> Option<&mut RawSite> {
        if defaults {
            Some(&mut self.sites.defaults)
        } else {
            self.cur_site.as_mut()
        }
    }

    /// `<sites><site>`.
    fn site(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Ctx, Error> {
        let attrs = self.attrs(e, start)?;
        let name = self.value(&attrs, "site", "name");
        let id = self.value(&attrs, "site", "id");
        if name.is_none() {
            self.warn_missing(&attrs, "site", "name");
        }
        self.cur_site = Some(RawSite {
            // A nameless site is kept (its id still joins W3SVC<N>) under a unique key.
            name: name.unwrap_or_default(),
            id,
            server_auto_start: self.value(&attrs, "site", "serverAutoStart"),
            at: attrs.at,
            ..RawSite::default()
        });
        Ok(Ctx::Site { defaults: false })
    }

    /// `<site><application>`.
    fn application(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Ctx, Error> {
        let attrs = self.attrs(e, start)?;
        let Some(path) = self.value(&attrs, "application", "path") else {
            self.warn_missing(&attrs, "application", "path");
            return Ok(Ctx::Skip);
        };
        self.cur_app = Some(RawApp {
            path,
            app_pool: self.value(&attrs, "application", "applicationPool"),
            root_vdir: None,
        });
        Ok(Ctx::Application)
    }

    /// `<application><virtualDirectory>`: keeps the `/` directory's physical path.
    fn virtual_directory(&mut self, e: &BytesStart<'_>, start: u64) -> Result<(), Error> {
        let attrs = self.attrs(e, start)?;
        if self.value(&attrs, "virtualDirectory", "path").as_deref() != Some("/") {
            return Ok(());
        }
        let physical = self.value(&attrs, "virtualDirectory", "physicalPath");
        if let Some(app) = self.cur_app.as_mut() {
            if app.root_vdir.is_none() {
                app.root_vdir = Some(physical);
            } else {
                let path = quote(&app.path);
                self.warnings.push(format!(
                    "application {path}: second virtualDirectory \"/\" at byte {} ignored",
                    attrs.at
                ));
            }
        }
        Ok(())
    }

    /// `<bindings>` child: `binding` / `remove` with protocol + bindingInformation, or `clear`.
    fn binding_op(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
        name: &[u8],
    ) -> Result<CollOp<Binding>, Error> {
        if name == b"clear" {
            return Ok(CollOp::Clear);
        }
        let attrs = self.attrs(e, start)?;
        let protocol = self.value(&attrs, "binding", "protocol");
        let info = self.value(&attrs, "binding", "bindingInformation");
        if protocol.is_none() {
            self.warn_missing(&attrs, "binding", "protocol");
        }
        if info.is_none() {
            self.warn_missing(&attrs, "binding", "bindingInformation");
        }
        let (protocol, info) = (protocol.unwrap_or_default(), info.unwrap_or_default());
        let key = binding_key(&protocol, &info);
        Ok(if name == b"remove" {
            CollOp::Remove(key)
        } else {
            CollOp::Add(
                key,
                Binding {
                    protocol,
                    binding_information: info,
                },
            )
        })
    }
}
