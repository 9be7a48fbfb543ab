//! How the EVTX reader meets the file and the crate's errors: a file cut inside a
//! chunk padded to whole chunks, and parse error rows for the damage the crate reports,
//! with where it is.

use crate::parse::ErrorReport;
use evtx::err::EvtxError;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes of the file header block before the first chunk.
pub const HEADER_BLOCK: u64 = 4096;
/// Bytes of one chunk.
pub const CHUNK_BYTES: u64 = 65536;

/// An .evtx file as the evtx crate is given it: a file cut inside a chunk reads as if
/// that chunk were complete, with zeros after the cut, so that the crate parses the
/// chunk and gives up the records before the cut (and reports the damage) instead of
/// leaving the partial chunk out without a word.
pub struct PaddedChunks {
    file: File,
    len: u64,
    padded: u64,
    pos: u64,
}

impl PaddedChunks {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let partial = len.saturating_sub(HEADER_BLOCK) % CHUNK_BYTES;
        let padded = if len > HEADER_BLOCK && partial > 0 {
            len + (CHUNK_BYTES - partial)
        } else {
            len
        };
        Ok(PaddedChunks {
            file,
            len,
            padded,
            pos: 0,
        })
    }

    /// What is missing, if the file ends inside a chunk.
    pub fn cut(&self) -> Option<String> {
        (self.padded > self.len).then(|| {
            let chunk = (self.len - HEADER_BLOCK) / CHUNK_BYTES;
            format!(
                "the file ends {} bytes into chunk {chunk} (truncated): the records after the cut are lost",
                (self.len - HEADER_BLOCK) % CHUNK_BYTES
            )
        })
    }
}

impl Read for PaddedChunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        if self.pos >= self.padded || buf.is_empty() {
            return Ok(0);
        }
        let n = if self.pos < self.len {
            let want = buf.len().min((self.len - self.pos) as usize);
            self.file.read_at(&mut buf[..want], self.pos)?
        } else {
            let n = buf.len().min((self.padded - self.pos) as usize);
            buf[..n].fill(0);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PaddedChunks {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let new = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.padded.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

/// A parse error row for a chunk or record the crate could not read: where it is (record
/// id, file offset) and the whole chain of causes.
pub fn damage_report(e: &EvtxError) -> ErrorReport {
    use EvtxError as E;
    const HEADER: u64 = HEADER_BLOCK;
    const CHUNK: u64 = CHUNK_BYTES;
    let (record, offset) = match e {
        E::FailedToParseChunk { chunk_id, .. } => (None, Some(HEADER + chunk_id * CHUNK)),
        E::FailedToParseRecord { record_id, .. } => (Some(*record_id), None),
        E::FailedToReadRecordAt { chunk, offset, .. } => {
            (None, chunk.map(|c| HEADER + c * CHUNK + offset))
        }
        _ => (None, None),
    };
    ErrorReport {
        line: None,
        record,
        offset,
        reason: format!("event log damage: {}", causes(e)),
        raw: String::new(),
    }
}

/// An error and the whole chain of its causes, joined by ": ".
pub fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
