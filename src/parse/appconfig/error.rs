//! Hard errors ([`Error`]) and the resource bounds ([`Limits`]) that can trigger them.

use std::fmt;

/// Bounds on the work one [`crate::parse::appconfig::parse`] call may do on untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input size in bytes (before any transcoding).
    pub max_bytes: u64,
    /// Maximum element nesting depth (the root element is depth 1).
    pub max_depth: usize,
    /// Maximum number of elements in the document; also bounds the number of
    /// collection entries copied from defaults into pools and sites.
    pub max_elements: u64,
}

impl Default for Limits {
    /// 64 MiB, depth 64, 1,000,000 elements (a stock applicationHost.config is about
    /// 80 KB, depth 6, 1,500 elements).
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_elements: 1_000_000,
        }
    }
}

/// Which [`Limits`] field was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// [`Limits::max_bytes`].
    MaxBytes,
    /// [`Limits::max_depth`].
    MaxDepth,
    /// [`Limits::max_elements`].
    MaxElements,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::MaxBytes => "max_bytes",
            LimitKind::MaxDepth => "max_depth",
            LimitKind::MaxElements => "max_elements",
        })
    }
}

/// Why a document could not be read at all. Byte offsets refer to the input as given
/// (UTF-16 input: offset in the original UTF-16 bytes, BOM included).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the input failed.
    #[error("cannot read input: {0}")]
    Io(#[from] std::io::Error),
    /// A [`Limits`] bound was exceeded.
    #[error("limit {limit} = {max} exceeded at byte {offset}")]
    LimitExceeded {
        /// The bound that was hit.
        limit: LimitKind,
        /// Its configured value.
        max: u64,
        /// Byte offset where it was hit.
        offset: u64,
    },
    /// The input is not well-formed XML.
    #[error("malformed XML at byte {offset}: {reason}")]
    Malformed {
        /// Byte offset of the problem (quick-xml `error_position` or the offending tag).
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The input uses an encoding this reader does not handle (UTF-32).
    #[error("unsupported encoding: {0}")]
    UnsupportedEncoding(String),
}
