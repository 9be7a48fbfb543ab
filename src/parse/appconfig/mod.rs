//! Reader for IIS `applicationHost.config`: extracts sites and application pools with
//! IIS's documented defaults applied, and fills the `sites` and `app_pools` tables.
//!
//! The input is untrusted: any bytes give either a [`Config`] or an [`Error`], never a
//! panic; DOCTYPEs are not interpreted (no entity expansion); [`Limits`] bound size,
//! depth and element count. Unusable values keep their default and leave a warning in
//! [`Config::warnings`] naming the pool/site, attribute and raw value.
//!
//! ```
//! let xml = br#"<configuration><system.applicationHost>
//!   <applicationPools><add name="Shop" queueLength="5000"/></applicationPools>
//!   <sites><site name="Web" id="1"><application path="/" applicationPool="Shop"/></site></sites>
//! </system.applicationHost></configuration>"#;
//! let cfg = corvid::parse::appconfig::parse(&xml[..], &corvid::parse::appconfig::Limits::default()).unwrap();
//! assert_eq!(cfg.app_pools[0].queue_length, 5000);
//! assert_eq!(cfg.app_pools[0].periodic_restart_time_s, 29 * 3600);
//! assert_eq!(cfg.sites[0].applications[0].app_pool, "Shop");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod collection;
pub mod defaults;
mod encoding;
mod error;
mod model;
mod pools;
mod reader;
mod sites;
mod tables;
pub mod timespan;
mod values;
mod warnings;

use std::io::BufRead;

pub use error::{Error, LimitKind, Limits};
pub use model::{AppPool, Application, Binding, Config, Site};
pub use tables::{read, AppConfigStats};
pub use warnings::MAX_WARNINGS;

/// Reads an `applicationHost.config` (UTF-8 with or without BOM, or UTF-16 LE/BE) and
/// returns its sites and application pools with defaults resolved.
///
/// A document without a `system.applicationHost` section gives empty lists and a
/// warning. Errors: I/O, a [`Limits`] bound exceeded, malformed XML (with the byte
/// offset), or UTF-32 input.
pub fn parse(reader: impl BufRead, limits: &Limits) -> Result<Config, Error> {
    let raw = encoding::read_limited(reader, limits.max_bytes)?;
    let doc = encoding::decode(raw)?;
    crate::parse::appconfig::reader::read_document(&doc, limits)
}
