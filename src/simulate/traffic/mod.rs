//! Generates one site's requests second by second: who asks for what, how long it
//! takes, what status it gets, and what the pool's state (from the plan) does to it:
//! served, delayed, answered 503 by HTTP.sys, dropped, timed out in the queue, or
//! abandoned when its worker process dies. Served requests become W3C lines at their
//! completion time; the others become HTTP.sys error lines.
//!
//! This file holds the second-by-second loop; `request` plays one request,
//! `pool_state` applies the pool's state to it, `w3c` writes the served ones.

mod pool_state;
mod request;
mod w3c;

use super::httperr_out::HttpErr;
use super::model::{diurnal, Server, Site, USER_AGENTS};
use super::plan::{diurnal_mean, Forced, Impact, Phase, Plan, PoolPlan, State};
use super::rng::Rng;
use super::zipout::MemberSink;
use crate::time::MICROS_PER_SEC;
use std::collections::{BTreeMap, BinaryHeap};
use std::io;
use w3c::{Served, W3cOut};

const SEC: i64 = MICROS_PER_SEC;

/// The load balancer the sites logging `X-Forwarded-For` sit behind.
const LB_IP: &str = "10.20.0.5";

/// What one site's generation produced.
#[derive(Debug, Default)]
pub struct SiteOutput {
    /// HTTP.sys error lines, in generation order.
    pub httperr: Vec<HttpErr>,
    /// W3C lines written.
    pub w3c_lines: u64,
    /// W3C lines by status.
    pub w3c_by_status: BTreeMap<u16, u64>,
    /// Bytes of W3C text written.
    pub w3c_bytes: u64,
    /// Effect on each incident (indexed like `Plan::incidents`).
    pub impacts: BTreeMap<usize, Impact>,
}

/// One site being generated: its traffic model, its random stream, the requests being
/// served and what it produced so far.
struct SiteGen<'a> {
    server: &'a Server,
    site: &'a Site,
    /// The timeline of the site's pool.
    pool: &'a PoolPlan,
    pool_name: &'static str,
    rng: Rng,
    out: SiteOutput,
    /// Served requests waiting to be logged at their completion.
    pending: BinaryHeap<Served>,
    /// Requests so far.
    seq: u64,
    /// The client address of the current request.
    client: String,
    /// Weights of [`USER_AGENTS`].
    agents: Vec<f64>,
    /// Weights of the site's paths.
    paths: Vec<f64>,
    api: bool,
}

impl<'a> SiteGen<'a> {
    fn new(server: &'a Server, plan: &'a Plan, seed: u64, site: &'a Site) -> Self {
        SiteGen {
            server,
            site,
            pool: &plan.pools[site.pool],
            pool_name: server.pools[site.pool].name,
            rng: Rng::derive(seed, "site", site.id as u64),
            out: SiteOutput::default(),
            pending: BinaryHeap::new(),
            seq: 0,
            client: String::new(),
            agents: USER_AGENTS.iter().map(|a| a.1).collect(),
            paths: site.paths.iter().map(|p| p.1).collect(),
            api: site.name == "Api",
        }
    }
}

/// Generates site `site_index` over the plan's time.
pub fn generate(
    server: &Server,
    plan: &Plan,
    seed: u64,
    site_index: usize,
    sink: &mut MemberSink,
) -> io::Result<SiteOutput> {
    let site = &server.sites[site_index];
    let mut g = SiteGen::new(server, plan, seed, site);
    let mut w3c = W3cOut::new(site, server, &plan.service_restarts);
    let forced = forced_of(plan, site.id);
    let mut forced_i = 0;
    let per_sec = plan.requests_per_day / 86_400.0 * site.share / diurnal_mean();
    let phases = &plan.pools[site.pool].phases;
    let mut phase_i = 0;
    for s in plan.start.div_euclid(SEC)..plan.end.div_euclid(SEC) {
        let t_sec = s * SEC;
        while g.pending.peek().is_some_and(|p| p.done < t_sec) {
            let p = g.pending.pop().expect("peeked");
            w3c.write(&p, sink, &mut g.out)?;
        }
        while phase_i < phases.len() && phases[phase_i].to <= t_sec {
            phase_i += 1;
        }
        // The phase the pool is in, or enters within this second.
        let phase = phases.get(phase_i).filter(|ph| ph.from <= t_sec + SEC);
        let usual = per_sec * diurnal(s.rem_euclid(86_400));
        let Some(lambda) = arrival_rate(phase, t_sec, usual) else {
            continue;
        };
        let n = g.rng.poisson(lambda);
        let mut starts: Vec<(i64, Option<i64>)> = (0..n)
            .map(|_| (t_sec + g.rng.below(SEC as u64) as i64, None))
            .collect();
        while forced_i < forced.len() && forced[forced_i].start < t_sec + SEC {
            starts.push((forced[forced_i].start, Some(forced[forced_i].duration_ms)));
            forced_i += 1;
        }
        for (t0, forced_ms) in starts {
            g.request(t0, forced_ms, phase);
        }
    }
    while let Some(p) = g.pending.pop() {
        w3c.write(&p, sink, &mut g.out)?;
    }
    w3c.flush(sink)?;
    Ok(g.out)
}

/// The requests the plan needs on the site, by start.
fn forced_of(plan: &Plan, site: i64) -> Vec<Forced> {
    let mut forced: Vec<_> = plan
        .forced
        .iter()
        .filter(|f| f.site == site)
        .cloned()
        .collect();
    forced.sort_by_key(|f| f.start);
    forced
}

/// Requests expected in the second from `t_sec` (`usual` when nothing is wrong), or
/// `None` when the pool is quiet.
fn arrival_rate(phase: Option<&Phase>, t_sec: i64, usual: f64) -> Option<f64> {
    let Some(ph) = phase.filter(|ph| ph.from <= t_sec) else {
        return Some(usual);
    };
    match ph.state {
        State::Quiet => None,
        State::Overload { traffic, .. } => Some(usual * traffic),
        State::Offline
        | State::Gap
        | State::Hung { .. }
        | State::Restarting
        | State::QueueFull { .. } => Some(usual),
    }
}
