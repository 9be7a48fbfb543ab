//! Correlation: joins the lifecycle events, the HTTP.sys lines and the W3C requests of
//! one bundle on time windows (domain.md §5) and explains each burst of abandoned or
//! dropped connections and failed requests. Its input is what [`collect`] kept while
//! the tables were written; it knows nothing of zips or Parquet.
//!
//! Flow: [`pools`] (site → pool, settings) → [`episodes`] (lifecycle cascades) →
//! [`signals`] (lines with their pool) → [`attach`] (window joins, bursts) →
//! [`incidents`] (kinds, impact, evidence) → [`explain`] → [`model::Findings`].
//! [`offset`] runs earlier, for the intake: the clock of an event log exported in
//! local time, aligned with the UTC evidence the other sources gave.
//!
//! Its inputs are plain vectors and maps ([`collect::Collected`]), its domain concepts
//! the enums of [`crate::domain`]; the windows and thresholds are [`rules::Rules`].
//! README.md ("Layout of the code") says where a new rule goes.

pub mod attach;
pub mod collect;
pub mod coverage;
pub mod episodes;
pub mod explain;
pub mod incidents;
pub mod join;
pub mod model;
pub mod offset;
pub mod patterns;
pub mod pools;
pub mod rules;
pub mod signals;
pub mod timeline;

use crate::domain::{IncidentKind, TimeBasis};

use collect::Collected;
use coverage::SourceRef;
use episodes::{Episode, LoggedEvent};
use explain::LogCoverage;
use incidents::{Draft, Inputs};
use model::{CrashSignature, Findings, Incident, Recycle};
use pools::Pools;
use rules::Rules;
use signals::{Line, Request};
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

/// Correlates one bundle; also returns its timelines for the charts.
pub fn correlate(
    c: &Collected,
    sources: &[SourceRef<'_>],
    meta: &BundleMeta,
    rules: &Rules,
) -> (Findings, Vec<timeline::PoolDay>) {
    let pools = Pools::build(&c.sites, &c.app_pools, &c.site_queue);
    let life = &c.lifecycle;
    let eps = episodes::build(life, &pools, rules);
    let lines = signals::without_background_drops(signals::lines(&c.httperr, &pools), rules);
    let reqs = signals::requests(&c.requests, &pools);
    let traffic_between = |pool: &str, from: i64, to: i64| -> u64 {
        let (m0, m1) = (from.div_euclid(60_000_000) + 1, to.div_euclid(60_000_000));
        if m1 <= m0 {
            return 0;
        }
        let site_minutes = |s: &i64| c.traffic.range((*s, m0)..(*s, m1));
        let sites = pools.sites_of(pool);
        sites
            .iter()
            .flat_map(site_minutes)
            .map(|(_, m)| m.requests)
            .sum()
    };
    let bursts = attach::attach(&lines, &eps, &pools, rules, &traffic_between);
    let inputs = Inputs {
        lines: &lines,
        reqs: &reqs,
        long: &c.long_requests,
        traffic: &c.traffic,
        pools: &pools,
        rules,
    };
    let drafts = incidents::drafts(&eps, &bursts, &inputs);
    let sigs = crash_signatures(&drafts, &pools);
    let system = c.event_logs.get("System").map(|(f, l, _)| (*f, *l));
    let found = Found {
        life,
        eps: &eps,
        lines: &lines,
        reqs: &reqs,
        pools: &pools,
    };
    let mut incidents = found.incidents(&drafts, &sigs, system, meta);
    let recycles = recycle_history(&eps, &drafts, life, &pools);
    let mut summary: BTreeMap<String, u64> = BTreeMap::new();
    for i in &incidents {
        *summary.entry(i.kind.name().to_string()).or_default() += 1;
    }
    // Worst first: most failed requests, then the kind's severity, then time.
    incidents.sort_by(|a, b| {
        b.impact
            .failed_requests
            .cmp(&a.impact.failed_requests)
            .then(a.kind.severity().cmp(&b.kind.severity()))
            .then(a.start.cmp(&b.start))
    });
    let patterns = patterns::patterns(&incidents);
    let mut crash_signatures: Vec<CrashSignature> = sigs.into_values().collect();
    crash_signatures.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.cmp(&b.first)));
    let days = timeline::pool_days(c, &pools, life);
    let findings = Findings {
        schema_version: 1,
        bundle_id: meta.id.clone(),
        bundle: meta.label.clone(),
        host: meta.host.clone(),
        summary,
        coverage: coverage::coverage(sources, c),
        incidents,
        patterns,
        crash_signatures,
        recycles,
    };
    (findings, days)
}

