//! Ties HTTP.sys lines to the episode of their pool whose window covers them (each
//! rule's exact window, never another pool's episode), then groups each pool's lines
//! into bursts: a burst with any line tied to an episode belongs to it, the others are
//! bursts no lifecycle event explains.

use super::episodes::Episode;
use super::pools::Pools;
use super::rules::Rules;
use super::signals::Line;
use crate::domain::{IncidentKind, Signal};
use std::collections::BTreeMap;

const SEC: i64 = 1_000_000;

/// The episode kinds that cause lines of a signal (domain.md §5.2).
fn caused_by(sig: Signal) -> &'static [IncidentKind] {
    use IncidentKind as K;
    match sig {
        Signal::Abandoned => &[
            K::Crash,
            K::Hang,
            K::RapidFail,
            K::ShutdownTimeout,
            K::Recycle,
        ],
        Signal::QueueTimeout => &[K::Crash, K::Hang, K::RapidFail, K::Recycle],
        Signal::Offline => &[K::Hang, K::RapidFail, K::Recycle, K::PoolDisabled],
        Signal::QueueFull => &[K::Hang],
        Signal::Shutdown => &[K::Recycle],
        Signal::Dropped | Signal::SlowClient | Signal::Capacity => &[],
    }
}

/// The time range an episode claims lines of a signal in: the signals its kind causes,
/// within the kind's own window.
pub fn window(e: &Episode, sig: Signal, pools: &Pools, rules: &Rules) -> Option<(i64, i64)> {
    if !caused_by(sig).contains(&e.kind) {
        return None;
    }
    slackened(span(e, pools, rules)?, rules)
}

fn slackened((from, to): (i64, i64), rules: &Rules) -> Option<(i64, i64)> {
    let slack = rules.slack_s * SEC;
    Some((from - slack, to + slack))
}

/// The window of an episode's kind, before slack; None for kinds that are never episodes.
fn span(e: &Episode, pools: &Pools, rules: &Rules) -> Option<(i64, i64)> {
    use IncidentKind as K;
    let s = |v: i64| v * SEC;
    Some(match e.kind {
        K::Crash => (
            e.first - s(rules.crash_before_s),
            e.last + s(rules.crash_after_s),
        ),
        K::Hang => (
            e.anchor - s(rules.hang_before_s),
            e.anchor + e.slack + s(rules.hang_after_s),
        ),
        K::RapidFail => (
            e.first - s(rules.crash_before_s),
            e.anchor + e.slack + s(rules.rapid_fail_after_s),
        ),
        K::ShutdownTimeout => (
            e.anchor - s(rules.shutdown_timeout_around_s),
            e.anchor + e.slack + s(rules.shutdown_timeout_around_s),
        ),
        K::Recycle => {
            let limit = pools.shutdown_time_limit_s(e.pool.as_deref(), rules);
            (
                e.anchor,
                e.anchor + e.slack + s(limit + rules.recycle_after_s),
            )
        }
        K::PoolDisabled => (e.anchor, e.anchor + e.slack + s(rules.rapid_fail_after_s)),
        // Kinds of bursts no lifecycle event explains: never episodes.
        K::QueueFull | K::Overload | K::Unexplained => return None,
    })
}

/// A burst of one pool's lines.
#[derive(Debug, Clone)]
pub struct Burst {
    /// Pool key (None: lines no pool can be named for).
    pub pool: Option<String>,
    /// Line indexes, in time order.
    pub lines: Vec<usize>,
    /// The episode it belongs to.
    pub episode: Option<usize>,
}

/// Ties lines to episodes; returns the bursts.
pub fn attach(
    lines: &[Line],
    eps: &[Episode],
    pools: &Pools,
    rules: &Rules,
    traffic_between: &dyn Fn(&str, i64, i64) -> u64,
) -> Vec<Burst> {
    let owner = owners(lines, eps, pools, rules);
    let mut bursts = bursts(lines, rules);
    for b in &mut bursts {
        b.episode = most_owned(b, &owner);
        if b.episode.is_none() {
            b.episode = still_offline(b, lines, eps, rules, traffic_between);
        }
    }
    bursts
}

/// The span of time an episode can claim lines in, whatever their signal (every window
/// of a kind is the same span): None for a kind that causes no signal.
fn reach(e: &Episode, pools: &Pools, rules: &Rules) -> Option<(i64, i64)> {
    let causes_any = Signal::ALL
        .iter()
        .any(|&sig| caused_by(sig).contains(&e.kind));
    slackened(span(e, pools, rules).filter(|_| causes_any)?, rules)
}

/// When an episode can claim lines: (from, to, episode index).
type Span = (i64, i64, usize);

