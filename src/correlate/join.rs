//! Time-window joins in polars: for each left row, the nearest right row of the same
//! key (pool, pid) before or after it, within an explicit tolerance (`join_asof` with
//! `by`). Rules then check the exact window of the match.

use polars::prelude::*;

/// Which right row to take.
#[derive(Debug, Clone, Copy)]
pub enum Direction {
    /// The last right row at or before the left time.
    Backward,
    /// The first right row at or after the left time.
    Forward,
}

/// For each left (time, key), the index of the matching right row of the same key
/// within `tolerance` microseconds in `direction`, or None. Keys compare exactly
/// (callers normalize case).
pub fn asof(
    left: &[(i64, String)],
    right: &[(i64, String)],
    direction: Direction,
    tolerance: i64,
) -> PolarsResult<Vec<Option<usize>>> {
    if left.is_empty() || right.is_empty() {
        return Ok(vec![None; left.len()]);
    }
    let mut lo: Vec<usize> = (0..left.len()).collect();
    lo.sort_by_key(|&i| (left[i].0, i));
    let mut ro: Vec<usize> = (0..right.len()).collect();
    ro.sort_by_key(|&i| (right[i].0, i));
    let ldf = DataFrame::new(
        lo.len(),
        vec![
            Column::new(
                "t".into(),
                lo.iter().map(|&i| left[i].0).collect::<Vec<i64>>(),
            ),
            Column::new(
                "k".into(),
                lo.iter()
                    .map(|&i| left[i].1.as_str())
                    .collect::<Vec<&str>>(),
            ),
            Column::new(
                "li".into(),
                lo.iter().map(|&i| i as u64).collect::<Vec<u64>>(),
            ),
        ],
    )?;
    let rdf = DataFrame::new(
        ro.len(),
        vec![
            Column::new(
                "t".into(),
                ro.iter().map(|&i| right[i].0).collect::<Vec<i64>>(),
            ),
            Column::new(
                "k".into(),
                ro.iter()
                    .map(|&i| right[i].1.as_str())
                    .collect::<Vec<&str>>(),
            ),
            Column::new(
                "ri".into(),
                ro.iter().map(|&i| i as u64).collect::<Vec<u64>>(),
            ),
        ],
    )?;
    let strategy = match direction {
        Direction::Backward => AsofStrategy::Backward,
        Direction::Forward => AsofStrategy::Forward,
    };
    let joined = ldf.join_asof_by(
        &rdf,
        "t",
        "t",
        ["k"],
        ["k"],
        strategy,
        Some(AnyValue::Int64(tolerance)),
        true,
        false,
    )?;
    let li = joined.column("li")?.u64()?.clone();
    let ri = joined.column("ri")?.u64()?.clone();
    let mut out = vec![None; left.len()];
    for (l, r) in li.iter().zip(ri.iter()) {
        if let (Some(l), Some(r)) = (l, r) {
            out[l as usize] = Some(r as usize);
        }
    }
    Ok(out)
}

/// The best match of each left row among the right rows before and after it: the
/// nearest one that `accepts` (left index, right index) says is within its window.
pub fn best_within(
    left: &[(i64, String)],
    right: &[(i64, String)],
    tolerance: i64,
    accepts: impl Fn(usize, usize) -> bool,
) -> PolarsResult<Vec<Option<usize>>> {
    let back = asof(left, right, Direction::Backward, tolerance)?;
    let fwd = asof(left, right, Direction::Forward, tolerance)?;
    Ok((0..left.len())
        .map(|l| {
            let mut c: Vec<usize> = [back[l], fwd[l]]
                .into_iter()
                .flatten()
                .filter(|&r| accepts(l, r))
                .collect();
            c.sort_by_key(|&r| ((right[r].0 - left[l].0).abs(), r));
            c.first().copied()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[(i64, &str)]) -> Vec<(i64, String)> {
        v.iter().map(|(t, k)| (*t, k.to_string())).collect()
    }

    #[test]
    fn matches_within_tolerance_and_key_only() {
        let right = rows(&[(100, "a"), (200, "b"), (1000, "a")]);
        let left = rows(&[(150, "a"), (150, "b"), (190, "c"), (250, "a")]);
        let back = asof(&left, &right, Direction::Backward, 100).unwrap();
        // (150,a) -> 100; (150,b): b is at 200, after; (190,c) no key; (250,a): 100 is 150 away.
        assert_eq!(back, vec![Some(0), None, None, None]);
        let fwd = asof(&left, &right, Direction::Forward, 100).unwrap();
        assert_eq!(fwd, vec![None, Some(1), None, None]);
    }

    #[test]
    fn just_outside_the_window_does_not_match() {
        let right = rows(&[(1_000, "pool")]);
        let left = rows(&[
            (1_000 + 5_000, "pool"),
            (1_000 + 5_001, "pool"),
            (1_000 - 5_000, "pool"),
        ]);
        let m = best_within(&left, &right, 5_000, |l, r| {
            (left[l].0 - right[r].0).abs() <= 5_000
        })
        .unwrap();
        assert_eq!(m, vec![Some(0), None, Some(0)]);
    }

    #[test]
    fn two_pools_never_mix() {
        // Pool B's event is closer in time, but the line belongs to pool A.
        let right = rows(&[(1_000, "a"), (1_990, "b")]);
        let left = rows(&[(2_000, "a")]);
        let m = best_within(&left, &right, 10_000, |_, _| true).unwrap();
        assert_eq!(m, vec![Some(0)]);
    }

    #[test]
    fn prefers_the_nearest_accepted_match() {
        let right = rows(&[(0, "a"), (100, "a")]);
        let left = rows(&[(60, "a")]);
        assert_eq!(
            best_within(&left, &right, 1_000, |_, _| true).unwrap(),
            vec![Some(1)]
        );
        // The nearer one does not accept: the other one is taken.
        assert_eq!(
            best_within(&left, &right, 1_000, |_, r| r == 0).unwrap(),
            vec![Some(0)]
        );
    }
}
