//! IIS Advanced Logging (the IIS 7 module, `#Software: IIS Advanced Logging Module`):
//! W3C framing (directives, blank lines between them, a `#Fields:` line read by the one
//! W3C reader) with values in double quotes (`""` inside), field names of its own
//! (`date-local`, `time-local`, `TimeTakenMS`, `BytesSent`, `BytesRecvd`, `cs(Host)`)
//! besides the W3C ones. A row's time comes from its UTC `date` and `time` fields when
//! the log definition has them (`time_basis = utc`, the local time kept beside it),
//! else from `date-local` and `time-local` through the [`LocalClock`]. Fields without a
//! column are kept in `extra`.

use super::{start_time, LegacyStats, LocalClock, Placed, Values};
use crate::domain::TimeBasis;
use crate::parse::values::w3svc_id;
use crate::parse::w3c::{read_w3c, unquote, Field, Row, W3cSink};
use crate::parse::{Emit, ErrorReport};
use crate::tables::requests::{RequestsRow, RequestsTable};
use crate::text;
use crate::time::zone::Mapping;
use crate::time::{parse_date, parse_time_of_day, MICROS_PER_DAY};
use std::borrow::Cow;
use std::io::Read;

/// Reads one Advanced Logging file into `requests`. `site_hint` is the site id of the
/// file's `W3SVC<N>` folder, used when rows carry no `s-sitename` of that form.
pub fn read(
    input: impl Read,
    max_line: usize,
    site_hint: Option<i64>,
    clock: LocalClock,
    emit: &mut Emit<'_>,
) -> LegacyStats {
    let rows = emit.batch_rows().min(1 << 16);
    let mut sink = Sink {
        table: emit.table(rows, RequestsTable::with_capacity),
        values: Values::default(),
        stats: LegacyStats::default(),
        site_hint,
        clock,
        emit,
    };
    // A data line before any `#Fields:` has no layout: it is reported, not guessed.
    let lines = read_w3c(input, max_line, &|_| None, &mut sink);
    let Sink {
        table,
        emit,
        mut stats,
        ..
    } = sink;
    emit.put_back(table);
    stats.lines = lines;
    stats
}

/// What a column of an Advanced Logging layout holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    /// A field with a `requests` column.
    Known(Field),
    /// `date-local`.
    DateLocal,
    /// `time-local`.
    TimeLocal,
    /// Anything else: kept in `extra`.
    Other,
}

/// The column a field name fills (case-insensitive).
fn col(name: &str) -> Col {
    match name.to_ascii_lowercase().as_str() {
        "date-local" => Col::DateLocal,
        "time-local" => Col::TimeLocal,
        "timetakenms" => Col::Known(Field::TimeTaken),
        "bytessent" => Col::Known(Field::ScBytes),
        "bytesrecvd" | "bytesreceived" => Col::Known(Field::CsBytes),
        other => Field::from_name(other).map_or(Col::Other, Col::Known),
    }
}

/// One row's values, unquoted, by column.
struct Cells<'r> {
    cols: Vec<Col>,
    values: Vec<Cow<'r, str>>,
}

impl<'r> Cells<'r> {
    fn of(row: &Row<'r>) -> Cells<'r> {
        Cells {
            cols: row.layout.names.iter().map(|n| col(n)).collect(),
            values: (0..row.len()).map(|i| unquote(row.raw(i))).collect(),
        }
    }

    /// The value of a column (`-` and empty as written; [`Values`] drops them).
    fn get(&self, c: Col) -> Option<&str> {
        let i = self.cols.iter().position(|&k| k == c)?;
        Some(self.values[i].as_ref())
    }

    /// The value of a known field, if it has one.
    fn text(&self, f: Field) -> Option<&str> {
        Values::text(self.get(Col::Known(f)))
    }
}

/// Batches the rows of one file.
struct Sink<'e, 'a> {
    table: RequestsTable,
    values: Values,
    stats: LegacyStats,
    site_hint: Option<i64>,
    clock: LocalClock,
    emit: &'e mut Emit<'a>,
}

impl W3cSink for Sink<'_, '_> {
    fn row(&mut self, r: &Row<'_>) -> Result<Option<i64>, String> {
        let c = Cells::of(r);
        let local = local_text(&c);
        let placed = self.time(&c, local.as_deref())?;
        if let Some(p) = &placed {
            self.stats.count(p.basis, p.mapping);
        }
        self.push(r, &c, placed, local.as_deref());
        self.emit.flush(&mut self.table, false);
        Ok(placed.map(|p| p.time))
    }

    fn error(&mut self, report: ErrorReport) {
        self.emit.error(report);
    }

    fn stopped(&self) -> bool {
        self.emit.failed()
    }
}

impl Sink<'_, '_> {
    /// The row's UTC time: from `date` and `time` when it has them (the offset of its
    /// local time beside them), else its local time through the clock.
    fn time(&self, c: &Cells<'_>, local: Option<&str>) -> Result<Option<Placed>, String> {
        let utc = instant(
            c.get(Col::Known(Field::Date)),
            c.get(Col::Known(Field::Time)),
        )?;
        let local_us = instant(c.get(Col::DateLocal), c.get(Col::TimeLocal))?;
        Ok(match (utc, local_us) {
            (Some(time), local_us) => Some(Placed {
                time,
                offset_min: local_us.map_or(0, |l| ((l - time) as f64 / 60e6).round() as i32),
                basis: TimeBasis::Utc,
                mapping: Mapping::Exact,
            }),
            (None, Some(l)) => {
                let naive = chrono::DateTime::from_timestamp_micros(l)
                    .ok_or_else(|| {
                        format!("local time '{}' is out of range", local.unwrap_or_default())
                    })?
                    .naive_utc();
                Some(self.clock.place(naive))
            }
            (None, None) => None,
        })
    }

