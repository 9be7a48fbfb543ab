//! Plans what happens to the server before any line is written: the incidents (the
//! ground truth), each pool's worker processes and their pids, the pool states that
//! shape traffic (offline, hung, restarting, queue full, overloaded), the cuts that
//! abandon requests in flight, and the lifecycle events the event logs will hold.

use super::model::{diurnal, Server};
use super::rng::Rng;
use super::scenario::Scenario;
use crate::time::{MICROS_PER_DAY, MICROS_PER_SEC};
use crate::{Error, Result};

const SEC: i64 = MICROS_PER_SEC;
const MIN: i64 = 60 * SEC;

/// Kinds of injected incidents (the names the correlator reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Worker process crash.
    Crash,
    /// Hang, ping failure, kill.
    Hang,
    /// Rapid-fail protection disabled the pool.
    RapidFail,
    /// Harmful recycle (non-overlapped).
    Recycle,
    /// Old process overran shutdownTimeLimit.
    ShutdownTimeout,
    /// Queue overflow without lifecycle event.
    QueueFull,
    /// Overload without lifecycle event.
    Overload,
    /// Failure without event-log trace.
    Unexplained,
}

impl Kind {
    /// Name in findings and ground truth.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Crash => "crash",
            Kind::Hang => "hang",
            Kind::RapidFail => "rapid_fail",
            Kind::Recycle => "recycle",
            Kind::ShutdownTimeout => "shutdown_timeout",
            Kind::QueueFull => "queue_full",
            Kind::Overload => "overload",
            Kind::Unexplained => "unexplained",
        }
    }

    /// Parses a scenario kind name (`harmless_recycle` is handled apart).
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "crash" => Kind::Crash,
            "hang" => Kind::Hang,
            "rapid_fail" => Kind::RapidFail,
            "recycle" => Kind::Recycle,
            "shutdown_timeout" => Kind::ShutdownTimeout,
            "queue_full" => Kind::QueueFull,
            "overload" => Kind::Overload,
            "unexplained" => Kind::Unexplained,
            _ => return None,
        })
    }
}

/// What caused an incident.
#[derive(Debug, Clone, Default)]
pub struct Cause {
    /// Exception code (`0xc0000005`).
    pub exception_code: Option<&'static str>,
    /// Faulting module.
    pub faulting_module: Option<&'static str>,
    /// Managed exception type.
    pub exception_type: Option<&'static str>,
    /// Recycle reason.
    pub recycle_reason: Option<&'static str>,
    /// WAS 5009 exit code.
    pub exit_code: Option<&'static str>,
    /// For unexplained incidents: what really happened and why the log does not say.
    pub hidden: Option<String>,
}

/// What an incident did to requests (filled while traffic is generated).
#[derive(Debug, Clone, Default)]
pub struct Impact {
    /// Requests abandoned (Connection_Abandoned_By_ReqQueue).
    pub abandoned: u64,
    /// Connections dropped (Connection_Dropped).
    pub dropped: u64,
    /// When each dropped connection was logged.
    pub dropped_at: Vec<i64>,
    /// 503s sent by HTTP.sys, by reason.
    pub http_503: std::collections::BTreeMap<&'static str, u64>,
    /// Requests timed out in the queue (Timer_AppPool).
    pub timer_app_pool: u64,
    /// Requests that failed in the W3C log (5xx, client aborts with win32 64).
    pub failed_w3c: u64,
}

impl Impact {
    /// Requests that failed in any way.
    pub fn failed_requests(&self) -> u64 {
        self.abandoned
            + self.dropped
            + self.http_503.values().sum::<u64>()
            + self.timer_app_pool
            + self.failed_w3c
    }
}

/// One injected incident.
#[derive(Debug, Clone)]
pub struct Incident {
    /// 1-based id.
    pub id: usize,
    /// Kind.
    pub kind: Kind,
    /// Pool index.
    pub pool: usize,
    /// Worker processes involved.
    pub pids: Vec<u32>,
    /// When it began.
    pub start: i64,
    /// When service was back.
    pub end: i64,
    /// Cause.
    pub cause: Cause,
    /// Whether the event logs hold its events.
    pub logged: bool,
    /// Whether the event logs cover its time.
    pub event_log_covered: bool,
    /// Effect on requests.
    pub impact: Impact,
}

