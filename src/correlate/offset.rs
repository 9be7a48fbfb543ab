//! The clock of an event log exported in local time, decided as a forensic tool must,
//! in this order: the zone or offset the user gave (`--tz`, `--utc-offset`); a UTC time
//! in the same records (an embedded Event XML, ASP.NET's UTC event time); the offset
//! (DST-aware: candidates include the zones whose offset changes in the file's period)
//! that best aligns the file's lifecycle events with the bundle's UTC evidence
//! (HTTP.sys lines of the same pool that say its worker went away, the same events in
//! an `.evtx`), with the scores of the best and next-best; otherwise none: the times
//! are taken as UTC and said to be a guess. Also tells whether an exported event is one
//! the bundle's `.evtx` already holds.

use super::collect::Collected;
use super::pools::key;
use crate::domain::httpsys;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::TimeBasis;
use crate::time::zone::{candidates, Clock};
use crate::time::MICROS_PER_SEC;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

/// One lifecycle event of an export, at its local time.
#[derive(Debug, Clone)]
pub struct LocalEvent {
    /// Local time as written.
    pub local: NaiveDateTime,
    /// Event id.
    pub event_id: i32,
    /// What it says.
    pub life: Lifecycle,
}

/// The clock decided for one export, how, and the sentence that says so.
#[derive(Debug, Clone)]
pub struct Placement {
    /// How its times become UTC.
    pub basis: TimeBasis,
    /// The clock (UTC itself when unknown).
    pub clock: Clock,
    /// What was decided and on what evidence, for `sources` and the report.
    pub note: String,
    /// How many of the file's events or UTC twins agree with the clock (to choose
    /// between readings of its dates).
    pub support: u32,
}

/// What an event's match in an `.evtx` is keyed on.
type EvtxKey = (i64, Option<i64>, Option<String>);

/// What makes two records the same event, with their time: the provider (any case)
/// and the event id.
pub fn event_key(provider: &str, event_id: i32) -> u64 {
    let mut bytes = provider.trim().to_ascii_lowercase().into_bytes();
    bytes.extend_from_slice(&event_id.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// The bundle's UTC evidence: HTTP.sys lines that say a pool's worker went away, per
/// pool, and the `.evtx` lifecycle events, by event id, pid and pool; times sorted.
#[derive(Debug, Default)]
pub struct Evidence {
    worker_gone: BTreeMap<String, Vec<i64>>,
    evtx: BTreeMap<EvtxKey, Vec<i64>>,
    /// Every event read so far, by [`event_key`]: times sorted.
    seen: std::collections::HashMap<u64, Vec<i64>>,
}

/// HTTP.sys lines from this long before to this long after an event's minute align it.
const HTTP_BEFORE_S: i64 = 30;
const HTTP_AFTER_S: i64 = 120;
/// An event found in an `.evtx` weighs as much as this many HTTP.sys alignments.
const EVTX_WEIGHT: u32 = 3;

impl Evidence {
    /// From what the bundle's UTC sources gave.
    pub fn of(c: &Collected) -> Evidence {
        let mut e = Evidence::default();
        for row in &c.httperr {
            let (_, signal) = httpsys::classify(&row.reason);
            if let (Some(q), Some(s)) = (&row.queue, signal) {
                if s.is_app_pool() {
                    e.worker_gone.entry(key(q)).or_default().push(row.time);
                }
            }
        }
        for l in &c.lifecycle {
            let k = (l.event_id, l.event.pid, l.pool.clone());
            e.evtx.entry(k).or_default().push(l.time);
        }
        for &(k, t) in &c.event_keys {
            e.seen.entry(k).or_default().push(t);
        }
        e.worker_gone.values_mut().for_each(|v| v.sort_unstable());
        e.evtx.values_mut().for_each(|v| v.sort_unstable());
        e.seen.values_mut().for_each(|v| v.sort_unstable());
        e
    }

    /// Whether the bundle's `.evtx` (or an export written before) holds this event: same
    /// provider and id at a time within the export's resolution of `t` (what it holds
    /// is at least as fine).
    pub fn seen(&self, key: u64, t: i64, resolution_s: u32) -> bool {
        let res = i64::from(resolution_s.max(1)) * MICROS_PER_SEC;
        self.seen
            .get(&key)
            .is_some_and(|ts| any_in(ts, t - MICROS_PER_SEC, t + res))
    }

    /// Adds the events read from an export (UTC), so that the same events in a later
    /// export count once.
    pub fn add_seen(&mut self, events: Vec<(u64, i64)>) {
        let mut touched = std::collections::BTreeSet::new();
        for (k, t) in events {
            self.seen.entry(k).or_default().push(t);
            touched.insert(k);
        }
        for k in touched {
            if let Some(ts) = self.seen.get_mut(&k) {
                ts.sort_unstable();
            }
        }
    }

    /// Whether any evidence exists.
    pub fn is_empty(&self) -> bool {
        self.worker_gone.is_empty() && self.evtx.is_empty()
    }

    /// Whether an `.evtx` of the bundle holds this lifecycle event: same id, pid and
    /// pool, at a time within the export's resolution of `t`.
    fn in_evtx(&self, event_id: i32, life: &Lifecycle, t: i64, resolution_s: u32) -> bool {
        let k = (
            i64::from(event_id),
            life.pid,
            life.app_pool.as_deref().map(key),
        );
        let res = i64::from(resolution_s.max(1)) * MICROS_PER_SEC;
        self.evtx
            .get(&k)
            .is_some_and(|ts| any_in(ts, t - MICROS_PER_SEC, t + res))
    }

    /// Whether HTTP.sys saw the event's pool lose its worker around `t`.
    fn http_aligned(&self, life: &Lifecycle, t: i64, resolution_s: u32) -> bool {
        let Some(pool) = life.app_pool.as_deref() else {
            return false;
        };
        let from = t - HTTP_BEFORE_S * MICROS_PER_SEC;
        let to = t + (i64::from(resolution_s) + HTTP_AFTER_S) * MICROS_PER_SEC;
        self.worker_gone
            .get(&key(pool))
            .is_some_and(|ts| any_in(ts, from, to))
    }
}

/// Whether sorted `ts` has a time in `[from, to]`.
fn any_in(ts: &[i64], from: i64, to: i64) -> bool {
    let i = ts.partition_point(|&t| t < from);
    ts.get(i).is_some_and(|&t| t <= to)
}

/// How well one clock aligns an export's events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Score {
    http: u32,
    evtx: u32,
}

impl Score {
    fn total(self) -> u32 {
        self.http + EVTX_WEIGHT * self.evtx
    }
}

fn score(clock: &Clock, events: &[LocalEvent], ev: &Evidence, resolution_s: u32) -> Score {
    let mut s = Score::default();
    for e in events {
        let (t, _) = clock.to_utc(e.local);
        if ev.in_evtx(e.event_id, &e.life, t, resolution_s) {
            s.evtx += 1;
        } else if ev.http_aligned(&e.life, t, resolution_s) {
            s.http += 1;
        }
    }
    s
}

/// The clocks that place `events` differently: of clocks that give every event the
/// same UTC time (a zone whose change falls outside the events, and the fixed offset it
/// keeps meanwhile) the first is kept, so equal evidence is not taken for a tie.
fn distinct_on(events: &[LocalEvent], clocks: Vec<Clock>) -> Vec<Clock> {
    use std::hash::{Hash, Hasher};
    let mut seen = std::collections::HashSet::new();
    clocks
        .into_iter()
        .filter(|c| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            events.iter().for_each(|e| c.to_utc(e.local).0.hash(&mut h));
            seen.insert(h.finish())
        })
        .collect()
}

