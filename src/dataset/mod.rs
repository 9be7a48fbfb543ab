//! The Parquet dataset: `OUT/dataset/<table>/host=<host>/part-<bundle>-<n>.parquet`.
//! Files are written under a staging folder with temporary names, renamed when
//! complete, and moved into place when the whole bundle is done; a re-run of the same
//! bundle replaces its own files and leaves other bundles' files alone.

mod part;

pub use part::{Codec, PartWriter};

use crate::tables::TableId;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// A bundle's files being written into a dataset folder.
pub struct Staging {
    root: PathBuf,
    dir: PathBuf,
    bundle_id: String,
    codec: Codec,
}

impl Staging {
    /// Starts writing bundle `bundle_id` into `root` (the `dataset` folder), its pages
    /// compressed with `codec`.
    pub fn begin(root: &Path, bundle_id: &str, codec: Codec) -> Result<Staging> {
        std::fs::create_dir_all(root).map_err(|e| Error::output(root.display().to_string(), e))?;
        // A previous run of this bundle that was interrupted leaves its staging folder.
        remove_stale_staging(root, bundle_id);
        let dir = root.join(format!(".staging-{bundle_id}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::output(dir.display().to_string(), e))?;
        Ok(Staging {
            root: root.to_path_buf(),
            dir,
            bundle_id: bundle_id.to_string(),
            codec,
        })
    }

    /// A writer for the part files of task `task` (one file per table it writes).
    pub fn part_writer(&self, task: usize) -> PartWriter {
        PartWriter::new(self.dir.clone(), self.bundle_id.clone(), task, self.codec)
    }

    /// Moves the staged files into `table/host=<host>/`, replacing this bundle's files
    /// from earlier runs, and writes an empty file for each table that got no rows so
    /// every table exists with its schema.
    pub fn commit(self, host: &str) -> Result<Vec<PathBuf>> {
        let host_dir = format!("host={}", safe_host(host));
        let mut placed = Vec::new();
        for id in TableId::ALL {
            let name = id.name();
            let staged_dir = self.dir.join(name);
            let mut staged: Vec<PathBuf> = std::fs::read_dir(&staged_dir)
                .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
                .unwrap_or_default();
            staged.retain(|p| p.extension().is_some_and(|e| e == "parquet"));
            if staged.is_empty() {
                staged.push(self.part_writer(0).write_empty(id)?);
            }
            staged.sort();
            let dest_dir = self.root.join(name).join(&host_dir);
            std::fs::create_dir_all(&dest_dir)
                .map_err(|e| Error::output(dest_dir.display().to_string(), e))?;
            for src in staged {
                let dest = dest_dir.join(src.file_name().expect("staged files have names"));
                std::fs::rename(&src, &dest)
                    .map_err(|e| Error::output(dest.display().to_string(), e))?;
                placed.push(dest);
            }
        }
        self.remove_replaced(&placed);
        Ok(placed)
    }

    /// Deletes this bundle's files from earlier runs that the new run did not replace.
    fn remove_replaced(&self, placed: &[PathBuf]) {
        let prefix = format!("part-{}-", self.bundle_id);
        for id in TableId::ALL {
            let Ok(hosts) = std::fs::read_dir(self.root.join(id.name())) else {
                continue;
            };
            for host in hosts.filter_map(|e| e.ok()) {
                let Ok(files) = std::fs::read_dir(host.path()) else {
                    continue;
                };
                for f in files.filter_map(|e| e.ok()) {
                    let p = f.path();
                    let is_ours = f.file_name().to_string_lossy().starts_with(&prefix);
                    if is_ours && !placed.contains(&p) {
                        let _ = std::fs::remove_file(&p);
                    }
                }
                let _ = std::fs::remove_dir(host.path());
            }
        }
    }

    /// Abandons the staged files.
    pub fn abort(self) {}
}

/// A bundle that is not committed (an error, an interrupt) leaves nothing behind.
impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn remove_stale_staging(root: &Path, bundle_id: &str) {
    let prefix = format!(".staging-{bundle_id}-");
    if let Ok(rd) = std::fs::read_dir(root) {
        for e in rd.filter_map(|e| e.ok()) {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// A host name made safe as one path component.
pub fn safe_host(host: &str) -> String {
    let s: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('.');
    if s.is_empty() {
        "unknown".into()
    } else {
        s.chars().take(128).collect()
    }
}
