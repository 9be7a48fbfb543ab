//! The simulated server: its sites, application pools (one pool serving two sites),
//! their settings, and what their traffic looks like (URLs, clients, user agents,
//! statuses, time-taken and bytes).

use super::rng::Rng;
use crate::domain::RecycleReason;
use crate::time::zone::Clock;

/// An application pool and the settings that shape its failures.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Name (the HTTPERR queue name).
    pub name: &'static str,
    /// Old process stops before the new one starts.
    pub disallow_overlap: bool,
    /// Seconds an old process gets to finish after a recycle.
    pub shutdown_time_limit_s: i64,
    /// HTTP.sys queue length.
    pub queue_length: i64,
    /// Periodic restart in seconds (0 = off).
    pub periodic_restart_s: i64,
    /// Scheduled recycles, seconds after midnight UTC.
    pub schedule_s: Vec<i64>,
    /// Private memory limit in KB (0 = off).
    pub private_memory_kb: i64,
    /// Rapid-fail: crashes within the interval that disable the pool.
    pub rapid_fail_max: i64,
    /// Rapid-fail interval in seconds.
    pub rapid_fail_interval_s: i64,
    /// Idle timeout in minutes (0 = never).
    pub idle_timeout_min: i64,
    /// Recycle reasons logged to the event log (`logEventOnRecycle`), each with its flag.
    pub log_event_on_recycle: Vec<RecycleReason>,
    /// Managed code: crashes come with .NET Runtime / ASP.NET events.
    pub managed: bool,
}

/// A site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Site id (`W3SVC<id>`).
    pub id: i64,
    /// Site name.
    pub name: &'static str,
    /// Host header.
    pub host: &'static str,
    /// Index of its pool in [`Server::pools`].
    pub pool: usize,
    /// Port.
    pub port: u16,
    /// Share of the server's traffic.
    pub share: f64,
    /// Median time-taken in ms.
    pub median_ms: f64,
    /// Spread of time-taken (sigma of the log).
    pub sigma: f64,
    /// Pages and API paths, with weights.
    pub paths: &'static [(&'static str, f64)],
    /// Log fields (`#Fields:`).
    pub fields: &'static str,
}

/// The server.
#[derive(Debug, Clone)]
pub struct Server {
    /// Computer name.
    pub computer: String,
    /// Server IP.
    pub ip: &'static str,
    /// Application pools.
    pub pools: Vec<Pool>,
    /// Sites.
    pub sites: Vec<Site>,
    /// The server's clock: the local time its event-log exports and ASP.NET's event
    /// times are written in (UTC unless the scenario names a zone).
    pub clock: Clock,
}

/// The IIS 10 default W3C fields.
pub const DEFAULT_FIELDS: &str = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";
/// A richer layout with a custom field, as a shop behind a load balancer logs.
pub const RICH_FIELDS: &str = "date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken X-Forwarded-For";
/// HTTP.sys fields of Windows Server 2016+ (domain.md §1.3 variant B).
pub const HTTPERR_FIELDS: &str = "date time c-ip c-port s-ip s-port cs-version cs-method cs-uri streamid sc-status s-siteid s-reason s-queuename";

const SHOP_PATHS: &[(&str, f64)] = &[
    ("/", 8.0),
    ("/products", 10.0),
    ("/products/detail.aspx", 14.0),
    ("/cart", 6.0),
    ("/cart/add", 4.0),
    ("/checkout/pay", 2.0),
    ("/search", 7.0),
    ("/account/login", 2.0),
    ("/content/site.css", 9.0),
    ("/scripts/app.js", 9.0),
    ("/images/logo.png", 8.0),
    ("/images/p/1042.jpg", 6.0),
];
const API_PATHS: &[(&str, f64)] = &[
    ("/api/v2/orders", 12.0),
    ("/api/v2/orders/status", 8.0),
    ("/api/v2/inventory", 10.0),
    ("/api/v2/prices", 9.0),
    ("/api/v2/customers", 4.0),
    ("/api/v2/auth/token", 3.0),
    ("/health", 2.0),
];
const DEFAULT_PATHS: &[(&str, f64)] = &[("/", 5.0), ("/iisstart.png", 3.0), ("/favicon.ico", 2.0)];
const REPORT_PATHS: &[(&str, f64)] = &[
    ("/reports/sales.aspx", 5.0),
    ("/reports/export.ashx", 3.0),
    ("/reports/inventory.aspx", 4.0),
    ("/reports/", 2.0),
];

