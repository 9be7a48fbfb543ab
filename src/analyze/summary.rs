//! The one-screen summary printed at the end of `analyze`, and the choice of the host a
//! bundle is filed under.

use super::{BundleReport, SourceInfo};
use crate::tables::TableId;
use crate::text::terminal_safe;
use crate::time::format_rfc3339;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The computer a bundle comes from: the one most event records name, else the
/// `s-computername` of its logs, else `unknown`.
pub fn host_of(sources: &[SourceInfo]) -> String {
    let mut votes: BTreeMap<&str, u64> = BTreeMap::new();
    for s in sources.iter().filter(|s| s.kind == "evtx") {
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
    let mut read: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut skipped, mut failed, mut partial) = (Vec::new(), Vec::new(), Vec::new());
    for s in &r.sources {
        match s.status {
            "parsed" if s.kind != "archive" => *read.entry(s.kind).or_default() += 1,
            "partial" => {
                *read.entry(s.kind).or_default() += 1;
                partial.push(s)
            }
            "skipped" => skipped.push(s),
            "failed" => failed.push(s),
            _ => {}
        }
    }
    let kinds: Vec<String> = read.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        o,
        "  entries: {} read{}, {} skipped, {} failed, {} read with errors",
        read.values().sum::<usize>(),
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        },
        skipped.len(),
        failed.len(),
        partial.len()
    );
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
    let mut ranges: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for s in &r.sources {
        if let (Some(f), Some(l)) = (s.first_time, s.last_time) {
            let e = ranges.entry(s.kind).or_insert((f, l));
            e.0 = e.0.min(f);
            e.1 = e.1.max(l);
        }
    }
    for (k, (f, l)) in &ranges {
        let _ = writeln!(
            o,
            "  time range {k}: {} .. {}",
            format_rfc3339(*f, 0),
            format_rfc3339(*l, 0)
        );
    }
    let errors = r.rows.get(&TableId::ParseErrors).copied().unwrap_or(0);
    if errors > 0 {
        let _ = writeln!(
            o,
            "  parse errors: {} (table parse_errors has each line or record and why)",
            thousands(errors)
        );
    }
    for (title, list) in [
        ("failed", &failed),
        ("read with errors", &partial),
        ("skipped", &skipped),
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
                terminal_safe(&s.reason)
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
    let _ = writeln!(o, "  dataset: {dataset}");
    o
}
