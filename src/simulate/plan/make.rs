//! Makes the plan of a scenario: the processes running at the start, the service
//! restart, periodic and scheduled recycles, the incidents placed by hand and at random
//! (never two on a pool at once), the nightly idle shutdown; then incidents get their ids
//! in time order.

use super::incidents::Planner;
use super::{Incident, Kind, Life, LifeEvent, Plan, PoolPlan, State, MIN, SEC};
use crate::simulate::model::Server;
use crate::simulate::rng::Rng;
use crate::simulate::scenario::Scenario;
use crate::time::MICROS_PER_DAY;
use crate::{Error, Result};

fn count_for(rng: &mut Rng, rate_per_day: f64, days: f64) -> usize {
    let x = rate_per_day * days;
    x.floor() as usize + usize::from(rng.chance(x.fract()))
}

/// Makes the plan for a scenario.
pub fn make(server: &Server, sc: &Scenario, requests_per_day: f64) -> Result<Plan> {
    let start = sc.start_micros()?;
    let end = start + (sc.days * MICROS_PER_DAY as f64) as i64;
    let log_start = start + (sc.event_log_gap_hours * 3600.0 * SEC as f64) as i64;
    let mut p = Planner {
        server,
        rng: Rng::derive(sc.seed, "plan", 0),
        plan: Plan {
            start,
            end,
            log_start,
            requests_per_day,
            incidents: Vec::new(),
            pools: vec![PoolPlan::default(); server.pools.len()],
            events: Vec::new(),
            service_restarts: Vec::new(),
            forced: Vec::new(),
        },
        busy: vec![Vec::new(); server.pools.len()],
        next_pid: 1000,
    };
    // Processes running when the bundle's time begins.
    let initial: Vec<u32> = (0..server.pools.len()).map(|_| p.new_pid()).collect();
    for (i, pid) in initial.into_iter().enumerate() {
        p.plan.pools[i].pids.push((start - 6 * 3600 * SEC, pid));
    }

    // A service restart (iisreset) on the second morning: new header blocks everywhere.
    if sc.days >= 1.5 {
        let at = start + MICROS_PER_DAY + (5 * 3600 + 10 * 60) * SEC;
        p.plan.service_restarts.push(at);
        p.plan.events.push(LifeEvent {
            time: at,
            pool: 0,
            pid: 0,
            what: Life::ServiceState {
                service: "World Wide Web Publishing Service",
                running: false,
            },
        });
        p.plan.events.push(LifeEvent {
            time: at + 4 * SEC,
            pool: 0,
            pid: 0,
            what: Life::ServiceState {
                service: "World Wide Web Publishing Service",
                running: true,
            },
        });
        for pool in 0..server.pools.len() {
            p.switch_pid(pool, at + 5 * SEC);
            p.reserve(pool, at, at + 10 * SEC);
        }
    }

    // Periodic and scheduled recycles (harmless on overlapped pools, harmful on the
    // non-overlapped one).
    for pool in 0..server.pools.len() {
        let pl = server.pools[pool].clone();
        if pl.periodic_restart_s > 0 {
            let period = pl.periodic_restart_s * SEC;
            let mut r = start + p.rng.range(1, pl.periodic_restart_s - 1) * SEC;
            while r < end - 30 * MIN {
                if p.free(pool, r, r) {
                    configured_recycle(&mut p, pool, r, "time");
                }
                r += period;
            }
        }
        for &s in &pl.schedule_s {
            let mut day = start.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
            while day + s * SEC < end - 30 * MIN {
                let r = day + s * SEC;
                if r > start && p.free(pool, r, r) {
                    configured_recycle(&mut p, pool, r, "schedule");
                }
                day += MICROS_PER_DAY;
            }
        }
    }

    // Incidents placed by hand.
    for placed in &sc.incidents {
        let pool = server.pool_index(&placed.pool).ok_or_else(|| {
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
        if placed.kind == "harmless_recycle" {
            p.harmless_recycle(pool, at, "on_demand");
            continue;
        }
        let kind = Kind::parse(&placed.kind).ok_or_else(|| {
            Error::Usage(format!("scenario incident: unknown kind '{}'", placed.kind))
        })?;
        place(&mut p, kind, pool, at);
    }

    // Random incidents.
    let r = &sc.rates;
    let kinds = [
        (Kind::Crash, r.crash),
        (Kind::Hang, r.hang),
        (Kind::RapidFail, r.rapid_fail),
        (Kind::Recycle, r.recycle),
        (Kind::ShutdownTimeout, r.shutdown_timeout),
        (Kind::QueueFull, r.queue_full),
        (Kind::Overload, r.overload),
        (Kind::Unexplained, r.unexplained),
    ];
    for (kind, rate) in kinds {
        let n = count_for(&mut p.rng, rate, sc.days);
        for _ in 0..n {
            for _attempt in 0..50 {
                let pool = pick_pool(&mut p.rng, server, kind);
                let (lo, hi) = match kind {
                    Kind::Unexplained
                        if p.plan.log_start > start + 40 * MIN && p.rng.chance(0.5) =>
                    {
                        (start + 20 * MIN, p.plan.log_start - 20 * MIN)
                    }
                    _ => (
                        p.plan.log_start.max(start + 20 * MIN) + 10 * MIN,
                        end - 50 * MIN,
                    ),
                };
                if hi <= lo {
                    break;
                }
                let mut t = lo + p.rng.below((hi - lo) as u64) as i64;
                if matches!(kind, Kind::Overload | Kind::QueueFull) {
                    // Capacity problems come at busy hours.
                    let day = t.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
                    t = (day + p.rng.range(9 * 3600, 17 * 3600) * SEC).clamp(lo, hi);
                }
                t -= t.rem_euclid(SEC);
                t += p.rng.range(0, 999) * 1000;
                if kind == Kind::Unexplained
                    && t >= p.plan.log_start
                    && !server.pools[pool].disallow_overlap
                {
                    continue;
                }
                if p.free(pool, t - 5 * MIN, t + 45 * MIN) {
                    place(&mut p, kind, pool, t);
                    break;
                }
            }
        }
    }
    let harmless = count_for(&mut p.rng, r.harmless_recycle, sc.days);
    let reasons = [
        "time",
        "requests",
        "schedule",
        "memory",
        "isapi_unhealthy",
        "on_demand",
        "config_change",
        "private_memory",
    ];
    for _ in 0..harmless {
        for _attempt in 0..50 {
            let pool = p.rng.below(server.pools.len() as u64) as usize;
            if server.pools[pool].disallow_overlap {
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
    // An idle shutdown of the quiet default site each night.
    let mut day = start.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
    while day < end {
        let t = day + p.rng.range(2 * 3600, 4 * 3600) * SEC;
        if t > start + 30 * MIN && t < end - 90 * MIN && p.free(0, t - 25 * MIN, t + 60 * MIN) {
            let quiet_from = t - 20 * MIN - p.rng.range(0, 300) * SEC;
            let quiet_to = t + p.rng.range(20, 60) * MIN;
            let old = p.pid_at(0, t);
            p.phase(0, quiet_from, quiet_to, State::Quiet, None);
            p.event(
                t,
                0,
                old,
                Life::Idle {
                    minutes: server.pools[0].idle_timeout_min,
                },
                true,
            );
            p.switch_pid(0, quiet_to);
            p.reserve(0, quiet_from, quiet_to);
        }
        day += MICROS_PER_DAY;
    }

    let mut plan = p.plan;
    for pp in &mut plan.pools {
        pp.phases.sort_by_key(|ph| (ph.from, ph.to));
        pp.cuts.sort_by_key(|c| (c.at, c.incident));
    }
    plan.events.sort_by_key(|e| e.time);
    // Incidents sorted by start get ids 1, 2, ...; phases and cuts follow the new order.
    let mut order: Vec<usize> = (0..plan.incidents.len()).collect();
    order.sort_by_key(|&i| (plan.incidents[i].start, plan.incidents[i].pool));
    let mut new_index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut sorted: Vec<Incident> = order.iter().map(|&i| plan.incidents[i].clone()).collect();
    for (i, inc) in sorted.iter_mut().enumerate() {
        inc.id = i + 1;
    }
    plan.incidents = sorted;
    for pp in &mut plan.pools {
        for ph in &mut pp.phases {
            ph.incident = ph.incident.map(|i| new_index[i]);
        }
        for c in &mut pp.cuts {
            c.incident = new_index[c.incident];
        }
    }
    Ok(plan)
}

/// A recycle the pool's configuration asks for (periodic or scheduled): harmful on a
/// non-overlapped pool, harmless otherwise.
fn configured_recycle(p: &mut Planner<'_>, pool: usize, r: i64, reason: &'static str) {
    if p.server.pools[pool].disallow_overlap {
        p.plan_recycle(pool, r, Some(reason));
    } else {
        p.harmless_recycle(pool, r, reason);
        p.reserve(pool, r, r + MIN);
    }
}

fn place(p: &mut Planner<'_>, kind: Kind, pool: usize, t: i64) {
    match kind {
        Kind::Crash => p.plan_crash(pool, t),
        Kind::Hang => p.plan_hang(pool, t),
        Kind::RapidFail => p.plan_rapid_fail(pool, t),
        Kind::Recycle => p.plan_recycle(pool, t, None),
        Kind::ShutdownTimeout => p.plan_shutdown_timeout(pool, t),
        Kind::QueueFull => p.plan_queue_full(pool, t),
        Kind::Overload => p.plan_overload(pool, t),
        Kind::Unexplained => p.plan_unexplained(pool, t),
    }
}

/// Which pools an incident kind happens to.
fn pick_pool(rng: &mut Rng, server: &Server, kind: Kind) -> usize {
    let named = |n: &str| server.pool_index(n).unwrap_or(0);
    match kind {
        Kind::Crash => [
            named("ShopPool"),
            named("ApiPool"),
            named("ReportsPool"),
            named("DefaultAppPool"),
        ][rng.weighted(&[5.0, 4.0, 2.0, 1.0])],
        Kind::Hang => [named("ShopPool"), named("ApiPool"), named("ReportsPool")]
            [rng.weighted(&[3.0, 3.0, 1.0])],
        Kind::RapidFail => [named("ShopPool"), named("ApiPool")][rng.below(2) as usize],
        Kind::Recycle => named("ApiPool"),
        Kind::ShutdownTimeout => named("ReportsPool"),
        Kind::QueueFull | Kind::Overload => {
            [named("ShopPool"), named("ApiPool")][rng.below(2) as usize]
        }
        Kind::Unexplained => [named("ShopPool"), named("ApiPool")][rng.below(2) as usize],
    }
}
