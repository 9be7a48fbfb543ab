//! Correlation: joins the lifecycle events, the HTTP.sys lines and the W3C requests of
//! one bundle on time windows (domain.md §5) and explains each burst of abandoned or
//! dropped connections and failed requests. Its input is what [`collect`] kept while
//! the tables were written; it knows nothing of zips or Parquet.
//!
//! Flow: [`pools`] (site → pool, settings) → [`episodes`] (lifecycle cascades) →
//! [`signals`] (lines with their pool) → [`attach`] (window joins, bursts) →
//! [`incidents`] (kinds, impact, evidence) → [`explain`] → [`model::Findings`].

pub mod attach;
pub mod collect;
pub mod coverage;
pub mod episodes;
pub mod explain;
pub mod frames;
pub mod incidents;
pub mod join;
pub mod model;
pub mod pools;
pub mod rules;
pub mod signals;
pub mod timeline;

use collect::{stack, Collected};
use coverage::SourceRef;
use model::{CrashSignature, Findings, Incident, Recycle};
use rules::Rules;
use std::collections::BTreeMap;

use crate::time::format_rfc3339;

/// The bundle being correlated.
#[derive(Debug, Clone)]
pub struct BundleMeta {
    /// Bundle id.
    pub id: String,
    /// The input.
    pub label: String,
    /// Host.
    pub host: String,
}

fn severity(kind: &str) -> u8 {
    match kind {
        "rapid_fail" => 0,
        "hang" => 1,
        "crash" => 2,
        "shutdown_timeout" => 3,
        "recycle" => 4,
        "unexplained" => 5,
        "queue_full" => 6,
        "overload" => 7,
        _ => 8,
    }
}

/// Correlates one bundle; also returns its timelines for the charts.
pub fn correlate(
    c: &Collected,
    sources: &[SourceRef],
    meta: &BundleMeta,
    rules: &Rules,
) -> (Findings, Vec<timeline::PoolDay>) {
    let (lifecycle, httperr, requests) = (stack(&c.lifecycle), &c.httperr, &c.requests);
    let pools = pools::Pools::build(&stack(&c.sites), &stack(&c.app_pools), &c.site_queue);
    let life = episodes::rows(&lifecycle);
    let eps = episodes::build(&life, &pools, rules);
    let lines = signals::without_background_drops(signals::lines(httperr, &pools), rules);
    let reqs = signals::requests(requests, &pools);
    // Merged collections hold long requests sorted, one entry per key.
    let long = &c.long_requests;
    let traffic_between = |pool: &str, from: i64, to: i64| -> u64 {
        let (m0, m1) = (from.div_euclid(60_000_000) + 1, to.div_euclid(60_000_000));
        if m1 <= m0 {
            return 0;
        }
        pools
            .sites_of(pool)
            .iter()
            .map(|s| {
                c.traffic
                    .range((*s, m0)..(*s, m1))
                    .map(|(_, m)| m.requests)
                    .sum::<u64>()
            })
            .sum()
    };
    let bursts = attach::attach(&lines, &eps, &pools, rules, &traffic_between);
    let drafts = incidents::drafts(
        &eps, &bursts, &lines, &reqs, long, &c.traffic, &pools, rules,
    );

    // Crash signatures: module + exception code, over crashes and rapid-fail crashes.
    let mut sigs: BTreeMap<(Option<String>, Option<String>), CrashSignature> = BTreeMap::new();
    for d in drafts
        .iter()
        .filter(|d| matches!(d.kind, "crash" | "rapid_fail"))
    {
        let k = (
            d.cause.faulting_module.clone(),
            d.cause.exception_code.clone(),
        );
        let n = if d.kind == "rapid_fail" {
            d.crashes.max(1) as u64
        } else {
            1
        };
        let pool = d
            .pool
            .as_deref()
            .map(|p| pools.name(p))
            .unwrap_or_else(|| "?".into());
        let e = sigs.entry(k).or_insert_with(|| CrashSignature {
            faulting_module: d.cause.faulting_module.clone(),
            exception_code: d.cause.exception_code.clone(),
            exception_name: d.cause.exception_name.clone(),
            exception_type: d.cause.exception_type.clone(),
            app_pools: Vec::new(),
            count: 0,
            first: format_rfc3339(d.start, 0),
            last: format_rfc3339(d.start, 0),
        });
        e.count += n;
        e.last = format_rfc3339(d.start, 0);
        if !e.app_pools.contains(&pool) {
            e.app_pools.push(pool);
        }
    }
    let system = c.event_logs.get("System").map(|(f, l, _)| (*f, *l));
    let mut incidents: Vec<Incident> = drafts
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let same = sigs
                .get(&(
                    d.cause.faulting_module.clone(),
                    d.cause.exception_code.clone(),
                ))
                .map_or(0, |s| s.count as usize);
            let covered = if d.episode.is_none() {
                system.map(|(f, l)| d.start >= f && d.start <= l)
            } else {
                None
            };
            let (explanation, recommendation) = explain::texts(d, &pools, same, covered, system);
            Incident {
                bundle_id: meta.id.clone(),
                id: format!("I{}", n + 1),
                kind: d.kind.to_string(),
                app_pool: d.pool.as_deref().map(|p| pools.name(p)),
                sites: d.sites.clone(),
                pids: d.pids.clone(),
                start: format_rfc3339(d.start, 3),
                end: format_rfc3339(d.end, 3),
                cause: d.cause.clone(),
                impact: d.impact.clone(),
                event_log_covered: covered,
                explanation,
                recommendation,
                evidence: incidents::evidence(d, &life, &lines, &reqs, &pools),
            }
        })
        .collect();
    // Recycle history, harmful or not.
    let mut recycles = Vec::new();
    for (i, e) in eps.iter().enumerate() {
        if matches!(
            e.kind,
            episodes::EpisodeKind::Recycle | episodes::EpisodeKind::ShutdownTimeout
        ) && e.cause.recycle_reason.is_some()
        {
            let incident = drafts
                .iter()
                .position(|d| d.episode == Some(i))
                .map(|n| format!("I{}", n + 1));
            let t = e
                .events
                .iter()
                .map(|&k| life[k].time)
                .find(|_| true)
                .unwrap_or(e.anchor);
            recycles.push(Recycle {
                time: format_rfc3339(t, 3),
                app_pool: e.pool.as_deref().map(|p| pools.name(p)),
                reason: e.cause.recycle_reason.clone(),
                pid: e.pids.iter().next().copied(),
                incident,
            });
        }
    }
    let mut summary: BTreeMap<String, u64> = BTreeMap::new();
    for i in &incidents {
        *summary.entry(i.kind.clone()).or_default() += 1;
    }
    // Worst first: most failed requests, then the kind's severity, then time.
    incidents.sort_by(|a, b| {
        b.impact
            .failed_requests
            .cmp(&a.impact.failed_requests)
            .then(severity(&a.kind).cmp(&severity(&b.kind)))
            .then(a.start.cmp(&b.start))
    });
    let mut crash_signatures: Vec<CrashSignature> = sigs.into_values().collect();
    crash_signatures.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.cmp(&b.first)));
    let days = timeline::pool_days(c, &pools, &life);
    let findings = Findings {
        schema_version: 1,
        bundle_id: meta.id.clone(),
        bundle: meta.label.clone(),
        host: meta.host.clone(),
        summary,
        coverage: coverage::coverage(sources, c),
        incidents,
        crash_signatures,
        recycles,
    };
    (findings, days)
}