/// The events `clock` aligns with the evidence.
fn aligned_events<'e>(
    clock: &Clock,
    events: &'e [LocalEvent],
    evidence: &Evidence,
    resolution_s: u32,
) -> Vec<&'e LocalEvent> {
    events
        .iter()
        .filter(|e| {
            let (t, _) = clock.to_utc(e.local);
            evidence.in_evtx(e.event_id, &e.life, t, resolution_s)
                || evidence.http_aligned(&e.life, t, resolution_s)
        })
        .collect()
}

/// The clocks worth trying for local times in `[first, last]`.
fn clocks_for(first: NaiveDateTime, last: NaiveDateTime) -> Vec<Clock> {
    // The widest offset either way; and at most two years of DST rules (a file whose
    // dates span centuries is damaged: its last two years decide).
    const WIDEST: i64 = 14 * 3600 * MICROS_PER_SEC;
    const MOST: i64 = 731 * 86_400 * MICROS_PER_SEC;
    let last = last.and_utc().timestamp_micros();
    let first = first.and_utc().timestamp_micros().max(last - MOST);
    candidates(first - WIDEST, last + WIDEST)
}

/// Decides the clock of one export: `given` by the user, else from `pairs` of (local
/// time, UTC time) in its records, else inferred from its `events` and the bundle's
/// `evidence`, else unknown.
pub fn decide(
    events: &[LocalEvent],
    pairs: &[(NaiveDateTime, i64)],
    range: (NaiveDateTime, NaiveDateTime),
    given: Option<&Clock>,
    evidence: &Evidence,
    resolution_s: u32,
) -> Placement {
    let span = |c: &Clock| {
        c.describe(
            range.0.and_utc().timestamp_micros(),
            range.1.and_utc().timestamp_micros(),
        )
    };
    if let Some(c) = given {
        return Placement {
            basis: TimeBasis::Given,
            clock: *c,
            note: format!("local time; converted with the given clock {}", span(c)),
            support: score(c, events, evidence, resolution_s).total(),
        };
    }
    if let Some(p) = from_pairs(pairs, events, range, evidence, resolution_s) {
        return p;
    }
    infer(events, range, evidence, resolution_s)
}

