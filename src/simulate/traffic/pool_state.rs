//! What the pool's state (a phase of the plan) does to a request arriving in it: HTTP.sys
//! answers 503 (offline, recycle gap, full queue), the request waits in the queue of a
//! hung worker until it times out or is abandoned, waits for a starting worker, or, under
//! overload, is slowed down or dropped. Each failure counts in its incident's impact.

use super::request::{connection_line, Request};
use super::{SiteGen, SEC};
use crate::domain::httpsys;
use crate::simulate::httperr_out::HttpErr;
use crate::simulate::plan::{Impact, Phase, State};

impl SiteGen<'_> {
    /// Applies the state of `ph` to the request: `Some(when it starts being served)`, or
    /// `None` when it ends in HTTP.sys (its lines are written).
    pub(super) fn apply_state(&mut self, r: &mut Request, ph: &Phase) -> Option<i64> {
        let inc = ph.incident;
        match ph.state {
            State::Offline => {
                self.answer_503(r, inc, httpsys::APP_OFFLINE);
                None
            }
            State::Gap => {
                self.answer_503(r, inc, httpsys::APP_SHUTDOWN);
                None
            }
            State::Hung {
                kill_at,
                queue_full_at,
            } => {
                self.wait_for_hung_worker(r, inc, kill_at, queue_full_at);
                None
            }
            State::Restarting => Some(ph.to),
            State::QueueFull { fraction } => {
                if self.rng.chance(fraction) {
                    self.answer_503(r, inc, httpsys::QUEUE_FULL);
                    return None;
                }
                r.ms *= 3.0;
                Some(r.t0)
            }
            State::Overload { slow, drop, .. } => {
                if self.overloaded(r, inc, slow, drop) {
                    Some(r.t0)
                } else {
                    None
                }
            }
            State::Quiet => None,
        }
    }

    /// Counts in the impact of incident `inc`, if any.
    fn impact(&mut self, inc: Option<usize>, f: impl FnOnce(&mut Impact)) {
        if let Some(i) = inc {
            f(self.out.impacts.entry(i).or_default());
        }
    }

    /// HTTP.sys answers `503 <reason>` at once.
    fn answer_503(&mut self, r: &Request, inc: Option<usize>, reason: &'static str) {
        let line = self.err(r, r.t0, Some(503), reason);
        self.out.httperr.push(line);
        self.impact(inc, |m| *m.http_503.entry(reason).or_default() += 1);
    }

    /// A request queued for a hung worker: refused once the queue is full, else timed out
    /// after two minutes, else abandoned when WAS kills the worker.
    fn wait_for_hung_worker(
        &mut self,
        r: &Request,
        inc: Option<usize>,
        kill_at: i64,
        queue_full_at: i64,
    ) {
        if r.t0 >= queue_full_at {
            self.answer_503(r, inc, httpsys::QUEUE_FULL);
        } else if kill_at - r.t0 > 120 * SEC {
            let line = self.err(r, r.t0 + 120 * SEC, None, httpsys::TIMER_APP_POOL);
            self.out.httperr.push(line);
            self.impact(inc, |m| m.timer_app_pool += 1);
        } else {
            let line = self.err(r, kill_at, None, httpsys::CONNECTION_ABANDONED_BY_REQ_QUEUE);
            self.out.httperr.push(line);
            self.impact(inc, |m| m.abandoned += 1);
        }
    }

    /// An overloaded pool serves `slow` times slower and drops a fraction `drop` of the
    /// connections (sometimes with a slow-client timer line after). Returns whether the
    /// request is still served.
    fn overloaded(&mut self, r: &mut Request, inc: Option<usize>, slow: f64, drop: f64) -> bool {
        r.ms *= slow;
        if self.rng.chance(drop) {
            let at = r.t0 + self.rng.range(5, 30) * SEC;
            let line = self.err(r, at, None, httpsys::CONNECTION_DROPPED);
            self.out.httperr.push(line);
            self.impact(inc, |m| {
                m.dropped += 1;
                m.dropped_at.push(at);
            });
            if self.rng.chance(0.3) {
                let timer_at = at + self.rng.range(0, 3) * SEC;
                let line = self.err(r, timer_at, None, httpsys::TIMER_MIN_BYTES_PER_SECOND);
                self.out.httperr.push(HttpErr {
                    c_port: r.c_port.wrapping_add(1),
                    ..connection_line(line)
                });
            }
            return false;
        }
        if r.ms > 20_000.0 && self.rng.chance(0.5) {
            r.win32 = 64;
            self.impact(inc, |m| m.failed_w3c += 1);
        }
        true
    }
}
