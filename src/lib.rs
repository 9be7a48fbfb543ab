//! corvid: forensics for IIS support bundles.
//!
//! Data flows one way:
//! [`bundle`] (inputs → entries) → [`parse`] (one module per format) → [`tables`]
//! (the schemas) → [`dataset`] (Parquet), and through [`correlate::collect`] (what the
//! rules need, kept while the tables stream) → [`correlate`] (rules joining lifecycle
//! events, HTTP.sys lines and W3C requests on time windows) → [`report`] (findings.md,
//! findings.json, charts). The [`analyze`] module drives that flow for the `analyze`
//! command. [`domain`] holds the facts every stage shares (event ids, reason phrases,
//! kinds), one enum per concept; [`simulate`] writes bundles from the same facts and
//! [`score`] measures findings against the simulator's ground truth.
//!
//! README.md ("Layout of the code") maps every module and says where a new event id, a
//! new rule and a new column go.

pub mod analyze;
pub mod bundle;
pub mod cli;
pub mod correlate;
pub mod dataset;
pub mod domain;
pub mod error;
pub mod fuzz;
pub mod manual;
pub mod parse;
pub mod progress;
pub mod report;
pub mod score;
pub mod simulate;
pub mod tables;
pub mod text;
pub mod time;

pub use error::{Error, Result};
