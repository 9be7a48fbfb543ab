//! Turns episodes and bursts into incidents: which kind, which pool and sites, when,
//! what it did to requests (from the HTTP.sys lines and the W3C log), and the evidence.

use super::attach::Burst;
use super::collect::{LongRequests, Minute};
use super::episodes::{Episode, LoggedEvent};
use super::model::{Cause, Evidence, Impact};
use super::pools::Pools;
use super::rules::Rules;
use super::signals::{Line, Request};
use crate::domain::{EvidenceSource, IncidentKind, Signal};
use crate::time::format_rfc3339;
use std::collections::{BTreeMap, BTreeSet};

const SEC: i64 = 1_000_000;
const MINUTE: i64 = 60 * SEC;

/// An incident before its texts are written.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Kind.
    pub kind: IncidentKind,
    /// Pool key.
    pub pool: Option<String>,
    /// Sites.
    pub sites: Vec<i64>,
    /// Pids.
    pub pids: Vec<i64>,
    /// Start.
    pub start: i64,
    /// End.
    pub end: i64,
    /// Cause.
    pub cause: Cause,
    /// Impact.
    pub impact: Impact,
    /// Episode it comes from.
    pub episode: Option<usize>,
    /// The event the episode is measured from (its first line for bursts).
    pub anchor: i64,
    /// Lines that are its evidence.
    pub lines: Vec<usize>,
    /// Its lifecycle events (indexes).
    pub events: Vec<usize>,
    /// Failed W3C requests in its time.
    pub requests: Vec<usize>,
    /// Crashes (rapid-fail).
    pub crashes: usize,
    /// Traffic and time-taken ratios to usual (overloads).
    pub traffic_ratio: Option<f64>,
    /// Time-taken ratio.
    pub slow_ratio: Option<f64>,
}

impl Draft {
    fn new(kind: IncidentKind, pool: Option<String>, start: i64, end: i64) -> Draft {
        Draft {
            kind,
            pool,
            sites: Vec::new(),
            pids: Vec::new(),
            start,
            end,
            cause: Cause::default(),
            impact: Impact::default(),
            episode: None,
            anchor: start,
            lines: Vec::new(),
            events: Vec::new(),
            requests: Vec::new(),
            crashes: 0,
            traffic_ratio: None,
            slow_ratio: None,
        }
    }
}

/// What the incident rules read besides episodes and bursts.
pub struct Inputs<'a> {
    /// HTTP.sys lines with their pool.
    pub lines: &'a [Line],
    /// Failed W3C requests.
    pub reqs: &'a [Request],
    /// Long W3C requests, sorted.
    pub long: &'a [LongRequests],
    /// Requests per site and minute.
    pub traffic: &'a BTreeMap<(i64, i64), Minute>,
    /// Pools and sites.
    pub pools: &'a Pools,
    /// Windows and thresholds.
    pub rules: &'a Rules,
}

/// Requests per minute and mean time-taken of a pool's sites in [from, to).
fn pool_traffic(
    traffic: &BTreeMap<(i64, i64), Minute>,
    sites: &[i64],
    from: i64,
    to: i64,
) -> (f64, f64) {
    let (m0, m1) = (
        from.div_euclid(MINUTE),
        to.div_euclid(MINUTE).max(from.div_euclid(MINUTE) + 1),
    );
    let (mut req, mut taken) = (0u64, 0u64);
    for s in sites {
        for (_, m) in traffic.range((*s, m0)..(*s, m1)) {
            req += m.requests;
            taken += m.time_taken_sum;
        }
    }
    let minutes = (m1 - m0).max(1) as f64;
    (
        req as f64 / minutes,
        if req > 0 {
            taken as f64 / req as f64
        } else {
            0.0
        },
    )
}

