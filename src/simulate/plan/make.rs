//! Makes the plan of a scenario: the processes running at the start, the service
//! restart, periodic and scheduled recycles, the incidents (placed by `place`), the
//! nightly idle shutdown; then incidents get their ids in time order.

use super::incidents::Planner;
use super::place::{place_at_random, place_by_hand, place_harmless_recycles};
use super::{Incident, Life, LifeEvent, Plan, PoolPlan, State, MIN, SEC};
use crate::domain::lifecycle::W3SVC_SERVICE;
use crate::domain::RecycleReason;
use crate::simulate::model::Server;
use crate::simulate::rng::Rng;
use crate::simulate::scenario::Scenario;
use crate::time::MICROS_PER_DAY;
use crate::Result;

/// Makes the plan for a scenario.
pub fn make(server: &Server, sc: &Scenario, requests_per_day: f64) -> Result<Plan> {
    let mut p = new_planner(server, sc, requests_per_day)?;
    if sc.days >= 1.5 {
        plan_service_restart(&mut p);
    }
    plan_configured_recycles(&mut p);
    place_by_hand(&mut p, &sc.incidents)?;
    place_at_random(&mut p, &sc.rates, sc.days)?;
    place_harmless_recycles(&mut p, sc.rates.harmless_recycle, sc.days);
    plan_idle_shutdowns(&mut p);
    Ok(finish(p.plan))
}

/// An empty plan over the scenario's time, with the processes running when the bundle's
/// time begins.
fn new_planner<'a>(
    server: &'a Server,
    sc: &Scenario,
    requests_per_day: f64,
) -> Result<Planner<'a>> {
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
    let initial: Vec<u32> = (0..server.pools.len()).map(|_| p.new_pid()).collect();
    for (i, pid) in initial.into_iter().enumerate() {
        p.plan.pools[i].pids.push((start - 6 * 3600 * SEC, pid));
    }
    Ok(p)
}

/// A service restart (iisreset) on the second morning: new header blocks everywhere.
fn plan_service_restart(p: &mut Planner<'_>) {
    let at = p.plan.start + MICROS_PER_DAY + (5 * 3600 + 10 * 60) * SEC;
    p.plan.service_restarts.push(at);
    for (time, running) in [(at, false), (at + 4 * SEC, true)] {
        p.plan.events.push(LifeEvent {
            time,
            pool: 0,
            pid: 0,
            what: Life::ServiceState {
                service: W3SVC_SERVICE,
                running,
            },
        });
    }
    for pool in 0..p.server.pools.len() {
        p.switch_pid(pool, at + 5 * SEC);
        p.reserve(pool, at, at + 10 * SEC);
    }
}

/// Periodic and scheduled recycles (harmless on overlapped pools, harmful on the
/// non-overlapped one).
fn plan_configured_recycles(p: &mut Planner<'_>) {
    let (start, end) = (p.plan.start, p.plan.end);
    for pool in 0..p.server.pools.len() {
        let pl = p.server.pools[pool].clone();
        if pl.periodic_restart_s > 0 {
            let period = pl.periodic_restart_s * SEC;
            let mut r = start + p.rng.range(1, pl.periodic_restart_s - 1) * SEC;
            while r < end - 30 * MIN {
                if p.free(pool, r, r) {
                    configured_recycle(p, pool, r, RecycleReason::Time);
                }
                r += period;
            }
        }
        for &s in &pl.schedule_s {
            let mut day = start.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
            while day + s * SEC < end - 30 * MIN {
                let r = day + s * SEC;
                if r > start && p.free(pool, r, r) {
                    configured_recycle(p, pool, r, RecycleReason::Schedule);
                }
                day += MICROS_PER_DAY;
            }
        }
    }
}

/// A recycle the pool's configuration asks for (periodic or scheduled): harmful on a
/// non-overlapped pool, harmless otherwise.
fn configured_recycle(p: &mut Planner<'_>, pool: usize, r: i64, reason: RecycleReason) {
    if p.server.pools[pool].disallow_overlap {
        p.plan_recycle(pool, r, Some(reason));
    } else {
        p.harmless_recycle(pool, r, reason);
        p.reserve(pool, r, r + MIN);
    }
}

/// An idle shutdown of the quiet default site each night.
fn plan_idle_shutdowns(p: &mut Planner<'_>) {
    let (start, end) = (p.plan.start, p.plan.end);
    let mut day = start.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
    while day < end {
        let t = day + p.rng.range(2 * 3600, 4 * 3600) * SEC;
        if t > start + 30 * MIN && t < end - 90 * MIN && p.free(0, t - 25 * MIN, t + 60 * MIN) {
            let quiet_from = t - 20 * MIN - p.rng.range(0, 300) * SEC;
            let quiet_to = t + p.rng.range(20, 60) * MIN;
            let old = p.pid_at(0, t);
            p.phase(0, quiet_from, quiet_to, State::Quiet, None);
            let minutes = p.server.pools[0].idle_timeout_min;
            p.event(t, 0, old, Life::Idle { minutes }, true);
            p.switch_pid(0, quiet_to);
            p.reserve(0, quiet_from, quiet_to);
        }
        day += MICROS_PER_DAY;
    }
}

/// The finished plan: timelines and events in time order, incidents sorted by start with
/// ids 1, 2, ... (phases and cuts follow the new order).
fn finish(mut plan: Plan) -> Plan {
    for pp in &mut plan.pools {
        pp.phases.sort_by_key(|ph| (ph.from, ph.to));
        pp.cuts.sort_by_key(|c| (c.at, c.incident));
    }
    plan.events.sort_by_key(|e| e.time);
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
    plan
}
