//! Parsers, one module per format. A parser reads bytes (it knows nothing of zip files
//! or Parquet) and fills table rows through an [`Emit`], which batches them and hands
//! full batches to a [`BatchSink`].

pub mod access;
pub mod appconfig;
pub mod classify;
pub mod eventdata;
pub mod evtx;
pub mod export;
pub mod httperr;
pub mod lifecycle;
pub mod lines;
pub mod rows;
pub mod utf16;
pub mod values;
pub mod w3c;

use crate::domain::lifecycle::{Lifecycle, Origin};
use crate::tables::parse_errors::{ParseErrorsRow, ParseErrorsTable};
use crate::tables::{BatchSink, Builder};
use crate::Error;

/// Rows per batch: one batch becomes one Parquet row group. 64 Ki rows rather than
/// 128 Ki: peak memory drops by about a third and a run is a few percent faster (its
/// working set stays in cache, and fewer pages are faulted in), the files are as large
/// and DuckDB scans them as fast (measured on a 1 GB simulated bundle).
pub const DEFAULT_BATCH_ROWS: usize = 64 * 1024;
/// Bytes per batch at most (long URLs and cookies make rows big).
pub const BATCH_BYTES: usize = 64 << 20;
/// Longest text line read, by default.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

/// A line or record that could not be parsed.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    /// 1-based line number (text).
    pub line: Option<u64>,
    /// Record or chunk number (EVTX).
    pub record: Option<u64>,
    /// Byte offset.
    pub offset: Option<u64>,
    /// Why.
    pub reason: String,
    /// The raw text, lossy UTF-8 (cut to 4096 bytes by the parser).
    pub raw: String,
}

/// Batches the rows of one source file and passes full batches on.
pub struct Emit<'a> {
    /// Bundle id written on every row.
    pub bundle_id: &'a str,
    /// Path of the file in the bundle, written on every row.
    pub source_file: &'a str,
    sink: &'a mut dyn BatchSink,
    batch_rows: usize,
    errors: ParseErrorsTable,
    failed: Option<Error>,
    /// Rows written per table by this file (for the manifest).
    pub rows_written: u64,
}

impl<'a> Emit<'a> {
    /// Rows of `source_file` go to `sink` in batches of `batch_rows`.
    pub fn new(
        bundle_id: &'a str,
        source_file: &'a str,
        sink: &'a mut dyn BatchSink,
        batch_rows: usize,
    ) -> Self {
        Emit {
            bundle_id,
            source_file,
            sink,
            batch_rows: batch_rows.max(1),
            errors: ParseErrorsTable::with_capacity(0),
            failed: None,
            rows_written: 0,
        }
    }

    /// Whether writing has failed (the parser should stop).
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    /// The first write error, if any.
    pub fn take_error(&mut self) -> Option<Error> {
        self.failed.take()
    }

    /// Rows per batch.
    pub fn batch_rows(&self) -> usize {
        self.batch_rows
    }

    /// Records a parse error.
    pub fn error(&mut self, r: ErrorReport) {
        let raw = crate::text::truncate(&r.raw, 4096);
        self.errors.push(&ParseErrorsRow {
            bundle_id: Some(self.bundle_id),
            source_file: Some(self.source_file),
            source_line: r.line.map(|v| v as i64),
            record_id: r.record.map(|v| v as i64),
            offset: r.offset.map(|v| v as i64),
            reason: Some(&r.reason),
            raw: Some(raw),
        });
        if self.errors.len() >= self.batch_rows {
            let mut errors =
                std::mem::replace(&mut self.errors, ParseErrorsTable::with_capacity(0));
            self.flush(&mut errors, true);
            self.errors = errors;
        }
    }

    /// Hands `table`'s rows on if the batch is full (or `force`); returns false once
    /// writing has failed.
    pub fn flush<B: Builder>(&mut self, table: &mut B, force: bool) -> bool {
        if self.failed.is_some() {
            return false;
        }
        let n = table.len();
        if n == 0 || !(force || n >= self.batch_rows || table.heap_bytes() >= BATCH_BYTES) {
            return true;
        }
        let batch = table.take();
        if B::ID != crate::tables::TableId::ParseErrors {
            self.rows_written += n as u64;
        }
        if let Err(e) = self.sink.put(batch) {
            self.failed = Some(e);
            return false;
        }
        true
    }

    /// Hands one typed lifecycle event to the sink (its row goes through a table).
    pub fn lifecycle(&mut self, origin: &Origin<'_>, event: &Lifecycle) {
        self.sink.lifecycle(origin, event);
    }

    /// Flushes the parse errors; call once at the end of the file.
    pub fn finish(&mut self) {
        let mut errors = std::mem::replace(&mut self.errors, ParseErrorsTable::with_capacity(0));
        self.flush(&mut errors, true);
    }
}
