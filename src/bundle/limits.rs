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
    /// What the limit is.
    what: Bound,
}

/// What a [`LimitedReader`]'s limit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `--max-entry-size`.
    EntrySize,
    /// The size the zip declares for the member.
    Declared,
    /// Compressed size times `--max-ratio`, for a member that declares no size.
    Ratio,
}

impl<R: Read> LimitedReader<R> {
    /// Wraps `inner`, allowing at most `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Self {
        LimitedReader {
            inner,
            left: limit,
            limit,
            what: Bound::EntrySize,
        }
    }

    /// Wraps `inner`, allowing at most `limit` bytes, which is `what`.
    pub fn bounded(inner: R, limit: u64, what: Bound) -> Self {
        LimitedReader {
            what,
            ..Self::new(inner, limit)
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
                _ => Err(io::Error::other(match self.what {
                    Bound::EntrySize => format!(
                        "entry is larger than the limit of {} bytes (raise it with --max-entry-size)",
                        self.limit
                    ),
                    Bound::Declared => format!(
                        "the member inflates past its declared size of {} bytes (a damaged or hostile zip)",
                        self.limit
                    ),
                    Bound::Ratio => format!(
                        "the member declares no size and inflates past {} bytes, its compressed size times --max-ratio (a likely zip bomb; raise with --max-ratio)",
                        self.limit
                    ),
                })),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}
