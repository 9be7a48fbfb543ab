//! What each source covers (time range, files, gaps, problems) and what could therefore
//! not be seen.

use super::collect::Collected;
use super::model::Coverage;
use crate::domain::{ReadStatus, SourceKind, TimeBasis};
use crate::time::format_rfc3339;
use std::collections::BTreeSet;

/// What the rules need to know about one bundle entry.
#[derive(Debug, Clone)]
pub struct SourceRef<'a> {
    /// Path in the bundle.
    pub path: &'a str,
    /// What the entry is.
    pub kind: SourceKind,
    /// What became of reading it.
    pub status: ReadStatus,
    /// Why.
    pub reason: &'a str,
    /// First time.
    pub first: Option<i64>,
    /// Last time.
    pub last: Option<i64>,
    /// Rows or records.
    pub rows: u64,
    /// Event log exports and legacy access logs: how their times became UTC, and what
    /// clock was applied.
    pub clock: Option<(TimeBasis, &'a str)>,
}

const HOUR: i64 = 3_600_000_000;

/// Problems listed per source in the findings (all of them are in the sources table).
pub const PROBLEMS_KEPT: usize = 100;

/// A reason as the findings and the summary show it: whole up to 300 bytes, else its
/// head and its length (the sources table has it whole). An `applicationHost.config`
/// with 20,000 broken pools gave a reason of 1.16 MB.
pub fn cut_reason(reason: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 300;
    if reason.len() <= SHOWN {
        return reason.into();
    }
    format!(
        "{} … ({} bytes in all; the sources table has the whole reason)",
        crate::text::truncate(reason, SHOWN),
        reason.len()
    )
    .into()
}

fn gaps(minutes: &BTreeSet<i64>) -> Vec<[String; 2]> {
    let mut out = Vec::new();
    let mut prev: Option<i64> = None;
    for &m in minutes {
        if let Some(p) = prev {
            if (m - p) * 60_000_000 >= HOUR {
                out.push([
                    format_rfc3339((p + 1) * 60_000_000, 0),
                    format_rfc3339(m * 60_000_000, 0),
                ]);
            }
        }
        prev = Some(m);
    }
    out
}

/// What a report covers per source kind: its label, and what cannot be seen without it.
fn covered(kind: SourceKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        SourceKind::Httperr => ("HTTP.sys error log (HTTPERR)", "No HTTP.sys error log: abandoned and refused connections (503, queue, timers) cannot be seen."),
        SourceKind::W3c => ("IIS access logs (W3C)", "No access log: request volume, failed requests and time-taken cannot be seen."),
        SourceKind::Evtx => ("event logs (.evtx)", "No event log: crashes, hangs, recycles and rapid-fail shutdowns cannot be seen; failures will be unexplained."),
        SourceKind::EventExport => ("event logs exported as text, CSV or XML", ""),
        SourceKind::AppConfig => ("applicationHost.config", "No applicationHost.config: sites are mapped to pools from HTTPERR lines, and pool settings (overlap, limits, rapid-fail) are unknown."),
        SourceKind::IisNative => ("IIS access logs in the IIS log format (legacy, local time)", ""),
        SourceKind::Ncsa => ("IIS access logs in NCSA format (legacy, local time with offset)", ""),
        SourceKind::IisAdvanced => ("IIS Advanced Logging logs", ""),
        // Containers, or not read: nothing of theirs is analysed.
        SourceKind::Archive | SourceKind::Other => return None,
    })
}

