//! Places a scenario's incidents in the plan: those placed by hand, then random ones at
//! each kind's rate (on the pools the kind happens to, never two on a pool at once), then
//! harmless recycles. `pool_disabled` is not simulated: a scenario naming it is refused.

use super::incidents::Planner;
use super::{MIN, SEC};
use crate::domain::{IncidentKind, RecycleReason};
use crate::simulate::model::Server;
use crate::simulate::rng::Rng;
use crate::simulate::scenario::{Placed, Rates, HARMLESS_RECYCLE};
use crate::time::MICROS_PER_DAY;
use crate::{Error, Result};

/// Reasons of the random harmless recycles: those a `logEventOnRecycle` flag logs, in
/// the domain's order (the draws depend on it).
fn harmless_reasons() -> Vec<RecycleReason> {
    RecycleReason::flagged().collect()
}

fn count_for(rng: &mut Rng, rate_per_day: f64, days: f64) -> usize {
    let x = rate_per_day * days;
    x.floor() as usize + usize::from(rng.chance(x.fract()))
}

/// Incidents placed by hand (`harmless_recycle` is a kind of its own there).
pub(super) fn place_by_hand(p: &mut Planner<'_>, placed: &[Placed]) -> Result<()> {
    for placed in placed {
        let pool = p.server.pool_index(&placed.pool).ok_or_else(|| {
            Error::Usage(format!(
                "scenario incident: no pool named '{}'",
                placed.pool
            ))
        })?;
        let at = crate::time::parse_rfc3339(&placed.at).ok_or_else(|| {
            Error::Usage(format!(
                "scenario incident: '{}' is not an RFC 3339 UTC time",
                placed.at
            ))
        })?;
        if placed.kind == HARMLESS_RECYCLE {
            p.harmless_recycle(pool, at, RecycleReason::OnDemand);
            continue;
        }
        let kind = IncidentKind::from_name(&placed.kind).ok_or_else(|| {
            Error::Usage(format!("scenario incident: unknown kind '{}'", placed.kind))
        })?;
        place(p, kind, pool, at)?;
    }
    Ok(())
}

/// Random incidents of every kind, at their rates.
pub(super) fn place_at_random(p: &mut Planner<'_>, r: &Rates, days: f64) -> Result<()> {
    for (kind, rate) in r.by_kind() {
        let n = count_for(&mut p.rng, rate, days);
        for _ in 0..n {
            place_one_at_random(p, kind)?;
        }
    }
    Ok(())
}

/// One incident of `kind` at a random time on a pool it happens to, if a free time is
/// found in 50 attempts.
fn place_one_at_random(p: &mut Planner<'_>, kind: IncidentKind) -> Result<()> {
    let (start, end, log_start) = (p.plan.start, p.plan.end, p.plan.log_start);
    for _attempt in 0..50 {
        let pool = pick_pool(&mut p.rng, p.server, kind);
        // Half the unexplained incidents fall before the event logs begin, when they can.
        let before_logs =
            kind == IncidentKind::Unexplained && log_start > start + 40 * MIN && p.rng.chance(0.5);
        let (lo, hi) = if before_logs {
            (start + 20 * MIN, log_start - 20 * MIN)
        } else {
            (log_start.max(start + 20 * MIN) + 10 * MIN, end - 50 * MIN)
        };
        if hi <= lo {
            break;
        }
        let mut t = lo + p.rng.below((hi - lo) as u64) as i64;
        if matches!(kind, IncidentKind::Overload | IncidentKind::QueueFull) {
            // Capacity problems come at busy hours.
            let day = t.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
            t = (day + p.rng.range(9 * 3600, 17 * 3600) * SEC).clamp(lo, hi);
        }
        t -= t.rem_euclid(SEC);
        t += p.rng.range(0, 999) * 1000;
        if kind == IncidentKind::Unexplained
            && t >= log_start
            && !p.server.pools[pool].disallow_overlap
        {
            continue;
        }
        if p.free(pool, t - 5 * MIN, t + 45 * MIN) {
            return place(p, kind, pool, t);
        }
    }
    Ok(())
}

