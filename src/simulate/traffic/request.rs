//! One request, in the order its random draws are made: what is asked, how it goes when
//! nothing is wrong, what the pool's state does to it (`pool_state`), whether a dying
//! worker abandons it or the client goes away, and, when served, the W3C line it waits
//! to become.

use super::w3c::Served;
use super::{SiteGen, LB_IP, SEC};
use crate::domain::httpsys;
use crate::simulate::httperr_out::HttpErr;
use crate::simulate::model::{client_ip, USER_AGENTS};
use crate::simulate::plan::Phase;
use crate::simulate::rng::Rng;

const SCANNER_PATHS: &[&str] = &[
    "/wp-login.php",
    "/.env",
    "/phpmyadmin/index.php",
    "/.git/config",
    "/cgi-bin/luci",
    "/actuator/health",
    "/owa/auth/x.js",
];

/// A request being played.
pub(super) struct Request {
    /// When it arrives.
    pub(super) t0: i64,
    /// Its number on the site.
    pub(super) seq: u64,
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) query: String,
    pub(super) user: &'static str,
    pub(super) agent: &'static str,
    pub(super) status: u16,
    pub(super) substatus: u16,
    pub(super) win32: u32,
    /// Time-taken in ms.
    pub(super) ms: f64,
    pub(super) http2: bool,
    pub(super) c_port: u16,
    /// The address HTTP.sys sees (the load balancer's for a site behind one).
    pub(super) conn_ip: String,
}

