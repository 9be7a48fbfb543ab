//! Turns a parsed [`Config`](super::Config) into rows of the `sites` (one per
//! application) and `app_pools` tables.

use super::{parse, Config, Limits};
use crate::parse::Emit;
use crate::tables::app_pools::{AppPoolsRow, AppPoolsTable};
use crate::tables::sites::{SitesRow, SitesTable};
use std::io::{BufReader, Read};

/// What reading one applicationHost.config gave.
#[derive(Debug, Default)]
pub struct AppConfigStats {
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
    /// Values replaced by defaults and other notes (see [`Config::warnings`]).
    pub warnings: Vec<String>,
    /// Sites read.
    pub sites: usize,
    /// Application pools read.
    pub app_pools: usize,
}

/// Reads an applicationHost.config into the `sites` and `app_pools` tables.
pub fn read(input: impl Read, emit: &mut Emit<'_>) -> AppConfigStats {
    match parse(BufReader::new(input), &Limits::default()) {
        Ok(cfg) => {
            write(&cfg, emit);
            AppConfigStats {
                error: None,
                warnings: cfg.warnings.clone(),
                sites: cfg.sites.len(),
                app_pools: cfg.app_pools.len(),
            }
        }
        Err(e) => AppConfigStats {
            error: Some(format!("cannot read applicationHost.config: {e}")),
            ..Default::default()
        },
    }
}

fn secs(v: u64) -> Option<i64> {
    i64::try_from(v).ok()
}

fn write(cfg: &Config, emit: &mut Emit<'_>) {
    let mut sites = SitesTable::with_capacity(cfg.sites.len());
    for s in &cfg.sites {
        let bindings = s
            .bindings
            .iter()
            .map(|b| format!("{}/{}", b.protocol, b.binding_information))
            .collect::<Vec<_>>()
            .join(",");
        let apps: Vec<Option<&super::Application>> = if s.applications.is_empty() {
            vec![None]
        } else {
            s.applications.iter().map(Some).collect()
        };
        for a in apps {
            sites.push(&SitesRow {
                bundle_id: Some(emit.bundle_id),
                source_file: Some(emit.source_file),
                site_id: s.id,
                site_name: Some(&s.name),
                bindings: Some(&bindings),
                app_path: a.map(|a| a.path.as_str()),
                app_pool: a.map(|a| a.app_pool.as_str()),
                physical_path: a.and_then(|a| a.physical_path.as_deref()),
                server_auto_start: s.server_auto_start,
            });
        }
    }
    emit.flush(&mut sites, true);
    let mut pools = AppPoolsTable::with_capacity(cfg.app_pools.len());
    for p in &cfg.app_pools {
        let schedule = p.periodic_restart_schedule.join(",");
        pools.push(&AppPoolsRow {
            bundle_id: Some(emit.bundle_id),
            source_file: Some(emit.source_file),
            name: Some(&p.name),
            managed_runtime_version: p.managed_runtime_version.as_deref(),
            pipeline_mode: p.pipeline_mode.as_deref(),
            auto_start: Some(p.auto_start),
            start_mode: Some(&p.start_mode),
            queue_length: Some(p.queue_length as i64),
            identity_type: p.identity_type.as_deref(),
            idle_timeout_s: secs(p.idle_timeout_s),
            idle_timeout_action: Some(&p.idle_timeout_action),
            shutdown_time_limit_s: secs(p.shutdown_time_limit_s),
            startup_time_limit_s: secs(p.startup_time_limit_s),
            ping_enabled: Some(p.ping_enabled),
            ping_interval_s: secs(p.ping_interval_s),
            ping_response_time_s: secs(p.ping_response_time_s),
            max_processes: Some(p.max_processes as i64),
            disallow_overlapping_rotation: Some(p.disallow_overlapping_rotation),
            disallow_rotation_on_config_change: Some(p.disallow_rotation_on_config_change),
            log_event_on_recycle: Some(&p.log_event_on_recycle),
            periodic_restart_time_s: secs(p.periodic_restart_time_s),
            periodic_restart_requests: secs(p.periodic_restart_requests),
            periodic_restart_memory_kb: secs(p.periodic_restart_memory_kb),
            periodic_restart_private_memory_kb: secs(p.periodic_restart_private_memory_kb),
            periodic_restart_schedule: (!schedule.is_empty()).then_some(schedule.as_str()),
            rapid_fail_protection: Some(p.rapid_fail_protection),
            rapid_fail_interval_s: secs(p.rapid_fail_protection_interval_s),
            rapid_fail_max_crashes: Some(p.rapid_fail_protection_max_crashes as i64),
            load_balancer_capabilities: Some(&p.load_balancer_capabilities),
        });
    }
    emit.flush(&mut pools, true);
}
