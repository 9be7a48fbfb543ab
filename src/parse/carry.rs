//! Tables that stay open across the files of one task. A bundle of thousands of small
//! logs would otherwise write one tiny batch (one Parquet row group, whose metadata the
//! writer keeps until the file ends) per log: memory grew by about 100 KB per file. The
//! task hands one [`Carry`] to each file's [`Emit`](super::Emit) and drains it into the
//! sink when its last file is read.

use crate::tables::httperr::HttperrTable;
use crate::tables::parse_errors::ParseErrorsTable;
use crate::tables::requests::RequestsTable;
use crate::tables::{BatchSink, Builder};

/// The tables carried from one file to the next.
#[derive(Default)]
pub struct Carry {
    requests: Option<RequestsTable>,
    httperr: Option<HttperrTable>,
    pub(super) errors: Option<ParseErrorsTable>,
}

/// A table a [`Carry`] can hold.
pub trait Carried: Builder + Sized {
    /// The carry's place for this table.
    fn slot(carry: &mut Carry) -> &mut Option<Self>;
}

impl Carried for RequestsTable {
    fn slot(carry: &mut Carry) -> &mut Option<Self> {
        &mut carry.requests
    }
}

impl Carried for HttperrTable {
    fn slot(carry: &mut Carry) -> &mut Option<Self> {
        &mut carry.httperr
    }
}

impl Carried for ParseErrorsTable {
    fn slot(carry: &mut Carry) -> &mut Option<Self> {
        &mut carry.errors
    }
}

impl Carry {
    /// Hands every row still held to `sink`, one batch per table.
    pub fn drain(&mut self, sink: &mut dyn BatchSink) -> crate::Result<()> {
        put_rest(&mut self.requests, sink)?;
        put_rest(&mut self.httperr, sink)?;
        put_rest(&mut self.errors, sink)
    }
}

fn put_rest<B: Builder>(table: &mut Option<B>, sink: &mut dyn BatchSink) -> crate::Result<()> {
    match table.take() {
        Some(mut t) if !t.is_empty() => sink.put(t.take()),
        _ => Ok(()),
    }
}
