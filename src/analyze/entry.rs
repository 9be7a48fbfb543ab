//! Reads one classified entry with the parser for its kind and describes what was read
//! (a manifest row).

use super::Options;
use crate::bundle::{Bundle, Entry};
use crate::domain::{EventForm, ReadStatus, SourceKind, TimeBasis};
use crate::parse::classify::{Classified, Kind};
use crate::parse::legacy::{Format, LocalClock};
use crate::parse::utf16::Utf16Reader;
use crate::parse::w3c::W3cStats;
use crate::parse::{access, appconfig, evtx, httperr, Carry, Emit};
use crate::progress::{Counting, Progress};
use crate::tables::BatchSink;
use crate::{Error, Result};
use std::io::Read;

/// What was read from one entry: a row of the manifest.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// Path in the bundle.
    pub path: String,
    /// What the entry is.
    pub kind: SourceKind,
    /// What became of reading it.
    pub status: ReadStatus,
    /// Why skipped or failed, or what went wrong.
    pub reason: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Text lines.
    pub lines: Option<u64>,
    /// Lines that became rows.
    pub data_lines: Option<u64>,
    /// Directive lines.
    pub directive_lines: Option<u64>,
    /// Blank lines.
    pub blank_lines: Option<u64>,
    /// Lines in `parse_errors`.
    pub error_lines: Option<u64>,
    /// Event records read.
    pub records: Option<u64>,
    /// Event records or chunks lost.
    pub record_failures: Option<u64>,
    /// `.evtx`: records read on the fast path (typed template values, no XML).
    pub fast_records: Option<u64>,
    /// Rows written to the entry's tables.
    pub rows: u64,
    /// Earliest time.
    pub first_time: Option<i64>,
    /// Latest time.
    pub last_time: Option<i64>,
    /// Computer named by the entry.
    pub computer: Option<String>,
    /// Event logs: the form.
    pub form: Option<EventForm>,
    /// Event logs: how their times became UTC.
    pub time_basis: Option<TimeBasis>,
    /// Exports in local time: the clock applied and why.
    pub clock: Option<String>,
}

impl SourceInfo {
    /// An entry that is not read.
    pub fn skipped(path: &str, kind: SourceKind, bytes: u64, reason: String) -> Self {
        SourceInfo {
            path: path.to_string(),
            kind,
            status: ReadStatus::Skipped,
            reason,
            bytes,
            lines: None,
            data_lines: None,
            directive_lines: None,
            blank_lines: None,
            error_lines: None,
            records: None,
            record_failures: None,
            fast_records: None,
            rows: 0,
            first_time: None,
            last_time: None,
            computer: None,
            form: None,
            time_basis: None,
            clock: None,
        }
    }

    /// An entry that could not be read.
    pub fn failed(path: &str, kind: SourceKind, bytes: u64, reason: String) -> Self {
        SourceInfo {
            status: ReadStatus::Failed,
            ..SourceInfo::skipped(path, kind, bytes, reason)
        }
    }

    fn from_w3c(path: &str, kind: SourceKind, bytes: u64, st: &W3cStats, rows: u64) -> Self {
        let mut notes = Vec::new();
        if st.error_lines > 0 {
            notes.push(format!(
                "{} line(s) could not be parsed (see parse_errors)",
                st.error_lines
            ));
        }
        if st.nul_lines > 0 {
            notes.push(format!(
                "{} line(s) held NUL bytes, dropped and the rest read (see parse_errors)",
                st.nul_lines
            ));
        }
        if let Some(e) = &st.read_error {
            notes.push(e.clone());
        }
        let status = if st.read_error.is_some() || st.error_lines > 0 || st.nul_lines > 0 {
            ReadStatus::Partial
        } else {
            ReadStatus::Parsed
        };
        SourceInfo {
            path: path.to_string(),
            kind,
            status,
            reason: notes.join("; "),
            bytes,
            lines: Some(st.lines),
            data_lines: Some(st.data_lines),
            directive_lines: Some(st.directive_lines),
            blank_lines: Some(st.blank_lines),
            error_lines: Some(st.error_lines),
            records: None,
            record_failures: None,
            fast_records: None,
            rows,
            first_time: st.first_time,
            last_time: st.last_time,
            computer: st.computer.clone(),
            form: None,
            time_basis: None,
            clock: None,
        }
    }
}

