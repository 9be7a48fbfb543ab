//! Helpers shared by the integration tests: running `analyze`, reading tables back,
//! building zip bundles, listing files, a small PRNG, and finding the shared corpus.
#![allow(dead_code)]

use corvid::analyze::{self, BundleReport, Options};
use corvid::bundle::Limits;
use polars::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The shared corpus of real sample files (read-only).
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("CORVID_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// Default options for `inputs` into `out`.
pub fn options(inputs: &[&Path], out: &Path) -> Options {
    Options {
        inputs: inputs.iter().map(|p| p.to_path_buf()).collect(),
        out: out.to_path_buf(),
        limits: Limits::default(),
        max_line: 1 << 20,
        batch_rows: 1000,
        compression: Default::default(),
        progress: false,
        rules: Default::default(),
        clock: None,
    }
}

/// Runs `analyze` with default options.
pub fn analyze(inputs: &[&Path], out: &Path) -> Vec<BundleReport> {
    analyze::run(&options(inputs, out)).expect("analyze succeeds")
}

/// Every Parquet file of a table, sorted.
pub fn table_files(out: &Path, table: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let dir = out.join("dataset").join(table);
    if let Ok(hosts) = std::fs::read_dir(&dir) {
        for h in hosts.flatten() {
            for f in std::fs::read_dir(h.path()).unwrap().flatten() {
                files.push(f.path());
            }
        }
    }
    files.sort();
    files
}

/// A whole table, all partitions, sorted by `source_file` then line/record when present.
pub fn read_table(out: &Path, table: &str) -> DataFrame {
    let mut acc: Option<DataFrame> = None;
    for f in table_files(out, table) {
        assert_eq!(f.extension().unwrap(), "parquet", "unexpected file {f:?}");
        let df = ParquetReader::new(std::fs::File::open(&f).unwrap())
            .finish()
            .unwrap();
        match &mut acc {
            None => acc = Some(df),
            Some(a) => {
                a.vstack_mut(&df).unwrap();
            }
        }
    }
    let df = acc.unwrap_or_default();
    let mut by: Vec<&str> = Vec::new();
    for c in ["source_file", "source_line", "record_id"] {
        if df.schema().contains(c) {
            by.push(c);
        }
    }
    if by.is_empty() || df.height() == 0 {
        return df;
    }
    df.sort(by, SortMultipleOptions::default()).unwrap()
}

/// String value of `col` at `row` (None for null).
pub fn s(df: &DataFrame, col: &str, row: usize) -> Option<String> {
    let c = df.column(col).unwrap().as_materialized_series().clone();
    match c.get(row).unwrap() {
        AnyValue::Null => None,
        AnyValue::String(v) => Some(v.to_string()),
        AnyValue::StringOwned(v) => Some(v.to_string()),
        other => Some(other.to_string()),
    }
}

/// Integer value of `col` at `row`.
pub fn i(df: &DataFrame, col: &str, row: usize) -> Option<i64> {
    let c = df.column(col).unwrap().as_materialized_series().clone();
    match c.get(row).unwrap() {
        AnyValue::Null => None,
        AnyValue::Int64(v) => Some(v),
        AnyValue::Int32(v) => Some(v as i64),
        AnyValue::Datetime(v, _, _) => Some(v),
        AnyValue::DatetimeOwned(v, _, _) => Some(v),
        other => panic!("{col}: not an integer: {other:?}"),
    }
}

/// Boolean value of `col` at `row`.
pub fn b(df: &DataFrame, col: &str, row: usize) -> Option<bool> {
    let c = df.column(col).unwrap().as_materialized_series().clone();
    match c.get(row).unwrap() {
        AnyValue::Null => None,
        AnyValue::Boolean(v) => Some(v),
        other => panic!("{col}: not a bool: {other:?}"),
    }
}

/// Rows whose `col` equals `value`.
pub fn rows_where(df: &DataFrame, col: &str, value: &str) -> DataFrame {
    let mask = df.column(col).unwrap().str().unwrap().equal(value);
    df.filter(&mask).unwrap()
}

/// Microseconds since the epoch of an RFC 3339 UTC time.
pub fn t(rfc3339: &str) -> i64 {
    corvid::time::parse_rfc3339(rfc3339).expect("valid test time")
}

/// A zip archive with the given members (deflated).
pub fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = ::zip::ZipWriter::new(&mut buf);
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        for (name, data) in members {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// Writes `members` as files under `dir`.
pub fn write_tree(dir: &Path, members: &[(&str, &[u8])]) {
    for (name, data) in members {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
}

/// Zips every file under `dir` (paths relative to it).
pub fn zip_dir(dir: &Path) -> Vec<u8> {
    let files = files_under(dir);
    let owned: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| {
            (
                p.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = owned
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_bytes(&refs)
}

/// Every file under `dir` (recursively; links are followed), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    files
}

/// Small deterministic PRNG (xorshift64*), so randomized tests need no dependency.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index below `len` (0 when `len` is 0).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// `f`'s value half of the time.
    pub fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        (self.below(2) == 0).then(|| f(self))
    }
}

/// The peak resident memory (MiB) a `corvid analyze --timings` run reports on stderr:
/// its own high-water mark (`wait4` would also count the test process it is spawned
/// from).
pub fn peak_rss_mib(stderr: &str) -> u64 {
    stderr
        .split_whitespace()
        .find_map(|w| w.strip_prefix("peak_rss_mib="))
        .unwrap_or_else(|| panic!("no peak_rss_mib in {stderr}"))
        .parse()
        .unwrap()
}
