//! Each incident kind written into the plan: the pool states it puts the pool in, the
//! requests it cuts, the worker processes it ends and starts, and the lifecycle events
//! the event logs will hold, as domain.md §5 describes them.

use super::{
    diurnal_mean, Cause, Cut, Forced, Impact, Incident, Life, LifeEvent, Phase, Plan, State, MIN,
    SEC,
};
use crate::domain::{IncidentKind, RecycleReason};
use crate::simulate::model::{diurnal, Server};
use crate::simulate::rng::Rng;
use crate::time::MICROS_PER_DAY;

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

/// Requests per second a pool receives at `t`.
fn pool_rate(server: &Server, requests_per_day: f64, pool: usize, t: i64) -> f64 {
    requests_per_day / 86_400.0
        * server.pool_share(pool)
        * diurnal(t.rem_euclid(MICROS_PER_DAY) / SEC)
        / diurnal_mean()
}

/// A plan being written: the incidents placed so far, each pool's busy time and pids.
pub(super) struct Planner<'a> {
    pub(super) server: &'a Server,
    pub(super) rng: Rng,
    pub(super) plan: Plan,
    /// Busy intervals per pool: no two incidents on a pool overlap.
    pub(super) busy: Vec<Vec<(i64, i64)>>,
    pub(super) next_pid: u32,
}

