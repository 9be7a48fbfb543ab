//! Generates one site's requests second by second: who asks for what, how long it
//! takes, what status it gets, and what the pool's state (from the plan) does to it:
//! served, delayed, answered 503 by HTTP.sys, dropped, timed out in the queue, or
//! abandoned when its worker process dies. Served requests become W3C lines at their
//! completion time; the others become HTTP.sys error lines.

use super::httperr_out::HttpErr;
use super::lines::{header, int, val, yymmdd, Stamp};
use super::model::{client_ip, diurnal, Server, Site, USER_AGENTS};
use super::plan::{diurnal_mean, Impact, Plan, State};
use super::rng::Rng;
use super::zipout::MemberSink;
use crate::time::{MICROS_PER_DAY, MICROS_PER_SEC};
use std::collections::{BTreeMap, BinaryHeap};
use std::io;

const SEC: i64 = MICROS_PER_SEC;

/// What one site's generation produced.
#[derive(Debug, Default)]
pub struct SiteOutput {
    /// HTTP.sys error lines, in generation order.
    pub httperr: Vec<HttpErr>,
    /// W3C lines written.
    pub w3c_lines: u64,
    /// W3C lines by status.
    pub w3c_by_status: BTreeMap<u16, u64>,
    /// Bytes of W3C text written.
    pub w3c_bytes: u64,
    /// Effect on each incident (indexed like `Plan::incidents`).
    pub impacts: BTreeMap<usize, Impact>,
}

/// A served request waiting to be logged at its completion.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Served {
    done: i64,
    seq: u64,
    start: i64,
    method: &'static str,
    path: &'static str,
    query: String,
    user: &'static str,
    client: String,
    http2: bool,
    agent: &'static str,
    referer: bool,
    status: u16,
    substatus: u16,
    win32: u32,
    sc_bytes: u64,
    cs_bytes: u64,
    port: u16,
}

impl Ord for Served {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.done, other.seq).cmp(&(self.done, self.seq))
    }
}

impl PartialOrd for Served {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

const SCANNER_PATHS: &[&str] = &[
    "/wp-login.php",
    "/.env",
    "/phpmyadmin/index.php",
    "/.git/config",
    "/cgi-bin/luci",
    "/actuator/health",
    "/owa/auth/x.js",
];
const LB_IP: &str = "10.20.0.5";

/// Writes a site's W3C files as requests complete.
struct W3cOut<'a> {
    site: &'a Site,
    server: &'a Server,
    day: Option<i64>,
    restarts: &'a [i64],
    next_restart: usize,
    stamp: Stamp,
    buf: Vec<u8>,
}

