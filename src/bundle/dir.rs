//! Folder bundles and loose files: walks a folder without following symbolic links
//! (a link is listed as not read), in a stable order; zips found inside are opened as
//! nested archives.

use super::walk::Walk;
use super::{bundle_id, is_zip_magic, read_up_to, Bundle, Entry, Limits, Source};
use crate::text::display_name;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Opens a folder as a bundle.
pub(super) fn open_dir(root: &Path, limits: &Limits, temp_root: &Path) -> Result<Bundle> {
    let mut w = Walk::new(limits, temp_root)?;
    walk_dir(root, "", 0, &mut w)?;
    let mut id_parts: Vec<Vec<u8>> = vec![root_name(root).into_bytes()];
    let mut files: Vec<(&str, u64)> = w
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e.size))
        .collect();
    files.sort();
    for (p, s) in files {
        id_parts.push(p.as_bytes().to_vec());
        id_parts.push(s.to_le_bytes().to_vec());
    }
    let refs: Vec<&[u8]> = id_parts.iter().map(|v| v.as_slice()).collect();
    Ok(w.into_bundle(bundle_id(&refs), super::input_name(root)))
}

/// Loose files named on the command line form one bundle.
pub(super) fn open_files(files: &[PathBuf], limits: &Limits, temp_root: &Path) -> Result<Bundle> {
    let mut w = Walk::new(limits, temp_root)?;
    let mut id_parts: Vec<Vec<u8>> = Vec::new();
    for f in files {
        let meta = std::fs::metadata(f).map_err(|e| Error::io(f.display().to_string(), e))?;
        id_parts.push(root_name(f).into_bytes());
        id_parts.push(meta.len().to_le_bytes().to_vec());
        add_file(
            f,
            display_name(&f.display().to_string()),
            meta.len(),
            0,
            &mut w,
        );
    }
    let refs: Vec<&[u8]> = id_parts.iter().map(|v| v.as_slice()).collect();
    let label = files
        .iter()
        .map(|f| super::input_name(f))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(w.into_bundle(bundle_id(&refs), label))
}

fn root_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn add_file(full: &Path, path: String, size: u64, depth: usize, w: &mut Walk<'_>) {
    if let Some(reason) = w.over_limits(size, size) {
        w.skip(path, size, reason, false);
        return;
    }
    let mut magic = [0u8; 4];
    let is_zip = std::fs::File::open(full)
        .and_then(|mut f| read_up_to(&mut f, &mut magic))
        .map(|n| n == 4 && is_zip_magic(&magic))
        .unwrap_or(false);
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
        let name = display_name(&child.file_name().to_string_lossy());
        let path = format!("{prefix}{name}");
        let full = child.path();
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            w.skip(path, 0, "cannot read file metadata".into(), false);
            continue;
        };
        let ft = meta.file_type();
        if ft.is_symlink() {
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
            w.skip(
                path,
                0,
                "not a regular file (device, socket or pipe)".into(),
                false,
            );
        }
    }
    Ok(())
}
