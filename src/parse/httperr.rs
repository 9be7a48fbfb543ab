//! HTTP.sys error logs (HTTPERR, domain.md §1) typed into the `httperr` table.

use crate::domain::ReasonClass;
use crate::parse::values::{parse_num, split_zone, Extra};
use crate::parse::w3c::{self, Field, Layout, Row, W3cSink, W3cStats};
use crate::parse::{Emit, ErrorReport};
use crate::tables::httperr::{HttperrRow, HttperrTable};
use std::io::Read;

/// Reads one HTTPERR file into the `httperr` table.
pub fn read(input: impl Read, max_line: usize, emit: &mut Emit<'_>) -> W3cStats {
    let mut sink = HttperrSink {
        table: HttperrTable::with_capacity(emit.batch_rows().min(1 << 16)),
        extra: Extra::default(),
        emit,
    };
    let infer = |values: &[&str]| -> Option<Layout> { w3c::httperr_layout_for(values) };
    let stats = w3c::read_w3c(input, max_line, &infer, &mut sink);
    let HttperrSink {
        mut table, emit, ..
    } = sink;
    emit.flush(&mut table, true);
    stats
}

struct HttperrSink<'e, 'a> {
    table: HttperrTable,
    extra: Extra,
    emit: &'e mut Emit<'a>,
}

impl W3cSink for HttperrSink<'_, '_> {
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
        let c_port = int::<i32>(r, Field::CPort, "c-port", x);
        let s_port = int::<i32>(r, Field::SPort, "s-port", x);
        let streamid = int::<i64>(r, Field::StreamId, "streamid", x);
        let status = int::<i32>(r, Field::ScStatus, "sc-status", x);
        let site_id = int::<i64>(r, Field::SSiteId, "s-siteid", x);
        for (i, k) in r.layout.known.iter().enumerate() {
            if k.is_none() {
                let v = r.raw(i);
                if v != "-" {
                    x.keep(&r.layout.names[i], v);
                }
            }
        }
        x.close();
        let (c_ip, c_zone) = r.get(Field::CIp).map(split_zone).unzip();
        let (s_ip, s_zone) = r.get(Field::SIp).map(split_zone).unzip();
        let reason = r.get(Field::SReason);
        let row = HttperrRow {
            bundle_id: Some(self.emit.bundle_id),
            source_file: Some(self.emit.source_file),
            source_line: Some(r.line as i64),
            time,
            c_ip,
            c_ip_zone: c_zone.flatten(),
            c_port,
            s_ip,
            s_ip_zone: s_zone.flatten(),
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
            invalid_fields: x.invalid_names(),
            extra: x.json(),
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
