//! `evtx_writer`: writes Windows event log files (.evtx) that real parsers read, for corvid's
//! simulator (System.evtx / Application.evtx with WAS, Application Error, WER, .NET Runtime,
//! ASP.NET, IIS-W3SVC-WP and Service Control Manager events). This file owns the crate layout
//! and the public API: [`Event`] / [`EventData`] describe an event, [`EvtxWriter`] (in memory)
//! or [`StreamingEvtxWriter`] (chunk by chunk to a `Write + Seek`) turn events into a file.
//!
//! The output follows the real format: a 4 KiB file header, 64 KiB chunks with their common
//! string and template tables and CRC-32s, and records whose BinXML is a TemplateInstance.
//! Events with the same shape (same optional `<System>` parts, same `<EventData>` layout and
//! names) share one template definition per chunk, written inline in the first record that
//! uses it and referenced by offset afterwards; values are typed substitutions (UInt16
//! EventID, HexInt64 Keywords, FileTime SystemTime, GUID, SID, UTF-16 strings, Binary...).
//! With [`Layout::Nested`] the `<EventData>` is a template of its own, whose instance is the
//! value of a BinXML substitution of the event's template, as Windows writes manifest events.
//! Output is deterministic: the same events give the same bytes.
//!
//! ```
//! use corvid::simulate::evtx_writer::{Event, EventData, EvtxWriter};
//!
//! let mut w = EvtxWriter::new();
//! let id = w.add(&Event {
//!     provider_name: "Microsoft-Windows-WAS".into(),
//!     provider_guid: Some("{524B5D04-133C-4A62-8362-64E8EDB9CE40}".into()),
//!     event_source_name: Some("WAS".into()),
//!     event_id: 5011,
//!     qualifiers: Some(32768),
//!     level: 3,
//!     keywords: 0x80000000000000,
//!     time_created: 132_617_823_030_246_158,
//!     channel: "System".into(),
//!     computer: "WEB01".into(),
//!     data: EventData::Named {
//!         fields: vec![
//!             ("AppPoolID".into(), "DefaultAppPool".into()),
//!             ("ProcessID".into(), "4528".into()),
//!         ],
//!         binary: Some(vec![0x6D, 0x00, 0x07, 0x80]),
//!     },
//!     ..Event::default()
//! });
//! assert_eq!(id, Some(1));
//! let mut file = Vec::new();
//! w.write_to(&mut file).unwrap();
//! assert_eq!(file.len(), 4096 + 65536);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod binxml;
mod chunk;
mod crc32;
mod event;
mod header;
mod templates;
mod writer;

pub use event::{Event, EventData};
pub use templates::Layout;
pub use writer::{EvtxWriter, StreamingEvtxWriter};