/// Lifecycle events to write to the event logs.
#[derive(Debug, Clone)]
pub enum Life {
    /// ASP.NET 1309 unhandled exception in a request.
    AspNet {
        site: i64,
        exception_type: &'static str,
        message: &'static str,
        path: &'static str,
    },
    /// .NET Runtime 1026.
    DotNet {
        exception_type: &'static str,
        message: &'static str,
    },
    /// Application Error 1000.
    AppError {
        code: &'static str,
        module: &'static str,
        process_start: i64,
    },
    /// Windows Error Reporting 1001.
    Wer {
        code: &'static str,
        module: &'static str,
        exception_type: Option<&'static str>,
    },
    /// WAS 5011.
    Was5011,
    /// WAS 5009 with the exit code.
    Was5009 { exit_code: &'static str },
    /// WAS 5010 ping failure.
    Was5010,
    /// WAS 5002 rapid-fail disabled the pool.
    Was5002,
    /// WAS 5013 shutdown time limit exceeded.
    Was5013,
    /// WAS recycle event (5074-5080, 5117) with the reason.
    Recycle { reason: &'static str },
    /// WAS 5186 idle shutdown.
    Idle { minutes: i64 },
    /// Service Control Manager 7036 (service state) for W3SVC/WAS restarts.
    ServiceState {
        service: &'static str,
        running: bool,
    },
}

/// A lifecycle event at a time, for a pool's process.
#[derive(Debug, Clone)]
pub struct LifeEvent {
    /// When it is logged.
    pub time: i64,
    /// Pool index.
    pub pool: usize,
    /// Worker process id the event names.
    pub pid: u32,
    /// What.
    pub what: Life,
}

/// A state of a pool that changes how requests are served.
#[derive(Debug, Clone, Copy)]
pub enum State {
    /// Rapid-fail disabled the pool: HTTP.sys answers `503 AppOffline`.
    Offline,
    /// No worker during a non-overlapped recycle: `503 AppShutdown`.
    Gap,
    /// The worker stopped serving; requests queue until `kill_at`.
    Hung {
        /// When WAS kills the process.
        kill_at: i64,
        /// When the queue is full (`503 QueueFull` from then on).
        queue_full_at: i64,
    },
    /// A new worker is starting: requests wait until the phase ends.
    Restarting,
    /// The queue overflows for a fraction of requests.
    QueueFull {
        /// Fraction answered `503 QueueFull`.
        fraction: f64,
    },
    /// Overload: more traffic, slow responses, dropped connections.
    Overload {
        /// Traffic multiplier.
        traffic: f64,
        /// Time-taken multiplier.
        slow: f64,
        /// Fraction of requests dropped.
        drop: f64,
    },
    /// No traffic (before an idle shutdown).
    Quiet,
}

/// A pool state over a time range, tied to the incident that causes it.
#[derive(Debug, Clone)]
pub struct Phase {
    /// Start (inclusive).
    pub from: i64,
    /// End (exclusive).
    pub to: i64,
    /// State.
    pub state: State,
    /// Incident index (into `Plan::incidents`), if any.
    pub incident: Option<usize>,
}

/// A moment a worker process dies: requests it serves that started before
/// `started_before` and would complete after `at` are abandoned at `abandon_at`.
#[derive(Debug, Clone)]
pub struct Cut {
    /// The process stops serving.
    pub at: i64,
    /// HTTP.sys logs the abandoned requests.
    pub abandon_at: i64,
    /// Only requests started before this are affected.
    pub started_before: i64,
    /// Incident index.
    pub incident: usize,
}

/// Requests the plan needs in flight (long report exports before a shutdown timeout).
#[derive(Debug, Clone)]
pub struct Forced {
    /// Site id.
    pub site: i64,
    /// Start time.
    pub start: i64,
    /// Duration in ms.
    pub duration_ms: i64,
}

/// A pool's timeline.
#[derive(Debug, Clone, Default)]
pub struct PoolPlan {
    /// States, sorted by start, not overlapping.
    pub phases: Vec<Phase>,
    /// Process deaths, sorted.
    pub cuts: Vec<Cut>,
    /// Worker processes: (from, pid), sorted.
    pub pids: Vec<(i64, u32)>,
}

impl PoolPlan {
    /// The pid serving at `t`.
    pub fn pid_at(&self, t: i64) -> u32 {
        let i = self.pids.partition_point(|(from, _)| *from <= t);
        self.pids[i.saturating_sub(1)].1
    }
}

/// Everything decided before writing.
#[derive(Debug, Clone)]
pub struct Plan {
    /// First instant.
    pub start: i64,
    /// End (exclusive).
    pub end: i64,
    /// First instant the event logs cover.
    pub log_start: i64,
    /// Requests per day over all sites.
    pub requests_per_day: f64,
    /// Incidents (ground truth), sorted by start.
    pub incidents: Vec<Incident>,
    /// Per pool timelines.
    pub pools: Vec<PoolPlan>,
    /// Lifecycle events, sorted by time.
    pub events: Vec<LifeEvent>,
    /// Service restarts (new header blocks in every log).
    pub service_restarts: Vec<i64>,
    /// Requests that must be in flight.
    pub forced: Vec<Forced>,
}

/// Crash signatures per pool: module, code, managed exception.
struct Signature {
    module: &'static str,
    code: &'static str,
    managed: Option<(&'static str, &'static str)>,
}

fn signatures(pool: &str) -> Vec<Signature> {
    match pool {
        "ShopPool" => vec![
            Signature {
                module: "KERNELBASE.dll",
                code: "0xe0434352",
                managed: Some((
                    "System.NullReferenceException",
                    "Object reference not set to an instance of an object.",
                )),
            },
            Signature {
                module: "clr.dll",
                code: "0xc0000005",
                managed: None,
            },
            Signature {
                module: "KERNELBASE.dll",
                code: "0xe0434352",
                managed: Some((
                    "System.OutOfMemoryException",
                    "Exception of type 'System.OutOfMemoryException' was thrown.",
                )),
            },
        ],
        "ApiPool" => vec![
            Signature {
                module: "OraOps19.dll",
                code: "0xc0000005",
                managed: None,
            },
            Signature {
                module: "clr.dll",
                code: "0xc00000fd",
                managed: Some((
                    "System.StackOverflowException",
                    "Operation caused a stack overflow.",
                )),
            },
        ],
        "ReportsPool" => vec![Signature {
            module: "ucrtbase.dll",
            code: "0xc0000409",
            managed: None,
        }],
        _ => vec![Signature {
            module: "ntdll.dll",
            code: "0xc0000374",
            managed: None,
        }],
    }
}

/// Average of the diurnal curve over a day, to turn a daily count into a rate.
pub fn diurnal_mean() -> f64 {
    (0..1440).map(|m| diurnal(m * 60)).sum::<f64>() / 1440.0
}

/// Requests per second a pool receives at `t`.
pub fn pool_rate(server: &Server, requests_per_day: f64, pool: usize, t: i64) -> f64 {
    requests_per_day / 86_400.0
        * server.pool_share(pool)
        * diurnal(t.rem_euclid(MICROS_PER_DAY) / SEC)
        / diurnal_mean()
}

struct Planner<'a> {
    server: &'a Server,
    rng: Rng,
    plan: Plan,
    /// Busy intervals per pool: no two incidents on a pool overlap.
    busy: Vec<Vec<(i64, i64)>>,
    next_pid: u32,
}

impl Planner<'_> {
    fn new_pid(&mut self) -> u32 {
        // Windows pids are multiples of 4; keep them distinct within a bundle.
        self.next_pid += 4 * self.rng.range(5, 400) as u32;
        if self.next_pid > 60_000 {
            self.next_pid = 1_000 + 4 * self.rng.range(0, 100) as u32;
        }
        self.next_pid
    }