/// How a window compares with the same pool's traffic in the hours around it.
fn ratios(inputs: &Inputs<'_>, sites: &[i64], from: i64, to: i64) -> (f64, f64) {
    let (span, gap) = (
        inputs.rules.usual_span_s * SEC,
        inputs.rules.usual_gap_s * SEC,
    );
    let (rate, taken) = pool_traffic(inputs.traffic, sites, from, to);
    let (before_rate, before_taken) = pool_traffic(inputs.traffic, sites, from - span, from - gap);
    let (after_rate, after_taken) = pool_traffic(inputs.traffic, sites, to + gap, to + span);
    let base_rate = ((before_rate + after_rate) / 2.0).max(0.1);
    let base_taken = ((before_taken + after_taken) / 2.0).max(1.0);
    (rate / base_rate, taken / base_taken)
}

/// Builds the incidents of a bundle, in time order.
pub fn drafts(eps: &[Episode], bursts: &[Burst], inputs: &Inputs<'_>) -> Vec<Draft> {
    let mut by_episode: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for b in bursts {
        if let Some(e) = b.episode {
            by_episode.entry(e).or_default().extend(&b.lines);
        }
    }
    let mut out = Vec::new();
    for (i, e) in eps.iter().enumerate() {
        let attached = by_episode.remove(&i).unwrap_or_default();
        out.extend(episode_draft(i, e, attached, inputs));
    }
    for b in bursts.iter().filter(|b| b.episode.is_none()) {
        out.extend(burst_draft(b, inputs));
    }
    // By name, as the report has always ordered kinds starting together.
    out.sort_by(|a, b| (a.start, &a.pool, a.kind.name()).cmp(&(b.start, &b.pool, b.kind.name())));
    out
}

/// The incident of an episode; a recycle is one only if it harmed requests.
fn episode_draft(
    i: usize,
    e: &Episode,
    attached: Vec<usize>,
    inputs: &Inputs<'_>,
) -> Option<Draft> {
    let harmful = attached
        .iter()
        .any(|&l| inputs.lines[l].signal.is_app_pool());
    if e.kind == IncidentKind::Recycle && !harmful {
        return None;
    }
    let mut d = Draft::new(e.kind, e.pool.clone(), e.first, e.last);
    d.pids = e.pids.iter().copied().collect();
    d.cause = e.cause.clone();
    d.episode = Some(i);
    d.anchor = e.anchor;
    d.lines = attached;
    d.events = e.events.clone();
    d.crashes = e.crashes;
    let ep_sites: Vec<i64> = e.sites.iter().copied().collect();
    finish(&mut d, inputs, &ep_sites, &e.deaths);
    Some(d)
}

/// What a burst no lifecycle event explains is: failures as if the worker went away,
/// a full queue, or (with enough drops and traffic or slowness above usual) overload;
/// with the traffic and time-taken ratios to usual for the last two.
fn burst_kind(
    b: &Burst,
    inputs: &Inputs<'_>,
    sites: &[i64],
) -> Option<(IncidentKind, Option<(f64, f64)>)> {
    let count = |f: &dyn Fn(Signal) -> bool| -> u64 {
        let lines = b.lines.iter().map(|&l| &inputs.lines[l]);
        lines.filter(|l| f(l.signal)).map(|l| l.count).sum()
    };
    let queue_full = count(&|s| s == Signal::QueueFull);
    let failures = count(&Signal::is_worker_gone);
    let dropped = count(&|s| s == Signal::Dropped);
    let (t0, t1) = burst_span(b, inputs.lines);
    let ratios = || ratios(inputs, sites, t0, t1 + SEC);
    if failures > 0 && failures >= queue_full {
        Some((IncidentKind::Unexplained, None))
    } else if queue_full > 0 {
        Some((IncidentKind::QueueFull, Some(ratios())))
    } else if dropped >= inputs.rules.overload_min_dropped {
        let (r, s) = ratios();
        (r.max(s) >= inputs.rules.overload_factor).then_some((IncidentKind::Overload, Some((r, s))))
    } else {
        None
    }
}

fn burst_span(b: &Burst, lines: &[Line]) -> (i64, i64) {
    let last = *b.lines.last().expect("bursts are not empty");
    (lines[b.lines[0]].time, lines[last].time)
}

