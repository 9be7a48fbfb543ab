//! The NCSA common log format as IIS writes it (Microsoft's "NCSA Common Log File
//! Format"): `host ident authuser [dd/Mon/yyyy:HH:MM:SS ±hhmm] "request" status bytes`,
//! e.g. `172.21.13.45 - REDMOND\fred [08/Apr/2001:17:39:04 -0800] "GET
//! /scripts/iisadmin/ism.dll?http/serv HTTP/1.0" 200 3401`. The time is local and
//! carries its own UTC offset, so it converts exactly (`time_basis = offset`). The
//! combined format's `"referer" "user agent"` after the bytes are read when present.
//! NCSA has no time taken, site, server address or Windows status.

use super::{read_lines, LegacyStats, Values};
use crate::domain::TimeBasis;
use crate::parse::Emit;
use crate::tables::requests::RequestsRow;
use crate::text;
use crate::time::zone::Mapping;
use chrono::NaiveDate;
use std::io::Read;

/// Reads one NCSA log into `requests`. `site_hint` is the site id of the file's
/// `W3SVC<N>` folder.
pub fn read(
    input: impl Read,
    max_line: usize,
    site_hint: Option<i64>,
    emit: &mut Emit<'_>,
) -> LegacyStats {
    let mut st = LegacyStats::default();
    let mut values = Values::default();
    let lines = read_lines(input, max_line, emit, |line, no, lossy, emit, table| {
        let l = split(line)?;
        let stamp = stamp(l.stamp).ok_or_else(|| {
            format!(
                "time '{}' is not dd/Mon/yyyy:HH:MM:SS ±hhmm",
                text::truncate(l.stamp, 64)
            )
        })?;
        st.count(TimeBasis::Offset, Mapping::Exact);
        values.clear();
        let (c_ip, c_ip_zone) = values.ip("c-ip", Some(l.host));
        let sc_status = values.int::<i32>("sc-status", Some(l.status));
        let sc_bytes = values.int::<i64>("sc-bytes", Some(l.bytes));
        let req = Request::of(l.request);
        let (extra, invalid_fields) = values.finish();
        let time = Some(stamp.0);
        table.push(&RequestsRow {
            bundle_id: Some(emit.bundle_id),
            source_file: Some(emit.source_file),
            source_line: Some(no as i64),
            time,
            site_id: site_hint,
            cs_method: req.method,
            cs_uri_stem: req.stem,
            cs_uri_query: req.query,
            cs_version: req.version,
            cs_username: Values::text(Some(l.user)),
            c_ip,
            c_ip_zone,
            referer: l.referer.and_then(|v| Values::text(Some(v))),
            user_agent: l.agent.and_then(|v| Values::text(Some(v))),
            sc_status,
            sc_bytes,
            extra,
            invalid_fields,
            utf8_lossy: Some(lossy),
            time_basis: Some(TimeBasis::Offset.name()),
            time_local: Some(l.stamp),
            utc_offset_min: Some(stamp.1),
            ..RequestsRow::default()
        });
        Ok(time)
    });
    st.lines = lines;
    st
}

/// The parts of an NCSA line, as written.
#[derive(Debug)]
struct Parts<'a> {
    host: &'a str,
    user: &'a str,
    stamp: &'a str,
    request: &'a str,
    status: &'a str,
    bytes: &'a str,
    referer: Option<&'a str>,
    agent: Option<&'a str>,
}

/// Splits a line at its bracketed time and quoted request.
fn split(line: &str) -> Result<Parts<'_>, String> {
    let bad = |what: &str| format!("not an NCSA common log line: {what}");
    let (who, rest) = line.split_once(" [").ok_or_else(|| bad("no [time]"))?;
    let (stamp, rest) = rest
        .split_once("] ")
        .ok_or_else(|| bad("no ] after the time"))?;
    let mut who = who.splitn(3, ' ');
    let host = who.next().unwrap_or_default();
    let user = who
        .nth(1)
        .ok_or_else(|| bad("no host, ident and user before the time"))?;
    let rest = rest
        .strip_prefix('"')
        .ok_or_else(|| bad("no quoted request"))?;
    let (request, tail) = rest
        .split_once("\" ")
        .ok_or_else(|| bad("unterminated request"))?;
    let mut tail = tail.trim().splitn(3, ' ');
    let status = tail.next().unwrap_or_default();
    let bytes = tail
        .next()
        .ok_or_else(|| bad("no status and bytes after the request"))?;
    let (referer, agent) = combined(tail.next());
    Ok(Parts {
        host,
        user,
        stamp,
        request,
        status,
        bytes,
        referer,
        agent,
    })
}

