//! HTTP.sys error logs (HTTPERR, domain.md §1) typed into the `httperr` table.

use crate::domain::ReasonClass;
use crate::parse::w3c::{self, Field, Layout, Row, Typing, W3cFormat, W3cStats};
use crate::parse::Emit;
use crate::tables::httperr::{HttperrRow, HttperrTable};
use std::io::Read;

/// Reads one HTTPERR file into the `httperr` table.
pub fn read(input: impl Read, max_line: usize, emit: &mut Emit<'_>) -> W3cStats {
    w3c::read_format(Httperr, input, max_line, emit)
}

/// The HTTP.sys error log format.
struct Httperr;

impl W3cFormat for Httperr {
    type Table = HttperrTable;

    fn new_table(rows: usize) -> HttperrTable {
        HttperrTable::with_capacity(rows)
    }

    fn layout_for(values: &[&str]) -> Option<Layout> {
        w3c::httperr_layout_for(values)
    }

    fn push(
        &self,
        r: &Row<'_>,
        time: Option<i64>,
        mut x: Typing<'_>,
        emit: &Emit<'_>,
        table: &mut HttperrTable,
    ) {
        let c_port = x.int::<i32>(r, Field::CPort);
        let s_port = x.int::<i32>(r, Field::SPort);
        let streamid = x.int::<i64>(r, Field::StreamId);
        let status = x.int::<i32>(r, Field::ScStatus);
        let site_id = x.int::<i64>(r, Field::SSiteId);
        let (c_ip, c_zone) = x.ip(r, Field::CIp);
        let (s_ip, s_zone) = x.ip(r, Field::SIp);
        let (extra, invalid_fields) = x.finish(r);
        let reason = r.get(Field::SReason);
        table.push(&HttperrRow {
            bundle_id: Some(emit.bundle_id),
            source_file: Some(emit.source_file),
            source_line: Some(r.line as i64),
            time,
            c_ip,
            c_ip_zone: c_zone,
            c_port,
            s_ip,
            s_ip_zone: s_zone,
            s_port,
            cs_version: r.get(Field::CsVersion),
            cs_method: r.get(Field::CsMethod),
            cs_uri: r.get(Field::CsUri),
            streamid,
            streamid_ex: r.get(Field::StreamIdEx),
            sc_status: status,
            site_id,
            reason,
            reason_class: reason.map(|r| ReasonClass::of(r).name()),
            queue: r.get(Field::SQueueName),
            transport: r.get(Field::Transport),
            fault_code: r.get(Field::FaultCode),
            extended_fault_code: r.get(Field::ExtendedFaultCode),
            invalid_fields,
            extra,
            utf8_lossy: Some(r.lossy),
        });
    }
}