/// For each line, the episode of its pool whose window covers it, the nearest anchor
/// first (then the earlier episode).
fn owners(lines: &[Line], eps: &[Episode], pools: &Pools, rules: &Rules) -> Vec<Option<usize>> {
    // Per pool: (start of reach, end of reach, episode), sorted; and the longest reach.
    let mut by_pool: BTreeMap<&str, (Vec<Span>, i64)> = BTreeMap::new();
    for (i, e) in eps.iter().enumerate() {
        let (Some(pool), Some((from, to))) = (e.pool.as_deref(), reach(e, pools, rules)) else {
            continue;
        };
        let entry = by_pool.entry(pool).or_default();
        entry.0.push((from, to, i));
        entry.1 = entry.1.max(to - from);
    }
    for (spans, _) in by_pool.values_mut() {
        spans.sort_unstable();
    }
    let owner = |l: &Line| -> Option<usize> {
        let (spans, longest) = by_pool.get(l.pool.as_deref()?)?;
        let upto = spans.partition_point(|s| s.0 <= l.time);
        spans[..upto]
            .iter()
            .rev()
            .take_while(|s| s.0 >= l.time - longest)
            .filter(|s| s.1 >= l.time)
            .filter(|s| {
                window(&eps[s.2], l.signal, pools, rules)
                    .is_some_and(|(from, to)| l.time >= from && l.time <= to)
            })
            .map(|s| ((l.time - eps[s.2].anchor).abs(), s.2))
            .min()
            .map(|(_, e)| e)
    };
    lines.iter().map(owner).collect()
}

/// Each pool's lines, split wherever two are more than `burst_gap_s` apart.
fn bursts(lines: &[Line], rules: &Rules) -> Vec<Burst> {
    let mut by_pool: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        by_pool.entry(l.pool.as_deref()).or_default().push(i);
    }
    let mut bursts = Vec::new();
    for (pool, mut idx) in by_pool {
        idx.sort_by_key(|&i| (lines[i].time, i));
        let mut cur: Vec<usize> = Vec::new();
        for i in idx {
            let gap = cur.last().map(|&last| lines[i].time - lines[last].time);
            if gap.is_some_and(|g| g > rules.burst_gap_s * SEC) {
                bursts.push(Burst {
                    pool: pool.map(str::to_string),
                    lines: std::mem::take(&mut cur),
                    episode: None,
                });
            }
            cur.push(i);
        }
        bursts.push(Burst {
            pool: pool.map(str::to_string),
            lines: cur,
            episode: None,
        });
    }
    bursts
}

/// The episode most of a burst's tied lines belong to (the earlier one on a tie).
fn most_owned(b: &Burst, owner: &[Option<usize>]) -> Option<usize> {
    let mut votes: BTreeMap<usize, usize> = BTreeMap::new();
    for e in b.lines.iter().filter_map(|&i| owner[i]) {
        *votes.entry(e).or_default() += 1;
    }
    votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(e, _)| e)
}

/// A pool left offline by rapid-fail (or disabled) stays offline until its sites serve
/// again: a later burst of offline lines only belongs to the same episode.
fn still_offline(
    b: &Burst,
    lines: &[Line],
    eps: &[Episode],
    rules: &Rules,
    traffic_between: &dyn Fn(&str, i64, i64) -> u64,
) -> Option<usize> {
    if !b.lines.iter().all(|&i| lines[i].signal == Signal::Offline) {
        return None;
    }
    let pool = b.pool.as_ref()?;
    let t0 = lines[b.lines[0]].time;
    eps.iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(e.kind, IncidentKind::RapidFail | IncidentKind::PoolDisabled)
                && e.pool.as_ref() == Some(pool)
                && e.anchor <= t0
        })
        .max_by_key(|(_, e)| e.anchor)
        .filter(|(_, e)| traffic_between(pool, e.anchor + rules.slack_s * SEC, t0) == 0)
        .map(|(i, _)| i)
}
#[cfg(test)]
mod tests {
    use super::super::episodes::Episode;
    use super::*;

    fn ep(kind: IncidentKind, pool: &str, t: i64) -> Episode {
        Episode {
            kind,
            pool: Some(pool.into()),
            anchor: t,
            first: t,
            last: t,
            pids: Default::default(),
            cause: Default::default(),
            events: vec![],
            deaths: vec![t],
            crashes: 0,
            sites: Default::default(),
            slack: 0,
        }
    }

    fn line(t: i64, pool: &str, reason: &str) -> Line {
        Line {
            time: t,
            pool: Some(pool.into()),
            site: None,
            signal: Signal::of(reason).unwrap(),
            reason: reason.into(),
            status: None,
            file: "h.log".into(),
            line: Some(1),
            request: String::new(),
            client: String::new(),
            count: 1,
        }
    }

