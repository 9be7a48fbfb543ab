//! Writes the findings of a bundle as the `incidents` and `incident_evidence` tables.

use crate::correlate::model::Findings;
use crate::domain::RecycleReason;
use crate::tables::incident_evidence::{IncidentEvidenceRow, IncidentEvidenceTable};
use crate::tables::incidents::{IncidentsRow, IncidentsTable};
use crate::tables::BatchSink;
use crate::Result;

fn micros(t: &str) -> Option<i64> {
    crate::time::parse_rfc3339(t)
}

/// Puts both tables into `sink`.
pub fn write(f: &Findings, sink: &mut dyn BatchSink) -> Result<()> {
    let mut inc = IncidentsTable::with_capacity(f.incidents.len());
    let mut ev = IncidentEvidenceTable::with_capacity(f.incidents.len() * 8);
    let mut by_time: Vec<&crate::correlate::model::Incident> = f.incidents.iter().collect();
    by_time.sort_by(|a, b| a.id.len().cmp(&b.id.len()).then(a.id.cmp(&b.id)));
    for i in by_time {
        let sites = i
            .sites
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let pids = i
            .pids
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let m = &i.impact;
        let c = &i.cause;
        inc.push(&IncidentsRow {
            bundle_id: Some(&f.bundle_id),
            incident_id: Some(&i.id),
            kind: Some(i.kind.name()),
            app_pool: i.app_pool.as_deref(),
            sites: Some(&sites),
            pids: Some(&pids),
            start: micros(&i.start),
            end: micros(&i.end),
            faulting_module: c.faulting_module.as_deref(),
            exception_code: c.exception_code.as_deref(),
            exception_name: c.exception_name.as_deref(),
            exception_type: c.exception_type.as_deref(),
            recycle_reason: c.recycle_reason.map(RecycleReason::name),
            exit_code: c.exit_code.as_deref(),
            abandoned: Some(m.abandoned as i64),
            dropped: Some(m.dropped as i64),
            http_503: Some(m.http_503.values().sum::<u64>() as i64),
            queue_timeouts: Some(m.queue_timeouts as i64),
            http_5xx: Some(m.http_5xx as i64),
            broken_w3c: Some(m.broken_w3c as i64),
            in_flight_w3c: Some(m.in_flight_w3c as i64),
            failed_requests: Some(m.failed_requests as i64),
            event_log_covered: i.event_log_covered,
            time_basis: i.time_basis.map(|b| b.name()),
            explanation: Some(&i.explanation),
            recommendation: Some(&i.recommendation),
        });
        for (n, e) in i.evidence.iter().enumerate() {
            ev.push(&IncidentEvidenceRow {
                bundle_id: Some(&f.bundle_id),
                incident_id: Some(&i.id),
                seq: Some(n as i32 + 1),
                source: Some(e.source.name()),
                time: micros(&e.time),
                source_file: Some(&e.file),
                source_line: e.line,
                record_id: e.record_id,
                summary: Some(&e.summary),
            });
        }
    }
    if !inc.is_empty() {
        sink.put(inc.take())?;
    }
    if !ev.is_empty() {
        sink.put(ev.take())?;
    }
    Ok(())
}