impl Planner<'_> {
    pub(super) fn new_pid(&mut self) -> u32 {
        // Windows pids are multiples of 4; keep them distinct within a bundle.
        self.next_pid += 4 * self.rng.range(5, 400) as u32;
        if self.next_pid > 60_000 {
            self.next_pid = 1_000 + 4 * self.rng.range(0, 100) as u32;
        }
        self.next_pid
    }

    pub(super) fn free(&self, pool: usize, from: i64, to: i64) -> bool {
        self.busy[pool]
            .iter()
            .all(|&(a, b)| to + 15 * MIN <= a || from >= b + 15 * MIN)
    }

    pub(super) fn reserve(&mut self, pool: usize, from: i64, to: i64) {
        self.busy[pool].push((from, to));
    }

    pub(super) fn switch_pid(&mut self, pool: usize, at: i64) -> u32 {
        let pid = self.new_pid();
        self.plan.pools[pool].pids.push((at, pid));
        self.plan.pools[pool].pids.sort();
        pid
    }

    pub(super) fn pid_at(&self, pool: usize, t: i64) -> u32 {
        self.plan.pools[pool].pid_at(t)
    }

    pub(super) fn event(&mut self, time: i64, pool: usize, pid: u32, what: Life, logged: bool) {
        if logged && time >= self.plan.log_start {
            self.plan.events.push(LifeEvent {
                time,
                pool,
                pid,
                what,
            });
        }
    }

    pub(super) fn phase(
        &mut self,
        pool: usize,
        from: i64,
        to: i64,
        state: State,
        incident: Option<usize>,
    ) {
        self.plan.pools[pool].phases.push(Phase {
            from,
            to,
            state,
            incident,
        });
    }

    pub(super) fn incident(&mut self, kind: IncidentKind, pool: usize, start: i64) -> usize {
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
    pub(super) fn crash(
        &mut self,
        pool: usize,
        t: i64,
        inc: usize,
        logged: bool,
        sig: usize,
    ) -> (u32, i64) {
        let p = &self.server.pools[pool];
        let sigs = signatures(p.name);
        let s = &sigs[sig % sigs.len()];
        let old = self.pid_at(pool, t);
        let managed = p.managed && s.managed.is_some();
        if let Some((etype, msg)) = s.managed {
            if p.managed {
                self.managed_crash_events(pool, t, old, (etype, msg), logged);
            }
        }
        let exception_type = if managed {
            s.managed.map(|m| m.0)
        } else {
            None
        };
        self.native_crash_events(pool, t, old, s, exception_type, logged);
        let exit_code = if managed { "0xe0434352" } else { s.code };
        self.was_crash_events(pool, t, old, exit_code, logged);
        self.force_crashing_requests(pool, t);
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

    /// ASP.NET 1309 for the request that threw, then .NET Runtime 1026 as the process ends.
    fn managed_crash_events(
        &mut self,
        pool: usize,
        t: i64,
        old: u32,
        (exception_type, message): (&'static str, &'static str),
        logged: bool,
    ) {
        let site = *self.server.sites_of(pool).first().unwrap_or(&1);
        let path = self
            .server
            .sites
            .iter()
            .find(|x| x.id == site)
            .map(|x| x.paths[0].0)
            .unwrap_or("/");
        let at = t - self.rng.range(1, 4) * SEC;
        let asp_net = Life::AspNet {
            site,
            exception_type,
            message,
            path,
        };
        self.event(at, pool, old, asp_net, logged);
        let dot_net = Life::DotNet {
            exception_type,
            message,
        };
        self.event(t + 200_000, pool, old, dot_net, logged);
    }

    /// Application Error 1000 and the WER 1001 report that follows it.
    fn native_crash_events(
        &mut self,
        pool: usize,
        t: i64,
        old: u32,
        s: &Signature,
        exception_type: Option<&'static str>,
        logged: bool,
    ) {
        let process_start = self.plan.pools[pool]
            .pids
            .iter()
            .rev()
            .find(|(f, _)| *f <= t)
            .map(|(f, _)| *f)
            .unwrap_or(self.plan.start);
        let at = t + self.rng.range(400, 1500) * 1000;
        let app_error = Life::AppError {
            code: s.code,
            module: s.module,
            process_start,
        };
        self.event(at, pool, old, app_error, logged);
        let at = t + self.rng.range(1500, 3500) * 1000;
        let wer = Life::Wer {
            code: s.code,
            module: s.module,
            exception_type,
        };
        self.event(at, pool, old, wer, logged);
    }

    /// What WAS logs when the process is gone: 5011 (most often), 5009 with the exit
    /// code, or both (5009 then says `0xffffffff`).
    fn was_crash_events(
        &mut self,
        pool: usize,
        t: i64,
        old: u32,
        exit_code: &'static str,
        logged: bool,
    ) {
        let was = t + self.rng.range(3, 15) * SEC;
        match self.rng.below(10) {
            0..=5 => self.event(was, pool, old, Life::Was5011, logged),
            6..=8 => self.event(was, pool, old, Life::Was5009 { exit_code }, logged),
            _ => {
                self.event(was, pool, old, Life::Was5011, logged);
                let exited = Life::Was5009 {
                    exit_code: "0xffffffff",
                };
                self.event(was + 20_000, pool, old, exited, logged);
            }
        }
    }

    /// The request that brought the process down, and the ones it was serving.
    fn force_crashing_requests(&mut self, pool: usize, t: i64) {
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
    }

    pub(super) fn plan_crash(&mut self, pool: usize, t: i64) {
        let inc = self.incident(IncidentKind::Crash, pool, t);
        let sig = self.rng.below(3) as usize;
        let (_, end) = self.crash(pool, t, inc, true, sig);
        self.plan.incidents[inc].end = end.max(t + 15 * SEC);
        self.reserve(pool, t, end);
    }

    pub(super) fn plan_hang(&mut self, pool: usize, h0: i64) {
        let inc = self.incident(IncidentKind::Hang, pool, h0);
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

    pub(super) fn plan_rapid_fail(&mut self, pool: usize, t: i64) {
        let inc = self.incident(IncidentKind::RapidFail, pool, t);
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

    pub(super) fn plan_gap_recycle(
        &mut self,
        pool: usize,
        r: i64,
        inc: usize,
        reason: RecycleReason,
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

    pub(super) fn logged_reason(&mut self, pool: usize) -> RecycleReason {
        let logged = &self.server.pools[pool].log_event_on_recycle;
        logged[self.rng.below(logged.len() as u64) as usize]
    }

    pub(super) fn plan_recycle(&mut self, pool: usize, r: i64, reason: Option<RecycleReason>) {
        let inc = self.incident(IncidentKind::Recycle, pool, r);
        let reason = reason.unwrap_or_else(|| self.logged_reason(pool));
        let end = self.plan_gap_recycle(pool, r, inc, reason, true);
        self.plan.incidents[inc].end = end;
        self.reserve(pool, r, end);
    }

    pub(super) fn plan_shutdown_timeout(&mut self, pool: usize, r: i64) {
        let inc = self.incident(IncidentKind::ShutdownTimeout, pool, r);
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

    pub(super) fn plan_queue_full(&mut self, pool: usize, t: i64) {
        let inc = self.incident(IncidentKind::QueueFull, pool, t);
        let end = t + self.rng.range(60, 300) * SEC;
        let fraction = 0.3 + 0.4 * self.rng.f64();
        self.phase(pool, t, end, State::QueueFull { fraction }, Some(inc));
        self.plan.incidents[inc].end = end;
        self.reserve(pool, t, end);
    }

    pub(super) fn plan_overload(&mut self, pool: usize, t: i64) {
        let inc = self.incident(IncidentKind::Overload, pool, t);
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

    pub(super) fn plan_unexplained(&mut self, pool: usize, t: i64) {
        let inc = self.incident(IncidentKind::Unexplained, pool, t);
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
            let reason = [
                RecycleReason::Requests,
                RecycleReason::ConfigChange,
                RecycleReason::OnDemand,
            ][self.rng.below(3) as usize];
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

    pub(super) fn harmless_recycle(&mut self, pool: usize, r: i64, reason: RecycleReason) {
        let old = self.pid_at(pool, r);
        let logged = self.server.pools[pool]
            .log_event_on_recycle
            .contains(&reason);
        self.event(r, pool, old, Life::Recycle { reason }, logged);
        self.switch_pid(pool, r + 300_000);
    }
}
