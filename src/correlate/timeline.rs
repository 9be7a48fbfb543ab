//! Per pool and per day: requests per minute, HTTP.sys lines per minute by class, and
//! the lifecycle events, for the timeline charts of the report.

use super::collect::Collected;
use super::episodes::LoggedEvent;
use super::pools::Pools;
use crate::domain::{LifecycleKind, ReasonClass};
use std::collections::BTreeMap;

const MINUTE: i64 = 60_000_000;
const DAY: i64 = 1440;

/// One pool's day.
#[derive(Debug, Clone)]
pub struct PoolDay {
    /// Pool display name.
    pub pool: String,
    /// Day number since the epoch.
    pub day: i64,
    /// Requests completed per minute of the day (W3C, the pool's sites).
    pub requests: Vec<u32>,
    /// HTTP.sys lines per minute by reason class.
    pub httperr: BTreeMap<ReasonClass, Vec<u32>>,
    /// Lifecycle events: (minute of day, kind, label).
    pub events: Vec<(u32, LifecycleKind, String)>,
}

/// Whether lines of a class are plotted: what the pool or the network did, not
/// housekeeping or malformed requests.
fn charted(class: ReasonClass) -> bool {
    match class {
        ReasonClass::AppPool
        | ReasonClass::Capacity
        | ReasonClass::Client
        | ReasonClass::Unknown => true,
        ReasonClass::Benign | ReasonClass::Protocol => false,
    }
}

/// The days of each pool that have requests or HTTP.sys lines to plot, with the
/// lifecycle events of those days as markers. A day with events only gets no chart (a
/// year of event logs without web logs would give a chart per pool and day of markers
/// alone); its events are in the report's incident and recycle tables.
pub fn pool_days(c: &Collected, pools: &Pools, life: &[LoggedEvent]) -> Vec<PoolDay> {
    let mut days: BTreeMap<(String, i64), PoolDay> = BTreeMap::new();
    fn get<'a>(
        days: &'a mut BTreeMap<(String, i64), PoolDay>,
        pools: &Pools,
        pool: &str,
        day: i64,
    ) -> &'a mut PoolDay {
        days.entry((pool.to_string(), day))
            .or_insert_with(|| PoolDay {
                pool: pools.name(pool),
                day,
                requests: vec![0; DAY as usize],
                httperr: BTreeMap::new(),
                events: Vec::new(),
            })
    }
    for (&(site, minute), m) in &c.traffic {
        if let Some(pool) = pools.site_pool.get(&site) {
            let pd = get(&mut days, pools, pool, minute.div_euclid(DAY));
            pd.requests[minute.rem_euclid(DAY) as usize] += m.requests as u32;
        }
    }
    for ((pool, minute, class), n) in &c.httperr_minutes {
        if pool == "-" || !charted(*class) {
            continue;
        }
        let pd = get(&mut days, pools, pool, minute.div_euclid(DAY));
        pd.httperr
            .entry(*class)
            .or_insert_with(|| vec![0; DAY as usize])[minute.rem_euclid(DAY) as usize] += *n as u32;
    }
    for l in life {
        let Some(pool) = &l.pool else { continue };
        let minute = l.time.div_euclid(MINUTE);
        let label = format!(
            "{} {}{}",
            l.event_id,
            l.kind(),
            l.event
                .recycle_reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
        get(&mut days, pools, pool, minute.div_euclid(DAY))
            .events
            .push((minute.rem_euclid(DAY) as u32, l.kind(), label));
    }
    days.into_values()
        .filter(|d| d.requests.iter().any(|&n| n > 0) || !d.httperr.is_empty())
        .collect()
}
