//! The crate's error type: every error names the file (and line or offset where it
//! has one) and says what went wrong.

use std::io;

/// Errors that stop a unit of work (a run, an input, an entry).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a named path.
    #[error("{path}: {source}")]
    Io {
        /// File or folder the operation was on.
        path: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A zip archive that cannot be read.
    #[error("{path}: cannot read the zip archive: {reason}")]
    Zip {
        /// The archive.
        path: String,
        /// What the zip reader reported.
        reason: String,
    },
    /// Input that breaks a limit set to protect the machine.
    #[error("{path}: {reason}")]
    Limit {
        /// The entry or archive.
        path: String,
        /// Which limit, and the option that raises it.
        reason: String,
    },
    /// Writing the dataset failed.
    #[error("writing {path}: {reason}")]
    Output {
        /// File being written.
        path: String,
        /// What failed.
        reason: String,
    },
    /// The user asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// The run was interrupted (SIGINT/SIGTERM).
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<String>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An output error on `path`.
    pub fn output(path: impl Into<String>, reason: impl std::fmt::Display) -> Error {
        Error::Output {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
