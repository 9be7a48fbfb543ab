//! Element dispatch: given the parent's context and a tag name, decides what the new
//! element is (`Ctx`) and hands its attributes to the pool/site handlers. One function
//! per parent context; the pool and site ones are in `pool_elements` / `site_elements`.

use quick_xml::events::BytesStart;

use super::{Ctx, Walker};
use crate::parse::appconfig::error::Error;
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
            return Ok(self.root(name));
        };
        match parent {
            Ctx::Configuration => Ok(self.in_configuration(name)),
            Ctx::Location => Ok(self.in_location(name, start)),
            Ctx::AppHost => self.in_app_host(e, start, name),
            Ctx::AppPools => self.in_app_pools(e, start, name),
            Ctx::Pool { defaults } => self.in_pool(e, start, name, defaults),
            Ctx::PoolPart { sub, defaults } => self.in_pool_part(e, start, name, sub, defaults),
            Ctx::Schedule { defaults } => self.in_schedule(e, start, name, defaults),
            Ctx::Sites => self.in_sites(e, start, name),
            Ctx::Site { defaults } => self.in_site(e, start, name, defaults),
            Ctx::Bindings { defaults } => self.in_bindings(e, start, name, defaults),
            Ctx::Application => self.in_application(e, start, name),
            Ctx::Skip => Ok(Ctx::Skip),
        }
    }

    /// The root element: `<configuration>`, or a bare `<system.applicationHost>`.
    fn root(&mut self, name: &[u8]) -> Ctx {
        match name {
            b"configuration" => Ctx::Configuration,
            b"system.applicationHost" => {
                self.seen_apphost = true;
                Ctx::AppHost
            }
            _ => Ctx::Skip,
        }
    }

    /// A child of `<configuration>`.
    fn in_configuration(&mut self, name: &[u8]) -> Ctx {
        match name {
            b"system.applicationHost" => {
                self.seen_apphost = true;
                Ctx::AppHost
            }
            b"location" => Ctx::Location,
            _ => Ctx::Skip,
        }
    }

    /// A child of `<location>`: skipped, with one warning if it holds
    /// `system.applicationHost` settings.
    fn in_location(&mut self, name: &[u8], start: u64) -> Ctx {
        if name == b"system.applicationHost" && !self.warned_location {
            self.warned_location = true;
            let at = self.doc.original_offset(start);
            self.warnings.push(format!(
                "<location> at byte {at} contains system.applicationHost settings; \
                 location sections are not evaluated"
            ));
        }
        Ctx::Skip
    }

    /// A child of `<system.applicationHost>`: the two sections read.
    fn in_app_host(&mut self, e: &BytesStart<'_>, start: u64, name: &[u8]) -> Result<Ctx, Error> {
        Ok(match name {
            b"applicationPools" => {
                self.check_config_source(e, start, "applicationPools")?;
                Ctx::AppPools
            }
            b"sites" => {
                self.check_config_source(e, start, "sites")?;
                Ctx::Sites
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
