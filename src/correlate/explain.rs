//! The plain-language explanation and the recommendation of each incident, grounded in
//! the pool's configuration when the bundle has applicationHost.config.

use super::incidents::Draft;
use super::pools::{PoolSettings, Pools};
use crate::domain::{IncidentKind, RecycleReason, TimeBasis};
use crate::time::format_rfc3339;

fn when(t: i64) -> String {
    format_rfc3339(t, 0).replace('T', " ").replace('Z', " UTC")
}

/// "between A and B", or "at A" when both are the same second.
fn between(a: i64, b: i64) -> String {
    if a.div_euclid(1_000_000) == b.div_euclid(1_000_000) {
        format!("at {}", when(a))
    } else {
        format!("between {} and {}", when(a), when(b))
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn lost(d: &Draft) -> String {
    let m = &d.impact;
    let mut parts = Vec::new();
    if m.abandoned > 0 {
        parts.push(format!(
            "{} abandoned (Connection_Abandoned_By_ReqQueue, never in the W3C log)",
            plural(m.abandoned, "request", "requests")
        ));
    }
    for (reason, n) in &m.http_503 {
        parts.push(format!(
            "{} answered 503 {reason} by HTTP.sys",
            plural(*n, "request", "requests")
        ));
    }
    if m.queue_timeouts > 0 {
        parts.push(format!(
            "{} timed out in the queue",
            plural(m.queue_timeouts, "request", "requests")
        ));
    }
    if m.dropped > 0 {
        parts.push(format!(
            "{} dropped",
            plural(m.dropped, "connection", "connections")
        ));
    }
    if m.http_5xx > 0 {
        parts.push(format!(
            "{} failed with 5xx",
            plural(m.http_5xx, "request", "requests")
        ));
    }
    if m.broken_w3c > 0 {
        parts.push(format!(
            "{} ended with a broken connection",
            plural(m.broken_w3c, "request", "requests")
        ));
    }
    if parts.is_empty() {
        "No request failure was logged for it.".into()
    } else {
        format!("Impact: {}.", parts.join("; "))
    }
}

fn signature(d: &Draft) -> String {
    let c = &d.cause;
    let mut s = String::new();
    if let Some(code) = &c.exception_code {
        s.push_str(code);
        if let Some(n) = &c.exception_name {
            s.push_str(&format!(" ({n})"));
        }
    } else if let Some(n) = &c.exception_name {
        s.push_str(n);
    }
    if let Some(m) = &c.faulting_module {
        s.push_str(&format!(" in {m}"));
    }
    if let Some(t) = &c.exception_type {
        s.push_str(&format!(", managed exception {t}"));
    }
    if s.is_empty() {
        "no exception details (only WAS saw the process die)".into()
    } else {
        s.trim().to_string()
    }
}

/// What every explanation draws on.
struct Ctx<'a> {
    d: &'a Draft,
    /// Pool display name.
    pool: String,
    /// The pool's settings, when the bundle has its configuration.
    cfg: Option<&'a PoolSettings>,
    /// Pids, comma-separated.
    pids: String,
    /// The impact sentence.
    impact: String,
}

/// Where the System event log stands for an incident no lifecycle event explains.
#[derive(Debug, Clone, Copy)]
pub struct LogCoverage {
    /// Whether the System log covers the incident's time (None: no System log).
    pub covered: Option<bool>,
    /// The time range it covers.
    pub range: Option<(i64, i64)>,
}

/// Explanation and recommendation.
pub fn texts(
    d: &Draft,
    pools: &Pools,
    same_signature: usize,
    log: LogCoverage,
) -> (String, String) {
    let c = Ctx {
        d,
        pool: d
            .pool
            .as_deref()
            .map(|p| pools.name(p))
            .unwrap_or_else(|| "an unknown pool".into()),
        cfg: d.pool.as_deref().and_then(|p| pools.settings(p)),
        pids: d
            .pids
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        impact: lost(d),
    };
    match d.kind {
        IncidentKind::Crash => crash(&c, same_signature),
        IncidentKind::Hang => hang(&c),
        IncidentKind::RapidFail => rapid_fail(&c),
        IncidentKind::Recycle => recycle(&c),
        IncidentKind::ShutdownTimeout => shutdown_timeout(&c),
        IncidentKind::QueueFull => queue_full(&c),
        IncidentKind::Overload => overload(&c),
        IncidentKind::Unexplained => unexplained(&c, log),
        IncidentKind::PoolDisabled => pool_disabled(&c),
    }
}

/// " (pid 1, 2)" with `label` before the pids, or nothing.
fn pids_in(c: &Ctx<'_>, label: &str) -> String {
    if c.pids.is_empty() {
        String::new()
    } else {
        format!(" ({label}{})", c.pids)
    }
}

fn crash(c: &Ctx<'_>, same_signature: usize) -> (String, String) {
    let d = c.d;
    let exp = format!(
        "The worker process{} of {} crashed at {}: {}.{} {}",
        pids_in(c, "pid "),
        c.pool,
        when(d.start),
        signature(d),
        d.cause
            .exit_code
            .as_ref()
            .map(|code| format!(" WAS reported exit code {code}."))
            .unwrap_or_default(),
        c.impact
    );
    let mut rec = String::from("Capture a crash dump of w3wp.exe for this pool (ProcDump -ma -e, or a DebugDiag crash rule) and find the root cause in the faulting module");
    if d.cause.exception_type.is_some() {
        rec.push_str("; the unhandled managed exception and its stack are in the .NET Runtime 1026 / ASP.NET 1309 events");
    }
    rec.push('.');
    if same_signature > 1 {
        rec.push_str(&format!(" The same crash signature occurred {same_signature} times in this bundle: fix it before it trips rapid-fail protection."));
    }
    (exp, rec)
}

fn hang(c: &Ctx<'_>) -> (String, String) {
    let q = c
        .cfg
        .and_then(|p| p.queue_length)
        .map(|q| format!(" (queueLength {q})"))
        .unwrap_or_default();
    let exp = format!(
        "The worker process{} of {} stopped responding: WAS's ping failed (event 5010) at {} and WAS shut the process down. Until then requests piled up in the queue{q}. {}",
        pids_in(c, "pid "),
        c.pool,
        when(c.d.anchor),
        c.impact
    );
    let rec = "Take hang dumps while requests pile up (DebugDiag hang rule, or ProcDump -ma -n 3 -s 20 on the w3wp.exe) and look for blocked threads: locks, downstream calls, thread-pool starvation. Check the W3C time-taken of the pool's sites before the hang.".to_string();
    (exp, rec)
}

fn rapid_fail(c: &Ctx<'_>) -> (String, String) {
    let d = c.d;
    let (max, interval) = c
        .cfg
        .map(|p| (p.rapid_fail_max_crashes, p.rapid_fail_interval_s))
        .unwrap_or((None, None));
    let policy = match (max, interval) {
        (Some(m), Some(i)) => format!(
            " (rapidFailProtectionMaxCrashes={m} within {} minutes)",
            i / 60
        ),
        _ => String::new(),
    };
    let exp = format!(
        "{} of {} ({}) made rapid-fail protection{policy} disable the pool (WAS 5002) at {}; HTTP.sys then answered the pool's sites with 503 AppOffline until the pool was started again ({}). {}",
        plural(d.crashes as u64, "worker crash", "worker crashes"),
        c.pool,
        signature(d),
        when(d.anchor),
        when(d.end),
        c.impact
    );
    let lb = c
        .cfg
        .and_then(|p| p.load_balancer.clone())
        .unwrap_or_else(|| "HttpLevel".into());
    let rec = format!(
        "Fix the crash first (crash dump of w3wp.exe; signature above). Restart the pool after a rapid-fail shutdown; behind a load balancer, loadBalancerCapabilities=TcpLevel (now {lb}) takes the server out of rotation instead of serving 503s. Raise rapidFailProtectionMaxCrashes only as a stopgap."
    );
    (exp, rec)
}

/// What to do about a recycle of this reason.
fn recycle_advice(reason: Option<RecycleReason>, cfg: Option<&PoolSettings>) -> String {
    use RecycleReason as R;
    let generic = "Recycle at a quiet time, and check what triggers this recycle reason.";
    match reason {
        Some(R::Schedule) => format!(
            "Move the scheduled recycle{} to the quietest hour, or drop it.",
            cfg.and_then(|p| p.schedule.clone())
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        ),
        Some(R::Memory | R::PrivateMemory) => "Find why the process grows to its memory limit (memory dump at the limit) rather than recycling on it.".into(),
        Some(R::Time) => "Consider recycling at a fixed quiet time (schedule) instead of every periodicRestart.time.".into(),
        Some(
            R::Requests
            | R::IsapiUnhealthy
            | R::OnDemand
            | R::ConfigChange
            | R::ConfigStore
            | R::Idle,
        )
        | None => generic.into(),
    }
}

fn recycle(c: &Ctx<'_>) -> (String, String) {
    let reason = c.d.cause.recycle_reason;
    let overlap = c.cfg.and_then(|p| p.disallow_overlapping_rotation);
    let why = match overlap {
        Some(true) => " The pool has disallowOverlappingRotation=true, so the old worker stopped before the new one started and requests that came in between had no process.",
        _ => "",
    };
    let exp = format!(
        "{} was recycled at {} (reason: {}).{why} {}",
        c.pool,
        when(c.d.start),
        reason.map_or("unknown reason", RecycleReason::name),
        c.impact
    );
    let mut rec = String::new();
    if overlap == Some(true) {
        rec.push_str("Set disallowOverlappingRotation=false unless the application cannot run two instances at once. ");
    }
    rec.push_str(&recycle_advice(reason, c.cfg));
    (exp, rec.trim().to_string())
}

fn shutdown_timeout(c: &Ctx<'_>) -> (String, String) {
    let limit = c
        .cfg
        .and_then(|p| p.shutdown_time_limit_s)
        .map(|l| format!("{l} s"))
        .unwrap_or_else(|| "90 s by default".into());
    let exp = format!(
        "{} was recycled{} and the old worker process{} still had requests running after shutdownTimeLimit ({limit}); WAS killed it (event 5013) at {}. {}",
        c.pool,
        c.d.cause.recycle_reason.map(|r| format!(" (reason: {r})")).unwrap_or_default(),
        pids_in(c, ""),
        when(c.d.end),
        c.impact
    );
    let rec = format!("Raise shutdownTimeLimit above the longest legitimate request of the pool's sites (see their W3C time-taken), make long operations resumable or asynchronous, and recycle when no long request runs. Current limit: {limit}.");
    (exp, rec)
}

fn queue_full(c: &Ctx<'_>) -> (String, String) {
    let q = c
        .cfg
        .and_then(|p| p.queue_length)
        .map(|q| format!("queueLength={q}"))
        .unwrap_or_else(|| "queueLength".into());
    let slow =
        c.d.slow_ratio
            .map(|s| format!(" Time-taken of the pool's sites was {s:.1}x its usual."))
            .unwrap_or_default();
    let exp = format!("{}'s request queue overflowed ({q}) {}, with no worker process event: the application could not keep up.{slow} {}", c.pool, between(c.d.start, c.d.end), c.impact);
    let rec = "Find what slowed the application down (CPU, thread-pool starvation, a slow dependency): take dumps during the next slowdown and compare W3C time-taken per URL. A longer queue only delays the 503s.".to_string();
    (exp, rec)
}

fn overload(c: &Ctx<'_>) -> (String, String) {
    let more = match (c.d.traffic_ratio, c.d.slow_ratio) {
        (Some(r), Some(s)) => format!(
            " Traffic to the pool's sites was {r:.1}x and time-taken {s:.1}x the usual around it."
        ),
        _ => String::new(),
    };
    let exp = format!("{}'s sites were overloaded {} with no worker process event: connections were dropped before their response was sent.{more} {}", c.pool, between(c.d.start, c.d.end), c.impact);
    let rec = "Capacity: scale out or add servers behind the load balancer, cache, check the latency of downstream services, and rate-limit abusive clients (see the client addresses in the evidence).".to_string();
    (exp, rec)
}

fn unexplained(c: &Ctx<'_>, log: LogCoverage) -> (String, String) {
    let seen = match (log.covered, log.range) {
        (Some(false), Some((a, b))) => format!(" The System event log in the bundle covers only {} to {}, so the event that explains it was not collected.", when(a), when(b)),
        (Some(true), _) => " The System event log covers this time but holds no WAS event for the pool: a recycle whose reason is not in logEventOnRecycle, or an event filtered out of the export.".to_string(),
        _ => " The bundle has no System event log.".to_string(),
    };
    let exp = format!("Requests to {} failed as if its worker process went away {}, but no lifecycle event explains it.{seen} {}", c.pool, between(c.d.start, c.d.end), c.impact);
    let flags = c.cfg.and_then(|p| p.log_event_on_recycle.clone());
    let rec = match log.covered {
        Some(false) => "Collect event logs that reach back to the failure (enlarge the System log, export it sooner), then look for WAS and Application Error events at that time.".to_string(),
        _ => format!(
            "Enable every logEventOnRecycle flag for the pool{} so the next recycle is logged, and check the Application log export for crash events.",
            flags.map(|f| format!(" (now: {f})")).unwrap_or_default()
        ),
    };
    (exp, rec)
}

fn pool_disabled(c: &Ctx<'_>) -> (String, String) {
    let exp = format!("{} was disabled at {}: WAS could not start a worker process (identity or start failure). {}", c.pool, when(c.d.start), c.impact);
    (exp, "Check the application pool identity (password, 'Log on as a batch job' right) and the WAS events around it.".into())
}

/// The sentence an incident built on events whose UTC offset is a guess ends with.
pub fn guessed_times(basis: TimeBasis) -> String {
    let how = match basis {
        TimeBasis::Inferred => "inferred from how they line up with the HTTP.sys and W3C logs",
        TimeBasis::Unknown => "unknown, so they were taken as UTC",
        TimeBasis::Utc | TimeBasis::Given | TimeBasis::Embedded | TimeBasis::Offset => "known",
    };
    format!(
        " Its events come from an event log exported in local time whose offset from UTC is {how}: its times, and what was joined with them, may be off (see Coverage; give --tz to be sure)."
    )
}
