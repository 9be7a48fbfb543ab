//! Zip bundles: lists the members of a zip (and of zips nested inside it, copied to a
//! private temporary folder first) into the walk, applies the nesting depth limit, and
//! reads members on any thread.

use super::overlap;
use super::salvage;
use super::shared_file::SharedFile;
use super::walk::Walk;
use super::{
    bundle_id, is_zip_magic, read_up_to, Bound, Bundle, Entry, LimitedReader, Limits, LocalFile,
    Source,
};
use crate::text::{display_name, name_from_bytes};
use crate::{Error, Result};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use zip::ZipArchive;

/// A member of an open zip archive.
pub(super) struct ZipMember {
    at: MemberAt,
    temp: Arc<tempfile::TempDir>,
}

/// Where a member's bytes are.
enum MemberAt {
    /// Listed by the central directory.
    Indexed {
        /// Shared by every member of the archive (an entry stays small).
        archive: Arc<ZipArchive<SharedFile>>,
        index: usize,
    },
    /// Found by walking the local headers of a damaged archive (see `salvage`).
    Local {
        file: SharedFile,
        entry: Box<salvage::LocalEntry>,
    },
}

impl ZipMember {
    pub(super) fn with_reader<T>(
        &self,
        path: &str,
        limits: &Limits,
        f: impl FnOnce(&mut dyn Read) -> T,
    ) -> Result<T> {
        let zip_err = |e: zip::result::ZipError| Error::Zip {
            path: path.to_string(),
            reason: e.to_string(),
        };
        match &self.at {
            MemberAt::Indexed { archive, index } => {
                let mut archive = ZipArchive::clone(archive);
                let mut member = archive.by_index(*index).map_err(zip_err)?;
                let mut r = LimitedReader::new(&mut member, limits.max_entry_bytes);
                Ok(f(&mut r))
            }
            MemberAt::Local { file, entry } => {
                let mut file = file.clone();
                file.seek(SeekFrom::Start(entry.offset))
                    .map_err(|e| Error::io(path, e))?;
                let member = if entry.descriptor {
                    zip::read::read_zipfile_from_stream_with_compressed_size(
                        &mut file,
                        entry.compressed,
                    )
                } else {
                    zip::read::read_zipfile_from_stream(&mut file)
                };
                let mut member = member.map_err(zip_err)?.ok_or_else(|| Error::Zip {
                    path: path.to_string(),
                    reason: "no member header where the scan found one".into(),
                })?;
                // The zip crate does not bound a data-descriptor member's output: the
                // size the walk counted does (see `Walk::salvaged`).
                let what = if entry.sized {
                    Bound::Declared
                } else {
                    Bound::Ratio
                };
                let declared = LimitedReader::bounded(&mut member, entry.size, what);
                let mut r = LimitedReader::new(declared, limits.max_entry_bytes);
                Ok(f(&mut r))
            }
        }
    }

    pub(super) fn spill(&self, path: &str, limits: &Limits) -> Result<LocalFile> {
        let mut tmp = tempfile::NamedTempFile::new_in(self.temp.path())
            .map_err(|e| Error::io(self.temp.path().display().to_string(), e))?;
        let copied = self.with_reader(path, limits, |r| io::copy(r, tmp.as_file_mut()))?;
        copied.map_err(|e| Error::io(path, e))?;
        let temp_path = tmp.into_temp_path();
        Ok(LocalFile {
            path: temp_path.to_path_buf(),
            _temp: Some(temp_path),
        })
    }
}

/// Opens a zip file as a bundle.
pub(super) fn open_zip(path: &Path, limits: &Limits, temp_root: &Path) -> Result<Bundle> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(&shown, e))?;
    let id = zip_id(path, &file).map_err(|e| Error::io(&shown, e))?;
    let mut walk = Walk::new(limits, temp_root)?;
    match open_archive(file.try_clone().map_err(|e| Error::io(&shown, e))?, &shown) {
        Ok(archive) => walk.archive(archive, "", 0),
        Err(e) => {
            let shared = SharedFile::new(file).map_err(|e| Error::io(&shown, e))?;
            let stop = walk.salvaged(shared, "", &e.to_string(), 0);
            if walk.entries.is_empty() && walk.unreadable.is_empty() {
                return Err(Error::Zip {
                    path: shown,
                    reason: format!("{e}; no member could be recovered either: {stop}"),
                });
            }
        }
    }
    Ok(walk.into_bundle(id, super::input_name(path)))
}

pub(super) fn open_archive(file: File, shown: &str) -> Result<ZipArchive<SharedFile>> {
    let reader = SharedFile::new(file).map_err(|e| Error::io(shown, e))?;
    ZipArchive::new(reader).map_err(|e| Error::Zip {
        path: shown.to_string(),
        reason: e.to_string(),
    })
}

