//! Handlers for `<sites>` elements: `<site>`, `<application>`, `<virtualDirectory>` and
//! binding edits.

use quick_xml::events::BytesStart;

use super::{Ctx, Walker};
use crate::parse::appconfig::collection::CollOp;
use crate::parse::appconfig::error::Error;
use crate::parse::appconfig::model::Binding;
use crate::parse::appconfig::sites::{binding_key, RawApp, RawSite};
use crate::parse::appconfig::values::quote;

impl Walker<'_> {
    pub(super) fn site_target(&mut self, defaults: bool) -> Option<&mut RawSite> {
        if defaults {
            Some(&mut self.sites.defaults)
        } else {
            self.cur_site.as_mut()
        }
    }

    /// `<sites><site>`.
    pub(super) fn site(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Ctx, Error> {
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
    pub(super) fn application(&mut self, e: &BytesStart<'_>, start: u64) -> Result<Ctx, Error> {
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
    pub(super) fn virtual_directory(
        &mut self,
        e: &BytesStart<'_>,
        start: u64,
    ) -> Result<(), Error> {
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
    pub(super) fn binding_op(
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
