//! The bundle zip, written the way a collector writes it but deterministically: members
//! are compressed in parallel into private part archives, then copied (without
//! recompressing) into the bundle in path order with fixed timestamps.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// Deflate level of the bundle (Windows' "Optimal" is comparable).
pub const LEVEL: i64 = 6;

fn zip_err(e: zip::result::ZipError) -> io::Error {
    io::Error::other(e.to_string())
}

fn dos_time(micros: i64) -> DateTime {
    let (y, m, d) = crate::time::civil_from_days(micros.div_euclid(crate::time::MICROS_PER_DAY));
    let s = micros.rem_euclid(crate::time::MICROS_PER_DAY) / 1_000_000;
    DateTime::from_date_and_time(
        y.clamp(1980, 2107) as u16,
        m as u8,
        d as u8,
        (s / 3600) as u8,
        (s / 60 % 60) as u8,
        (s % 60) as u8,
    )
    .unwrap_or_default()
}

/// A part archive one worker writes members into.
pub struct MemberSink {
    zip: ZipWriter<BufWriter<File>>,
    path: PathBuf,
    open: bool,
}

impl MemberSink {
    /// A new part archive at `path`.
    pub fn create(path: &Path) -> io::Result<MemberSink> {
        let f = File::create(path)?;
        Ok(MemberSink {
            zip: ZipWriter::new(BufWriter::with_capacity(1 << 20, f)),
            path: path.to_path_buf(),
            open: false,
        })
    }

    /// Starts member `name`, last modified at `mtime` (microseconds, UTC).
    pub fn start(&mut self, name: &str, mtime: i64) -> io::Result<()> {
        let opts = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(LEVEL))
            .last_modified_time(dos_time(mtime))
            .large_file(false);
        self.zip.start_file(name, opts).map_err(zip_err)?;
        self.open = true;
        Ok(())
    }

    /// Writes to the current member.
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.zip.write_all(data)
    }

    /// A whole member at once.
    pub fn member(&mut self, name: &str, mtime: i64, data: &[u8]) -> io::Result<()> {
        self.start(name, mtime)?;
        self.write(data)
    }

    /// Finishes the part archive; returns its path.
    pub fn finish(self) -> io::Result<PathBuf> {
        let mut w = self.zip.finish().map_err(zip_err)?;
        w.flush()?;
        Ok(self.path)
    }
}

/// Copies the members of the part archives into `out`, sorted by name.
pub fn merge(parts: &[PathBuf], out: &Path) -> io::Result<u64> {
    let mut archives: Vec<ZipArchive<File>> = parts
        .iter()
        .map(|p| File::open(p).and_then(|f| ZipArchive::new(f).map_err(zip_err)))
        .collect::<io::Result<_>>()?;
    let mut index: Vec<(String, usize, usize)> = Vec::new();
    for (a, z) in archives.iter().enumerate() {
        for i in 0..z.len() {
            let name = z
                .name_for_index(i)
                .and_then(|n| n.ok())
                .map(|n| n.into_owned())
                .unwrap_or_default();
            index.push((name, a, i));
        }
    }
    index.sort();
    let tmp = out.with_extension("zip.tmp");
    let mut w = ZipWriter::new(BufWriter::with_capacity(1 << 20, File::create(&tmp)?));
    let mut total = 0u64;
    for (_, a, i) in index {
        let f = archives[a].by_index_raw(i).map_err(zip_err)?;
        total += f.size();
        w.raw_copy_file(f).map_err(zip_err)?;
    }
    w.finish().map_err(zip_err)?.flush()?;
    std::fs::rename(&tmp, out)?;
    Ok(total)
}
