//! Limits that protect the machine from hostile archives, and the reader that enforces
//! them on the bytes actually produced.

use std::io::{self, Read};

/// Bounds on what a bundle may make corvid read or write.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest uncompressed entry, in bytes (`--max-entry-size`).
    pub max_entry_bytes: u64,
    /// Largest total uncompressed size of one bundle (`--max-total-size`).
    pub max_total_bytes: u64,
    /// Largest compression ratio of an entry over 1 MiB (`--max-ratio`).
    pub max_ratio: u64,
    /// Deepest zip-in-zip nesting opened (`--max-depth`).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entry_bytes: 64 << 30,
            max_total_bytes: 256 << 30,
            max_ratio: 1000,
            max_depth: 4,
        }
    }
}

/// A reader that fails once more than `limit` bytes came out of it.
pub struct LimitedReader<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> LimitedReader<R> {
    /// Wraps `inner`, allowing at most `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Self {
        LimitedReader {
            inner,
            left: limit,
            limit,
        }
    }
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // Allow probing for EOF: only fail if more data really follows.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(format!(
                    "entry is larger than the limit of {} bytes (raise it with --max-entry-size)",
                    self.limit
                ))),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}
