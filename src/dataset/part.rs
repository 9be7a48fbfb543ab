//! One task's part files: a Parquet file per table the task writes rows to, written
//! batch by batch under a temporary name and renamed when finished.

use crate::domain::lifecycle::{Lifecycle, Origin};
use crate::tables::{Batch, BatchSink, TableId};
use crate::{Error, Result};
use polars::prelude::{CompatLevel, Field, Schema, SchemaExt};
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray};
use polars_arrow::datatypes::{ArrowDataType, ArrowSchema};
use polars_arrow::record_batch::RecordBatchT;
use polars_parquet::write::{
    get_dtype_encoding, row_group_iter, schema_to_metadata_key, CompressionOptions, Encoding,
    FileWriter, StatisticsOptions, Version, WriteOptions, ZstdLevel,
};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Compression of the dataset's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Codec {
    /// LZ4 (Parquet `LZ4_RAW`): the fastest to write; pyarrow, DuckDB and polars read it.
    #[default]
    Lz4,
    /// Zstandard at its default level: smaller files, slower to write.
    Zstd,
    /// Snappy: the oldest and most widely read Parquet codec.
    Snappy,
    /// No compression.
    None,
}

impl Codec {
    fn parquet(self) -> CompressionOptions {
        match self {
            Codec::Lz4 => CompressionOptions::Lz4Raw,
            Codec::Zstd => CompressionOptions::Zstd(None::<ZstdLevel>),
            Codec::Snappy => CompressionOptions::Snappy,
            Codec::None => CompressionOptions::Uncompressed,
        }
    }
}

/// Bytes buffered per part file before they go to the kernel. The Parquet writer
/// writes each page header, page and footer field on its own: unbuffered, that was one
/// `write` call per 230 input bytes (75,609 calls for a 17 MB bundle).
const WRITE_BUFFER: usize = 1 << 20;

/// A part file behind a buffer that the part writer flushes itself once the footer is
/// written, so that a failed write (disk full) is an error rather than lost in a drop.
/// The Parquet writer owns one handle; `Open` keeps the other.
#[derive(Clone)]
struct PartFile(Arc<Mutex<BufWriter<File>>>);

impl PartFile {
    fn new(file: File) -> Self {
        PartFile(Arc::new(Mutex::new(BufWriter::with_capacity(
            WRITE_BUFFER,
            file,
        ))))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BufWriter<File>> {
        // A panic while writing leaves the file unusable anyway; its bytes are still
        // there to flush or discard.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Write for PartFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.lock().write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.lock().flush()
    }
}

struct Open {
    tmp: PathBuf,
    done: PathBuf,
    writer: FileWriter<PartFile>,
    schema: Arc<ArrowSchema>,
    file: PartFile,
    rows: u64,
}

impl Open {
    /// Removes the unfinished file; the bytes still buffered are dropped, not written.
    fn discard(self) {
        let Open {
            tmp, writer, file, ..
        } = self;
        drop(writer);
        if let Ok(buffered) = Arc::try_unwrap(file.0) {
            let _ = buffered
                .into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .into_parts();
        }
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The table's Arrow schema as the files declare it: plain (large) UTF-8 strings, not
/// string views (pyarrow 16+ only, and they trip pandas when it merges hive partitions)
/// and not dictionaries (readers would hand out categoricals), whatever the pages hold.
fn arrow_schema(table: TableId) -> ArrowSchema {
    let schema: Schema = table
        .def()
        .columns
        .iter()
        .map(|c| Field::new(c.name.into(), c.kind.dtype()))
        .collect();
    schema.to_arrow(CompatLevel::oldest())
}

/// What the pages of the table's files are written with: statistics, as polars writes
/// them, in the most widely read page format.
fn write_options(codec: Codec) -> WriteOptions {
    WriteOptions {
        statistics: StatisticsOptions::default(),
        version: Version::V1,
        compression: codec.parquet(),
        data_page_size: None,
    }
}

/// Widest range of values a 64-bit integer column may span and still be offered to the
/// writer's dictionary. Up to it the writer indexes values by their offset from the
/// minimum, which is cheap; beyond it the writer hashed every value twice (a
/// cardinality estimate, then the dictionary): a sixth of the time of writing
/// `requests`, for files no smaller (LZ4 packs sorted plain instants better than their
/// dictionary ids).
const DICTIONARY_RANGE: u64 = u16::MAX as u64;

/// Whether `a` is 64-bit integers (or instants) spanning more than [`DICTIONARY_RANGE`].
fn wide_integers(a: &dyn Array) -> bool {
    let Some(v) = a.as_any().downcast_ref::<PrimitiveArray<i64>>() else {
        return false;
    };
    let mut valid = v.non_null_values_iter();
    let Some(first) = valid.next() else {
        return false;
    };
    let (lo, hi) = valid.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x)));
    hi.abs_diff(lo) > DICTIONARY_RANGE
}

