//! The IIS log format ("IIS native", Microsoft's "IIS Log File Format (IIS 6.0)"): one
//! request per line, fixed comma-separated fields in this order: client IP, user name,
//! date, time, service and instance (`W3SVC2`), server name, server IP, time taken (ms),
//! client bytes sent, server bytes sent, service (HTTP) status, Windows status, request
//! type, target, parameters, then a trailing comma:
//!
//! `192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SALES1, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,`
//!
//! The date is month first (two-digit years before 2000 per the documentation, seen
//! after it too); the time is the server's **local** time, converted with the
//! [`LocalClock`].

use super::{read_lines, start_time, LegacyStats, LocalClock, Values};
use crate::parse::values::w3svc_id;
use crate::parse::Emit;
use crate::tables::requests::{RequestsRow, RequestsTable};
use crate::text;
use crate::time::local::{self, DateOrder};
use std::io::Read;

/// Fields before the target (whose values never hold `, `).
const HEAD: usize = 13;
/// Every field of a line.
const FIELDS: usize = 15;

/// Reads one file in the IIS log format into `requests`. `site_hint` is the site id of
/// the file's `W3SVC<N>` folder, used when the service name carries none.
pub fn read(
    input: impl Read,
    max_line: usize,
    site_hint: Option<i64>,
    clock: LocalClock,
    emit: &mut Emit<'_>,
) -> LegacyStats {
    let mut st = LegacyStats::default();
    let mut values = Values::default();
    let lines = read_lines(input, max_line, emit, |line, no, lossy, emit, table| {
        let fields = split(line)?;
        let ctx = Context {
            no,
            lossy,
            site_hint,
            clock,
        };
        push(&fields, &ctx, &mut values, &mut st, emit, table)
    });
    st.lines = lines;
    st
}

/// What a line's row needs besides its values.
struct Context {
    no: u64,
    lossy: bool,
    site_hint: Option<i64>,
    clock: LocalClock,
}

/// The 15 values of a line. The target and the parameters come last and may hold
/// commas: the text after the 13th comma is split at its first `, ` (the separator
/// IIS writes; the parameters keep any further one), else at its first comma.
fn split(line: &str) -> Result<Vec<&str>, String> {
    let body = line.trim_end();
    let body = body.strip_suffix(',').unwrap_or(body);
    let mut fields: Vec<&str> = body.splitn(HEAD + 1, ',').map(str::trim).collect();
    if fields.len() <= HEAD {
        return Err(format!(
            "{} comma-separated values where the IIS log format has {FIELDS}",
            fields.len()
        ));
    }
    let rest = fields.pop().unwrap_or_default();
    let (target, params) = rest
        .split_once(", ")
        .or_else(|| rest.split_once(','))
        .unwrap_or((rest, "-"));
    fields.push(target.trim());
    fields.push(params.trim());
    Ok(fields)
}

/// Types one line's values into a row.
fn push(
    f: &[&str],
    ctx: &Context,
    v: &mut Values,
    st: &mut LegacyStats,
    emit: &Emit<'_>,
    table: &mut RequestsTable,
) -> Result<Option<i64>, String> {
    let raw_time = local_text(f);
    let written = local::parse(&raw_time, DateOrder::MonthFirst).ok_or_else(|| {
        format!(
            "date and time '{}' are not M/D/Y H:MM:SS",
            text::truncate(&raw_time, 64)
        )
    })?;
    let placed = ctx.clock.place(written.local);
    st.count(placed.basis, placed.mapping);
    v.clear();
    let (c_ip, c_ip_zone) = v.ip("c-ip", Some(f[0]));
    let (s_ip, s_ip_zone) = v.ip("s-ip", Some(f[6]));
    let time_taken_ms = v.int::<i64>("time-taken", Some(f[7]));
    let cs_bytes = v.int::<i64>("cs-bytes", Some(f[8]));
    let sc_bytes = v.int::<i64>("sc-bytes", Some(f[9]));
    let sc_status = v.int::<i32>("sc-status", Some(f[10]));
    let sc_win32_status = v.int::<i64>("sc-win32-status", Some(f[11]));
    let site_name = Values::text(Some(f[4]));
    let time = Some(placed.time);
    let raw = &raw_time;
    let (extra, invalid_fields) = v.finish();
    table.push(&RequestsRow {
        bundle_id: Some(emit.bundle_id),
        source_file: Some(emit.source_file),
        source_line: Some(ctx.no as i64),
        time,
        start_time: start_time(time, time_taken_ms),
        site_id: site_name.and_then(w3svc_id).or(ctx.site_hint),
        site_name,
        s_computername: Values::text(Some(f[5])),
        s_ip,
        s_ip_zone,
        cs_method: Values::text(Some(f[12])),
        cs_uri_stem: Values::text(Some(f[13])),
        cs_uri_query: Values::text(Some(f[14])),
        cs_username: Values::text(Some(f[1])),
        c_ip,
        c_ip_zone,
        sc_status,
        sc_win32_status,
        sc_bytes,
        cs_bytes,
        time_taken_ms,
        extra,
        invalid_fields,
        utf8_lossy: Some(ctx.lossy),
        time_basis: Some(placed.basis.name()),
        time_local: Some(raw),
        utc_offset_min: Some(placed.offset_min),
        ..RequestsRow::default()
    });
    Ok(time)
}

/// The local date and time as written (`03/20/01 7:55:20`).
fn local_text(f: &[&str]) -> String {
    format!("{} {}", f[2], f[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_commas_stay_in_the_parameters() {
        let f = split("10.0.0.1, -, 3/4/2024, 10:00:00, W3SVC1, WEB01, 10.0.0.2, 15, 400, 1024, 200, 0, GET, /a/b,c, q=1,2, ").unwrap();
        assert_eq!(f.len(), FIELDS);
        assert_eq!((f[13], f[14]), ("/a/b,c", "q=1,2"));
        let f = split(
            "::1, -, 2/23/2013, 12:12:46, W3SVC1, MSA, ::1, 324, 285, 935, 200, 0, GET, /, -,",
        )
        .unwrap();
        assert_eq!((f[0], f[13], f[14]), ("::1", "/", "-"));
        assert!(split("10.0.0.1, -, 3/4/2024").is_err());
    }
}