/// A crash signature's key: faulting module and exception code.
type SignatureKey = (Option<String>, Option<String>);

fn signature_key(d: &Draft) -> SignatureKey {
    (
        d.cause.faulting_module.clone(),
        d.cause.exception_code.clone(),
    )
}

/// Crash signatures over crashes and the crashes of rapid-fails.
fn crash_signatures(drafts: &[Draft], pools: &Pools) -> BTreeMap<SignatureKey, CrashSignature> {
    let mut sigs: BTreeMap<SignatureKey, CrashSignature> = BTreeMap::new();
    for d in drafts.iter().filter(|d| d.kind.is_crash()) {
        // A rapid-fail stands for the crashes it absorbed.
        let n = if d.kind == IncidentKind::RapidFail {
            d.crashes.max(1) as u64
        } else {
            1
        };
        let pool = d
            .pool
            .as_deref()
            .map(|p| pools.name(p))
            .unwrap_or_else(|| "?".into());
        let e = sigs
            .entry(signature_key(d))
            .or_insert_with(|| CrashSignature {
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
    sigs
}

/// What the incidents' texts and evidence are drawn from.
struct Found<'a> {
    life: &'a [LoggedEvent],
    eps: &'a [Episode],
    lines: &'a [Line],
    reqs: &'a [Request],
    pools: &'a Pools,
}

impl Found<'_> {
    /// The incidents of the drafts, numbered in time order.
    fn incidents(
        &self,
        drafts: &[Draft],
        sigs: &BTreeMap<SignatureKey, CrashSignature>,
        system: Option<(i64, i64)>,
        meta: &BundleMeta,
    ) -> Vec<Incident> {
        let pools = self.pools;
        let incident = |(n, d): (usize, &Draft)| {
            let same = sigs.get(&signature_key(d)).map_or(0, |s| s.count as usize);
            let covered = match d.episode {
                None => system.map(|(f, l)| d.start >= f && d.start <= l),
                Some(_) => None,
            };
            let log = LogCoverage {
                covered,
                range: system,
            };
            let (mut explanation, recommendation) = explain::texts(d, pools, same, log);
            let time_basis = self.weakest_basis(d).filter(|b| b.doubt() > 0);
            if let Some(b) = time_basis.filter(|b| b.is_guess()) {
                explanation.push_str(&explain::guessed_times(b));
            }
            Incident {
                bundle_id: meta.id.clone(),
                id: format!("I{}", n + 1),
                kind: d.kind,
                app_pool: d.pool.as_deref().map(|p| pools.name(p)),
                sites: d.sites.clone(),
                pids: d.pids.clone(),
                start: format_rfc3339(d.start, 3),
                end: format_rfc3339(d.end, 3),
                cause: d.cause.clone(),
                impact: d.impact.clone(),
                event_log_covered: covered,
                time_basis,
                explanation,
                recommendation,
                evidence: incidents::evidence(d, self.life, self.lines, self.reqs, pools),
            }
        };
        drafts.iter().enumerate().map(incident).collect()
    }
}

impl Found<'_> {
    /// How the times of the incident's events became UTC, the least sure of them (None
    /// without an event).
    fn weakest_basis(&self, d: &Draft) -> Option<TimeBasis> {
        let e = &self.eps[d.episode?];
        e.events
            .iter()
            .map(|&i| self.life[i].basis)
            .max_by_key(|b| b.doubt())
    }
}

/// Every recycle and shutdown timeout with a reason, harmful or not, with the incident
/// it caused.
fn recycle_history(
    eps: &[Episode],
    drafts: &[Draft],
    life: &[LoggedEvent],
    pools: &Pools,
) -> Vec<Recycle> {
    let mut recycles = Vec::new();
    for (i, e) in eps.iter().enumerate() {
        let recycle_like = matches!(
            e.kind,
            IncidentKind::Recycle | IncidentKind::ShutdownTimeout
        );
        if !recycle_like || e.cause.recycle_reason.is_none() {
            continue;
        }
        let incident = drafts
            .iter()
            .position(|d| d.episode == Some(i))
            .map(|n| format!("I{}", n + 1));
        let t = e.events.first().map_or(e.anchor, |&k| life[k].time);
        recycles.push(Recycle {
            time: format_rfc3339(t, 3),
            app_pool: e.pool.as_deref().map(|p| pools.name(p)),
            reason: e.cause.recycle_reason,
            pid: e.pids.iter().next().copied(),
            incident,
        });
    }
    recycles
}
