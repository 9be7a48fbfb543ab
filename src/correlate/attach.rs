//! Ties HTTP.sys lines to the episode of their pool whose window covers them (a
//! polars asof join by pool, then the exact window of each rule), then groups each
//! pool's lines into bursts: a burst with any line tied to an episode belongs to it,
//! the others are bursts no lifecycle event explains.

use super::episodes::{Episode, EpisodeKind};
use super::join::{asof, Direction};
use super::pools::Pools;
use super::rules::Rules;
use super::signals::{Category, Line};

const SEC: i64 = 1_000_000;

/// The time range an episode claims lines of a category in.
pub fn window(e: &Episode, cat: Category, pools: &Pools, rules: &Rules) -> Option<(i64, i64)> {
    let slack = rules.slack_s * SEC;
    let limit = e
        .pool
        .as_deref()
        .and_then(|p| pools.settings(p))
        .and_then(|s| s.shutdown_time_limit_s)
        .unwrap_or(rules.default_shutdown_time_limit_s);
    use Category::*;
    use EpisodeKind as K;
    let w = match (e.kind, cat) {
        (K::Crash, Abandoned | QueueTimeout) => (
            e.first - rules.crash_before_s * SEC,
            e.last + rules.crash_after_s * SEC,
        ),
        (K::Hang, QueueFull | QueueTimeout | Offline) => (
            e.anchor - rules.hang_before_s * SEC,
            e.anchor + rules.hang_after_s * SEC,
        ),
        (K::Hang, Abandoned) => (
            e.anchor - rules.hang_before_s * SEC,
            e.anchor + rules.hang_after_s * SEC,
        ),
        (K::RapidFail, Abandoned | Offline | QueueTimeout) => (
            e.first - rules.crash_before_s * SEC,
            e.anchor + rules.rapid_fail_after_s * SEC,
        ),
        (K::ShutdownTimeout, Abandoned) => (
            e.anchor - rules.shutdown_timeout_around_s * SEC,
            e.anchor + rules.shutdown_timeout_around_s * SEC,
        ),
        (K::Recycle, Shutdown | Abandoned | Offline | QueueTimeout) => {
            (e.anchor, e.anchor + (limit + rules.recycle_after_s) * SEC)
        }
        (K::PoolDisabled, Offline) => (e.anchor, e.anchor + rules.rapid_fail_after_s * SEC),
        _ => return None,
    };
    Some((w.0 - slack, w.1 + slack))
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
    let key = |p: &Option<String>| p.clone().unwrap_or_default();
    let left: Vec<(i64, String)> = lines.iter().map(|l| (l.time, key(&l.pool))).collect();
    let by_anchor: Vec<(i64, String)> = eps.iter().map(|e| (e.anchor, key(&e.pool))).collect();
    let by_first: Vec<(i64, String)> = eps
        .iter()
        .map(|e| (e.first - rules.hang_before_s * SEC, key(&e.pool)))
        .collect();
    let tol = 6 * 3600 * SEC;
    let cands: Vec<Vec<Option<usize>>> = vec![
        asof(&left, &by_anchor, Direction::Backward, tol).unwrap_or_default(),
        asof(&left, &by_anchor, Direction::Forward, tol).unwrap_or_default(),
        asof(&left, &by_first, Direction::Backward, tol).unwrap_or_default(),
    ];
    let mut owner: Vec<Option<usize>> = vec![None; lines.len()];
    for (i, l) in lines.iter().enumerate() {
        if l.pool.is_none() {
            continue;
        }
        let mut best: Option<(i64, usize)> = None;
        for c in &cands {
            let Some(e) = c.get(i).copied().flatten() else {
                continue;
            };
            let Some((from, to)) = window(&eps[e], l.cat, pools, rules) else {
                continue;
            };
            if l.time >= from && l.time <= to {
                let d = (l.time - eps[e].anchor).abs();
                if best.is_none_or(|(bd, be)| (d, e) < (bd, be)) {
                    best = Some((d, e));
                }
            }
        }
        owner[i] = best.map(|(_, e)| e);
    }

    // Bursts per pool.
    let mut pools_seen: Vec<Option<String>> = lines.iter().map(|l| l.pool.clone()).collect();
    pools_seen.sort();
    pools_seen.dedup();
    let mut bursts = Vec::new();
    for p in pools_seen {
        let mut idx: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].pool == p).collect();
        idx.sort_by_key(|&i| (lines[i].time, i));
        let mut cur: Vec<usize> = Vec::new();
        for &i in &idx {
            if let Some(&last) = cur.last() {
                if lines[i].time - lines[last].time > rules.burst_gap_s * SEC {
                    bursts.push(Burst {
                        pool: p.clone(),
                        lines: std::mem::take(&mut cur),
                        episode: None,
                    });
                }
            }
            cur.push(i);
        }
        if !cur.is_empty() {
            bursts.push(Burst {
                pool: p.clone(),
                lines: cur,
                episode: None,
            });
        }
    }
    for b in &mut bursts {
        let mut votes: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        for &i in &b.lines {
            if let Some(e) = owner[i] {
                *votes.entry(e).or_default() += 1;
            }
        }
        b.episode = votes
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(e, _)| e);
        // A pool left offline by rapid-fail (or disabled) stays offline until its
        // sites serve again: later offline bursts belong to the same episode.
        if b.episode.is_none() && b.lines.iter().all(|&i| lines[i].cat == Category::Offline) {
            let t0 = lines[b.lines[0]].time;
            if let Some(pool) = &b.pool {
                b.episode = eps
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| {
                        matches!(e.kind, EpisodeKind::RapidFail | EpisodeKind::PoolDisabled)
                            && e.pool.as_ref() == Some(pool)
                            && e.anchor <= t0
                    })
                    .max_by_key(|(_, e)| e.anchor)
                    .filter(|(_, e)| traffic_between(pool, e.anchor + rules.slack_s * SEC, t0) == 0)
                    .map(|(i, _)| i);
            }
        }
    }
    bursts
}

#[cfg(test)]
mod tests {
    use super::super::episodes::{Episode, EpisodeKind};
    use super::*;

    fn ep(kind: EpisodeKind, pool: &str, t: i64) -> Episode {
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
        }
    }

    fn line(t: i64, pool: &str, reason: &str) -> Line {
        Line {
            time: t,
            pool: Some(pool.into()),
            site: None,
            cat: Category::of(reason).unwrap(),
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
    fn crash_window_edges_and_pools() {
        let rules = Rules::default();
        let pools = Pools::default();
        let t = 1_000 * SEC;
        let eps = vec![
            ep(EpisodeKind::Crash, "a", t),
            ep(EpisodeKind::Crash, "b", t + 3 * SEC),
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
        let eps = vec![ep(EpisodeKind::Crash, "a", t)];
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
        let eps = [ep(EpisodeKind::Recycle, "a", t)];
        let inside = line(t + 99 * SEC, "a", "AppShutdown");
        let before = line(t - 10 * SEC, "a", "AppShutdown");
        let w = window(&eps[0], Category::Shutdown, &Pools::default(), &rules).unwrap();
        assert!(inside.time <= w.1 && inside.time >= w.0);
        assert!(before.time < w.0);
        // QueueFull lines are not what a recycle causes.
        assert!(window(&eps[0], Category::QueueFull, &Pools::default(), &rules).is_none());
    }
}
