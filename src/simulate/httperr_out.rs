//! The HTTP.sys error log the simulated server writes: one machine-wide stream in time
//! order, header blocks at each file start and after each service restart, a new file
//! (`httperr<N>.log`) at 1 MB, CRLF line ends.

use super::lines::{header, int, Stamp};
use super::model::HTTPERR_FIELDS;
use std::collections::BTreeMap;

/// One HTTP.sys error line.
#[derive(Debug, Clone)]
pub struct HttpErr {
    /// When it is logged.
    pub time: i64,
    /// Client address.
    pub c_ip: String,
    /// Client port.
    pub c_port: u16,
    /// Server address.
    pub s_ip: &'static str,
    /// Server port.
    pub s_port: u16,
    /// Protocol version, empty for `-`.
    pub version: &'static str,
    /// Verb, empty for `-`.
    pub method: &'static str,
    /// URL and query, empty for `-`.
    pub uri: String,
    /// HTTP/2 stream id.
    pub streamid: Option<u32>,
    /// Status sent.
    pub status: Option<u16>,
    /// Site id.
    pub site: Option<i64>,
    /// Reason phrase.
    pub reason: &'static str,
    /// Queue (app pool).
    pub queue: Option<&'static str>,
}

/// Size at which HTTP.sys starts a new file (`ErrorLogFileTruncateSize` default).
pub const ROLLOVER_BYTES: usize = 1 << 20;

/// Files as (name, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Renders the records (sorted by time) into files; returns (name, bytes) pairs and
/// the count of lines per reason.
pub fn render(records: &[HttpErr], restarts: &[i64]) -> (Files, BTreeMap<String, u64>) {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut stamp = Stamp::default();
    let mut next_restart = 0;
    let mut line = Vec::with_capacity(256);
    for r in records {
        let restart = next_restart < restarts.len() && r.time >= restarts[next_restart];
        if cur.is_empty() || cur.len() >= ROLLOVER_BYTES {
            if !cur.is_empty() {
                let n = files.len() + 1;
                files.push((format!("httperr{n}.log"), std::mem::take(&mut cur)));
            }
            header(&mut cur, "Microsoft HTTP API 2.0", r.time, HTTPERR_FIELDS);
        } else if restart {
            header(
                &mut cur,
                "Microsoft HTTP API 2.0",
                restarts[next_restart] + 2_000_000,
                HTTPERR_FIELDS,
            );
        }
        while next_restart < restarts.len() && r.time >= restarts[next_restart] {
            next_restart += 1;
        }
        line.clear();
        line.extend_from_slice(stamp.get(r.time));
        line.push(b' ');
        line.extend_from_slice(r.c_ip.as_bytes());
        line.push(b' ');
        int(&mut line, r.c_port);
        line.push(b' ');
        line.extend_from_slice(r.s_ip.as_bytes());
        line.push(b' ');
        int(&mut line, r.s_port);
        for v in [r.version, r.method] {
            line.push(b' ');
            super::lines::val(&mut line, v);
        }
        line.push(b' ');
        super::lines::val(&mut line, &r.uri);
        line.push(b' ');
        match r.streamid {
            Some(s) => int(&mut line, s),
            None => line.push(b'-'),
        }
        line.push(b' ');
        match r.status {
            Some(s) => int(&mut line, s),
            None => line.push(b'-'),
        }
        line.push(b' ');
        match r.site {
            Some(s) => int(&mut line, s),
            None => line.push(b'-'),
        }
        line.push(b' ');
        line.extend_from_slice(r.reason.as_bytes());
        line.push(b' ');
        super::lines::val(&mut line, r.queue.unwrap_or(""));
        line.extend_from_slice(b"\r\n");
        cur.extend_from_slice(&line);
        *counts.entry(r.reason.to_string()).or_default() += 1;
    }
    if !cur.is_empty() {
        let n = files.len() + 1;
        files.push((format!("httperr{n}.log"), cur));
    }
    (files, counts)
}