impl W3cOut<'_> {
    fn write(&mut self, r: &Served, sink: &mut MemberSink, out: &mut SiteOutput) -> io::Result<()> {
        let day = r.done.div_euclid(MICROS_PER_DAY);
        if self.day != Some(day) {
            self.flush(sink)?;
            let name = format!("LogFiles/W3SVC{}/u_ex{}.log", self.site.id, yymmdd(r.done));
            sink.start(&name, (day + 1) * MICROS_PER_DAY - SEC)?;
            header(
                &mut self.buf,
                "Microsoft Internet Information Services 10.0",
                r.done,
                self.site.fields,
            );
            self.day = Some(day);
        }
        if self.next_restart < self.restarts.len() && r.done >= self.restarts[self.next_restart] {
            header(
                &mut self.buf,
                "Microsoft Internet Information Services 10.0",
                self.restarts[self.next_restart] + 5 * SEC,
                self.site.fields,
            );
            while self.next_restart < self.restarts.len()
                && r.done >= self.restarts[self.next_restart]
            {
                self.next_restart += 1;
            }
        }
        let before = self.buf.len();
        let b = &mut self.buf;
        b.extend_from_slice(self.stamp.get(r.done));
        let rich = self.site.fields.contains("X-Forwarded-For");
        let time_taken = (r.done - r.start) / 1000;
        if rich {
            b.extend_from_slice(b" W3SVC");
            int(b, self.site.id);
            b.push(b' ');
            b.extend_from_slice(self.server.computer.as_bytes());
        }
        b.push(b' ');
        b.extend_from_slice(self.server.ip.as_bytes());
        b.push(b' ');
        b.extend_from_slice(r.method.as_bytes());
        b.push(b' ');
        b.extend_from_slice(r.path.as_bytes());
        b.push(b' ');
        val(b, &r.query);
        b.push(b' ');
        int(b, r.port);
        b.push(b' ');
        val(b, r.user);
        b.push(b' ');
        b.extend_from_slice(if rich {
            LB_IP.as_bytes()
        } else {
            r.client.as_bytes()
        });
        if rich {
            b.extend_from_slice(if r.http2 { b" HTTP/2.0" } else { b" HTTP/1.1" });
        }
        b.push(b' ');
        val(b, r.agent);
        b.push(b' ');
        if r.referer {
            b.extend_from_slice(b"https://");
            b.extend_from_slice(self.site.host.as_bytes());
            b.push(b'/');
        } else {
            b.push(b'-');
        }
        if rich {
            b.push(b' ');
            b.extend_from_slice(self.site.host.as_bytes());
        }
        b.push(b' ');
        int(b, r.status);
        b.push(b' ');
        int(b, r.substatus);
        b.push(b' ');
        int(b, r.win32);
        if rich {
            b.push(b' ');
            int(b, r.sc_bytes);
            b.push(b' ');
            int(b, r.cs_bytes);
        }
        b.push(b' ');
        int(b, time_taken);
        if rich {
            b.push(b' ');
            b.extend_from_slice(r.client.as_bytes());
        }
        b.extend_from_slice(b"\r\n");
        out.w3c_lines += 1;
        out.w3c_bytes += (self.buf.len() - before) as u64;
        *out.w3c_by_status.entry(r.status).or_default() += 1;
        if self.buf.len() >= 1 << 16 {
            sink.write(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush(&mut self, sink: &mut MemberSink) -> io::Result<()> {
        if !self.buf.is_empty() {
            sink.write(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Generates site `site_index` over the plan's time.
pub fn generate(
    server: &Server,
    plan: &Plan,
    seed: u64,
    site_index: usize,
    sink: &mut MemberSink,
) -> io::Result<SiteOutput> {
    let site = &server.sites[site_index];
    let pool = site.pool;
    let pp = &plan.pools[pool];
    let pool_name = server.pools[pool].name;
    let mut rng = Rng::derive(seed, "site", site.id as u64);
    let mut out = SiteOutput::default();
    let mut w3c = W3cOut {
        site,
        server,
        day: None,
        restarts: &plan.service_restarts,
        next_restart: 0,
        stamp: Stamp::default(),
        buf: Vec::with_capacity(1 << 17),
    };
    let mut pending: BinaryHeap<Served> = BinaryHeap::new();
    let mut forced: Vec<_> = plan
        .forced
        .iter()
        .filter(|f| f.site == site.id)
        .cloned()
        .collect();
    forced.sort_by_key(|f| f.start);
    let mut forced_i = 0;
    let mut seq = 0u64;
    let per_sec = plan.requests_per_day / 86_400.0 * site.share / diurnal_mean();
    let mut phase_i = 0;
    let mut client = String::new();
    let agents: Vec<f64> = USER_AGENTS.iter().map(|a| a.1).collect();
    let paths: Vec<f64> = site.paths.iter().map(|p| p.1).collect();
    let api = site.name == "Api";
    let first = plan.start.div_euclid(SEC);
    let last = plan.end.div_euclid(SEC);
    for s in first..last {
        let t_sec = s * SEC;
        while pending.peek().is_some_and(|p| p.done < t_sec) {
            let p = pending.pop().expect("peeked");
            w3c.write(&p, sink, &mut out)?;
        }
        while phase_i < pp.phases.len() && pp.phases[phase_i].to <= t_sec {
            phase_i += 1;
        }
        let phase = pp.phases.get(phase_i).filter(|ph| ph.from <= t_sec + SEC);
        let mut lambda = per_sec * diurnal(s.rem_euclid(86_400));
        if let Some(ph) = phase {
            match ph.state {
                State::Quiet if ph.from <= t_sec => continue,
                State::Overload { traffic, .. } if ph.from <= t_sec => lambda *= traffic,
                _ => {}
            }
        }
        let n = rng.poisson(lambda);
        let mut starts: Vec<i64> = (0..n)
            .map(|_| t_sec + rng.below(SEC as u64) as i64)
            .collect();
        while forced_i < forced.len() && forced[forced_i].start < t_sec + SEC {
            starts.push(-(forced_i as i64) - 1);
            forced_i += 1;
        }
        for st in starts {
            let (t0, forced_ms) = if st < 0 {
                let f = &forced[(-st - 1) as usize];
                (f.start, Some(f.duration_ms))
            } else {
                (st, None)
            };
            seq += 1;
            // What is asked.
            let scanner = forced_ms.is_none() && rng.chance(0.002);
            let path = if scanner {
                *rng.pick(SCANNER_PATHS)
            } else {
                site.paths[rng.weighted(&paths)].0
            };
            let method = if api {
                ["GET", "GET", "POST", "POST", "PUT"][rng.below(5) as usize]
            } else {
                [
                    "GET", "GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "HEAD",
                ][rng.below(10) as usize]
            };
            let query = match path {
                "/products/detail.aspx" => format!("id={}", rng.range(1000, 9999)),
                "/search" => format!("q=item{}&page={}", rng.range(1, 500), rng.range(1, 5)),
                "/api/v2/orders/status" => format!("orderId={}", rng.range(100_000, 999_999)),
                "/reports/export.ashx" => format!("format=xlsx&range={}d", rng.range(1, 90)),
                _ => String::new(),
            };
            client_ip(&mut rng, &mut client);
            let agent = if scanner {
                "Mozilla/5.0+zgrab/0.x"
            } else {
                USER_AGENTS[rng.weighted(&agents)].0
            };
            let user = if site.name == "Reports" {
                ["CORP\\anna", "CORP\\li.wei", "CORP\\svc-reports"][rng.below(3) as usize]
            } else {
                ""
            };
            // How it goes when nothing is wrong.
            let (mut status, mut substatus, mut win32) = if scanner {
                (404u16, 0u16, 2u32)
            } else {
                match rng.weighted(&[
                    80.0,
                    if api { 1.0 } else { 7.0 },
                    3.0,
                    4.0,
                    2.0,
                    1.0,
                    0.5,
                    0.02,
                ]) {
                    0 => (200, 0, 0),
                    1 => (304, 0, 0),
                    2 => (302, 0, 0),
                    3 => (404, 0, 2),
                    4 => (401, 2, 5),
                    5 => (301, 0, 0),
                    6 => (400, 0, 0),
                    _ => (500, 0, 0),
                }
            };
            let mut ms = match forced_ms {
                Some(ms) => ms as f64,
                None => {
                    rng.lognormal(site.median_ms, site.sigma).min(600_000.0)
                        * if status == 200 { 1.0 } else { 0.4 }
                }
            };
            if status == 200 && rng.chance(0.002) {
                win32 = 64;
                ms += rng.range(1_000, 40_000) as f64;
            }
            let http2 = rng.chance(0.6);
            let port = site.port;
            let c_port = rng.range(49_152, 65_535) as u16;
            let uri = || {
                if query.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}?{query}")
                }
            };
            let err = |time: i64, status: Option<u16>, reason: &'static str, c_ip: &str| HttpErr {
                time,
                c_ip: c_ip.to_string(),
                c_port,
                s_ip: server.ip,
                s_port: port,
                version: if http2 { "HTTP/2.0" } else { "HTTP/1.1" },
                method,
                uri: uri(),
                streamid: http2.then_some(1 + 2 * (seq % 500) as u32),
                status,
                site: Some(site.id),
                reason,
                queue: Some(pool_name),
            };
            let conn_ip = if site.fields.contains("X-Forwarded-For") {
                LB_IP.to_string()
            } else {
                client.clone()
            };
            // What the pool's state does to it.
            let mut start_serving = t0;
            if let Some(ph) = phase.filter(|ph| ph.from <= t0 && t0 < ph.to) {
                let inc = ph.incident;
                let mut impact = |f: &mut dyn FnMut(&mut Impact)| {
                    if let Some(i) = inc {
                        f(out.impacts.entry(i).or_default());
                    }
                };
                match ph.state {
                    State::Offline => {
                        out.httperr.push(err(t0, Some(503), "AppOffline", &conn_ip));
                        impact(&mut |m| *m.http_503.entry("AppOffline").or_default() += 1);
                        continue;
                    }
                    State::Gap => {
                        out.httperr
                            .push(err(t0, Some(503), "AppShutdown", &conn_ip));
                        impact(&mut |m| *m.http_503.entry("AppShutdown").or_default() += 1);
                        continue;
                    }
                    State::Hung {
                        kill_at,
                        queue_full_at,
                    } => {
                        if t0 >= queue_full_at {
                            out.httperr.push(err(t0, Some(503), "QueueFull", &conn_ip));
                            impact(&mut |m| *m.http_503.entry("QueueFull").or_default() += 1);
                        } else if kill_at - t0 > 120 * SEC {
                            out.httperr.push(HttpErr {
                                status: None,
                                ..err(t0 + 120 * SEC, None, "Timer_AppPool", &conn_ip)
                            });
                            impact(&mut |m| m.timer_app_pool += 1);
                        } else {
                            out.httperr.push(err(
                                kill_at,
                                None,
                                "Connection_Abandoned_By_ReqQueue",
                                &conn_ip,
                            ));
                            impact(&mut |m| m.abandoned += 1);
                        }
                        continue;
                    }
                    State::Restarting => start_serving = ph.to,
                    State::QueueFull { fraction } => {
                        if rng.chance(fraction) {
                            out.httperr.push(err(t0, Some(503), "QueueFull", &conn_ip));
                            impact(&mut |m| *m.http_503.entry("QueueFull").or_default() += 1);
                            continue;
                        }
                        ms *= 3.0;
                    }
                    State::Overload { slow, drop, .. } => {
                        ms *= slow;
                        if rng.chance(drop) {
                            let at = t0 + rng.range(5, 30) * SEC;
                            out.httperr
                                .push(err(at, None, "Connection_Dropped", &conn_ip));
                            impact(&mut |m| {
                                m.dropped += 1;
                                m.dropped_at.push(at);
                            });
                            if rng.chance(0.3) {
                                out.httperr.push(HttpErr {
                                    version: "",
                                    method: "",
                                    uri: String::new(),
                                    streamid: None,
                                    site: None,
                                    queue: None,
                                    c_port: c_port.wrapping_add(1),
                                    ..err(
                                        at + rng.range(0, 3) * SEC,
                                        None,
                                        "Timer_MinBytesPerSecond",
                                        &conn_ip,
                                    )
                                });
                            }
                            continue;
                        }
                        if ms > 20_000.0 && rng.chance(0.5) {
                            win32 = 64;
                            impact(&mut |m| m.failed_w3c += 1);
                        }
                    }
                    State::Quiet => continue,
                }
            }
            let done = start_serving + (ms as i64).max(0) * 1000 + rng.below(1000) as i64;
            // A worker process dying while it serves the request abandons it.
            let cut_i = pp.cuts.partition_point(|c| c.at < t0);
            if let Some(c) = pp.cuts[cut_i..]
                .iter()
                .take_while(|c| c.at < done)
                .find(|c| t0 < c.started_before)
            {
                out.httperr.push(err(
                    c.abandon_at,
                    None,
                    "Connection_Abandoned_By_ReqQueue",
                    &conn_ip,
                ));
                out.impacts.entry(c.incident).or_default().abandoned += 1;
                continue;
            }
            // Now and then a client goes away before the response: HTTP.sys logs it,
            // IIS does not.
            if forced_ms.is_none() && rng.chance(0.0005) {
                out.httperr
                    .push(err(done, None, "Connection_Dropped", &conn_ip));
                continue;
            }
            if status == 500 && phase.is_some_and(|ph| ph.incident.is_some()) {
                status = 200;
                substatus = 0;
            }
            // Idle keep-alive connections expire two minutes later.
            if rng.chance(0.02) {
                out.httperr.push(HttpErr {
                    version: "",
                    method: "",
                    uri: String::new(),
                    streamid: None,
                    status: None,
                    site: None,
                    queue: None,
                    ..err(
                        done + 120 * SEC + rng.below(SEC as u64) as i64,
                        None,
                        "Timer_ConnectionIdle",
                        &conn_ip,
                    )
                });
            }
            pending.push(Served {
                done,
                seq,
                start: t0,
                method,
                path,
                query,
                user,
                client: client.clone(),
                http2,
                agent,
                referer: rng.chance(0.4),
                status,
                substatus,
                win32,
                sc_bytes: rng.lognormal(9_000.0, 1.2) as u64 + 200,
                cs_bytes: rng.lognormal(600.0, 0.5) as u64 + 100,
                port,
            });
        }
    }
    while let Some(p) = pending.pop() {
        w3c.write(&p, sink, &mut out)?;
    }
    w3c.flush(sink)?;
    Ok(out)
}
