//! Bundles: turns the inputs named on the command line (zip files, folders, loose
//! files) into a flat, sorted list of [`Entry`]s that can be read, plus the entries that
//! cannot be read at all with the reason, and the archives opened on the way. Knows
//! containers (zip, nested zip, folders), nothing of log formats.
//!
//! Each zip or folder given is one bundle; loose files given together form one bundle.

mod dir;
mod limits;
mod overlap;
mod salvage;
mod shared_file;
mod walk;
mod zip;

pub use limits::{Bound, LimitedReader, Limits};

use crate::{Error, Result};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One readable entry of a bundle.
pub struct Entry {
    /// Path inside the bundle, `/`-separated; members of a nested zip are prefixed with
    /// the nested zip's path (`support/logs.zip/LogFiles/HTTPERR/httperr1.log`).
    pub path: String,
    /// Uncompressed size in bytes, as the container declares it.
    pub size: u64,
    source: Source,
}

enum Source {
    File(PathBuf),
    Zip(zip::ZipMember),
}

/// An entry that is listed but cannot be read (encrypted, symlink, unsupported
/// compression, over a limit, a nested zip that cannot be opened ...).
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Path inside the bundle.
    pub path: String,
    /// Declared size.
    pub size: u64,
    /// Why it is not read.
    pub reason: String,
    /// Whether this is a container (a nested zip that failed), for the manifest's kind.
    pub archive: bool,
}

/// A zip that was opened: nested in the bundle, or the bundle's own zip when it is
/// damaged. A container, not data: its members are entries.
#[derive(Debug, Clone)]
pub struct Archive {
    /// Path inside the bundle (`(archive)` for the bundle's own zip).
    pub path: String,
    /// Size of the archive.
    pub size: u64,
    /// What was read of it.
    pub note: String,
    /// Read only in part (a damaged zip, salvaged from its local headers).
    pub damaged: bool,
}

/// A bundle: the entries of one input (or of all loose files given).
pub struct Bundle {
    /// Stable id of the bundle (hex), the same for the same input.
    pub id: String,
    /// The input's file or folder name (several loose files: their names joined by
    /// `, `); the name, not the path, so reports do not depend on where it was read.
    pub label: String,
    /// Readable entries, sorted by path.
    pub entries: Vec<Entry>,
    /// Entries that cannot be read, with the reason.
    pub unreadable: Vec<Unreadable>,
    /// Archives opened (they are containers, not data).
    pub archives: Vec<Archive>,
    /// Private folder for nested archives copied out of their parent; removed on drop.
    _temp: Option<Arc<tempfile::TempDir>>,
}

impl Entry {
    /// Runs `f` with a reader over the entry's bytes. The reader enforces `limits` on
    /// the bytes actually produced (a zip entry may lie about its size).
    pub fn with_reader<T>(&self, limits: &Limits, f: impl FnOnce(&mut dyn Read) -> T) -> Result<T> {
        match &self.source {
            Source::File(p) => {
                let file = File::open(p).map_err(|e| Error::io(p.display().to_string(), e))?;
                // Only the bytes the file had when it was listed: a live log that grows
                // faster than it is read must not keep the run going forever.
                let mut r = LimitedReader::new(
                    io::BufReader::with_capacity(1 << 16, file).take(self.size),
                    limits.max_entry_bytes,
                );
                Ok(f(&mut r))
            }
            Source::Zip(m) => m.with_reader(&self.path, limits, f),
        }
    }

    /// The file on disk, for an entry of a folder bundle or a loose file.
    fn file_path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(p) => Some(p),
            Source::Zip(_) => None,
        }
    }

    /// The entry's size now, for a file of a folder bundle (`None` for zip members):
    /// differs from [`Entry::size`] when the file changed after it was listed.
    pub fn current_size(&self) -> Option<u64> {
        match &self.source {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Zip(_) => None,
        }
    }

    /// The entry as a local file that can be seeked (EVTX needs it): the file itself for
    /// folder inputs, a private temporary copy for zip members.
    pub fn local_file(&self, limits: &Limits) -> Result<LocalFile> {
        match &self.source {
            Source::File(p) => Ok(LocalFile {
                path: p.clone(),
                _temp: None,
            }),
            Source::Zip(m) => m.spill(&self.path, limits),
        }
    }

    /// The first `n` bytes (fewer if the entry is shorter).
    pub fn head(&self, n: usize, limits: &Limits) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(n.min(1 << 20));
        let res = self.with_reader(limits, |r| r.take(n as u64).read_to_end(&mut buf))?;
        res.map_err(|e| Error::io(&self.path, e))?;
        Ok(buf)
    }
}

impl Bundle {
    /// Drops the entries (and with them the zip's central directory) once every one has
    /// been read and listed: a zip of 200,000 members holds about 60 MB in them.
    pub fn release_entries(&mut self) {
        self.entries = Vec::new();
        self.unreadable = Vec::new();
        self.archives = Vec::new();
    }
}

/// A seekable local copy of an entry; a temporary copy is deleted on drop.
pub struct LocalFile {
    /// Where the bytes are.
    pub path: PathBuf,
    _temp: Option<tempfile::TempPath>,
}

/// Opens the inputs: each zip or folder is a bundle; loose files together form one.
/// Nested zips and seekable copies of zip members go to a private folder under
/// `temp_root` (the output folder: same disk, never the input).
pub fn open_inputs(inputs: &[PathBuf], limits: &Limits, temp_root: &Path) -> Result<Vec<Bundle>> {
    let mut bundles = Vec::new();
    let mut loose = Vec::new();
    for input in inputs {
        let meta =
            std::fs::metadata(input).map_err(|e| Error::io(input.display().to_string(), e))?;
        if meta.is_dir() {
            bundles.push(dir::open_dir(input, limits, temp_root)?);
        } else if !meta.is_file() {
            // A FIFO or device: opening it could block forever. Listed, never opened.
            loose.push(input.clone());
        } else if is_zip_file(input)? || zip::is_self_extracting(input) {
            bundles.push(zip::open_zip(input, limits, temp_root)?);
        } else {
            loose.push(input.clone());
        }
    }
    if !loose.is_empty() {
        bundles.push(dir::open_files(&loose, limits, temp_root)?);
    }
    Ok(bundles)
}

/// Whether the file starts with a zip signature (local header or empty archive).
fn is_zip_file(path: &Path) -> Result<bool> {
    let mut f = File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut f, &mut magic).map_err(|e| Error::io(path.display().to_string(), e))?;
    Ok(n == 4 && is_zip_magic(&magic))
}

/// Zip signatures: a local file header, or the end record of an empty archive.
pub(crate) fn is_zip_magic(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Reads until `buf` is full or the reader ends; returns the count.
pub(crate) fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The last component of an input path, made safe to print.
fn input_name(p: &Path) -> String {
    crate::text::display_name(
        &p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string()),
    )
}

/// An xxh3 digest of every byte `r` gives (several GB/s: small next to reading them).
fn content_digest(r: &mut dyn Read) -> io::Result<u128> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = read_up_to(r, &mut buf)?;
        h.update(&buf[..n]);
        if n < buf.len() {
            return Ok(h.digest128());
        }
    }
}

/// A stable id from what identifies an input: names, sizes and content digests.
fn bundle_id(parts: &[&[u8]]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    format!("{:016x}", h.digest())
}