    fn free(&self, pool: usize, from: i64, to: i64) -> bool {
        self.busy[pool]
            .iter()
            .all(|&(a, b)| to + 15 * MIN <= a || from >= b + 15 * MIN)
    }

    fn reserve(&mut self, pool: usize, from: i64, to: i64) {
        self.busy[pool].push((from, to));
    }

    fn switch_pid(&mut self, pool: usize, at: i64) -> u32 {
        let pid = self.new_pid();
        self.plan.pools[pool].pids.push((at, pid));
        self.plan.pools[pool].pids.sort();
        pid
    }

    fn pid_at(&self, pool: usize, t: i64) -> u32 {
        self.plan.pools[pool].pid_at(t)
    }

    fn event(&mut self, time: i64, pool: usize, pid: u32, what: Life, logged: bool) {
        if logged && time >= self.plan.log_start {
            self.plan.events.push(LifeEvent {
                time,
                pool,
                pid,
                what,
            });
        }
    }

    fn phase(&mut self, pool: usize, from: i64, to: i64, state: State, incident: Option<usize>) {
        self.plan.pools[pool].phases.push(Phase {
            from,
            to,
            state,
            incident,
        });
    }

    fn incident(&mut self, kind: Kind, pool: usize, start: i64) -> usize {
        let covered = start >= self.plan.log_start;
        self.plan.incidents.push(Incident {
            id: 0,
            kind,
            pool,
            pids: Vec::new(),
            start,
            end: start,
            cause: Cause::default(),
            logged: covered,
            event_log_covered: covered,
            impact: Impact::default(),
        });
        self.plan.incidents.len() - 1
    }

