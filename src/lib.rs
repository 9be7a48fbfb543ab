//! corvid: forensics for IIS support bundles.
//!
//! Data flows one way:
//! [`bundle`] (inputs → entries) → [`parse`] (one module per format) → [`tables`]
//! (the schemas) → [`dataset`] (Parquet). The [`analyze`] module drives that flow for
//! the `analyze` command.

pub mod analyze;
pub mod bundle;
pub mod cli;
pub mod correlate;
pub mod dataset;
pub mod domain;
pub mod error;
pub mod fuzz;
pub mod parse;
pub mod progress;
pub mod report;
pub mod score;
pub mod simulate;
pub mod tables;
pub mod text;
pub mod time;

pub use error::{Error, Result};