/// `logEventOnRecycle` with every flag.
fn log_every_reason() -> Vec<RecycleReason> {
    RecycleReason::flagged().collect()
}

/// The application pools of the default server (a table).
fn pools() -> Vec<Pool> {
    vec![
        Pool {
            name: "DefaultAppPool",
            disallow_overlap: false,
            shutdown_time_limit_s: 90,
            queue_length: 1000,
            periodic_restart_s: 29 * 3600,
            schedule_s: vec![],
            private_memory_kb: 0,
            rapid_fail_max: 5,
            rapid_fail_interval_s: 300,
            idle_timeout_min: 20,
            log_event_on_recycle: log_every_reason(),
            managed: false,
        },
        Pool {
            name: "ShopPool",
            disallow_overlap: false,
            shutdown_time_limit_s: 90,
            queue_length: 1000,
            periodic_restart_s: 29 * 3600,
            schedule_s: vec![],
            private_memory_kb: 0,
            rapid_fail_max: 5,
            rapid_fail_interval_s: 300,
            idle_timeout_min: 20,
            log_event_on_recycle: log_every_reason(),
            managed: true,
        },
        Pool {
            name: "ApiPool",
            disallow_overlap: true,
            shutdown_time_limit_s: 90,
            queue_length: 2000,
            periodic_restart_s: 0,
            schedule_s: vec![3 * 3600],
            private_memory_kb: 4_194_304,
            rapid_fail_max: 5,
            rapid_fail_interval_s: 300,
            idle_timeout_min: 0,
            log_event_on_recycle: vec![
                RecycleReason::Time,
                RecycleReason::Schedule,
                RecycleReason::Memory,
                RecycleReason::PrivateMemory,
            ],
            managed: true,
        },
        Pool {
            name: "ReportsPool",
            disallow_overlap: false,
            shutdown_time_limit_s: 90,
            queue_length: 1000,
            periodic_restart_s: 29 * 3600,
            schedule_s: vec![],
            private_memory_kb: 0,
            rapid_fail_max: 5,
            rapid_fail_interval_s: 300,
            idle_timeout_min: 20,
            log_event_on_recycle: log_every_reason(),
            managed: true,
        },
    ]
}

/// The sites of the default server (a table): five sites on four pools.
fn sites() -> Vec<Site> {
    vec![
        Site {
            id: 1,
            name: "Default Web Site",
            host: "web01.corp.example",
            pool: 0,
            port: 80,
            share: 0.03,
            median_ms: 8.0,
            sigma: 0.8,
            paths: DEFAULT_PATHS,
            fields: DEFAULT_FIELDS,
        },
        Site {
            id: 2,
            name: "Shop",
            host: "shop.example.com",
            pool: 1,
            port: 443,
            share: 0.42,
            median_ms: 45.0,
            sigma: 1.0,
            paths: SHOP_PATHS,
            fields: RICH_FIELDS,
        },
        Site {
            id: 3,
            name: "Api",
            host: "api.example.com",
            pool: 2,
            port: 443,
            share: 0.35,
            median_ms: 30.0,
            sigma: 0.9,
            paths: API_PATHS,
            fields: DEFAULT_FIELDS,
        },
        Site {
            id: 4,
            name: "ShopMobile",
            host: "m.shop.example.com",
            pool: 1,
            port: 443,
            share: 0.15,
            median_ms: 40.0,
            sigma: 1.0,
            paths: SHOP_PATHS,
            fields: DEFAULT_FIELDS,
        },
        Site {
            id: 5,
            name: "Reports",
            host: "reports.corp.example",
            pool: 3,
            port: 443,
            share: 0.05,
            median_ms: 4000.0,
            sigma: 1.4,
            paths: REPORT_PATHS,
            fields: DEFAULT_FIELDS,
        },
    ]
}