/// Reads `entry` (already classified) into `sink`.
pub(super) fn read_entry(
    bundle: &Bundle,
    entry: &Entry,
    class: &Classified,
    opts: &Options,
    sink: &mut dyn BatchSink,
    carry: &mut Carry,
    progress: &Progress,
) -> Result<SourceInfo> {
    let mut emit = Emit::carrying(&bundle.id, &entry.path, sink, opts.batch_rows, carry);
    let info = match class.kind {
        Kind::Httperr | Kind::W3c => read_w3c(entry, class, opts, &mut emit, progress),
        Kind::Evtx => read_evtx(entry, opts, &mut emit, progress),
        Kind::AppConfig => read_appconfig(entry, opts, &mut emit, progress),
        Kind::IisNative => read_legacy(entry, class, Format::Native, opts, &mut emit, progress),
        Kind::Ncsa => read_legacy(entry, class, Format::Ncsa, opts, &mut emit, progress),
        Kind::IisAdvanced => read_legacy(entry, class, Format::Advanced, opts, &mut emit, progress),
        // Exports are read after the others (`exports.rs`); other kinds are not read.
        Kind::EventExport(_) | Kind::Other => SourceInfo::skipped(
            &entry.path,
            class.kind.source_kind(),
            entry.size,
            class.reason.clone().unwrap_or_default(),
        ),
    };
    if let Some(e) = emit.take_error() {
        return Err(e);
    }
    if crate::progress::interrupted() {
        return Err(Error::Interrupted);
    }
    Ok(info)
}

/// An HTTPERR or IIS log, transcoded first if it is UTF-16.
fn read_w3c(
    entry: &Entry,
    class: &Classified,
    opts: &Options,
    emit: &mut Emit<'_>,
    progress: &Progress,
) -> SourceInfo {
    let kind = class.kind.source_kind();
    let read = |input: Box<dyn Read + '_>, emit: &mut Emit<'_>| {
        if class.kind == Kind::Httperr {
            httperr::read(input, opts.max_line, emit)
        } else {
            access::read(input, opts.max_line, class.site_hint, emit)
        }
    };
    match read_text(entry, class, opts, emit, progress, read, |st| st) {
        Ok(st) => text_info(entry, class, kind, &st, emit.rows_written),
        Err(e) => SourceInfo::failed(&entry.path, kind, entry.size, e),
    }
}

/// A legacy access log (the IIS log format, NCSA, IIS Advanced Logging): its local
/// times converted with the clock the user gave, the basis said per row and here.
fn read_legacy(
    entry: &Entry,
    class: &Classified,
    format: Format,
    opts: &Options,
    emit: &mut Emit<'_>,
    progress: &Progress,
) -> SourceInfo {
    let kind = class.kind.source_kind();
    let clock = LocalClock::new(opts.clock);
    let read = |input: Box<dyn Read + '_>, emit: &mut Emit<'_>| {
        format.read(input, opts.max_line, class.site_hint, clock, emit)
    };
    let st = match read_text(entry, class, opts, emit, progress, read, |st| &mut st.lines) {
        Ok(st) => st,
        Err(e) => return SourceInfo::failed(&entry.path, kind, entry.size, e),
    };
    let mut info = text_info(entry, class, kind, &st.lines, emit.rows_written);
    info.time_basis = st.weakest();
    let note = clock.note(&st);
    if !note.is_empty() {
        info.reason = join(&info.reason, &note);
        info.clock = Some(note);
    }
    info
}

/// Reads a text log with `read` (transcoded first if it is UTF-16), and notes in its
/// line counts (reached through `lines`) when the file changed while it was read; why,
/// when it could not be opened.
fn read_text<T>(
    entry: &Entry,
    class: &Classified,
    opts: &Options,
    emit: &mut Emit<'_>,
    progress: &Progress,
    read: impl FnOnce(Box<dyn Read + '_>, &mut Emit<'_>) -> T,
    lines: impl FnOnce(&mut T) -> &mut W3cStats,
) -> std::result::Result<T, String> {
    let stats = entry.with_reader(&opts.limits, |r| {
        let mut counting = Counting::new(r, progress);
        let input: Box<dyn Read + '_> = match class.utf16 {
            Some(order) => Box::new(Utf16Reader::new(&mut counting, order)),
            None => Box::new(&mut counting),
        };
        let st = read(input, emit);
        (st, counting.bytes)
    });
    let (mut out, read) = stats.map_err(|e| e.to_string())?;
    let st = lines(&mut out);
    let now = entry.current_size().unwrap_or(entry.size);
    if st.read_error.is_none()
        && (read != entry.size || now != entry.size)
        && !crate::progress::interrupted()
    {
        st.read_error = Some(format!(
            "{} bytes when listed, {read} read, {now} now: the file changed while it was read (only what it held when listed is read), or the archive gives a wrong size",
            entry.size
        ));
    }
    emit.finish();
    Ok(out)
}

