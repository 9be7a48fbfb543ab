//! Progress on stderr: files and bytes done, with the rate. Silent when stderr is not a
//! terminal or with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set by the signal handler; readers stop at their next read.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the signal handlers: the first SIGINT or SIGTERM sets [`INTERRUPTED`] (the
/// readers stop at their next read and the run removes what it staged), a second one
/// exits at once with status 130; SIGXFSZ is caught so that a file size limit makes the
/// write fail with an error that names the file instead of killing corvid.
pub fn install_signal_handlers() {
    use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
    for sig in [SIGINT, SIGTERM] {
        // SAFETY: the handler only swaps an atomic or calls `_exit`, both
        // async-signal-safe.
        let _ = unsafe {
            signal_hook::low_level::register(sig, || {
                if INTERRUPTED.swap(true, Ordering::SeqCst) {
                    signal_hook::low_level::exit(130);
                }
            })
        };
    }
    // SAFETY: an empty handler.
    let _ = unsafe { signal_hook::low_level::register(SIGXFSZ, || {}) };
}

/// Whether the run was interrupted.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// A progress bar over bytes of input (cheap to clone, shared by threads).
#[derive(Clone)]
pub struct Progress {
    bar: Arc<ProgressBar>,
}

impl Progress {
    /// A bar for `total` bytes, drawn only if `show` and stderr is a terminal.
    pub fn new(total: u64, show: bool, label: &str) -> Progress {
        let bar = if show && io::stderr().is_terminal() {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b.set_prefix(label.to_string());
            b
        } else {
            ProgressBar::hidden()
        };
        Progress { bar: Arc::new(bar) }
    }

    /// A bar that never draws.
    pub fn hidden() -> Progress {
        Progress {
            bar: Arc::new(ProgressBar::hidden()),
        }
    }

    /// Adds `n` bytes done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Shows a message (the file being read, files done).
    pub fn message(&self, m: String) {
        self.bar.set_message(m);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A reader that reports bytes to a [`Progress`] and stops when the run is
/// interrupted.
pub struct Counting<'a, R> {
    inner: R,
    progress: &'a Progress,
    /// Bytes read through this reader.
    pub bytes: u64,
}

impl<'a, R: Read> Counting<'a, R> {
    /// Wraps `inner`.
    pub fn new(inner: R, progress: &'a Progress) -> Self {
        Counting {
            inner,
            progress,
            bytes: 0,
        }
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if interrupted() {
            return Err(io::Error::other("interrupted by a signal"));
        }
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        self.progress.inc(n as u64);
        Ok(n)
    }
}
