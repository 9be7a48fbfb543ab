//! Time joins on sorted vectors: for a key (a worker's pid) and an instant, the nearest
//! row of the same key at or after it, or at or before it, within a tolerance. What
//! correlation joins this way is small (the WAS events of a crash cascade), so a binary
//! search over rows sorted by key and time does it without building tables.

use std::collections::BTreeMap;

/// Rows (their indexes) by key, each key's rows sorted by time then index.
#[derive(Debug)]
pub struct TimeIndex<K: Ord> {
    by_key: BTreeMap<K, Vec<(i64, usize)>>,
}

impl<K: Ord> TimeIndex<K> {
    /// An index of `(key, time, row)` items.
    pub fn new(items: impl IntoIterator<Item = (K, i64, usize)>) -> Self {
        let mut by_key: BTreeMap<K, Vec<(i64, usize)>> = BTreeMap::new();
        for (k, t, i) in items {
            by_key.entry(k).or_default().push((t, i));
        }
        for rows in by_key.values_mut() {
            rows.sort_unstable();
        }
        TimeIndex { by_key }
    }

    /// The first row of `key` at or after `t`, if it is at most `tolerance` after it.
    pub fn first_after(&self, key: &K, t: i64, tolerance: i64) -> Option<usize> {
        let rows = self.by_key.get(key)?;
        let at = rows.partition_point(|r| r.0 < t);
        rows.get(at).filter(|r| r.0 - t <= tolerance).map(|r| r.1)
    }

    /// The last row of `key` at or before `t`, if it is at most `tolerance` before it.
    pub fn last_before(&self, key: &K, t: i64, tolerance: i64) -> Option<usize> {
        let rows = self.by_key.get(key)?;
        let at = rows.partition_point(|r| r.0 <= t);
        at.checked_sub(1)
            .map(|a| rows[a])
            .filter(|r| t - r.0 <= tolerance)
            .map(|r| r.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(v: &[(i64, &'static str)]) -> TimeIndex<&'static str> {
        TimeIndex::new(v.iter().enumerate().map(|(i, (t, k))| (*k, *t, i)))
    }

    #[test]
    fn matches_within_tolerance_and_key_only() {
        let ix = index(&[(100, "a"), (200, "b"), (1000, "a")]);
        assert_eq!(ix.last_before(&"a", 150, 100), Some(0));
        assert_eq!(ix.last_before(&"b", 150, 100), None, "b is after");
        assert_eq!(ix.last_before(&"c", 190, 100), None, "no such key");
        assert_eq!(ix.last_before(&"a", 250, 100), None, "150 away");
        assert_eq!(ix.first_after(&"b", 150, 100), Some(1));
        assert_eq!(ix.first_after(&"a", 150, 100), None, "850 away");
    }

    #[test]
    fn the_edges_of_the_tolerance() {
        let ix = index(&[(1_000, "p")]);
        assert_eq!(ix.last_before(&"p", 6_000, 5_000), Some(0));
        assert_eq!(ix.last_before(&"p", 6_001, 5_000), None);
        assert_eq!(ix.first_after(&"p", -4_000, 5_000), Some(0));
        assert_eq!(ix.first_after(&"p", -4_001, 5_000), None);
        assert_eq!(ix.first_after(&"p", 1_000, 0), Some(0), "same instant");
        assert_eq!(ix.last_before(&"p", 1_000, 0), Some(0), "same instant");
    }

    #[test]
    fn nearest_of_several_and_ties() {
        let ix = index(&[(0, "a"), (100, "a"), (100, "a"), (300, "a")]);
        assert_eq!(
            ix.last_before(&"a", 200, 1_000),
            Some(2),
            "the later of a tie"
        );
        assert_eq!(
            ix.first_after(&"a", 50, 1_000),
            Some(1),
            "the earlier of a tie"
        );
        assert_eq!(ix.first_after(&"a", 200, 1_000), Some(3));
    }
}
