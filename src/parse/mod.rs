//! Parsers, one module per format. A parser reads bytes (it knows nothing of zip files
//! or Parquet) and fills table rows through an [`Emit`], which batches them and hands
//! full batches to a [`BatchSink`].

pub mod access;
pub mod appconfig;
pub mod carry;
pub mod classify;
pub mod data_json;
pub mod eventdata;
pub mod evtx;
pub mod export;
pub mod httperr;
pub mod legacy;
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
pub use carry::{Carried, Carry};

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
    /// Tables kept open across the files of a task, if the task carries them.
    carry: Option<&'a mut Carry>,
    /// Rows of the carried table in hand that earlier files pushed and that are not
    /// flushed yet: not this file's rows.
    inherited: usize,
    /// Rows this file added to its tables (for the manifest).
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
            carry: None,
            inherited: 0,
            rows_written: 0,
        }
    }

    /// Like [`Emit::new`], continuing the tables `carry` holds: the rows of several
    /// small files share batches. The caller drains `carry` after the last file.
    pub fn carrying(
        bundle_id: &'a str,
        source_file: &'a str,
        sink: &'a mut dyn BatchSink,
        batch_rows: usize,
        carry: &'a mut Carry,
    ) -> Self {
        let errors = carry.errors.take();
        let mut emit = Emit::new(bundle_id, source_file, sink, batch_rows);
        if let Some(errors) = errors {
            emit.errors = errors;
        }
        emit.carry = Some(carry);
        emit
    }

    /// The table this file's rows go to: the carried one, or `new(rows)`. Give it back
    /// with [`Emit::put_back`] when the file ends.
    pub fn table<B: Carried>(&mut self, rows: usize, new: impl FnOnce(usize) -> B) -> B {
        match self.carry.as_deref_mut().and_then(|c| B::slot(c).take()) {
            Some(t) => {
                self.inherited = t.len();
                t
            }
            None => new(rows),
        }
    }

    /// Ends this file's use of `table`: kept for the next file if the task carries its
    /// tables (handed on only if full), else handed on now.
    pub fn put_back<B: Carried>(&mut self, mut table: B) {
        let carried = self.carry.is_some();
        self.flush(&mut table, !carried);
        self.rows_written += (table.len() - self.inherited) as u64;
        self.inherited = 0;
        if let Some(c) = self.carry.as_deref_mut() {
            *B::slot(c) = Some(table);
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
            self.rows_written += (n - self.inherited) as u64;
            self.inherited = 0;
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

    /// Flushes the parse errors (or carries them on); call once at the end of the file.
    pub fn finish(&mut self) {
        let mut errors = std::mem::replace(&mut self.errors, ParseErrorsTable::with_capacity(0));
        let carried = self.carry.is_some();
        self.flush(&mut errors, !carried);
        if let Some(c) = self.carry.as_deref_mut() {
            c.errors = Some(errors);
        }
    }
}

impl Drop for Emit<'_> {
    /// A file that ends without [`Emit::finish`] still gives its carried parse errors
    /// back, so the rows of earlier files are not lost with it.
    fn drop(&mut self) {
        if let Some(c) = self.carry.as_deref_mut() {
            if c.errors.is_none() {
                c.errors = Some(std::mem::replace(
                    &mut self.errors,
                    ParseErrorsTable::with_capacity(0),
                ));
            }
        }
    }
}
