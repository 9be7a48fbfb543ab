//! The one-screen summary printed at the end of `analyze`, and the choice of the host a
//! bundle is filed under.

use super::{BundleReport, SourceInfo};
use crate::correlate::coverage::cut_reason;
use crate::domain::{ReadStatus, SourceKind};
use crate::tables::TableId;
use crate::text::terminal_safe;
use crate::time::format_rfc3339;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The computer a bundle comes from: the one most event records name, else the
/// `s-computername` of its logs, else `unknown`.
pub fn host_of(sources: &[SourceInfo]) -> String {
    let mut votes: BTreeMap<&str, u64> = BTreeMap::new();
    for s in sources.iter().filter(|s| s.kind == SourceKind::Evtx) {
        if let Some(c) = &s.computer {
            *votes.entry(c.as_str()).or_default() += s.records.unwrap_or(0).max(1);
        }
    }
    if votes.is_empty() {
        for s in sources {
            if let Some(c) = &s.computer {
                *votes.entry(c.as_str()).or_default() += s.rows.max(1);
            }
        }
    }
    votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(c, _)| c.to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Renders the summary of one bundle (text from the input made terminal-safe).
pub fn render(r: &BundleReport, dataset: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "bundle {} (id {}, host {})",
        terminal_safe(&r.label),
        r.id,
        terminal_safe(&r.host)
    );
    let by_status = ByStatus::of(&r.sources);
    by_status.entries_line(&mut o);
    rows_line(&mut o, r);
    time_ranges(&mut o, r);
    let errors = r.rows.get(&TableId::ParseErrors).copied().unwrap_or(0);
    if errors > 0 {
        let _ = writeln!(
            o,
            "  parse errors: {} (table parse_errors has each line or record and why)",
            thousands(errors)
        );
    }
    by_status.lists(&mut o);
    let _ = writeln!(o, "  dataset: {dataset}");
    o
}

/// Entries listed per status in the JSON summary (the sources table has them all).
const JSON_LISTED: usize = 100;

/// The run summary as one JSON object (`analyze --json`): per bundle its entries by
/// status, rows per table, time range per kind and incident count; the dataset and
/// findings paths; whether every entry was read completely.
pub fn json(reports: &[BundleReport], dataset: &str, findings: &str) -> serde_json::Value {
    let complete = reports
        .iter()
        .all(|r| r.sources.iter().all(|s| s.status == ReadStatus::Parsed));
    serde_json::json!({
        "bundles": reports.iter().map(bundle_json).collect::<Vec<_>>(),
        "dataset": dataset,
        "findings": findings,
        "complete": complete,
    })
}

fn bundle_json(r: &BundleReport) -> serde_json::Value {
    let by = ByStatus::of(&r.sources);
    let listed = |list: &[&SourceInfo]| -> Vec<serde_json::Value> {
        list.iter()
            .take(JSON_LISTED)
            .map(|s| serde_json::json!({"path": s.path, "kind": s.kind.name(), "reason": cut_reason(&s.reason)}))
            .collect()
    };
    let rows: serde_json::Map<String, serde_json::Value> = TableId::ALL
        .iter()
        .map(|t| {
            (
                t.name().to_string(),
                r.rows.get(t).copied().unwrap_or(0).into(),
            )
        })
        .collect();
    let ranges: serde_json::Map<String, serde_json::Value> = kind_ranges(r)
        .into_iter()
        .map(|(k, (f, l))| {
            (
                k.to_string(),
                serde_json::json!([format_rfc3339(f, 0), format_rfc3339(l, 0)]),
            )
        })
        .collect();
    serde_json::json!({
        "id": r.id,
        "label": r.label,
        "host": r.host,
        "entries": {
            "read": by.read,
            "skipped": by.skipped.len(),
            "failed": by.failed.len(),
            "read_with_errors": by.partial.len(),
        },
        "skipped": listed(&by.skipped),
        "failed": listed(&by.failed),
        "read_with_errors": listed(&by.partial),
        "rows": rows,
        "time_ranges": ranges,
        "incidents": r.findings.incidents.len(),
    })
}

/// The entries of a bundle by what became of them.
struct ByStatus<'r> {
    /// Entries read (in full or in part), per kind name.
    read: BTreeMap<&'static str, usize>,
    skipped: Vec<&'r SourceInfo>,
    failed: Vec<&'r SourceInfo>,
    partial: Vec<&'r SourceInfo>,
}

impl<'r> ByStatus<'r> {
    fn of(sources: &'r [SourceInfo]) -> Self {
        let mut by = ByStatus {
            read: BTreeMap::new(),
            skipped: Vec::new(),
            failed: Vec::new(),
            partial: Vec::new(),
        };
        for s in sources {
            match s.status {
                // An archive opened is not an entry read: its members are.
                ReadStatus::Parsed if s.kind == SourceKind::Archive => {}
                ReadStatus::Parsed => *by.read.entry(s.kind.name()).or_default() += 1,
                ReadStatus::Partial => {
                    *by.read.entry(s.kind.name()).or_default() += 1;
                    by.partial.push(s)
                }
                ReadStatus::Skipped => by.skipped.push(s),
                ReadStatus::Failed => by.failed.push(s),
            }
        }
        by
    }

    /// `entries: N read (kind n, ...), ...`
    fn entries_line(&self, o: &mut String) {
        let kinds: Vec<String> = self.read.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(
            o,
            "  entries: {} read{}, {} skipped, {} failed, {} read with errors",
            self.read.values().sum::<usize>(),
            if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            },
            self.skipped.len(),
            self.failed.len(),
            self.partial.len()
        );
    }

    /// The first ten entries failed, read with errors and skipped, with the reason.
    fn lists(&self, o: &mut String) {
        for (title, list) in [
            ("failed", &self.failed),
            ("read with errors", &self.partial),
            ("skipped", &self.skipped),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(o, "  {title}:");
            for s in list.iter().take(10) {
                let _ = writeln!(
                    o,
                    "    {} [{}]: {}",
                    terminal_safe(&s.path),
                    s.kind,
                    terminal_safe(&cut_reason(&s.reason))
                );
            }
            if list.len() > 10 {
                let _ = writeln!(
                    o,
                    "    ... and {} more (see the sources table)",
                    list.len() - 10
                );
            }
        }
    }
}

/// `rows: table n · ...` for every table.
fn rows_line(o: &mut String, r: &BundleReport) {
    let rows: Vec<String> = TableId::ALL
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t.name(),
                thousands(r.rows.get(t).copied().unwrap_or(0))
            )
        })
        .collect();
    let _ = writeln!(o, "  rows: {}", rows.join(" · "));
}

/// The earliest and latest time of each kind of entry.
fn kind_ranges(r: &BundleReport) -> BTreeMap<&'static str, (i64, i64)> {
    let mut ranges: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for s in &r.sources {
        if let (Some(f), Some(l)) = (s.first_time, s.last_time) {
            let e = ranges.entry(s.kind.name()).or_insert((f, l));
            e.0 = e.0.min(f);
            e.1 = e.1.max(l);
        }
    }
    ranges
}

/// The time range of each kind of entry.
fn time_ranges(o: &mut String, r: &BundleReport) {
    for (k, (f, l)) in &kind_ranges(r) {
        let _ = writeln!(
            o,
            "  time range {k}: {} .. {}",
            format_rfc3339(*f, 0),
            format_rfc3339(*l, 0)
        );
    }
}