    /// Types the row into the table.
    fn push(&mut self, r: &Row<'_>, c: &Cells<'_>, placed: Option<Placed>, local: Option<&str>) {
        let v = &mut self.values;
        v.clear();
        let s_port = v.int::<i32>("s-port", c.get(Col::Known(Field::SPort)));
        let sc_status = v.int::<i32>("sc-status", c.get(Col::Known(Field::ScStatus)));
        let sc_substatus = v.int::<i32>("sc-substatus", c.get(Col::Known(Field::ScSubstatus)));
        let sc_win32_status =
            v.int::<i64>("sc-win32-status", c.get(Col::Known(Field::ScWin32Status)));
        let sc_bytes = v.int::<i64>("sc-bytes", c.get(Col::Known(Field::ScBytes)));
        let cs_bytes = v.int::<i64>("cs-bytes", c.get(Col::Known(Field::CsBytes)));
        let time_taken_ms = v.int::<i64>("time-taken", c.get(Col::Known(Field::TimeTaken)));
        let (c_ip, c_ip_zone) = v.ip("c-ip", c.get(Col::Known(Field::CIp)));
        let (s_ip, s_ip_zone) = v.ip("s-ip", c.get(Col::Known(Field::SIp)));
        for (i, col) in c.cols.iter().enumerate() {
            if *col == Col::Other {
                v.keep(&r.layout.names[i], &c.values[i]);
            }
        }
        let (extra, invalid_fields) = v.finish();
        let site_name = c.text(Field::SSiteName);
        let time = placed.map(|p| p.time);
        self.table.push(&RequestsRow {
            bundle_id: Some(self.emit.bundle_id),
            source_file: Some(self.emit.source_file),
            source_line: Some(r.line as i64),
            time,
            start_time: start_time(time, time_taken_ms),
            site_id: site_name.and_then(w3svc_id).or(self.site_hint),
            site_name,
            s_computername: c.text(Field::SComputerName),
            s_ip,
            s_ip_zone,
            s_port,
            cs_method: c.text(Field::CsMethod),
            cs_uri_stem: c.text(Field::CsUriStem).or(c.text(Field::CsUri)),
            cs_uri_query: c.text(Field::CsUriQuery),
            cs_username: c.text(Field::CsUsername),
            c_ip,
            c_ip_zone,
            cs_version: c.text(Field::CsVersion),
            user_agent: c.text(Field::UserAgent),
            cookie: c.text(Field::Cookie),
            referer: c.text(Field::Referer),
            cs_host: c.text(Field::CsHost),
            sc_status,
            sc_substatus,
            sc_win32_status,
            sc_bytes,
            cs_bytes,
            time_taken_ms,
            extra,
            invalid_fields,
            utf8_lossy: Some(r.lossy),
            time_basis: placed.map(|p| p.basis.name()),
            time_local: local,
            utc_offset_min: placed.filter(|_| local.is_some()).map(|p| p.offset_min),
        });
    }
}

/// `date-local time-local` as written, when the row has them.
fn local_text(c: &Cells<'_>) -> Option<String> {
    let d = Values::text(c.get(Col::DateLocal));
    let t = Values::text(c.get(Col::TimeLocal));
    match (d, t) {
        (Some(d), Some(t)) => Some(format!("{d} {t}")),
        (Some(v), None) | (None, Some(v)) => Some(v.to_string()),
        (None, None) => None,
    }
}

/// Microseconds of a `YYYY-MM-DD` date and `HH:MM[:SS[.fff]]` time (on the date's
/// clock); `None` when either is absent, `Err` when one is not a date or time.
fn instant(date: Option<&str>, time: Option<&str>) -> Result<Option<i64>, String> {
    let (Some(d), Some(t)) = (Values::text(date), Values::text(time)) else {
        return Ok(None);
    };
    let day = parse_date(d.as_bytes())
        .ok_or_else(|| format!("date '{}' is not YYYY-MM-DD", text::truncate(d, 64)))?;
    let tod = parse_time_of_day(t.as_bytes())
        .ok_or_else(|| format!("time '{}' is not HH:MM[:SS[.fff]]", text::truncate(t, 64)))?;
    Ok(Some(day * MICROS_PER_DAY + tod))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advanced_logging_names_map_to_columns() {
        assert_eq!(col("TimeTakenMS"), Col::Known(Field::TimeTaken));
        assert_eq!(col("date-local"), Col::DateLocal);
        assert_eq!(col("cs(Host)"), Col::Known(Field::CsHost));
        assert_eq!(col("sc-status"), Col::Known(Field::ScStatus));
        assert_eq!(col("x-custom"), Col::Other);
        assert_eq!(
            instant(Some("2012-08-15"), Some("17:00:00.363")).unwrap(),
            crate::time::parse_rfc3339("2012-08-15T17:00:00.363Z")
        );
        assert!(instant(Some("15/08/2012"), Some("17:00")).is_err());
        assert_eq!(instant(Some("-"), Some("17:00")).unwrap(), None);
    }
}
