//! The bundle's overview tables: the summary of incidents, recurring incidents,
//! coverage per source, crash signatures, recycle history and the timeline charts.

use super::{first_sentence, incident_anchor, joined, md, pool, when, ChartLink};
use crate::correlate::model::{Findings, Pattern};
use std::fmt::Write;

pub(super) fn summary(o: &mut String, f: &Findings) {
    let total: u64 = f.summary.values().sum();
    if total == 0 {
        let _ = writeln!(o, "No incident found: no worker process failure, recycle harm, queue overflow or overload left a trace in these logs.\n");
        return;
    }
    let kinds: Vec<String> = f.summary.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let failed: u64 = f.incidents.iter().map(|i| i.impact.failed_requests).sum();
    let _ = writeln!(
        o,
        "**{total} incidents** ({}), {failed} failed requests in all. Worst first:\n",
        kinds.join(", ")
    );
    let _ = writeln!(o, "| incident | kind | pool | when (UTC) | failed requests | what happened |\n|---|---|---|---|---|---|");
    for i in &f.incidents {
        let _ = writeln!(
            o,
            "| [{}](#{}) | {} | {} | {} | {} | {} |",
            i.id,
            incident_anchor(f, &i.id),
            i.kind,
            pool(i),
            when(&i.start),
            i.impact.failed_requests,
            md(&first_sentence(&i.explanation))
        );
    }
    o.push('\n');
}

/// What a pattern's incidents have in common, in words.
fn pattern_cause(p: &Pattern) -> String {
    let c = &p.cause;
    let mut parts = vec![p.kind.name().replace('_', " ")];
    if let Some(code) = &c.exception_code {
        let name = c.exception_name.as_deref().map(|n| format!(" ({n})"));
        parts.push(format!("{code}{}", name.unwrap_or_default()));
    }
    if let Some(m) = &c.faulting_module {
        parts.push(format!("in {m}"));
    }
    if let Some(t) = &c.exception_type {
        parts.push(t.clone());
    }
    if let Some(r) = c.recycle_reason {
        parts.push(format!("reason {r}"));
    }
    md(&parts.join(" "))
}

pub(super) fn patterns(o: &mut String, f: &Findings) {
    if f.patterns.is_empty() {
        return;
    }
    let _ = writeln!(o, "### Recurring incidents\n\nIncidents of one pool with the same kind and cause are one problem:\n\n| problem | pool | incidents | how often | first | last | failed requests |\n|---|---|---|---|---|---|---|");
    for p in &f.patterns {
        let links = joined(
            p.incidents
                .iter()
                .map(|id| format!("[{id}](#{})", incident_anchor(f, id))),
        );
        let _ = writeln!(
            o,
            "| {} | {} | {}: {links} | {} | {} | {} | {} |",
            pattern_cause(p),
            p.app_pool.as_deref().map(md).unwrap_or("?".into()),
            p.incidents.len(),
            p.cadence.as_ref().map_or("–".into(), |c| c.describe()),
            when(&p.first),
            when(&p.last),
            p.failed_requests
        );
    }
    o.push('\n');
}

pub(super) fn coverage(o: &mut String, f: &Findings) {
    let _ = writeln!(
        o,
        "### Coverage\n\n| source | files | from | to | rows | notes |\n|---|---|---|---|---|---|"
    );
    for c in &f.coverage {
        let mut notes = Vec::new();
        if let Some(n) = &c.note {
            notes.push(md(n));
        }
        for g in &c.gaps {
            notes.push(format!("no data {} – {}", when(&g[0]), when(&g[1])));
        }
        for p in c.problems.iter().take(5) {
            notes.push(md(p));
        }
        if c.problems_total > 5 {
            notes.push(format!(
                "and {} more problems (see the sources table)",
                c.problems_total - 5
            ));
        }
        let files = match c.files {
            0 => "–".to_string(),
            n => n.to_string(),
        };
        let _ = writeln!(
            o,
            "| {} | {files} | {} | {} | {} | {} |",
            md(&c.source),
            c.first.as_deref().map(when).unwrap_or("–".into()),
            c.last.as_deref().map(when).unwrap_or("–".into()),
            c.rows,
            notes.join("; ")
        );
    }
    o.push('\n');
}

pub(super) fn crash_signatures(o: &mut String, f: &Findings) {
    if f.crash_signatures.is_empty() {
        return;
    }
    let _ = writeln!(o, "### Crash signatures\n\n| module | exception | managed type | crashes | pools | first | last |\n|---|---|---|---|---|---|---|");
    for s in &f.crash_signatures {
        let code = match (&s.exception_code, &s.exception_name) {
            (Some(c), Some(n)) => format!("{} ({})", md(c), md(n)),
            (Some(c), None) => md(c),
            (None, Some(n)) => md(n),
            (None, None) => "–".into(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            s.faulting_module.as_deref().map(md).unwrap_or("–".into()),
            code,
            s.exception_type.as_deref().map(md).unwrap_or("–".into()),
            s.count,
            joined(s.app_pools.iter().map(|p| md(p))),
            when(&s.first),
            when(&s.last)
        );
    }
    o.push('\n');
}

pub(super) fn recycles(o: &mut String, f: &Findings) {
    if f.recycles.is_empty() {
        return;
    }
    let _ = writeln!(o, "### Recycle history\n\n| when (UTC) | pool | reason | old pid | harm |\n|---|---|---|---|---|");
    for r in &f.recycles {
        let harm = r
            .incident
            .as_ref()
            .map(|i| format!("[{i}](#{})", incident_anchor(f, i)))
            .unwrap_or_else(|| "none".into());
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            when(&r.time),
            r.app_pool.as_deref().map(md).unwrap_or("?".into()),
            r.reason.map_or("?".into(), |r| md(r.name())),
            r.pid.map(|p| p.to_string()).unwrap_or("–".into()),
            harm
        );
    }
    o.push('\n');
}

pub(super) fn timelines(o: &mut String, f: &Findings, charts: &[ChartLink]) {
    let mine: Vec<&ChartLink> = charts.iter().filter(|c| c.0 == f.bundle_id).collect();
    if mine.is_empty() {
        return;
    }
    let _ = writeln!(o, "### Timelines\n\nRequests per minute, HTTP.sys lines per minute by class and lifecycle events, per pool and day:\n");
    let mut pools: Vec<&str> = mine.iter().map(|c| c.1.as_str()).collect();
    pools.dedup();
    for p in pools {
        let links: Vec<String> = mine
            .iter()
            .filter(|c| c.1 == p)
            .map(|c| format!("[{}]({})", c.2, c.3))
            .collect();
        let _ = writeln!(o, "- {}: {}", md(p), links.join(" · "));
    }
    o.push('\n');
}
