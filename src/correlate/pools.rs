//! Which application pool serves which site, and each pool's settings: from
//! applicationHost.config when the bundle has it, else from HTTPERR lines (they carry
//! both the site id and the queue), else from ASP.NET events joined to WAS by pid.

use super::rules::Rules;
use crate::tables::Batch;
use std::collections::BTreeMap;

/// One application of a site and the pool that serves it (the `sites` table).
#[derive(Debug, Clone)]
pub struct SiteApp {
    /// IIS site id.
    pub site_id: i64,
    /// Pool name as configured.
    pub app_pool: String,
    /// Application virtual path (`/` for the root application).
    pub app_path: Option<String>,
}

impl SiteApp {
    /// The applications of a `sites` batch that name a site id and a pool.
    pub fn of_batch(b: &Batch) -> Vec<SiteApp> {
        let (site, pool, path) = (b.ints("site_id"), b.strs("app_pool"), b.strs("app_path"));
        (0..b.len())
            .filter_map(|i| {
                Some(SiteApp {
                    site_id: site.get(i)?,
                    app_pool: pool.get(i)?.to_string(),
                    app_path: path.get(i).map(str::to_string),
                })
            })
            .collect()
    }
}

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

impl PoolSettings {
    /// The pools of an `app_pools` batch that have a name.
    pub fn of_batch(b: &Batch) -> Vec<PoolSettings> {
        let int = |c: &str| b.ints(c);
        let (shut, rfi, rfm, ql) = (
            int("shutdown_time_limit_s"),
            int("rapid_fail_interval_s"),
            int("rapid_fail_max_crashes"),
            int("queue_length"),
        );
        let (prt, ping) = (int("periodic_restart_time_s"), int("ping_response_time_s"));
        let (rfp, dor) = (
            b.bools("rapid_fail_protection"),
            b.bools("disallow_overlapping_rotation"),
        );
        let text = |c: &str| b.strs(c);
        let (name, sched, logev, lb) = (
            text("name"),
            text("periodic_restart_schedule"),
            text("log_event_on_recycle"),
            text("load_balancer_capabilities"),
        );
        let own = |v: Option<&str>| v.map(str::to_string);
        (0..b.len())
            .filter_map(|i| {
                Some(PoolSettings {
                    name: name.get(i)?.to_string(),
                    shutdown_time_limit_s: shut.get(i),
                    rapid_fail_interval_s: rfi.get(i),
                    rapid_fail_max_crashes: rfm.get(i),
                    rapid_fail_protection: rfp(i),
                    queue_length: ql.get(i),
                    disallow_overlapping_rotation: dor(i),
                    schedule: own(sched.get(i)),
                    periodic_restart_s: prt.get(i),
                    log_event_on_recycle: own(logev.get(i)),
                    ping_response_s: ping.get(i),
                    load_balancer: own(lb.get(i)),
                })
            })
            .collect()
    }
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
    /// From the applications and pools of applicationHost.config, then HTTPERR (site
    /// id, queue) pairs with how many lines name each.
    pub fn build(
        sites: &[SiteApp],
        app_pools: &[PoolSettings],
        site_queue: &BTreeMap<(i64, String), u64>,
    ) -> Pools {
        let mut p = Pools::default();
        for pool in app_pools {
            p.names.insert(key(&pool.name), pool.name.clone());
            p.settings.insert(key(&pool.name), pool.clone());
        }
        for app in sites {
            // The root application's pool is the site's pool.
            if app.app_path.as_deref() == Some("/") || !p.site_pool.contains_key(&app.site_id) {
                p.site_pool.insert(app.site_id, key(&app.app_pool));
                p.names
                    .entry(key(&app.app_pool))
                    .or_insert_with(|| app.app_pool.clone());
            }
        }
        p.from_config = !p.site_pool.is_empty();
        p.add_httperr_routes(site_queue);
        p
    }

    /// Sites no config maps: the queue HTTPERR names most often for each.
    fn add_httperr_routes(&mut self, site_queue: &BTreeMap<(i64, String), u64>) {
        let mut votes: BTreeMap<(i64, String), u64> = BTreeMap::new();
        for ((s, q), n) in site_queue {
            *votes.entry((*s, key(q))).or_default() += n;
            self.names.entry(key(q)).or_insert_with(|| q.clone());
        }
        let mut best: BTreeMap<i64, (u64, String)> = BTreeMap::new();
        for ((s, q), n) in votes {
            let e = best.entry(s).or_insert((0, q.clone()));
            if n > e.0 {
                *e = (n, q);
            }
        }
        for (s, (_, q)) in best {
            self.site_pool.entry(s).or_insert(q);
        }
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

    /// The pool's `shutdownTimeLimit`, else the rules' default.
    pub fn shutdown_time_limit_s(&self, pool: Option<&str>, rules: &Rules) -> i64 {
        let configured = pool.and_then(|p| self.settings(p));
        configured
            .and_then(|p| p.shutdown_time_limit_s)
            .unwrap_or(rules.default_shutdown_time_limit_s)
    }

    /// The pool's `rapidFailProtectionInterval`, else the rules' default.
    pub fn rapid_fail_interval_s(&self, pool: Option<&str>, rules: &Rules) -> i64 {
        let configured = pool.and_then(|p| self.settings(p));
        configured
            .and_then(|p| p.rapid_fail_interval_s)
            .unwrap_or(rules.default_rapid_fail_interval_s)
    }

    /// Settings of a pool, if the config has it.
    pub fn settings(&self, pool: &str) -> Option<&PoolSettings> {
        self.settings.get(pool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::app_pools::{AppPoolsRow, AppPoolsTable};
    use crate::tables::sites::{SitesRow, SitesTable};

    #[test]
    fn config_rows_read_back_typed_and_map_sites_to_pools() {
        let mut ap = AppPoolsTable::with_capacity(2);
        ap.push(&AppPoolsRow {
            name: Some("ShopPool"),
            shutdown_time_limit_s: Some(120),
            rapid_fail_max_crashes: Some(5),
            disallow_overlapping_rotation: Some(true),
            log_event_on_recycle: Some("Time, Memory"),
            ..Default::default()
        });
        ap.push(&AppPoolsRow::default());
        let pools = PoolSettings::of_batch(&ap.take());
        assert_eq!(pools.len(), 1, "a pool without a name is not a pool");
        let p = &pools[0];
        assert_eq!(
            (
                p.shutdown_time_limit_s,
                p.rapid_fail_max_crashes,
                p.rapid_fail_interval_s
            ),
            (Some(120), Some(5), None)
        );
        assert_eq!(p.disallow_overlapping_rotation, Some(true));
        assert_eq!(p.log_event_on_recycle.as_deref(), Some("Time, Memory"));

        let mut st = SitesTable::with_capacity(2);
        for (path, pool) in [("/api", "ApiPool"), ("/", "ShopPool")] {
            st.push(&SitesRow {
                site_id: Some(2),
                app_path: Some(path),
                app_pool: Some(pool),
                ..Default::default()
            });
        }
        let sites = SiteApp::of_batch(&st.take());
        let routes = BTreeMap::from([
            ((2, "OtherPool".to_string()), 9),
            ((3, "ApiPool".into()), 1),
        ]);
        let all = Pools::build(&sites, &pools, &routes);
        assert_eq!(all.site_pool[&2], "shoppool", "the root application's pool");
        assert_eq!(
            all.site_pool[&3], "apipool",
            "from HTTPERR when the config has no site 3"
        );
        assert_eq!(all.name("shoppool"), "ShopPool");
        assert!(all.settings("shoppool").is_some() && all.from_config);
    }
}