    /// A worker crash at `t`; returns (old pid, restart end).
    fn crash(&mut self, pool: usize, t: i64, inc: usize, logged: bool, sig: usize) -> (u32, i64) {
        let p = &self.server.pools[pool];
        let sigs = signatures(p.name);
        let s = &sigs[sig % sigs.len()];
        let old = self.pid_at(pool, t);
        let managed = p.managed && s.managed.is_some();
        if let Some((etype, msg)) = s.managed {
            if p.managed {
                let site = *self.server.sites_of(pool).first().unwrap_or(&1);
                let path = self
                    .server
                    .sites
                    .iter()
                    .find(|x| x.id == site)
                    .map(|x| x.paths[0].0)
                    .unwrap_or("/");
                let at = t - self.rng.range(1, 4) * SEC;
                self.event(
                    at,
                    pool,
                    old,
                    Life::AspNet {
                        site,
                        exception_type: etype,
                        message: msg,
                        path,
                    },
                    logged,
                );
                self.event(
                    t + 200_000,
                    pool,
                    old,
                    Life::DotNet {
                        exception_type: etype,
                        message: msg,
                    },
                    logged,
                );
            }
        }
        let process_start = self.plan.pools[pool]
            .pids
            .iter()
            .rev()
            .find(|(f, _)| *f <= t)
            .map(|(f, _)| *f)
            .unwrap_or(self.plan.start);
        let at = t + self.rng.range(400, 1500) * 1000;
        self.event(
            at,
            pool,
            old,
            Life::AppError {
                code: s.code,
                module: s.module,
                process_start,
            },
            logged,
        );
        let exception_type = if managed {
            s.managed.map(|m| m.0)
        } else {
            None
        };
        let at = t + self.rng.range(1500, 3500) * 1000;
        self.event(
            at,
            pool,
            old,
            Life::Wer {
                code: s.code,
                module: s.module,
                exception_type,
            },
            logged,
        );
        let was = t + self.rng.range(3, 15) * SEC;
        match self.rng.below(10) {
            0..=5 => self.event(was, pool, old, Life::Was5011, logged),
            6..=8 => self.event(
                was,
                pool,
                old,
                Life::Was5009 {
                    exit_code: if managed { "0xe0434352" } else { s.code },
                },
                logged,
            ),
            _ => {
                self.event(was, pool, old, Life::Was5011, logged);
                self.event(
                    was + 20_000,
                    pool,
                    old,
                    Life::Was5009 {
                        exit_code: "0xffffffff",
                    },
                    logged,
                );
            }
        }
        // The request that brought the process down, and the ones it was serving.
        let sites = self.server.sites_of(pool);
        for k in 0..self.rng.range(1, 3) {
            let site = sites[(k as usize) % sites.len()];
            let start = t - self.rng.range(200, 6_000) * 1000;
            let duration_ms = (t - start) / 1000 + self.rng.range(200, 20_000);
            self.plan.forced.push(Forced {
                site,
                start,
                duration_ms,
            });
        }
        let restart = t + self.rng.range(2, 6) * SEC;
        self.phase(pool, t, restart, State::Restarting, Some(inc));
        self.plan.pools[pool].cuts.push(Cut {
            at: t,
            abandon_at: t,
            started_before: t,
            incident: inc,
        });
        self.switch_pid(pool, restart);
        let c = &mut self.plan.incidents[inc].cause;
        c.exception_code = Some(s.code);
        c.faulting_module = Some(s.module);
        c.exception_type = exception_type;
        self.plan.incidents[inc].pids.push(old);
        (old, restart)
    }

    fn plan_crash(&mut self, pool: usize, t: i64) {
        let inc = self.incident(Kind::Crash, pool, t);
        let sig = self.rng.below(3) as usize;
        let (_, end) = self.crash(pool, t, inc, true, sig);
        self.plan.incidents[inc].end = end.max(t + 15 * SEC);
        self.reserve(pool, t, end);
    }