impl Server {
    /// The default server: five sites on four pools, the Shop pool serving two sites.
    pub fn new(computer: &str) -> Server {
        Server {
            computer: computer.to_string(),
            ip: "10.20.1.15",
            pools: pools(),
            sites: sites(),
            clock: Clock::Fixed { offset_s: 0 },
        }
    }

    /// Index of the pool named `name` (case-insensitive).
    pub fn pool_index(&self, name: &str) -> Option<usize> {
        self.pools
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Sites served by pool `p`.
    pub fn sites_of(&self, p: usize) -> Vec<i64> {
        self.sites
            .iter()
            .filter(|s| s.pool == p)
            .map(|s| s.id)
            .collect()
    }

    /// Share of the server's traffic that pool `p` serves.
    pub fn pool_share(&self, p: usize) -> f64 {
        self.sites
            .iter()
            .filter(|s| s.pool == p)
            .map(|s| s.share)
            .sum()
    }
}

/// Relative traffic at a time of day (UTC): quiet at night, busy in working hours.
pub fn diurnal(seconds_of_day: i64) -> f64 {
    let h = seconds_of_day as f64 / 3600.0;
    let day = (std::f64::consts::PI * (h - 6.0) / 12.0).sin().max(0.0);
    0.15 + 1.7 * day * day
}

/// User agents with weights.
pub const USER_AGENTS: &[(&str, f64)] = &[
    ("Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/122.0.0.0+Safari/537.36", 30.0),
    ("Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_15_7)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Version/17.3+Safari/605.1.15", 12.0),
    ("Mozilla/5.0+(iPhone;+CPU+iPhone+OS+17_3+like+Mac+OS+X)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Version/17.3+Mobile/15E148+Safari/604.1", 14.0),
    ("Mozilla/5.0+(Linux;+Android+14;+Pixel+8)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/122.0.0.0+Mobile+Safari/537.36", 12.0),
    ("Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:123.0)+Gecko/20100101+Firefox/123.0", 8.0),
    ("okhttp/4.12.0", 6.0),
    ("python-requests/2.31.0", 3.0),
    ("Mozilla/5.0+(compatible;+bingbot/2.0;++http://www.bing.com/bingbot.htm)", 2.0),
    ("Mozilla/5.0+(compatible;+Googlebot/2.1;++http://www.google.com/bot.html)", 2.0),
];

/// A client address from a realistic mix (corporate NAT, mobile carriers, a load
/// balancer in front of the shop).
pub fn client_ip(rng: &mut Rng, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    match rng.below(10) {
        0..=3 => {
            let _ = write!(out, "203.0.{}.{}", rng.range(0, 255), rng.range(1, 254));
        }
        4..=6 => {
            let _ = write!(out, "198.51.{}.{}", rng.range(0, 255), rng.range(1, 254));
        }
        7 | 8 => {
            let _ = write!(
                out,
                "10.{}.{}.{}",
                rng.range(0, 40),
                rng.range(0, 255),
                rng.range(1, 254)
            );
        }
        _ => {
            let _ = write!(
                out,
                "2001:db8:{:x}:{:x}::{:x}",
                rng.range(0, 0xffff),
                rng.range(0, 0xffff),
                rng.range(1, 0xfff)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pool_serves_two_sites_and_shares_sum_to_one() {
        let s = Server::new("WEB01");
        let shop = s.pool_index("shoppool").unwrap();
        assert_eq!(s.sites_of(shop), vec![2, 4]);
        let total: f64 = s.sites.iter().map(|x| x.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }

    #[test]
    fn traffic_peaks_in_the_day() {
        assert!(diurnal(12 * 3600) > 5.0 * diurnal(2 * 3600));
    }
}