/// The incident of a burst no lifecycle event explains, if it is one.
fn burst_draft(b: &Burst, inputs: &Inputs<'_>) -> Option<Draft> {
    let pool = b.pool.as_ref()?;
    let sites = inputs.pools.sites_of(pool);
    let (kind, ratios) = burst_kind(b, inputs, &sites)?;
    let (t0, t1) = burst_span(b, inputs.lines);
    let mut d = Draft::new(kind, Some(pool.clone()), t0, t1);
    d.lines = b.lines.clone();
    d.traffic_ratio = ratios.map(|r| r.0);
    d.slow_ratio = ratios.map(|r| r.1);
    finish(&mut d, inputs, &[], &[]);
    Some(d)
}

/// Time range, sites, impact and W3C requests of a draft.
fn finish(d: &mut Draft, inputs: &Inputs<'_>, extra_sites: &[i64], deaths: &[i64]) {
    d.lines.sort();
    d.lines.dedup();
    for &l in &d.lines {
        d.start = d.start.min(inputs.lines[l].time);
        d.end = d.end.max(inputs.lines[l].time);
    }
    let mut sites: BTreeSet<i64> = d
        .pool
        .as_deref()
        .map(|p| inputs.pools.sites_of(p))
        .unwrap_or_default()
        .into_iter()
        .collect();
    sites.extend(extra_sites);
    sites.extend(d.lines.iter().filter_map(|&l| inputs.lines[l].site));
    d.sites = sites.into_iter().collect();
    count_lines(d, inputs.lines);
    count_requests(d, inputs, deaths);
    count_long_in_flight(d, inputs.long, deaths);
    let m = &mut d.impact;
    m.failed_requests = m.abandoned
        + m.dropped
        + m.http_503.values().sum::<u64>()
        + m.queue_timeouts
        + m.http_5xx
        + m.broken_w3c;
}

/// Impact from the HTTP.sys lines.
fn count_lines(d: &mut Draft, lines: &[Line]) {
    let m = &mut d.impact;
    for line in d.lines.iter().map(|&l| &lines[l]) {
        match line.signal {
            Signal::Abandoned => m.abandoned += line.count,
            Signal::Dropped => m.dropped += line.count,
            Signal::QueueTimeout => m.queue_timeouts += line.count,
            Signal::Offline
            | Signal::Shutdown
            | Signal::QueueFull
            | Signal::SlowClient
            | Signal::Capacity => {}
        }
        if line.status == Some(503) {
            *m.http_503.entry(line.reason.clone()).or_default() += line.count;
        }
        *m.reasons.entry(line.reason.clone()).or_default() += line.count;
    }
}

/// W3C requests of the pool's sites that failed in the incident's time, and those in
/// flight when a worker died.
fn count_requests(d: &mut Draft, inputs: &Inputs<'_>, deaths: &[i64]) {
    let slack = inputs.rules.slack_s * SEC;
    let (from, to) = (d.start - slack, d.end + slack);
    let horizon = to + inputs.rules.in_flight_horizon_s * SEC;
    let m = &mut d.impact;
    let lo = inputs.reqs.partition_point(|r| r.time < from);
    for (i, r) in inputs.reqs.iter().enumerate().skip(lo) {
        if r.time > horizon {
            break;
        }
        if !r.site.is_some_and(|s| d.sites.contains(&s)) {
            continue;
        }
        let in_flight = deaths
            .iter()
            .any(|&t| r.start.is_some_and(|s| s <= t) && r.time >= t);
        if in_flight {
            m.in_flight_w3c += r.count;
            d.requests.push(i);
        } else if r.time <= to && r.failed() {
            if r.status.is_some_and(|s| s >= 500) {
                m.http_5xx += r.count;
            } else {
                m.broken_w3c += r.count;
                if let Some(w) = r.win32 {
                    *m.broken_win32.entry(w).or_default() += r.count;
                }
            }
            d.requests.push(i);
        }
    }
}