    fn plan_hang(&mut self, pool: usize, h0: i64) {
        let inc = self.incident(Kind::Hang, pool, h0);
        let old = self.pid_at(pool, h0);
        let ping = h0 + (90 + self.rng.range(0, 30)) * SEC;
        let kill = ping + self.rng.range(1, 5) * SEC;
        let rate = pool_rate(self.server, self.plan.requests_per_day, pool, h0).max(0.01);
        let queue_full_at =
            h0 + ((self.server.pools[pool].queue_length as f64 / rate) * SEC as f64) as i64;
        self.phase(
            pool,
            h0,
            kill,
            State::Hung {
                kill_at: kill,
                queue_full_at,
            },
            Some(inc),
        );
        self.plan.pools[pool].cuts.push(Cut {
            at: h0,
            abandon_at: kill,
            started_before: h0,
            incident: inc,
        });
        self.event(ping, pool, old, Life::Was5010, true);
        let restart = kill + self.rng.range(2, 5) * SEC;
        self.phase(pool, kill, restart, State::Restarting, Some(inc));
        self.switch_pid(pool, restart);
        self.plan.incidents[inc].pids.push(old);
        self.plan.incidents[inc].end = restart;
        self.reserve(pool, h0 - 2 * MIN, restart);
    }

    fn plan_rapid_fail(&mut self, pool: usize, t: i64) {
        let inc = self.incident(Kind::RapidFail, pool, t);
        let p = self.server.pools[pool].clone();
        let sig = self.rng.below(2) as usize;
        let mut at = t;
        let mut last = t;
        for _ in 0..p.rapid_fail_max {
            let (_, restart) = self.crash(pool, at, inc, true, sig);
            last = at;
            at = restart + self.rng.range(15, 45) * SEC;
        }
        let disabled = last + self.rng.range(1, 3) * SEC;
        let dead = self.pid_at(pool, disabled);
        self.event(disabled, pool, dead, Life::Was5002, true);
        let back = disabled + self.rng.range(10, 40) * MIN;
        // Replace the last restart: the pool stays down until an administrator starts it.
        let phases = &mut self.plan.pools[pool].phases;
        if let Some(ph) = phases.iter_mut().rev().find(|ph| ph.incident == Some(inc)) {
            ph.to = disabled;
        }
        self.phase(pool, disabled, back, State::Offline, Some(inc));
        self.switch_pid(pool, back);
        self.plan.incidents[inc].end = back;
        self.reserve(pool, t, back);
    }

    fn plan_gap_recycle(
        &mut self,
        pool: usize,
        r: i64,
        inc: usize,
        reason: &'static str,
        logged: bool,
    ) -> i64 {
        let old = self.pid_at(pool, r);
        self.event(r, pool, old, Life::Recycle { reason }, logged);
        let gap_start = r + self.rng.range(300, 1500) * 1000;
        let gap_end = gap_start + self.rng.range(6, 20) * SEC;
        self.phase(pool, gap_start, gap_end, State::Gap, Some(inc));
        self.switch_pid(pool, gap_end);
        self.plan.incidents[inc].pids.push(old);
        self.plan.incidents[inc].cause.recycle_reason = Some(reason);
        gap_end
    }

