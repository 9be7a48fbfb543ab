//! Which application pool serves which site, and each pool's settings: from
//! applicationHost.config when the bundle has it, else from HTTPERR lines (they carry
//! both the site id and the queue), else from ASP.NET events joined to WAS by pid.

use super::frames::{bools, i64s, strs};
use polars::prelude::DataFrame;
use std::collections::BTreeMap;

/// Settings of a pool that the rules and explanations use.
#[derive(Debug, Clone, Default)]
pub struct PoolSettings {
    /// Name as configured.
    pub name: String,
    /// `shutdownTimeLimit` in seconds.
    pub shutdown_time_limit_s: Option<i64>,
    /// `rapidFailProtectionInterval` in seconds.
    pub rapid_fail_interval_s: Option<i64>,
    /// `rapidFailProtectionMaxCrashes`.
    pub rapid_fail_max_crashes: Option<i64>,
    /// `rapidFailProtection`.
    pub rapid_fail_protection: Option<bool>,
    /// `queueLength`.
    pub queue_length: Option<i64>,
    /// `disallowOverlappingRotation`.
    pub disallow_overlapping_rotation: Option<bool>,
    /// `periodicRestart.schedule`.
    pub schedule: Option<String>,
    /// `periodicRestart.time` in seconds.
    pub periodic_restart_s: Option<i64>,
    /// `logEventOnRecycle`.
    pub log_event_on_recycle: Option<String>,
    /// `pingResponseTime` in seconds.
    pub ping_response_s: Option<i64>,
    /// `loadBalancerCapabilities`.
    pub load_balancer: Option<String>,
}

/// Pools and sites of the bundle. Pool keys are lower-case names (IIS compares pool
/// names case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct Pools {
    /// Pool of each site id.
    pub site_pool: BTreeMap<i64, String>,
    /// Settings by pool key (config pools only).
    pub settings: BTreeMap<String, PoolSettings>,
    /// Display name by pool key.
    pub names: BTreeMap<String, String>,
    /// Whether the mapping came from applicationHost.config.
    pub from_config: bool,
}

/// A pool key.
pub fn key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

impl Pools {
    /// From the sites and app_pools tables, then HTTPERR (site id, queue) pairs with
    /// how many lines name each.
    pub fn build(
        sites: &DataFrame,
        app_pools: &DataFrame,
        site_queue: &BTreeMap<(i64, String), u64>,
    ) -> Pools {
        let mut p = Pools::default();
        let names = strs(app_pools, "name");
        let cols_i = |n: &str| i64s(app_pools, n);
        let (shut, rfi, rfm, ql, prt, ping) = (
            cols_i("shutdown_time_limit_s"),
            cols_i("rapid_fail_interval_s"),
            cols_i("rapid_fail_max_crashes"),
            cols_i("queue_length"),
            cols_i("periodic_restart_time_s"),
            cols_i("ping_response_time_s"),
        );
        let (rfp, dor) = (
            bools(app_pools, "rapid_fail_protection"),
            bools(app_pools, "disallow_overlapping_rotation"),
        );
        let (sched, logev, lb) = (
            strs(app_pools, "periodic_restart_schedule"),
            strs(app_pools, "log_event_on_recycle"),
            strs(app_pools, "load_balancer_capabilities"),
        );
        for (i, n) in names.iter().enumerate() {
            let Some(n) = n else { continue };
            p.names.insert(key(n), n.clone());
            p.settings.insert(
                key(n),
                PoolSettings {
                    name: n.clone(),
                    shutdown_time_limit_s: shut[i],
                    rapid_fail_interval_s: rfi[i],
                    rapid_fail_max_crashes: rfm[i],
                    rapid_fail_protection: rfp[i],
                    queue_length: ql[i],
                    disallow_overlapping_rotation: dor[i],
                    schedule: sched[i].clone(),
                    periodic_restart_s: prt[i],
                    log_event_on_recycle: logev[i].clone(),
                    ping_response_s: ping[i],
                    load_balancer: lb[i].clone(),
                },
            );
        }
        let (sid, spool, spath) = (
            i64s(sites, "site_id"),
            strs(sites, "app_pool"),
            strs(sites, "app_path"),
        );
        for i in 0..sid.len() {
            if let (Some(s), Some(pool)) = (sid[i], &spool[i]) {
                // The root application's pool is the site's pool.
                if spath[i].as_deref() == Some("/") || !p.site_pool.contains_key(&s) {
                    p.site_pool.insert(s, key(pool));
                    p.names.entry(key(pool)).or_insert_with(|| pool.clone());
                }
            }
        }
        p.from_config = !p.site_pool.is_empty();
        // HTTPERR knows both the site and the queue of routed requests.
        let mut votes: BTreeMap<(i64, String), u64> = BTreeMap::new();
        for ((s, q), n) in site_queue {
            *votes.entry((*s, key(q))).or_default() += n;
            p.names.entry(key(q)).or_insert_with(|| q.clone());
        }
        let mut best: BTreeMap<i64, (u64, String)> = BTreeMap::new();
        for ((s, q), n) in votes {
            let e = best.entry(s).or_insert((0, q.clone()));
            if n > e.0 {
                *e = (n, q);
            }
        }
        for (s, (_, q)) in best {
            p.site_pool.entry(s).or_insert(q);
        }
        p
    }

    /// Sites served by a pool.
    pub fn sites_of(&self, pool: &str) -> Vec<i64> {
        self.site_pool
            .iter()
            .filter(|(_, p)| p.as_str() == pool)
            .map(|(s, _)| *s)
            .collect()
    }

    /// Display name of a pool key.
    pub fn name(&self, pool: &str) -> String {
        self.names
            .get(pool)
            .cloned()
            .unwrap_or_else(|| pool.to_string())
    }

    /// Settings of a pool, if the config has it.
    pub fn settings(&self, pool: &str) -> Option<&PoolSettings> {
        self.settings.get(pool)
    }
}