/// How each column of `batch` is encoded: dictionaries as dictionaries, strings a
/// builder left plain (nearly all distinct) and wide-ranging integers as plain, the
/// rest as the writer chooses.
fn encodings(batch: &Batch) -> Vec<Vec<Encoding>> {
    batch
        .arrays()
        .iter()
        .map(|a| {
            if a.as_any().is::<DictionaryArray<u32>>() {
                vec![Encoding::RleDictionary]
            } else if *a.dtype() == ArrowDataType::LargeUtf8 || wide_integers(a.as_ref()) {
                vec![Encoding::Plain]
            } else {
                get_dtype_encoding(a.dtype())
            }
        })
        .collect()
}

/// Writes the part files of one task.
pub struct PartWriter {
    dir: PathBuf,
    bundle_id: String,
    task: usize,
    codec: Codec,
    open: BTreeMap<TableId, Open>,
}

impl PartWriter {
    pub(super) fn new(dir: PathBuf, bundle_id: String, task: usize, codec: Codec) -> Self {
        PartWriter {
            dir,
            bundle_id,
            task,
            codec,
            open: BTreeMap::new(),
        }
    }

    fn paths(&self, table: TableId) -> (PathBuf, PathBuf) {
        let dir = self.dir.join(table.name());
        let name = format!("part-{}-{:05}.parquet", self.bundle_id, self.task);
        (dir.join(format!("{name}.tmp")), dir.join(name))
    }

    fn open(&mut self, table: TableId) -> Result<&mut Open> {
        if !self.open.contains_key(&table) {
            let (tmp, done) = self.paths(table);
            let dir = tmp.parent().expect("part paths have a folder");
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::output(dir.display().to_string(), e))?;
            let file =
                File::create(&tmp).map_err(|e| Error::output(tmp.display().to_string(), e))?;
            let file = PartFile::new(file);
            let schema = arrow_schema(table);
            let writer =
                FileWriter::try_new(file.clone(), schema.clone(), write_options(self.codec))
                    .map_err(|e| Error::output(tmp.display().to_string(), e))?;
            self.open.insert(
                table,
                Open {
                    tmp,
                    done,
                    writer,
                    schema: Arc::new(schema),
                    file,
                    rows: 0,
                },
            );
        }
        Ok(self.open.get_mut(&table).expect("just inserted"))
    }

    /// Writes an empty file with the table's schema; returns its staged path.
    pub(super) fn write_empty(mut self, table: TableId) -> Result<PathBuf> {
        self.open(table)?;
        let done = self.paths(table).1;
        self.finish()?;
        Ok(done)
    }

    /// Finishes every file (footer, rename to its final name); returns the rows
    /// written per table. On an error no temporary file is left behind.
    pub fn finish(mut self) -> Result<BTreeMap<TableId, u64>> {
        let mut rows = BTreeMap::new();
        let mut result = Ok(());
        for (table, mut o) in std::mem::take(&mut self.open) {
            if result.is_err() {
                o.discard();
                continue;
            }
            // The buffer is flushed here, so a failed write (disk full) is an error.
            let shown = o.tmp.display().to_string();
            let metadata = vec![schema_to_metadata_key(&o.schema)];
            let done = o
                .writer
                .end(Some(metadata))
                .map_err(|e| Error::output(&shown, e))
                .and_then(|_| o.file.flush().map_err(|e| Error::output(&shown, e)))
                .and_then(|_| {
                    std::fs::rename(&o.tmp, &o.done)
                        .map_err(|e| Error::output(o.done.display().to_string(), e))
                });
            match done {
                Ok(()) => {
                    rows.insert(table, o.rows);
                }
                Err(e) => {
                    o.discard();
                    result = Err(e);
                }
            }
        }
        result.map(|_| rows)
    }
}

impl BatchSink for PartWriter {
    fn put(&mut self, batch: Batch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let encodings = encodings(&batch);
        let o = self.open(batch.table())?;
        let rows = batch.len();
        let fields = o.writer.parquet_schema().fields().to_vec();
        let options = o.writer.options();
        let arrays = batch.arrays().to_vec();
        let chunk = RecordBatchT::new(rows, o.schema.clone(), arrays);
        let group = row_group_iter(chunk, encodings.into(), fields, options);
        o.rows += rows as u64;
        o.writer
            .write(rows as u64, group)
            .map_err(|e| Error::output(o.tmp.display().to_string(), e))
    }

    /// The dataset gets lifecycle events as rows of the `lifecycle` table.
    fn lifecycle(&mut self, _: &Origin<'_>, _: &Lifecycle) {}
}

impl Drop for PartWriter {
    fn drop(&mut self) {
        for (_, o) in std::mem::take(&mut self.open) {
            o.discard();
        }
    }
}