    fn logged_reason(&mut self, pool: usize) -> &'static str {
        let p = &self.server.pools[pool];
        let logged: Vec<&'static str> = p
            .log_event_on_recycle
            .iter()
            .filter_map(|f| reason_of_flag(f))
            .collect();
        logged[self.rng.below(logged.len() as u64) as usize]
    }

    fn plan_recycle(&mut self, pool: usize, r: i64, reason: Option<&'static str>) {
        let inc = self.incident(Kind::Recycle, pool, r);
        let reason = reason.unwrap_or_else(|| self.logged_reason(pool));
        let end = self.plan_gap_recycle(pool, r, inc, reason, true);
        self.plan.incidents[inc].end = end;
        self.reserve(pool, r, end);
    }

    fn plan_shutdown_timeout(&mut self, pool: usize, r: i64) {
        let inc = self.incident(Kind::ShutdownTimeout, pool, r);
        let reason = self.logged_reason(pool);
        let old = self.pid_at(pool, r);
        let limit = self.server.pools[pool].shutdown_time_limit_s * SEC;
        self.event(r, pool, old, Life::Recycle { reason }, true);
        let kill = r + limit;
        let at = kill + self.rng.range(0, 2) * SEC;
        self.event(at, pool, old, Life::Was5013, true);
        // Overlapped: the new process serves from the recycle on.
        self.switch_pid(pool, r + 500_000);
        self.plan.pools[pool].cuts.push(Cut {
            at: kill,
            abandon_at: kill,
            started_before: r,
            incident: inc,
        });
        let site = *self.server.sites_of(pool).first().unwrap_or(&1);
        for _ in 0..self.rng.range(2, 6) {
            let start = r - self.rng.range(1, 60) * SEC;
            let duration_ms = (kill - start) / 1000 + self.rng.range(30, 600) * 1000;
            self.plan.forced.push(Forced {
                site,
                start,
                duration_ms,
            });
        }
        let c = &mut self.plan.incidents[inc];
        c.pids.push(old);
        c.cause.recycle_reason = Some(reason);
        c.end = kill;
        self.reserve(pool, r, kill);
    }

    fn plan_queue_full(&mut self, pool: usize, t: i64) {
        let inc = self.incident(Kind::QueueFull, pool, t);
        let end = t + self.rng.range(60, 300) * SEC;
        let fraction = 0.3 + 0.4 * self.rng.f64();
        self.phase(pool, t, end, State::QueueFull { fraction }, Some(inc));
        self.plan.incidents[inc].end = end;
        self.reserve(pool, t, end);
    }

    fn plan_overload(&mut self, pool: usize, t: i64) {
        let inc = self.incident(Kind::Overload, pool, t);
        let end = t + self.rng.range(5, 15) * MIN;
        let state = State::Overload {
            traffic: 2.0 + self.rng.f64(),
            slow: 8.0,
            drop: 0.08 + 0.08 * self.rng.f64(),
        };
        self.phase(pool, t, end, state, Some(inc));
        self.plan.incidents[inc].end = end;
        self.reserve(pool, t, end);
    }

    fn plan_unexplained(&mut self, pool: usize, t: i64) {
        let inc = self.incident(Kind::Unexplained, pool, t);
        let end = if t < self.plan.log_start {
            let sig = self.rng.below(3) as usize;
            let (_, end) = self.crash(pool, t, inc, false, sig);
            self.plan.incidents[inc].cause = Cause {
                hidden: Some(
                    "worker process crash before the first event the event logs hold".into(),
                ),
                ..Cause::default()
            };
            end
        } else {
            // A recycle whose reason is not in logEventOnRecycle leaves no event.
            let reason = ["requests", "config_change", "on_demand"][self.rng.below(3) as usize];
            let end = self.plan_gap_recycle(pool, t, inc, reason, false);
            self.plan.incidents[inc].cause = Cause {
                hidden: Some(format!(
                    "non-overlapped recycle ({reason}) not in logEventOnRecycle, so not logged"
                )),
                ..Cause::default()
            };
            end
        };
        self.plan.incidents[inc].logged = false;
        self.plan.incidents[inc].end = end;
        self.reserve(pool, t, end);
    }

    fn harmless_recycle(&mut self, pool: usize, r: i64, reason: &'static str) {
        let old = self.pid_at(pool, r);
        let logged = self.server.pools[pool]
            .log_event_on_recycle
            .iter()
            .any(|f| reason_of_flag(f) == Some(reason));
        self.event(r, pool, old, Life::Recycle { reason }, logged);
        self.switch_pid(pool, r + 300_000);
    }
}

/// The recycle reason of a `logEventOnRecycle` flag.
pub fn reason_of_flag(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "Time" => "time",
        "Requests" => "requests",
        "Schedule" => "schedule",
        "Memory" => "memory",
        "IsapiUnhealthy" => "isapi_unhealthy",
        "OnDemand" => "on_demand",
        "ConfigChange" => "config_change",
        "PrivateMemory" => "private_memory",
        _ => return None,
    })
}

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
                    if pl.disallow_overlap {
                        p.plan_recycle(pool, r, Some("time"));
                    } else {
                        p.harmless_recycle(pool, r, "time");
                        p.reserve(pool, r, r + MIN);
                    }
                }
                r += period;
            }
        }
        for &s in &pl.schedule_s {
            let mut day = start.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
            while day + s * SEC < end - 30 * MIN {
                let r = day + s * SEC;
                if r > start && p.free(pool, r, r) {
                    if pl.disallow_overlap {
                        p.plan_recycle(pool, r, Some("schedule"));
                    } else {
                        p.harmless_recycle(pool, r, "schedule");
                        p.reserve(pool, r, r + MIN);
                    }
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