/// What clock each export's (or legacy access log's) times are on, guesses first;
/// files on the same clock for the same reason share one sentence.
fn clocks(of: &[&SourceRef<'_>]) -> String {
    let mut by_note: std::collections::BTreeMap<(bool, &str), Vec<&str>> = Default::default();
    for s in of {
        if let Some((basis, note)) = &s.clock {
            by_note
                .entry((!basis.is_guess(), *note))
                .or_default()
                .push(s.path);
        }
    }
    if by_note.is_empty() {
        return "Times are UTC in every export.".to_string();
    }
    let sentence = |((exact, note), files): ((bool, &str), Vec<&str>)| {
        let flag = if exact { "" } else { "GUESSED OFFSET: " };
        format!("{flag}{}: {note}.", files.join(", "))
    };
    by_note
        .into_iter()
        .map(sentence)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a source kind's coverage row says beyond its figures, if anything.
fn note(
    kind: SourceKind,
    of: &[&SourceRef<'_>],
    read: u64,
    problems_total: usize,
    exports: bool,
    c: &Collected,
) -> Option<String> {
    let legacy = matches!(
        kind,
        SourceKind::IisNative | SourceKind::Ncsa | SourceKind::IisAdvanced
    );
    let (_, missing) = covered(kind)?;
    let note = if kind == SourceKind::EventExport || legacy {
        Some(clocks(of))
    } else if read == 0 && kind == SourceKind::Evtx && exports {
        Some("No .evtx: the events come from exported event logs (see below).".to_string())
    } else if read == 0 {
        Some(missing.to_string())
    } else if problems_total > 0 {
        Some(format!(
            "{problems_total} file(s) were not read completely; what they held may be missing."
        ))
    } else {
        None
    };
    match note {
        None if kind == SourceKind::W3c && c.long_truncated => Some(format!(
            "More than {} distinct long requests: counts of requests in flight when a worker died are incomplete.",
            super::collect::LONG_CAP
        )),
        n => n,
    }
}

/// One row per event log channel seen: its span and records.
fn event_log_coverage(c: &Collected) -> Vec<Coverage> {
    c.event_logs
        .iter()
        .map(|(channel, (first, last, n))| Coverage {
            source: format!("event log {channel}"),
            files: 0,
            first: Some(format_rfc3339(*first, 0)),
            last: Some(format_rfc3339(*last, 0)),
            rows: *n,
            gaps: Vec::new(),
            problems: Vec::new(),
            problems_total: 0,
            note: (channel == "System").then(|| {
                format!(
                    "Worker process and recycle events before {} cannot be seen.",
                    format_rfc3339(*first, 0)
                )
            }),
        })
        .collect()
}

/// Coverage of every source of a bundle.
pub fn coverage(sources: &[SourceRef<'_>], c: &Collected) -> Vec<Coverage> {
    let mut out = Vec::new();
    for &kind in SourceKind::ALL {
        let Some((label, _)) = covered(kind) else {
            continue;
        };
        let of: Vec<&SourceRef<'_>> = sources.iter().filter(|s| s.kind == kind).collect();
        let exports = sources.iter().any(|s| s.kind == SourceKind::EventExport);
        let legacy = matches!(
            kind,
            SourceKind::IisNative | SourceKind::Ncsa | SourceKind::IisAdvanced
        );
        if (kind == SourceKind::EventExport && !exports) || (legacy && of.is_empty()) {
            continue;
        }
        let first = of.iter().filter_map(|s| s.first).min();
        let last = of.iter().filter_map(|s| s.last).max();
        let problems_total = of.iter().filter(|s| s.status != ReadStatus::Parsed).count();
        let problems: Vec<String> = of
            .iter()
            .filter(|s| s.status != ReadStatus::Parsed)
            .take(PROBLEMS_KEPT)
            .map(|s| format!("{} ({}): {}", s.path, s.status, cut_reason(s.reason)))
            .collect();
        let read = of.iter().filter(|s| s.status != ReadStatus::Failed).count() as u64;
        let note = note(kind, &of, read, problems_total, exports, c);
        let gaps = if kind == SourceKind::W3c {
            let minutes: BTreeSet<i64> = c.traffic.keys().map(|(_, m)| *m).collect();
            gaps(&minutes)
        } else {
            Vec::new()
        };
        out.push(Coverage {
            source: label.to_string(),
            files: of.len() as u64,
            first: first.map(|t| format_rfc3339(t, 0)),
            last: last.map(|t| format_rfc3339(t, 0)),
            rows: of.iter().map(|s| s.rows).sum(),
            gaps,
            problems,
            problems_total: problems_total as u64,
            note,
        });
    }
    out.extend(event_log_coverage(c));
    out
}