/// The id of a zip bundle: its file name and a hash of all its bytes (xxh3, several
/// GB/s: small next to inflating them). Sampling the head and tail gave two different
/// bundles of the same name and size the same id, and the second replaced the first's
/// files in the dataset.
fn zip_id(path: &Path, file: &File) -> io::Result<String> {
    let mut r = SharedFile::new(file.try_clone()?)?;
    let digest = super::content_digest(&mut r)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(bundle_id(&[
        name.as_bytes(),
        &r.size().to_le_bytes(),
        &digest.to_le_bytes(),
    ]))
}

/// Bytes from the end of a file in which the end record of a zip can start: the record
/// (22 bytes) and the longest comment (65,535).
const EOCD_REACH: u64 = 22 + 65_535;

/// Whether a file that does not start like a zip is one after a stub (a self-extracting
/// archive: an executable, then the zip): its end record is in its last 64 KiB and the
/// central directory it points to can be read.
pub(super) fn is_self_extracting(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let Ok(mut r) = SharedFile::new(file) else {
        return false;
    };
    let from = r.size().saturating_sub(EOCD_REACH);
    let mut tail = vec![0u8; (r.size() - from) as usize];
    if r.read_at(&mut tail, from).is_err() || !tail.windows(4).any(|w| w == b"PK\x05\x06") {
        return false;
    }
    r.seek(SeekFrom::Start(0)).ok();
    ZipArchive::new(r).is_ok_and(|a| !a.is_empty())
}

/// What the central directory (or a salvage scan) says of a member.
struct Found {
    /// Name as shown (see [`member_name`]).
    name: String,
    size: u64,
    compressed: u64,
    is_dir: bool,
    symlink: bool,
    encrypted: bool,
}

