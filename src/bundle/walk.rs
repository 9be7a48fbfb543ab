//! The walk over a bundle's containers (folders, zips, nested zips): what it has found
//! so far (readable entries, unreadable ones, archives opened), the size limits it
//! applies on the way, and the sorted [`Bundle`] it makes at the end. The folder and
//! zip walks themselves are in `dir` and `zip`.

use super::{Archive, Bundle, Entry, Limits, Unreadable};
use crate::{Error, Result};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;

/// What a walk over a bundle's containers has found so far.
pub(super) struct Walk<'a> {
    pub(super) limits: &'a Limits,
    /// Private folder for nested archives and copies of members.
    pub(super) temp: Arc<tempfile::TempDir>,
    pub(super) entries: Vec<Entry>,
    pub(super) unreadable: Vec<Unreadable>,
    pub(super) archives: Vec<Archive>,
    /// Uncompressed bytes of the entries taken so far.
    pub(super) total: u64,
    /// The output folder (device, inode), never walked into.
    output: Option<(u64, u64)>,
}

impl<'a> Walk<'a> {
    /// An empty walk under `limits`, with a private folder for its copies under
    /// `temp_root` (removed when the bundle is dropped).
    pub(super) fn new(limits: &'a Limits, temp_root: &Path) -> Result<Self> {
        let temp = tempfile::Builder::new()
            .prefix(".corvid-tmp-")
            .tempdir_in(temp_root)
            .map_err(|e| Error::io(temp_root.display().to_string(), e))?;
        let output = std::fs::metadata(temp_root)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        Ok(Walk {
            output,
            limits,
            temp: Arc::new(temp),
            entries: Vec::new(),
            unreadable: Vec::new(),
            archives: Vec::new(),
            total: 0,
        })
    }

    /// Whether `meta` is the output folder's.
    pub(super) fn is_output(&self, meta: &std::fs::Metadata) -> bool {
        meta.is_dir() && self.output == Some((meta.dev(), meta.ino()))
    }

    /// Lists `path` as not read, with the reason; `archive` if it is a container.
    pub(super) fn skip(&mut self, path: String, size: u64, reason: String, archive: bool) {
        self.unreadable.push(Unreadable {
            path,
            size,
            reason,
            archive,
        });
    }

    /// Lists an archive that was opened (`damaged`: only in part).
    pub(super) fn opened(&mut self, path: String, size: u64, note: String, damaged: bool) {
        self.archives.push(Archive {
            path,
            size,
            note,
            damaged,
        });
    }

    /// Why an entry of `size` bytes (`compressed` in its container) is not taken, if it
    /// breaks a limit.
    pub(super) fn over_limits(&self, size: u64, compressed: u64) -> Option<String> {
        let l = self.limits;
        if size > l.max_entry_bytes {
            return Some(format!(
                "uncompressed size {size} bytes is over the limit of {} (raise with --max-entry-size)",
                l.max_entry_bytes
            ));
        }
        if size > (1 << 20) && size / compressed.max(1) > l.max_ratio {
            return Some(format!(
                "compression ratio {}:1 is over the limit of {}:1, a likely zip bomb (raise with --max-ratio)",
                size / compressed.max(1),
                l.max_ratio
            ));
        }
        if self.total + size > l.max_total_bytes {
            return Some(format!(
                "the bundle's total uncompressed size would exceed {} bytes (raise with --max-total-size)",
                l.max_total_bytes
            ));
        }
        None
    }

    /// What the walk found, sorted by path, as the bundle `id` named `label`.
    pub(super) fn into_bundle(self, id: String, label: String) -> Bundle {
        let Walk {
            mut entries,
            mut unreadable,
            mut archives,
            temp,
            ..
        } = self;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        tell_apart(&mut entries);
        unreadable.sort_by(|a, b| a.path.cmp(&b.path));
        archives.sort_by(|a, b| a.path.cmp(&b.path));
        Bundle {
            id,
            label,
            entries,
            unreadable,
            archives,
            _temp: Some(temp),
        }
    }
}

/// Gives entries that share a path (members `a/b` and `a\\b`, both shown `a/b`; a zip
/// listing a name twice) paths of their own, so no two share a `source_file`: the
/// second and later are `<path> (#k of n members named so)`, in listing order.
/// `entries` is sorted by path (stable).
fn tell_apart(entries: &mut [Entry]) {
    let mut i = 0;
    while i < entries.len() {
        let n = entries[i..]
            .iter()
            .take_while(|e| e.path == entries[i].path)
            .count();
        for (k, e) in entries[i + 1..i + n].iter_mut().enumerate() {
            e.path = format!("{} (#{} of {n} members named so)", e.path, k + 2);
        }
        i += n;
    }
}