/// The combined format's `"referer" "user agent"`, when the line has them.
fn combined(rest: Option<&str>) -> (Option<&str>, Option<&str>) {
    let Some(rest) = rest.and_then(|r| r.strip_prefix('"')) else {
        return (None, None);
    };
    match rest.split_once("\" \"") {
        Some((referer, agent)) => (Some(referer), agent.strip_suffix('"')),
        None => (rest.strip_suffix('"'), None),
    }
}

/// The request line split: method, URL path and query, protocol version.
struct Request<'a> {
    method: Option<&'a str>,
    stem: Option<&'a str>,
    query: Option<&'a str>,
    version: Option<&'a str>,
}

impl<'a> Request<'a> {
    fn of(r: &'a str) -> Request<'a> {
        let mut words = r.split(' ');
        let method = words.next().filter(|m| !m.is_empty() && *m != "-");
        let rest = r
            .get(method.map_or(0, |m| m.len() + 1)..)
            .unwrap_or_default();
        let (url, version) = match rest.rsplit_once(' ') {
            Some((u, v)) if v.starts_with("HTTP/") => (u, Some(v)),
            _ => (rest, None),
        };
        let (stem, query) = match url.split_once('?') {
            Some((s, q)) => (s, Some(q)),
            None => (url, None),
        };
        Request {
            method,
            stem: Values::text(Some(stem)),
            query: query.filter(|q| !q.is_empty()),
            version,
        }
    }
}

/// `10/Oct/2000:13:55:36 -0700` → (UTC microseconds, offset in minutes east).
fn stamp(s: &str) -> Option<(i64, i32)> {
    let (local, offset) = s.split_once(' ')?;
    let mut parts = local.splitn(4, ':');
    let date = parts.next()?;
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    let mut d = date.split('/');
    let (day, month, year) = (d.next()?, d.next()?, d.next()?);
    let month = MONTHS.iter().position(|n| n.eq_ignore_ascii_case(month))? as u32 + 1;
    let local = NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)?
        .and_hms_opt(h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?)?;
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = offset.get(1..)?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let minutes: i32 =
        sign * (digits[..2].parse::<i32>().ok()? * 60 + digits[2..].parse::<i32>().ok()?);
    let utc = local.and_utc().timestamp_micros() - i64::from(minutes) * 60_000_000;
    Some((utc, minutes))
}

/// Month abbreviations as NCSA writes them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_splits_into_its_parts() {
        let p = split(r#"172.21.13.45 - REDMOND\fred [08/Apr/2001:17:39:04 -0800] "GET /scripts/iisadmin/ism.dll?http/serv HTTP/1.0" 200 3401"#).unwrap();
        assert_eq!(
            (p.host, p.user, p.status, p.bytes),
            ("172.21.13.45", r"REDMOND\fred", "200", "3401")
        );
        let r = Request::of(p.request);
        assert_eq!(
            (r.method, r.stem, r.query, r.version),
            (
                Some("GET"),
                Some("/scripts/iisadmin/ism.dll"),
                Some("http/serv"),
                Some("HTTP/1.0")
            )
        );
        let (utc, off) = stamp(p.stamp).unwrap();
        assert_eq!(
            utc,
            crate::time::parse_rfc3339("2001-04-09T01:39:04Z").unwrap()
        );
        assert_eq!(off, -480);
        let c = split(r#"::1 - - [01/Mar/2024:10:00:00 +0530] "GET / HTTP/1.1" 404 - "http://a/" "Mozilla/5.0 (X)""#).unwrap();
        assert_eq!(
            (c.referer, c.agent),
            (Some("http://a/"), Some("Mozilla/5.0 (X)"))
        );
        assert!(split("not a line").is_err());
        assert_eq!(stamp("10/Oct/2000:13:55:36 0700"), None);
    }
}
