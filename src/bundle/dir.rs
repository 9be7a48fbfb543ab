//! Folder bundles and loose files: walks a folder without following symbolic links
//! (a link is listed as not read), in a stable order; zips found inside are opened as
//! nested archives.

use super::walk::Walk;
use super::{bundle_id, is_zip_magic, read_up_to, Bundle, Entry, Limits, Source};
use crate::text::{display_name, name_from_bytes};
use crate::{Error, Result};
use rayon::prelude::*;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Opens a folder as a bundle.
pub(super) fn open_dir(root: &Path, limits: &Limits, temp_root: &Path) -> Result<Bundle> {
    let mut w = Walk::new(limits, temp_root)?;
    walk_dir(root, "", 0, &mut w)?;
    let mut files: Vec<(&str, u64, &Path)> = w
        .entries
        .iter()
        .filter_map(|e| e.file_path().map(|p| (e.path.as_str(), e.size, p)))
        .collect();
    files.sort();
    let id = content_id(root_name(root), &files);
    Ok(w.into_bundle(id, super::input_name(root)))
}

/// Loose files named on the command line form one bundle. One that is not a regular
/// file (a FIFO, a device) is listed and never opened: opening a FIFO blocks.
pub(super) fn open_files(files: &[PathBuf], limits: &Limits, temp_root: &Path) -> Result<Bundle> {
    let mut w = Walk::new(limits, temp_root)?;
    let mut ided: Vec<(String, u64, &Path)> = Vec::new();
    for f in files {
        let meta = std::fs::metadata(f).map_err(|e| Error::io(f.display().to_string(), e))?;
        let shown = display_name(&f.display().to_string());
        if !meta.is_file() {
            w.skip(shown, 0, NOT_REGULAR.into(), false);
            continue;
        }
        ided.push((root_name(f), meta.len(), f));
        add_file(f, shown, meta.len(), 0, &mut w);
    }
    let refs: Vec<(&str, u64, &Path)> = ided.iter().map(|(n, s, p)| (n.as_str(), *s, *p)).collect();
    let label = files
        .iter()
        .map(|f| super::input_name(f))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(w.into_bundle(content_id(String::new(), &refs), label))
}

const NOT_REGULAR: &str = "not a regular file (device, socket or pipe); not opened";

/// The id of files read from disk: their names, sizes and a digest of samples of their
/// bytes (see [`sampled_digest`]). Two servers' folders whose files have the same names
/// and sizes get different ids. (Digesting every byte, as a zip's id does, read a
/// 4 GB folder twice: 20 % of a run.)
fn content_id(root: String, files: &[(&str, u64, &Path)]) -> String {
    let digests: Vec<u128> = files
        .par_iter()
        .map(|&(_, size, full)| sampled_digest(full, size).unwrap_or(0))
        .collect();
    let mut parts: Vec<Vec<u8>> = vec![root.into_bytes()];
    for (&(name, size, _), d) in files.iter().zip(&digests) {
        parts.push(name.as_bytes().to_vec());
        parts.push(size.to_le_bytes().to_vec());
        parts.push(d.to_le_bytes().to_vec());
    }
    let refs: Vec<&[u8]> = parts.iter().map(|v| v.as_slice()).collect();
    bundle_id(&refs)
}

/// Bytes digested at each sampled point of a file.
const SAMPLE: u64 = 64 << 10;
/// Points sampled: the head, the tail and three between.
const SAMPLES: u64 = 5;

/// An xxh3 digest of a file's first `size` bytes if it is small, else of 64 KiB at
/// five evenly spaced points (the head and the tail included): two logs of different
/// servers, or of different hours, differ in every one of them (times, addresses).
fn sampled_digest(path: &Path, size: u64) -> std::io::Result<u128> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path)?;
    if size <= SAMPLE * SAMPLES {
        return super::content_digest(&mut file.take(size));
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; SAMPLE as usize];
    for k in 0..SAMPLES {
        let at = (size - SAMPLE) / (SAMPLES - 1) * k;
        let n = file.read_at(&mut buf, at)?;
        h.update(&buf[..n]);
    }
    Ok(h.digest128())
}

fn root_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Whether a file's first bytes are those of a stub a zip can follow (a self-extracting
/// archive): a Windows executable or a script.
fn stub_head(magic: &[u8]) -> bool {
    magic.starts_with(b"MZ") || magic.starts_with(b"#!")
}

fn add_file(full: &Path, path: String, size: u64, depth: usize, w: &mut Walk<'_>) {
    if let Some(reason) = w.over_limits(size, size) {
        w.skip(path, size, reason, false);
        return;
    }
    let mut magic = [0u8; 4];
    let head = std::fs::File::open(full)
        .and_then(|mut f| read_up_to(&mut f, &mut magic))
        .map(|n| &magic[..n])
        .unwrap_or(&[]);
    let is_zip = is_zip_magic(head) || (stub_head(head) && super::zip::is_self_extracting(full));
    if is_zip {
        w.zip_in_folder(full, path, size, depth);
        return;
    }
    w.total += size;
    w.entries.push(Entry {
        path,
        size,
        source: Source::File(full.to_path_buf()),
    });
}

fn walk_dir(dir: &Path, prefix: &str, depth: usize, w: &mut Walk<'_>) -> Result<()> {
    let read = std::fs::read_dir(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let mut children: Vec<_> = read.filter_map(|e| e.ok()).collect();
    children.sort_by_key(|e| e.file_name());
    for child in children {
        let name = name_from_bytes(child.file_name().as_bytes());
        let path = format!("{prefix}{name}");
        let full = child.path();
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            w.skip(path, 0, "cannot read file metadata".into(), false);
            continue;
        };
        let ft = meta.file_type();
        if w.is_output(&meta) {
            w.skip(
                format!("{path}/"),
                0,
                "the output folder of this run (-o): not read, or a second run would read the first one's output".into(),
                false,
            );
        } else if ft.is_symlink() {
            w.skip(
                path,
                0,
                "symbolic link; links are not followed".into(),
                false,
            );
        } else if ft.is_dir() {
            if depth >= 64 {
                w.skip(
                    path,
                    0,
                    "folder nested more than 64 levels deep".into(),
                    false,
                );
                continue;
            }
            walk_dir(&full, &format!("{path}/"), depth + 1, w)?;
        } else if ft.is_file() {
            add_file(&full, path, meta.len(), 0, w);
        } else {
            w.skip(path, 0, NOT_REGULAR.into(), false);
        }
    }
    Ok(())
}