/// The zip part of a walk: archives, their members, and zips nested in them or in a
/// folder.
impl Walk<'_> {
    fn archive(&mut self, archive: ZipArchive<SharedFile>, prefix: &str, depth: usize) {
        if archive.has_duplicate_names() {
            self.skip(
                format!("{prefix}(duplicate names)"),
                0,
                "the archive lists several members under the same name; only the last of each is read".into(),
                true,
            );
        }
        let overlaps = overlaps(&archive);
        let archive = Arc::new(archive);
        for (index, overlap) in overlaps.into_iter().enumerate() {
            if let Some(first) = overlap {
                self.skip_overlapping(&archive, index, first, prefix);
                continue;
            }
            let Ok(meta) = archive.by_index_data(index) else {
                self.skip(
                    format!("{prefix}#{index}"),
                    0,
                    "unreadable central directory entry".into(),
                    false,
                );
                continue;
            };
            let found = Found {
                name: member_name(&meta),
                size: meta.size(),
                compressed: meta.compressed_size(),
                is_dir: meta.is_dir(),
                symlink: meta.is_symlink(),
                encrypted: meta.encrypted(),
            };
            let at = MemberAt::Indexed {
                archive: Arc::clone(&archive),
                index,
            };
            self.member(found, at, prefix, depth);
        }
    }

    /// Lists member `index`, whose bytes overlap those of member `first`, as not read.
    fn skip_overlapping(
        &mut self,
        archive: &ZipArchive<SharedFile>,
        index: usize,
        first: usize,
        prefix: &str,
    ) {
        let name = |i: usize| match archive.by_index_data(i) {
            Ok(m) => format!("{prefix}{}", member_name(&m)),
            Err(_) => format!("{prefix}#{i}"),
        };
        let size = archive.by_index_data(index).map(|m| m.size()).unwrap_or(0);
        self.skip(
            name(index),
            size,
            format!(
                "its bytes overlap those of member '{}', an overlapping-entry zip bomb: \
                 only the first of overlapping members is read",
                name(first)
            ),
            false,
        );
    }

    /// Walks a damaged archive (no readable central directory) by its local headers;
    /// returns why the walk stopped.
    fn salvaged(&mut self, file: SharedFile, prefix: &str, why: &str, depth: usize) -> String {
        let scan = salvage::scan(&file);
        let stop = scan.stop.clone();
        let label = if prefix.is_empty() {
            "(archive)".to_string()
        } else {
            prefix.trim_end_matches('/').to_string()
        };
        let note = format!(
            "damaged zip ({why}): {} member(s) recovered from their local headers; {}",
            scan.entries.len(),
            scan.stop
        );
        self.opened(label, file.size(), note, true);
        for mut entry in scan.entries {
            if !entry.sized {
                // No declared size: the ratio limit bounds what its bytes may inflate to.
                let bound = entry.compressed.saturating_mul(self.limits.max_ratio);
                entry.size = entry.size.max(bound.min(self.limits.max_entry_bytes));
            }
            let found = Found {
                name: name_from_bytes(&entry.name),
                size: entry.size,
                compressed: entry.compressed,
                is_dir: entry.name.ends_with(b"/"),
                symlink: false,
                encrypted: entry.encrypted,
            };
            let at = MemberAt::Local {
                file: file.clone(),
                entry: Box::new(entry),
            };
            self.member(found, at, prefix, depth);
        }
        stop
    }

    /// One member, listed by the central directory or found by a salvage scan.
    fn member(&mut self, m: Found, at: MemberAt, prefix: &str, depth: usize) {
        let path = format!("{prefix}{}", m.name);
        let size = m.size;
        if m.is_dir && size == 0 && m.compressed <= 2 {
            return;
        }
        if m.is_dir {
            self.skip(
                path,
                size,
                format!("named like a folder (ends with '/') but holds {size} bytes; not read"),
                false,
            );
            return;
        }
        if m.symlink {
            self.skip(
                path,
                size,
                "symbolic link inside the archive; links are not followed".into(),
                false,
            );
            return;
        }
        if m.encrypted {
            self.skip(
                path,
                size,
                "encrypted (password-protected) member; corvid does not decrypt".into(),
                false,
            );
            return;
        }
        if let Some(reason) = self.over_limits(size, m.compressed) {
            self.skip(path, size, reason, false);
            return;
        }
        self.total += size;
        let member = ZipMember {
            at,
            temp: self.temp.clone(),
        };
        if is_nested_zip(&member, &m.name, self.limits) {
            if depth + 1 > self.limits.max_depth {
                self.skip(
                    path,
                    size,
                    format!(
                        "zip nested deeper than {} levels (raise with --max-depth)",
                        self.limits.max_depth
                    ),
                    true,
                );
                return;
            }
            self.nested(member, path, size, depth);
            return;
        }
        self.entries.push(Entry {
            path,
            size,
            source: Source::Zip(member),
        });
    }

    fn nested(&mut self, member: ZipMember, path: String, size: u64, depth: usize) {
        let spilled = member.spill(&path, self.limits).and_then(|local| {
            let file = File::open(&local.path).map_err(|e| Error::io(&path, e))?;
            Ok((local, file))
        });
        let opened = spilled.and_then(|(local, file)| {
            let copy = file.try_clone().map_err(|e| Error::io(&path, e))?;
            match open_archive(file, &path) {
                Ok(archive) => Ok((local, Ok(archive))),
                Err(e) => Ok((local, Err((copy, e)))),
            }
        });
        match opened {
            Ok((local, Err((file, e)))) => {
                let _ = local._temp.map(|t| t.keep());
                match SharedFile::new(file) {
                    Ok(shared) => {
                        self.salvaged(shared, &format!("{path}/"), &e.to_string(), depth + 1);
                    }
                    Err(io) => {
                        self.skip(path, size, format!("nested zip cannot be read: {io}"), true)
                    }
                }
            }
            Ok((local, Ok(archive))) => {
                let note = format!("nested zip with {} members, read", archive.len());
                self.opened(path.clone(), size, note, false);
                // Keep the spilled copy alive as long as the bundle: the temp dir owns it.
                let _ = local._temp.map(|t| t.keep());
                self.archive(archive, &format!("{path}/"), depth + 1);
            }
            Err(e) => self.skip(path, size, format!("nested zip cannot be read: {e}"), true),
        }
    }

    /// Opens a zip file found inside a folder bundle and walks it as a nested archive.
    pub(super) fn zip_in_folder(&mut self, file: &Path, path: String, size: u64, depth: usize) {
        if depth + 1 > self.limits.max_depth {
            self.skip(
                path,
                size,
                format!(
                    "zip nested deeper than {} levels (raise with --max-depth)",
                    self.limits.max_depth
                ),
                true,
            );
            return;
        }
        match File::open(file)
            .map_err(|e| Error::io(&path, e))
            .and_then(|f| open_archive(f, &path))
        {
            Ok(archive) => {
                let note = format!("zip with {} members, read", archive.len());
                self.opened(path.clone(), size, note, false);
                self.archive(archive, &format!("{path}/"), depth + 1);
            }
            Err(e) => self.skip(path, size, format!("zip cannot be read: {e}"), true),
        }
    }
}

/// A member's name as shown: decoded as CP437 or UTF-8 as its flags say, else its bytes
/// with those that are not UTF-8 written `\xNN` (see `text::name_from_bytes`).
fn member_name(meta: &zip::read::ZipFileEntry<'_>) -> String {
    meta.name()
        .map(|n| display_name(&n))
        .unwrap_or_else(|_| name_from_bytes(meta.name_raw()))
}

/// For each member of `archive`, the member whose bytes it overlaps (see `overlap`).
fn overlaps(archive: &ZipArchive<SharedFile>) -> Vec<Option<usize>> {
    let file = archive.clone().into_inner();
    let spans: Vec<_> = (0..archive.len())
        .map(|i| {
            let m = archive.by_index_data(i).ok()?;
            Some(overlap::span(&file, m.header_start(), m.compressed_size()))
        })
        .collect();
    overlap::overlapping(&spans)
}

/// Whether a member is itself a zip: by its magic bytes (whatever its name).
fn is_nested_zip(member: &ZipMember, name: &str, limits: &Limits) -> bool {
    let mut magic = [0u8; 4];
    let n = member
        .with_reader(name, limits, |r| read_up_to(r, &mut magic))
        .ok()
        .and_then(|r| r.ok())
        .unwrap_or(0);
    n == 4 && is_zip_magic(&magic)
}
