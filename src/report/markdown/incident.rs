//! One incident: what happened, what to do, its impact and the reasons it counts, its
//! facts and evidence; and the glossary of what those reasons mean.

use super::{incident_anchor, joined, md, pool, when, ChartLink, INCIDENT_CHART};
use crate::correlate::model::{Findings, Incident};
use crate::domain::{codes, httpsys};
use crate::report::escape;
use std::fmt::Write;

pub(super) fn incident(o: &mut String, f: &Findings, i: &Incident, charts: &[ChartLink]) {
    let _ = writeln!(
        o,
        "<a id=\"{}\"></a>\n#### {} · {} · {} · {} – {}\n",
        incident_anchor(f, &i.id),
        i.id,
        i.kind,
        pool(i),
        when(&i.start),
        when(&i.end)
    );
    let _ = writeln!(o, "**What happened.** {}\n", md(&i.explanation));
    let _ = writeln!(o, "**What to do.** {}\n", md(&i.recommendation));
    let _ = writeln!(o, "**Impact.** {}.\n", impact_line(i));
    if let Some(line) = reasons_line(f, i) {
        let _ = writeln!(o, "{line}");
    }
    let facts = facts(i);
    if !facts.is_empty() {
        let _ = writeln!(o, "**Facts.** {}.\n", facts.join("; "));
    }
    if let Some(c) = chart_of(f, i, charts) {
        let _ = writeln!(
            o,
            "**Timeline.** [{} {}]({} \"{INCIDENT_CHART}\")\n",
            md(&c.1),
            c.2,
            c.3
        );
    }
    let _ = writeln!(o, "**Evidence.**\n");
    for e in &i.evidence {
        let at = match (e.line, e.record_id) {
            (Some(l), _) => format!("line {l}"),
            (None, Some(r)) => format!("record {r}"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            o,
            "- {} · {} {} · {}",
            when(&e.time),
            md(&e.file),
            at,
            md(&e.summary)
        );
    }
    o.push('\n');
}

/// The chart of the incident's pool on the day it starts, if one was drawn.
fn chart_of<'c>(f: &Findings, i: &Incident, charts: &'c [ChartLink]) -> Option<&'c ChartLink> {
    let pool = i.app_pool.as_deref()?;
    let day = i.start.get(..10)?;
    charts
        .iter()
        .find(|c| c.0 == f.bundle_id && c.1 == pool && c.2 == day)
}

fn impact_line(i: &Incident) -> String {
    let m = &i.impact;
    let mut parts = vec![format!("{} failed requests", m.failed_requests)];
    if m.abandoned > 0 {
        parts.push(format!("{} abandoned", m.abandoned));
    }
    for (r, n) in &m.http_503 {
        parts.push(format!("{n} × 503 {}", md(r)));
    }
    if m.queue_timeouts > 0 {
        parts.push(format!("{} queue timeouts", m.queue_timeouts));
    }
    if m.dropped > 0 {
        parts.push(format!("{} dropped", m.dropped));
    }
    if m.http_5xx > 0 {
        parts.push(format!("{} × 5xx in W3C", m.http_5xx));
    }
    if m.broken_w3c > 0 {
        parts.push(format!("{} broken connections in W3C", m.broken_w3c));
    }
    if m.in_flight_w3c > 0 {
        parts.push(format!(
            "{} long requests in flight at the death (W3C)",
            m.in_flight_w3c
        ));
    }
    parts.join(", ")
}

/// "**Reasons.** [QueueFull](#…) × 3, [win32 64](#…) × 2": what an incident counts,
/// linked to the glossary.
fn reasons_line(f: &Findings, i: &Incident) -> Option<String> {
    let m = &i.impact;
    let reasons = m.reasons.iter().map(|(r, n)| (r.clone(), *n));
    let win32 = m
        .broken_win32
        .iter()
        .map(|(w, n)| (format!("win32 {w}"), *n));
    let terms: Vec<String> = reasons
        .chain(win32)
        .map(|(t, n)| format!("[{}](#{}) × {n}", md(&t), term_anchor(f, &t)))
        .collect();
    (!terms.is_empty()).then(|| format!("**Reasons.** {}.\n", terms.join(", ")))
}

/// The facts of an incident: sites, pids, cause, event log coverage.
fn facts(i: &Incident) -> Vec<String> {
    let mut facts = Vec::new();
    if !i.sites.is_empty() {
        facts.push(format!(
            "sites {}",
            joined(i.sites.iter().map(i64::to_string))
        ));
    }
    if !i.pids.is_empty() {
        facts.push(format!(
            "pids {}",
            joined(i.pids.iter().map(i64::to_string))
        ));
    }
    let c = &i.cause;
    let reason = c.recycle_reason.map(|r| r.name().to_string());
    for (label, v) in [
        ("module", &c.faulting_module),
        ("exception", &c.exception_code),
        ("meaning", &c.exception_name),
        ("managed exception", &c.exception_type),
        ("recycle reason", &reason),
        ("exit code", &c.exit_code),
        ("WAS error", &c.error),
    ] {
        if let Some(v) = v {
            facts.push(format!("{label} {}", md(v)));
        }
    }
    if let Some(cov) = i.event_log_covered {
        facts.push(format!(
            "System log covers this time: {}",
            if cov { "yes" } else { "no" }
        ));
    }
    facts
}

/// The glossary anchor of a reason phrase or Win32 status.
fn term_anchor(f: &Findings, term: &str) -> String {
    let slug = escape::file_name(term).to_ascii_lowercase();
    format!("{}-means-{slug}", f.bundle_id)
}

/// What each reason phrase and Win32 status the incidents count means, once.
pub(super) fn glossary(o: &mut String, f: &Findings) {
    let mut reasons: Vec<&String> = f
        .incidents
        .iter()
        .flat_map(|i| i.impact.reasons.keys())
        .collect();
    reasons.sort();
    reasons.dedup();
    let mut statuses: Vec<i64> = f
        .incidents
        .iter()
        .flat_map(|i| i.impact.broken_win32.keys().copied())
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    if reasons.is_empty() && statuses.is_empty() {
        return;
    }
    let _ = writeln!(o, "### What the reasons mean\n");
    for r in reasons {
        let meaning = httpsys::meaning(r).unwrap_or("A phrase corvid has no description of.");
        let _ = writeln!(
            o,
            "- <a id=\"{}\"></a>**{}** (HTTP.sys): {meaning}",
            term_anchor(f, r),
            md(r)
        );
    }
    for w in statuses {
        let term = format!("win32 {w}");
        let (symbol, meaning) = codes::broken_connection(w)
            .unwrap_or(("?", "a Win32 status corvid has no description of"));
        let _ = writeln!(
            o,
            "- <a id=\"{}\"></a>**{term}** ({symbol}, W3C `sc-win32-status`): {meaning}.",
            term_anchor(f, &term)
        );
    }
    o.push('\n');
}