    #[test]
    fn a_covering_episode_wins_even_behind_a_nearer_one() {
        // A rapid-fail whose first crash was 4 minutes before the 5002, and a recycle
        // of the same pool in between: the abandon at the first crash is the
        // rapid-fail's, although the recycle's anchor is nearer (and does not cover it).
        let rules = Rules::default();
        let t = 100_000 * SEC;
        let mut rapid = ep(IncidentKind::RapidFail, "a", t);
        rapid.first = t - 240 * SEC;
        let eps = vec![rapid, ep(IncidentKind::Recycle, "a", t - 200 * SEC)];
        let lines = vec![line(t - 241 * SEC, "a", "Connection_Abandoned_By_ReqQueue")];
        let owner = owners(&lines, &eps, &Pools::default(), &rules);
        assert_eq!(owner, vec![Some(0)]);
        // Of two covering episodes, the nearer anchor.
        let eps = vec![
            ep(IncidentKind::Crash, "a", t - 4 * SEC),
            ep(IncidentKind::Hang, "a", t + 20 * SEC),
        ];
        let lines = vec![line(t, "a", "Connection_Abandoned_By_ReqQueue")];
        assert_eq!(
            owners(&lines, &eps, &Pools::default(), &rules),
            vec![Some(0)]
        );
    }

    #[test]
    fn each_signal_is_claimed_by_the_kinds_that_cause_it() {
        let (rules, pools) = (Rules::default(), Pools::default());
        let claims = |kind, reason: &str| {
            window(
                &ep(kind, "a", 0),
                Signal::of(reason).unwrap(),
                &pools,
                &rules,
            )
            .is_some()
        };
        assert!(claims(IncidentKind::Hang, "QueueFull"));
        assert!(!claims(IncidentKind::Crash, "QueueFull"));
        assert!(claims(IncidentKind::PoolDisabled, "AppOffline"));
        assert!(!claims(
            IncidentKind::PoolDisabled,
            "Connection_Abandoned_By_ReqQueue"
        ));
        assert!(!claims(IncidentKind::Recycle, "Connection_Dropped"));
        for &kind in IncidentKind::ALL {
            assert!(
                !claims(kind, "Timer_MinBytesPerSecond"),
                "{kind}: slow clients"
            );
        }
    }

    #[test]
    fn crash_window_edges_and_pools() {
        let rules = Rules::default();
        let pools = Pools::default();
        let t = 1_000 * SEC;
        let eps = vec![
            ep(IncidentKind::Crash, "a", t),
            ep(IncidentKind::Crash, "b", t + 3 * SEC),
        ];
        // Inside: crash_before 5 s + slack 2 s before; crash_after 5 s + 2 s after.
        let lines = vec![
            line(t - 7 * SEC, "a", "Connection_Abandoned_By_ReqQueue"),
            line(t + 400 * SEC, "a", "Connection_Abandoned_By_ReqQueue"),
            line(t + 7 * SEC, "a", "Connection_Abandoned_By_ReqQueue"),
            line(t + 3 * SEC, "b", "Connection_Abandoned_By_ReqQueue"),
            line(t + 3 * SEC, "c", "Connection_Abandoned_By_ReqQueue"),
        ];
        let bursts = attach(&lines, &eps, &pools, &rules, &|_, _, _| 0);
        let of = |i: usize| {
            bursts
                .iter()
                .find(|b| b.lines.contains(&i))
                .unwrap()
                .episode
        };
        assert_eq!(of(0), Some(0));
        assert_eq!(of(2), Some(0));
        assert_eq!(of(1), None, "well after the crash: not its burst");
        assert_eq!(of(3), Some(1), "pool b's line goes to pool b's crash");
        assert_eq!(of(4), None, "no pool c episode");
    }

    #[test]
    fn just_outside_a_crash_window_is_not_attached() {
        let rules = Rules::default();
        let t = 10_000 * SEC;
        let eps = vec![ep(IncidentKind::Crash, "a", t)];
        let lines = vec![
            line(t - 8 * SEC, "a", "Connection_Abandoned_By_ReqQueue"),
            line(t + 8 * SEC, "a", "Connection_Abandoned_By_ReqQueue"),
        ];
        let rules_one_gap = Rules {
            burst_gap_s: 1,
            ..rules
        };
        let bursts = attach(
            &lines,
            &eps,
            &Pools::default(),
            &rules_one_gap,
            &|_, _, _| 0,
        );
        assert!(bursts.iter().all(|b| b.episode.is_none()), "{bursts:?}");
    }

    #[test]
    fn recycle_window_follows_shutdown_time_limit() {
        let rules = Rules::default();
        let t = 50_000 * SEC;
        let eps = [ep(IncidentKind::Recycle, "a", t)];
        let inside = line(t + 99 * SEC, "a", "AppShutdown");
        let before = line(t - 10 * SEC, "a", "AppShutdown");
        let w = window(&eps[0], Signal::Shutdown, &Pools::default(), &rules).unwrap();
        assert!(inside.time <= w.1 && inside.time >= w.0);
        assert!(before.time < w.0);
        // QueueFull lines are not what a recycle causes.
        assert!(window(&eps[0], Signal::QueueFull, &Pools::default(), &rules).is_none());
    }
}