/// Long requests that were running when a worker died and still completed; `long` holds
/// (site, start second, end second, count), sorted.
fn count_long_in_flight(d: &mut Draft, long: &[LongRequests], deaths: &[i64]) {
    for &site in &d.sites {
        let lo = long.partition_point(|r| r.0 < site);
        let hi = long.partition_point(|r| r.0 <= site);
        d.impact.in_flight_w3c += long[lo..hi]
            .iter()
            .filter(|r| {
                deaths
                    .iter()
                    .any(|&t| r.1 * SEC <= t && t < (r.2 + 1) * SEC)
            })
            .map(|r| r.3)
            .sum::<u64>();
    }
}

/// The evidence of a draft: its events, then the first lines of each source.
pub fn evidence(
    d: &Draft,
    life: &[LoggedEvent],
    lines: &[Line],
    reqs: &[Request],
    pools: &Pools,
) -> Vec<Evidence> {
    let mut v: Vec<Evidence> = d
        .events
        .iter()
        .map(|&i| event_evidence(&life[i], pools))
        .collect();
    let mut per_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for l in d.lines.iter().map(|&i| &lines[i]) {
        let n = per_reason.entry(l.reason.as_str()).or_default();
        *n += 1;
        if *n <= 3 {
            v.push(line_evidence(l, pools));
        }
    }
    v.extend(
        d.requests
            .iter()
            .take(5)
            .map(|&i| request_evidence(&reqs[i])),
    );
    v
}

fn event_evidence(l: &LoggedEvent, pools: &Pools) -> Evidence {
    let ev = &l.event;
    let mut summary = format!("{} {}: {}", l.provider, l.event_id, ev.kind);
    if let Some(p) = &l.pool {
        summary.push_str(&format!(", pool {}", pools.name(p)));
    }
    if let Some(p) = ev.pid {
        summary.push_str(&format!(", pid {p}"));
    }
    let reason = ev.recycle_reason.map(|r| r.name().to_string());
    for (label, val) in [
        ("reason", &reason),
        ("exit code", &ev.exit_code),
        ("exception", &ev.exception_code),
        ("module", &ev.faulting_module),
        ("type", &ev.exception_type),
    ] {
        if let Some(v) = val {
            summary.push_str(&format!(", {label} {v}"));
        }
    }
    if let Some(dt) = &ev.detail {
        summary.push_str(&format!(" ({})", crate::text::truncate(dt, 200)));
    }
    Evidence {
        source: EvidenceSource::Event,
        time: format_rfc3339(l.time, 3),
        file: l.file.clone(),
        line: l.line.map(|v| v as i64),
        record_id: l.record_id,
        summary,
    }
}

fn line_evidence(l: &Line, pools: &Pools) -> Evidence {
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let more = if l.count > 1 {
        format!(" (and {} more that second)", l.count - 1)
    } else {
        String::new()
    };
    Evidence {
        source: EvidenceSource::Httperr,
        time: format_rfc3339(l.time, 0),
        file: l.file.clone(),
        line: l.line,
        record_id: None,
        summary: format!(
            "{}{more} {}{} site {} queue {} from {}",
            l.reason,
            l.status.map(|s| format!("{s} ")).unwrap_or_default(),
            crate::text::truncate(&l.request, 120),
            dash(l.site.map(|s| s.to_string())),
            dash(l.pool.as_deref().map(|p| pools.name(p))),
            l.client
        ),
    }
}

fn request_evidence(r: &Request) -> Evidence {
    let dash = |v: Option<i64>| v.map_or_else(|| "-".into(), |v| v.to_string());
    Evidence {
        source: EvidenceSource::W3c,
        time: format_rfc3339(r.time, 0),
        file: r.file.clone(),
        line: r.line,
        record_id: None,
        summary: format!(
            "{} -> {} win32 {} in {} ms (site {})",
            crate::text::truncate(&r.request, 120),
            dash(r.status),
            dash(r.win32),
            dash(r.taken),
            dash(r.site)
        ),
    }
}
