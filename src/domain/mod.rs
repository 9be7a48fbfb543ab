//! Domain facts, each defined once: what an event, a reason phrase or a code means. Parse
//! recognises input with them, correlate reasons on them, report and simulate write
//! them. Every concept is one enum whose variants own their names (the strings written
//! to Parquet and findings.json); matches on them are exhaustive, so a new variant makes
//! the compiler list every place that must decide what to do with it.
//!
//! | module | owns |
//! |---|---|
//! | [`lifecycle`] | what happened to a pool or worker ([`LifecycleKind`]), who said so ([`Reporter`]) |
//! | [`was`] | WAS event ids: kind, template and recycle reason of each |
//! | [`recycle`] | recycle reasons, their WAS event ids and `logEventOnRecycle` flags |
//! | [`httpsys`] | HTTP.sys reason phrases: their class and what they signal |
//! | [`incident`] | incident kinds and evidence sources of the findings |
//! | [`codes`] | Windows exception codes and Win32 statuses |

pub mod codes;
pub mod httpsys;
pub mod incident;
pub mod lifecycle;
pub mod recycle;
pub mod was;

pub use httpsys::{ReasonClass, Signal};
pub use incident::{EvidenceSource, IncidentKind};
pub use lifecycle::{DisableCause, LifecycleKind, Reporter};
pub use recycle::RecycleReason;
