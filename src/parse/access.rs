//! IIS W3C access logs (domain.md §2) typed into the `requests` table.

use crate::domain::TimeBasis;
use crate::parse::values::w3svc_id;
use crate::parse::w3c::{self, Field, Layout, Row, Typing, W3cFormat, W3cStats};
use crate::parse::Emit;
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
    w3c::read_format(Access { site_hint }, input, max_line, emit)
}

/// The access log format of one file.
struct Access {
    site_hint: Option<i64>,
}

impl W3cFormat for Access {
    type Table = RequestsTable;

    fn new_table(rows: usize) -> RequestsTable {
        RequestsTable::with_capacity(rows)
    }

    fn layout_for(values: &[&str]) -> Option<Layout> {
        w3c::access_layout_for(values)
    }

    fn push(
        &self,
        r: &Row<'_>,
        time: Option<i64>,
        mut x: Typing<'_>,
        emit: &Emit<'_>,
        table: &mut RequestsTable,
    ) {
        let s_port = x.int::<i32>(r, Field::SPort);
        let status = x.int::<i32>(r, Field::ScStatus);
        let substatus = x.int::<i32>(r, Field::ScSubstatus);
        let win32 = x.int::<i64>(r, Field::ScWin32Status);
        let sc_bytes = x.int::<i64>(r, Field::ScBytes);
        let cs_bytes = x.int::<i64>(r, Field::CsBytes);
        let time_taken = x.int::<i64>(r, Field::TimeTaken);
        let (c_ip, c_zone) = x.ip(r, Field::CIp);
        let (s_ip, s_zone) = x.ip(r, Field::SIp);
        let (extra, invalid_fields) = x.finish(r);
        let site_name = r.get(Field::SSiteName);
        let site_id = site_name.and_then(w3svc_id).or(self.site_hint);
        let start_time = match (time, time_taken) {
            (Some(t), Some(ms)) => ms.checked_mul(1000).and_then(|us| t.checked_sub(us)),
            _ => None,
        };
        table.push(&RequestsRow {
            bundle_id: Some(emit.bundle_id),
            source_file: Some(emit.source_file),
            source_line: Some(r.line as i64),
            time,
            start_time,
            site_id,
            site_name,
            s_computername: r.get(Field::SComputerName),
            s_ip,
            s_ip_zone: s_zone,
            s_port,
            cs_method: r.get(Field::CsMethod),
            cs_uri_stem: r.get(Field::CsUriStem).or(r.get(Field::CsUri)),
            cs_uri_query: r.get(Field::CsUriQuery),
            cs_username: r.get(Field::CsUsername),
            c_ip,
            c_ip_zone: c_zone,
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
            extra,
            invalid_fields,
            utf8_lossy: Some(r.lossy),
            time_basis: Some(TimeBasis::Utc.name()),
            time_local: None,
            utc_offset_min: None,
        });
    }
}