impl Request {
    fn uri(&self) -> String {
        if self.query.is_empty() {
            self.path.to_string()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

impl SiteGen<'_> {
    /// Plays the request arriving at `t0` (`forced_ms`: one the plan needs, that long)
    /// while the pool is in `phase`.
    pub(super) fn request(&mut self, t0: i64, forced_ms: Option<i64>, phase: Option<&Phase>) {
        self.seq += 1;
        let mut r = self.ask(t0, forced_ms);
        let start_serving = match phase.filter(|ph| ph.from <= t0 && t0 < ph.to) {
            Some(ph) => match self.apply_state(&mut r, ph) {
                Some(at) => at,
                None => return,
            },
            None => t0,
        };
        let done = start_serving + (r.ms as i64).max(0) * 1000 + self.rng.below(1000) as i64;
        // A worker process dying while it serves the request abandons it.
        let cuts = &self.pool.cuts;
        let cut_i = cuts.partition_point(|c| c.at < t0);
        if let Some(c) = cuts[cut_i..]
            .iter()
            .take_while(|c| c.at < done)
            .find(|c| t0 < c.started_before)
        {
            let line = self.err(
                &r,
                c.abandon_at,
                None,
                httpsys::CONNECTION_ABANDONED_BY_REQ_QUEUE,
            );
            self.out.httperr.push(line);
            self.out.impacts.entry(c.incident).or_default().abandoned += 1;
            return;
        }
        // Now and then a client goes away before the response: HTTP.sys logs it, IIS
        // does not.
        if forced_ms.is_none() && self.rng.chance(0.0005) {
            let line = self.err(&r, done, None, httpsys::CONNECTION_DROPPED);
            self.out.httperr.push(line);
            return;
        }
        if r.status == 500 && phase.is_some_and(|ph| ph.incident.is_some()) {
            r.status = 200;
            r.substatus = 0;
        }
        // Idle keep-alive connections expire two minutes later.
        if self.rng.chance(0.02) {
            let at = done + 120 * SEC + self.rng.below(SEC as u64) as i64;
            let line = connection_line(self.err(&r, at, None, httpsys::TIMER_CONNECTION_IDLE));
            self.out.httperr.push(line);
        }
        self.serve(r, done);
    }

    /// What is asked, by whom, and how it goes when nothing is wrong.
    fn ask(&mut self, t0: i64, forced_ms: Option<i64>) -> Request {
        let rng = &mut self.rng;
        let scanner = forced_ms.is_none() && rng.chance(0.002);
        let path = if scanner {
            *rng.pick(SCANNER_PATHS)
        } else {
            self.site.paths[rng.weighted(&self.paths)].0
        };
        let method = if self.api {
            ["GET", "GET", "POST", "POST", "PUT"][rng.below(5) as usize]
        } else {
            [
                "GET", "GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "HEAD",
            ][rng.below(10) as usize]
        };
        let query = query_of(rng, path);
        client_ip(rng, &mut self.client);
        let agent = if scanner {
            "Mozilla/5.0+zgrab/0.x"
        } else {
            USER_AGENTS[rng.weighted(&self.agents)].0
        };
        let user = if self.site.name == "Reports" {
            ["CORP\\anna", "CORP\\li.wei", "CORP\\svc-reports"][rng.below(3) as usize]
        } else {
            ""
        };
        let (status, substatus, mut win32) = if scanner {
            (404u16, 0u16, 2u32)
        } else {
            usual_status(rng, self.api)
        };
        let mut ms = match forced_ms {
            Some(ms) => ms as f64,
            None => {
                rng.lognormal(self.site.median_ms, self.site.sigma)
                    .min(600_000.0)
                    * if status == 200 { 1.0 } else { 0.4 }
            }
        };
        if status == 200 && rng.chance(0.002) {
            win32 = 64;
            ms += rng.range(1_000, 40_000) as f64;
        }
        let http2 = rng.chance(0.6);
        let c_port = rng.range(49_152, 65_535) as u16;
        let conn_ip = if self.site.fields.contains("X-Forwarded-For") {
            LB_IP.to_string()
        } else {
            self.client.clone()
        };
        Request {
            t0,
            seq: self.seq,
            method,
            path,
            query,
            user,
            agent,
            status,
            substatus,
            win32,
            ms,
            http2,
            c_port,
            conn_ip,
        }
    }

    /// The request is served: its W3C line waits for its completion at `done`.
    fn serve(&mut self, r: Request, done: i64) {
        let served = Served {
            done,
            seq: r.seq,
            start: r.t0,
            method: r.method,
            path: r.path,
            query: r.query,
            user: r.user,
            client: self.client.clone(),
            http2: r.http2,
            agent: r.agent,
            referer: self.rng.chance(0.4),
            status: r.status,
            substatus: r.substatus,
            win32: r.win32,
            sc_bytes: self.rng.lognormal(9_000.0, 1.2) as u64 + 200,
            cs_bytes: self.rng.lognormal(600.0, 0.5) as u64 + 100,
            port: self.site.port,
        };
        self.pending.push(served);
    }

    /// An HTTP.sys line about the request at `time`.
    pub(super) fn err(
        &self,
        r: &Request,
        time: i64,
        status: Option<u16>,
        reason: &'static str,
    ) -> HttpErr {
        HttpErr {
            time,
            c_ip: r.conn_ip.clone(),
            c_port: r.c_port,
            s_ip: self.server.ip,
            s_port: self.site.port,
            version: if r.http2 { "HTTP/2.0" } else { "HTTP/1.1" },
            method: r.method,
            uri: r.uri(),
            streamid: r.http2.then_some(1 + 2 * (r.seq % 500) as u32),
            status,
            site: Some(self.site.id),
            reason,
            queue: Some(self.pool_name),
        }
    }
}

/// The line about the connection rather than a request (no verb, URL, stream, status,
/// site or queue).
pub(super) fn connection_line(line: HttpErr) -> HttpErr {
    HttpErr {
        version: "",
        method: "",
        uri: String::new(),
        streamid: None,
        status: None,
        site: None,
        queue: None,
        ..line
    }
}

/// The query string of a request to `path`.
fn query_of(rng: &mut Rng, path: &str) -> String {
    match path {
        "/products/detail.aspx" => format!("id={}", rng.range(1000, 9999)),
        "/search" => format!("q=item{}&page={}", rng.range(1, 500), rng.range(1, 5)),
        "/api/v2/orders/status" => format!("orderId={}", rng.range(100_000, 999_999)),
        "/reports/export.ashx" => format!("format=xlsx&range={}d", rng.range(1, 90)),
        _ => String::new(),
    }
}

/// Status, substatus and win32 status of a request when nothing is wrong.
fn usual_status(rng: &mut Rng, api: bool) -> (u16, u16, u32) {
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
}
