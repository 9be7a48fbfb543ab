//! The windows and thresholds of the correlation rules (domain.md §5). Where the
//! domain reference marks a fact UNVERIFIED the value is an option: `--rules FILE`
//! (TOML) overrides any of them; the defaults are documented here and in the README.

use serde::{Deserialize, Serialize};

/// Rule parameters, in seconds unless named otherwise.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Slack on every window for the 1-second resolution of HTTPERR and W3C times and
    /// write latency (domain.md §4: ±2 s for same-host joins).
    pub slack_s: i64,
    /// Crash: abandoned lines from this long before the anchor (Application Error 1000,
    /// else the first WAS event)...
    pub crash_before_s: i64,
    /// ...until this long after the last WAS event of the cascade.
    pub crash_after_s: i64,
    /// Crash cascade: WAS 5011/5009 for the same pid at most this long after the
    /// Application Error (13 s seen in real logs).
    pub cascade_s: i64,
    /// WER 1001 / .NET Runtime 1026 reports of a crash: at most this long before the
    /// crash's anchor...
    pub crash_report_before_s: i64,
    /// ...and this long after it.
    pub crash_report_after_s: i64,
    /// ASP.NET 1309 (the request that threw): at most this long before the crash...
    pub request_error_before_s: i64,
    /// ...and this long after it.
    pub request_error_after_s: i64,
    /// Hang: QueueFull / Timer_* lines this long before the WAS 5010 ping failure.
    pub hang_before_s: i64,
    /// Hang: abandoned lines this long after the 5010 (the kill).
    pub hang_after_s: i64,
    /// Recycle: harmful lines until shutdownTimeLimit plus this long after the recycle.
    pub recycle_after_s: i64,
    /// shutdownTimeLimit when applicationHost.config does not give it.
    pub default_shutdown_time_limit_s: i64,
    /// Shutdown timeout: abandoned lines this long around the WAS 5013.
    pub shutdown_timeout_around_s: i64,
    /// Rapid-fail: interval when the config does not give it.
    pub default_rapid_fail_interval_s: i64,
    /// Rapid-fail: AppOffline bursts starting this long after the 5002 belong to it.
    pub rapid_fail_after_s: i64,
    /// Lines of a pool closer than this form one burst.
    pub burst_gap_s: i64,
    /// Connection_Dropped lines in a burst needed to call it an overload.
    pub overload_min_dropped: u64,
    /// Clients drop connections all the time: a Connection_Dropped line counts only if
    /// it lies in a window of `dropped_window_s` with at least this many of its pool...
    pub dropped_min_per_window: u64,
    /// ...and this many times the pool's mean for such a window.
    pub dropped_factor: f64,
    /// The window those drops are counted in.
    pub dropped_window_s: i64,
    /// An overload needs traffic or time-taken this many times the pool's usual.
    pub overload_factor: f64,
    /// "Usual" for an overload: the pool's traffic over this long before and after it...
    pub usual_span_s: i64,
    /// ...leaving out this long next to it.
    pub usual_gap_s: i64,
    /// W3C requests completing up to this long after an incident are checked for being
    /// in flight when its worker died.
    pub in_flight_horizon_s: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            slack_s: 2,
            crash_before_s: 5,
            crash_after_s: 5,
            cascade_s: 120,
            crash_report_before_s: 10,
            crash_report_after_s: 30,
            request_error_before_s: 60,
            request_error_after_s: 5,
            hang_before_s: 300,
            hang_after_s: 30,
            recycle_after_s: 10,
            default_shutdown_time_limit_s: 90,
            shutdown_timeout_around_s: 10,
            default_rapid_fail_interval_s: 300,
            rapid_fail_after_s: 60,
            burst_gap_s: 120,
            overload_min_dropped: 5,
            dropped_min_per_window: 5,
            dropped_factor: 5.0,
            dropped_window_s: 300,
            overload_factor: 1.5,
            usual_span_s: 3 * 3600,
            usual_gap_s: 600,
            in_flight_horizon_s: 600,
        }
    }
}

impl Rules {
    /// Reads overrides from a TOML file.
    pub fn from_file(path: &std::path::Path) -> crate::Result<Rules> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::Error::io(path.display().to_string(), e))?;
        toml::from_str(&text)
            .map_err(|e| crate::Error::Usage(format!("{}: not valid rules: {e}", path.display())))
    }
}
