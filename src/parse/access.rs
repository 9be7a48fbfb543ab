//! IIS W3C access logs (domain.md §2) typed into the `requests` table.

use crate::parse::values::{parse_num, split_zone, w3svc_id, Extra};
use crate::parse::w3c::{self, Field, Layout, Row, W3cSink, W3cStats};
use crate::parse::{Emit, ErrorReport};
use crate::tables::requests::{RequestsRow, RequestsTable};
use std::io::Read;

/// Reads one IIS access log into the `requests` table. `site_hint` is the site id of
/// the file's `W3SVC<N>` folder, used when rows carry no `s-sitename`.
pub fn read(
    input: impl Read,
    max_line: usize,
    site_hint: Option<i64>,
    emit: &mut Emit<'_>,
) -> W3cStats {
    let mut sink = AccessSink {
        table: RequestsTable::with_capacity(emit.batch_rows().min(1 << 16)),
        extra: Extra::default(),
        site_hint,
        emit,
    };
    let infer = |values: &[&str]| -> Option<Layout> { w3c::access_layout_for(values) };
    let stats = w3c::read_w3c(input, max_line, &infer, &mut sink);
    let AccessSink {
        mut table, emit, ..
    } = sink;
    emit.flush(&mut table, true);
    stats
}

struct AccessSink<'e, 'a> {
    table: RequestsTable,
    extra: Extra,
    site_hint: Option<i64>,
    emit: &'e mut Emit<'a>,
}

impl W3cSink for AccessSink<'_, '_> {
    fn row(&mut self, r: &Row<'_>) -> Result<Option<i64>, String> {
        let time = r.time()?;
        let x = &mut self.extra;
        x.clear();
        fn int<T: std::str::FromStr>(
            r: &Row<'_>,
            f: Field,
            name: &str,
            x: &mut Extra,
        ) -> Option<T> {
            let v = r.get(f);
            parse_num::<T>(v).unwrap_or_else(|_| {
                x.invalid(name, v.unwrap_or_default());
                None
            })
        }
        let s_port = int::<i32>(r, Field::SPort, "s-port", x);
        let status = int::<i32>(r, Field::ScStatus, "sc-status", x);
        let substatus = int::<i32>(r, Field::ScSubstatus, "sc-substatus", x);
        let win32 = int::<i64>(r, Field::ScWin32Status, "sc-win32-status", x);
        let sc_bytes = int::<i64>(r, Field::ScBytes, "sc-bytes", x);
        let cs_bytes = int::<i64>(r, Field::CsBytes, "cs-bytes", x);
        let time_taken = int::<i64>(r, Field::TimeTaken, "time-taken", x);
        for (i, k) in r.layout.known.iter().enumerate() {
            if k.is_none() {
                let v = r.raw(i);
                if v != "-" {
                    x.keep(&r.layout.names[i], v);
                }
            }
        }
        x.close();
        let site_name = r.get(Field::SSiteName);
        let site_id = site_name.and_then(w3svc_id).or(self.site_hint);
        let (c_ip, c_zone) = r.get(Field::CIp).map(split_zone).unzip();
        let (s_ip, s_zone) = r.get(Field::SIp).map(split_zone).unzip();
        let start_time = match (time, time_taken) {
            (Some(t), Some(ms)) => ms.checked_mul(1000).and_then(|us| t.checked_sub(us)),
            _ => None,
        };
        let row = RequestsRow {
            bundle_id: Some(self.emit.bundle_id),
            source_file: Some(self.emit.source_file),
            source_line: Some(r.line as i64),
            time,
            start_time,
            site_id,
            site_name,
            s_computername: r.get(Field::SComputerName),
            s_ip,
            s_ip_zone: s_zone.flatten(),
            s_port,
            cs_method: r.get(Field::CsMethod),
            cs_uri_stem: r.get(Field::CsUriStem).or(r.get(Field::CsUri)),
            cs_uri_query: r.get(Field::CsUriQuery),
            cs_username: r.get(Field::CsUsername),
            c_ip,
            c_ip_zone: c_zone.flatten(),
            cs_version: r.get(Field::CsVersion),
            user_agent: r.get(Field::UserAgent),
            cookie: r.get(Field::Cookie),
            referer: r.get(Field::Referer),
            cs_host: r.get(Field::CsHost),
            sc_status: status,
            sc_substatus: substatus,
            sc_win32_status: win32,
            sc_bytes,
            cs_bytes,
            time_taken_ms: time_taken,
            extra: x.json(),
            invalid_fields: x.invalid_names(),
            utf8_lossy: Some(r.lossy),
        };
        self.table.push(&row);
        self.emit.flush(&mut self.table, false);
        Ok(time)
    }

    fn error(&mut self, report: ErrorReport) {
        self.emit.error(report);
    }

    fn stopped(&self) -> bool {
        self.emit.failed()
    }
}
