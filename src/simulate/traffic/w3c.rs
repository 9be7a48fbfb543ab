//! A site's W3C files, written as requests complete: one file per UTC day with its header
//! block, a new header block after each service restart, one line per served request
//! in the site's field layout.

use super::{SiteOutput, LB_IP, SEC};
use crate::simulate::lines::{header, int, val, yymmdd, Stamp};
use crate::simulate::model::{Server, Site};
use crate::simulate::zipout::MemberSink;
use crate::time::MICROS_PER_DAY;
use std::io;

const SOFTWARE: &str = "Microsoft Internet Information Services 10.0";

/// A served request waiting to be logged at its completion (the heap's first is the one
/// done first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Served {
    pub(super) done: i64,
    pub(super) seq: u64,
    pub(super) start: i64,
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) query: String,
    pub(super) user: &'static str,
    pub(super) client: String,
    pub(super) http2: bool,
    pub(super) agent: &'static str,
    pub(super) referer: bool,
    pub(super) status: u16,
    pub(super) substatus: u16,
    pub(super) win32: u32,
    pub(super) sc_bytes: u64,
    pub(super) cs_bytes: u64,
    pub(super) port: u16,
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

/// Writes a site's W3C files as requests complete.
pub(super) struct W3cOut<'a> {
    site: &'a Site,
    server: &'a Server,
    day: Option<i64>,
    restarts: &'a [i64],
    next_restart: usize,
    stamp: Stamp,
    buf: Vec<u8>,
}

impl<'a> W3cOut<'a> {
    pub(super) fn new(site: &'a Site, server: &'a Server, restarts: &'a [i64]) -> Self {
        W3cOut {
            site,
            server,
            day: None,
            restarts,
            next_restart: 0,
            stamp: Stamp::default(),
            buf: Vec::with_capacity(1 << 17),
        }
    }

    /// Writes the line of `r` (after the headers due before it) and counts it in `out`.
    pub(super) fn write(
        &mut self,
        r: &Served,
        sink: &mut MemberSink,
        out: &mut SiteOutput,
    ) -> io::Result<()> {
        self.headers(r.done, sink)?;
        let before = self.buf.len();
        self.line(r);
        out.w3c_lines += 1;
        out.w3c_bytes += (self.buf.len() - before) as u64;
        *out.w3c_by_status.entry(r.status).or_default() += 1;
        if self.buf.len() >= 1 << 16 {
            sink.write(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// A new file with its header block when a line falls on a new day; a header block
    /// when the service restarted since the last line.
    fn headers(&mut self, done: i64, sink: &mut MemberSink) -> io::Result<()> {
        let day = done.div_euclid(MICROS_PER_DAY);
        if self.day != Some(day) {
            self.flush(sink)?;
            let name = format!("LogFiles/W3SVC{}/u_ex{}.log", self.site.id, yymmdd(done));
            sink.start(&name, (day + 1) * MICROS_PER_DAY - SEC)?;
            header(&mut self.buf, SOFTWARE, done, self.site.fields);
            self.day = Some(day);
        }
        if self.next_restart < self.restarts.len() && done >= self.restarts[self.next_restart] {
            let at = self.restarts[self.next_restart] + 5 * SEC;
            header(&mut self.buf, SOFTWARE, at, self.site.fields);
            while self.next_restart < self.restarts.len()
                && done >= self.restarts[self.next_restart]
            {
                self.next_restart += 1;
            }
        }
        Ok(())
    }

    /// Appends the line of `r`: the default fields, plus the rich layout's site, computer,
    /// version, host, bytes and `X-Forwarded-For` (the client behind the load balancer).
    fn line(&mut self, r: &Served) {
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
    }

    pub(super) fn flush(&mut self, sink: &mut MemberSink) -> io::Result<()> {
        if !self.buf.is_empty() {
            sink.write(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}
