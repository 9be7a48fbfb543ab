//! Recurring incidents: the incidents of one pool with the same kind and the same cause
//! (crash signature, recycle reason) are one problem, not many. Each group of two or
//! more becomes a [`Pattern`] with its incidents and, from three on, its cadence.

use super::model::{Cadence, Cause, Incident, Pattern};
use crate::domain::IncidentKind;
use crate::time::parse_rfc3339;
use std::collections::BTreeMap;

/// Intervals whose median absolute deviation is at most this share of their median
/// are called regular ("every 2 h 10 min ± 15 min")...
const REGULAR_SPREAD: f64 = 0.25;
/// ...when there are at least this many of them (two intervals make no rhythm).
const REGULAR_MIN_GAPS: usize = 3;

/// What makes incidents the same problem: kind, pool and cause.
type PatternKey = (
    IncidentKind,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn key(i: &Incident) -> PatternKey {
    let c: &Cause = &i.cause;
    (
        i.kind,
        i.app_pool.clone(),
        c.faulting_module.clone(),
        c.exception_code.clone(),
        c.exception_type.clone(),
        c.recycle_reason.map(|r| r.name().to_string()),
    )
}

/// The recurring incidents of a bundle, most incidents first (then first seen).
pub fn patterns(incidents: &[Incident]) -> Vec<Pattern> {
    let mut groups: BTreeMap<PatternKey, Vec<&Incident>> = BTreeMap::new();
    for i in incidents {
        groups.entry(key(i)).or_default().push(i);
    }
    let mut out: Vec<Pattern> = groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort_by_key(|i| (parse_rfc3339(&i.start), id_number(&i.id)));
            let starts: Vec<i64> = g.iter().filter_map(|i| parse_rfc3339(&i.start)).collect();
            Pattern {
                kind: g[0].kind,
                app_pool: g[0].app_pool.clone(),
                cause: shared_cause(&g),
                incidents: g.iter().map(|i| i.id.clone()).collect(),
                failed_requests: g.iter().map(|i| i.impact.failed_requests).sum(),
                first: g[0].start.clone(),
                last: g[g.len() - 1].start.clone(),
                cadence: cadence(&starts),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.incidents
            .len()
            .cmp(&a.incidents.len())
            .then(a.first.cmp(&b.first))
    });
    out
}

/// The cause of a group: its signature, and the exit code and WAS error only where
/// every incident has the same.
fn shared_cause(group: &[&Incident]) -> Cause {
    let mut cause = group[0].cause.clone();
    if group.iter().any(|i| i.cause.exit_code != cause.exit_code) {
        cause.exit_code = None;
    }
    if group.iter().any(|i| i.cause.error != cause.error) {
        cause.error = None;
    }
    cause
}

/// `I12` → 12, for a stable order of incidents starting together.
fn id_number(id: &str) -> u64 {
    id.trim_start_matches('I').parse().unwrap_or(u64::MAX)
}

/// The cadence of three or more start times (sorted): median interval and its spread.
pub fn cadence(starts: &[i64]) -> Option<Cadence> {
    if starts.len() < 3 {
        return None;
    }
    let mut gaps: Vec<i64> = starts
        .windows(2)
        .map(|w| (w[1] - w[0]) / 1_000_000)
        .collect();
    let typical = median(&mut gaps);
    let mut deviations: Vec<i64> = gaps.iter().map(|g| (g - typical).abs()).collect();
    let spread = median(&mut deviations);
    Some(Cadence {
        median_s: typical,
        spread_s: spread,
        shortest_s: *gaps.iter().min().expect("two gaps or more"),
        longest_s: *gaps.iter().max().expect("two gaps or more"),
        regular: gaps.len() >= REGULAR_MIN_GAPS
            && typical > 0
            && spread as f64 <= REGULAR_SPREAD * typical as f64,
    })
}

/// The median (the mean of the middle two of an even count); sorts `v`.
fn median(v: &mut [i64]) -> i64 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

/// A duration in words: `2 h 10 min`, `45 min`, `30 s`.
pub fn duration(s: i64) -> String {
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{sec} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl Cadence {
    /// "every 2 h 10 min ± 15 min", or "5 min to 9 h apart".
    pub fn describe(&self) -> String {
        if self.regular {
            format!(
                "every {} ± {}",
                duration(self.median_s),
                duration(self.spread_s)
            )
        } else {
            format!(
                "{} to {} apart",
                duration(self.shortest_s),
                duration(self.longest_s)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000_000;

    #[test]
    fn a_regular_cadence_and_an_irregular_one() {
        let every_two_hours: Vec<i64> = [0, 2 * H, 4 * H + H / 6, 6 * H, 8 * H + H / 12]
            .into_iter()
            .collect();
        let c = cadence(&every_two_hours).unwrap();
        assert!(c.regular, "{c:?}");
        assert_eq!(c.median_s, 7350);
        assert_eq!(c.describe(), "every 2 h 2 min ± 5 min");
        let bursts = [0, 5 * 60_000_000, 9 * H];
        let c = cadence(&bursts).unwrap();
        assert!(!c.regular);
        assert_eq!(c.describe(), "5 min to 8 h 55 min apart");
        let three = [0, 2 * H, 4 * H];
        assert!(
            !cadence(&three).unwrap().regular,
            "two intervals make no rhythm"
        );
        assert!(cadence(&[0, H]).is_none(), "two incidents have no cadence");
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(30), "30 s");
        assert_eq!(duration(2700), "45 min");
        assert_eq!(duration(7800), "2 h 10 min");
        assert_eq!(duration(3600), "1 h");
    }
}