/// The clock that maps the most local times onto their UTC twins; among clocks that map
/// as many (twins all on one side of a DST change fit the fixed offset and the zone
/// alike), the one that best aligns the events with the evidence.
fn from_pairs(
    pairs: &[(NaiveDateTime, i64)],
    events: &[LocalEvent],
    range: (NaiveDateTime, NaiveDateTime),
    evidence: &Evidence,
    resolution_s: u32,
) -> Option<Placement> {
    if pairs.is_empty() {
        return None;
    }
    let res = i64::from(resolution_s.max(1)) * MICROS_PER_SEC;
    let fits = |c: &Clock| {
        pairs
            .iter()
            .filter(|(local, utc)| {
                let (t, _) = c.to_utc(*local);
                t <= *utc + MICROS_PER_SEC && *utc < t + res
            })
            .count()
    };
    let clocks = clocks_for(range.0, range.1);
    let counted: Vec<(&Clock, usize)> = clocks.iter().map(|c| (c, fits(c))).collect();
    let n = counted.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if n == 0 {
        return None;
    }
    let tied: Vec<Clock> = counted
        .iter()
        .filter(|(_, m)| *m == n)
        .map(|(c, _)| **c)
        .collect();
    // Stable: among equal scores the first candidate (fixed offsets first) is kept.
    let best = distinct_on(events, tied)
        .into_iter()
        .enumerate()
        .max_by_key(|(i, c)| {
            (
                score(c, events, evidence, resolution_s).total(),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, c)| c)?;
    Some(Placement {
        basis: TimeBasis::Embedded,
        clock: best,
        support: n as u32,
        note: format!(
            "local time; offset {} from the UTC times in the same records ({n} of {} agree)",
            best.describe(
                range.0.and_utc().timestamp_micros(),
                range.1.and_utc().timestamp_micros()
            ),
            pairs.len()
        ),
    })
}

/// The clock that best aligns the events with the evidence, if it stands out.
fn infer(
    events: &[LocalEvent],
    range: (NaiveDateTime, NaiveDateTime),
    evidence: &Evidence,
    resolution_s: u32,
) -> Placement {
    if events.is_empty() {
        return unknown_offset(
            "no UTC time in the file, and no event in it that other sources could confirm",
        );
    }
    if evidence.is_empty() {
        return unknown_offset(
            "no UTC time in the file, and no UTC evidence in the bundle to align it with (HTTP.sys lines of a failing pool, an .evtx)",
        );
    }
    let ((best, bs), (next, ns)) = best_and_rival(events, range, evidence, resolution_s);
    let describe = |c: &Clock| {
        c.describe(
            range.0.and_utc().timestamp_micros(),
            range.1.and_utc().timestamp_micros(),
        )
    };
    let tally = |s: &Score| {
        format!(
            "{} event(s) align: {} with HTTP.sys, {} found in an .evtx",
            s.http + s.evtx,
            s.http,
            s.evtx
        )
    };
    if bs.total() < 2 || bs.total() < ns.total() + 2 {
        return unknown_offset(&format!(
            "too little UTC evidence: best {} with {}, next {} with {}",
            describe(&best),
            tally(&bs),
            describe(&next),
            tally(&ns)
        ));
    }
    Placement {
        basis: TimeBasis::Inferred,
        clock: best,
        support: bs.total(),
        note: format!(
            "local time; offset {} inferred: {} of {} lifecycle event(s) align with the bundle's UTC evidence ({}); next best {} ({})",
            describe(&best),
            bs.http + bs.evtx,
            events.len(),
            tally(&bs),
            describe(&next),
            tally(&ns)
        ),
    }
}

/// No offset could be decided (`why`): times are taken as UTC and the note says so.
fn unknown_offset(why: &str) -> Placement {
    Placement {
        basis: TimeBasis::Unknown,
        clock: Clock::Fixed { offset_s: 0 },
        support: 0,
        note: format!(
            "local time; offset unknown ({why}): times are taken as UTC, so joins with other sources may be off by hours; give --tz or --utc-offset"
        ),
    }
}

/// The best-scoring clock of the candidates for `range`, and its rival: the best clock
/// that places the aligned events elsewhere (one that differs only on events no
/// evidence speaks for is no rival). Among equal scores fixed offsets come first.
fn best_and_rival(
    events: &[LocalEvent],
    range: (NaiveDateTime, NaiveDateTime),
    evidence: &Evidence,
    resolution_s: u32,
) -> ((Clock, Score), (Clock, Score)) {
    let mut scored: Vec<(Clock, Score)> = distinct_on(events, clocks_for(range.0, range.1))
        .into_iter()
        .map(|c| {
            let s = score(&c, events, evidence, resolution_s);
            (c, s)
        })
        .collect();
    scored.sort_by_key(|(_, s)| std::cmp::Reverse(s.total()));
    let best = scored[0];
    let aligned = aligned_events(&best.0, events, evidence, resolution_s);
    let rival = scored[1..]
        .iter()
        .find(|(c, _)| {
            aligned
                .iter()
                .any(|e| c.to_utc(e.local).0 != best.0.to_utc(e.local).0)
        })
        .copied()
        .unwrap_or((Clock::Fixed { offset_s: 0 }, Score::default()));
    (best, rival)
}