/// Harmless (overlapped) recycles of every reason, at their rate.
pub(super) fn place_harmless_recycles(p: &mut Planner<'_>, rate: f64, days: f64) {
    let (start, end) = (p.plan.start, p.plan.end);
    let harmless = count_for(&mut p.rng, rate, days);
    let reasons = harmless_reasons();
    for _ in 0..harmless {
        for _attempt in 0..50 {
            let pool = p.rng.below(p.server.pools.len() as u64) as usize;
            if p.server.pools[pool].disallow_overlap {
                continue;
            }
            let t = start + 20 * MIN + p.rng.below((end - start - 60 * MIN).max(1) as u64) as i64;
            if p.free(pool, t, t + MIN) {
                let reason = *p.rng.pick(&reasons);
                p.harmless_recycle(pool, t, reason);
                p.reserve(pool, t, t + MIN);
                break;
            }
        }
    }
}

/// Writes an incident of `kind` into the plan; refuses the kinds the simulator does not
/// simulate.
fn place(p: &mut Planner<'_>, kind: IncidentKind, pool: usize, t: i64) -> Result<()> {
    match kind {
        IncidentKind::Crash => p.plan_crash(pool, t),
        IncidentKind::Hang => p.plan_hang(pool, t),
        IncidentKind::RapidFail => p.plan_rapid_fail(pool, t),
        IncidentKind::Recycle => p.plan_recycle(pool, t, None),
        IncidentKind::ShutdownTimeout => p.plan_shutdown_timeout(pool, t),
        IncidentKind::QueueFull => p.plan_queue_full(pool, t),
        IncidentKind::Overload => p.plan_overload(pool, t),
        IncidentKind::Unexplained => p.plan_unexplained(pool, t),
        IncidentKind::PoolDisabled => return Err(not_simulated(kind)),
    }
    Ok(())
}

fn not_simulated(kind: IncidentKind) -> Error {
    Error::Usage(format!("scenario incident: kind '{kind}' is not simulated"))
}

/// Which pools an incident kind happens to.
fn pick_pool(rng: &mut Rng, server: &Server, kind: IncidentKind) -> usize {
    let named = |n: &str| server.pool_index(n).unwrap_or(0);
    match kind {
        IncidentKind::Crash => [
            named("ShopPool"),
            named("ApiPool"),
            named("ReportsPool"),
            named("DefaultAppPool"),
        ][rng.weighted(&[5.0, 4.0, 2.0, 1.0])],
        IncidentKind::Hang => [named("ShopPool"), named("ApiPool"), named("ReportsPool")]
            [rng.weighted(&[3.0, 3.0, 1.0])],
        IncidentKind::RapidFail => [named("ShopPool"), named("ApiPool")][rng.below(2) as usize],
        IncidentKind::Recycle => named("ApiPool"),
        IncidentKind::ShutdownTimeout => named("ReportsPool"),
        IncidentKind::QueueFull | IncidentKind::Overload => {
            [named("ShopPool"), named("ApiPool")][rng.below(2) as usize]
        }
        IncidentKind::Unexplained => [named("ShopPool"), named("ApiPool")][rng.below(2) as usize],
        // No rate places it (see `Rates::by_kind`), and `place` refuses it by hand.
        IncidentKind::PoolDisabled => unreachable!("pool_disabled is not simulated"),
    }
}

#[cfg(test)]
mod tests {
    use crate::simulate::model::Server;
    use crate::simulate::scenario::{Placed, Scenario};

    fn placing(kind: &str) -> String {
        let sc = Scenario {
            incidents: vec![Placed {
                kind: kind.into(),
                pool: "ApiPool".into(),
                at: "2024-03-04T10:00:00Z".into(),
            }],
            ..Scenario::default()
        };
        let server = Server::new("WEB01");
        super::super::make(&server, &sc, 1000.0)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn kinds_not_simulated_or_unknown_are_refused_by_name() {
        let e = placing("pool_disabled");
        assert!(e.contains("'pool_disabled' is not simulated"), "{e}");
        let e = placing("meltdown");
        assert!(e.contains("unknown kind 'meltdown'"), "{e}");
        assert_eq!(placing("hang"), "");
        assert_eq!(placing("harmless_recycle"), "");
    }
}