/// The manifest row of a text log: its line counts, the classifier's note, UTF-16.
fn text_info(
    entry: &Entry,
    class: &Classified,
    kind: SourceKind,
    st: &W3cStats,
    rows: u64,
) -> SourceInfo {
    let mut info = SourceInfo::from_w3c(&entry.path, kind, entry.size, st, rows);
    if let Some(r) = &class.reason {
        info.reason = if info.reason.is_empty() {
            r.clone()
        } else {
            format!("{r}; {}", info.reason)
        };
    }
    if class.utf16.is_some() {
        info.reason = join(&info.reason, "UTF-16 text, transcoded to UTF-8");
    }
    info
}

/// An event log, read from a local file (a zip member is copied out first).
fn read_evtx(
    entry: &Entry,
    opts: &Options,
    emit: &mut Emit<'_>,
    progress: &Progress,
) -> SourceInfo {
    let kind = SourceKind::Evtx;
    let local = match entry.local_file(&opts.limits) {
        Ok(local) => local,
        Err(e) => return SourceInfo::failed(&entry.path, kind, entry.size, e.to_string()),
    };
    let st = evtx::read(&local.path, emit);
    progress.inc(entry.size);
    emit.finish();
    if let Some(e) = st.open_error {
        return SourceInfo::failed(&entry.path, kind, entry.size, e);
    }
    let mut notes = st.notes.clone();
    let counted = [
        (st.failures, "chunk(s) or record(s) could not be read (see parse_errors)"),
        (st.recovered, "record(s) carved from unallocated space"),
        (st.repeated, "record(s) dropped: each repeats the record id of one read before (a repeated chunk)"),
        (st.carved_copies, "carved record(s) dropped: copies of live records"),
        (st.carved_incomplete, "carved record(s) dropped: no complete event (time, provider, event id) to confirm them"),
    ];
    for (n, what) in counted {
        if n > 0 {
            notes.push(format!("{n} {what}"));
        }
    }
    SourceInfo {
        path: entry.path.clone(),
        kind,
        status: if st.failures > 0 || st.truncated || st.repeated > 0 {
            ReadStatus::Partial
        } else {
            ReadStatus::Parsed
        },
        reason: notes.join("; "),
        bytes: entry.size,
        records: Some(st.records),
        record_failures: Some(st.failures),
        fast_records: Some(st.fast),
        rows: emit.rows_written,
        first_time: st.first_time,
        last_time: st.last_time,
        computer: st.computer,
        form: Some(EventForm::Evtx),
        time_basis: Some(TimeBasis::Utc),
        ..SourceInfo::skipped(&entry.path, kind, entry.size, String::new())
    }
}

/// An `applicationHost.config`.
fn read_appconfig(
    entry: &Entry,
    opts: &Options,
    emit: &mut Emit<'_>,
    progress: &Progress,
) -> SourceInfo {
    let kind = SourceKind::AppConfig;
    let st = entry.with_reader(&opts.limits, |r| {
        appconfig::read(Counting::new(r, progress), emit)
    });
    emit.finish();
    let st = match st {
        Ok(st) => st,
        Err(e) => return SourceInfo::failed(&entry.path, kind, entry.size, e.to_string()),
    };
    SourceInfo {
        path: entry.path.clone(),
        kind,
        status: if st.error.is_some() {
            ReadStatus::Failed
        } else if st.warnings.is_empty() {
            ReadStatus::Parsed
        } else {
            ReadStatus::Partial
        },
        reason: st
            .error
            .clone()
            .into_iter()
            .chain(st.warnings.iter().cloned())
            .collect::<Vec<_>>()
            .join("; "),
        bytes: entry.size,
        rows: emit.rows_written,
        ..SourceInfo::skipped(&entry.path, kind, entry.size, String::new())
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}
