//! Legacy IIS access log formats read into the `requests` table, one module each: the
//! IIS log format (`native`: comma-separated, local time), the NCSA common log format
//! (`ncsa`: local time with its offset) and IIS Advanced Logging (`advanced`: W3C
//! framing with quoted values, local and UTC times). What they share lives here: how a
//! local time becomes UTC ([`LocalClock`], the same `--tz` / `--utc-offset` clock the
//! event-log exports use), the line loop of the two formats without directives
//! ([`read_lines`]), and the typing of single values into columns or `extra`
//! ([`Values`]). Recognizing the formats is `parse::classify`'s.

pub mod advanced;
pub mod native;
pub mod ncsa;

use crate::domain::TimeBasis;
use crate::parse::lines::{Line, LineReader};
use crate::parse::values::{parse_num, split_zone, Extra};
use crate::parse::w3c::W3cStats;
use crate::parse::{Emit, ErrorReport};
use crate::tables::requests::RequestsTable;
use crate::text;
use crate::time::zone::{Clock, Mapping};
use chrono::NaiveDateTime;
use std::io::Read;
use std::str::FromStr;

/// A legacy format, as `parse::classify` recognized it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The IIS log format (comma-separated).
    Native,
    /// NCSA common log.
    Ncsa,
    /// IIS Advanced Logging.
    Advanced,
}

impl Format {
    /// Reads one file of this format into `requests`. `site_hint` is the site id of the
    /// file's `W3SVC<N>` folder; `clock` converts local times without an offset.
    pub fn read(
        self,
        input: impl Read,
        max_line: usize,
        site_hint: Option<i64>,
        clock: LocalClock,
        emit: &mut Emit<'_>,
    ) -> LegacyStats {
        match self {
            Format::Native => native::read(input, max_line, site_hint, clock, emit),
            Format::Ncsa => ncsa::read(input, max_line, site_hint, emit),
            Format::Advanced => advanced::read(input, max_line, site_hint, clock, emit),
        }
    }
}

/// What reading one legacy file gave: its line counts and time range (as a W3C file's),
/// and how its times became UTC.
#[derive(Debug, Default, Clone)]
pub struct LegacyStats {
    /// Lines, rows, errors, time range.
    pub lines: W3cStats,
    /// The basis of each row's time, counted.
    pub bases: Vec<(TimeBasis, u64)>,
    /// Local times in the hour a DST change repeats (the earlier instant was taken).
    pub ambiguous: u64,
    /// Local times in the hour a DST change skips (read with the offset before it).
    pub skipped: u64,
}

impl LegacyStats {
    /// Counts one row whose time is on `basis`, and how its local time mapped.
    fn count(&mut self, basis: TimeBasis, mapping: Mapping) {
        match self.bases.iter_mut().find(|(b, _)| *b == basis) {
            Some((_, n)) => *n += 1,
            None => self.bases.push((basis, 1)),
        }
        match mapping {
            Mapping::Exact => {}
            Mapping::Ambiguous => self.ambiguous += 1,
            Mapping::Skipped => self.skipped += 1,
        }
    }

    /// The least sure basis of the file's rows (None without a timed row).
    pub fn weakest(&self) -> Option<TimeBasis> {
        self.bases.iter().map(|(b, _)| *b).max_by_key(|b| b.doubt())
    }
}

/// The clock local times without an offset are read with: the one the user gave
/// (`--tz`, `--utc-offset`), else none (the times are taken as UTC, `unknown`).
#[derive(Debug, Clone, Copy)]
pub struct LocalClock {
    given: Option<Clock>,
}

/// A local time placed in UTC.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    /// Microseconds since the epoch, UTC.
    pub time: i64,
    /// Offset applied, minutes east of UTC.
    pub offset_min: i32,
    /// How the time became UTC.
    pub basis: TimeBasis,
    /// How the local time mapped (DST).
    pub mapping: Mapping,
}

impl LocalClock {
    /// Local times are read with `given`, if the user gave a clock.
    pub fn new(given: Option<Clock>) -> Self {
        LocalClock { given }
    }

    /// The UTC instant of a local time without an offset.
    pub fn place(&self, local: NaiveDateTime) -> Placed {
        let Some(clock) = self.given else {
            return Placed {
                time: local.and_utc().timestamp_micros(),
                offset_min: 0,
                basis: TimeBasis::Unknown,
                mapping: Mapping::Exact,
            };
        };
        let (time, mapping) = clock.to_utc(local);
        let local_us = local.and_utc().timestamp_micros();
        Placed {
            time,
            offset_min: ((local_us - time) / 60_000_000) as i32,
            basis: TimeBasis::Given,
            mapping,
        }
    }

    /// What the manifest says of a file's clock, from the bases of its rows.
    pub fn note(&self, stats: &LegacyStats) -> String {
        let mut parts: Vec<String> = stats
            .bases
            .iter()
            .map(|&(b, n)| format!("{n} row(s) {}", self.says(b)))
            .collect();
        if stats.ambiguous + stats.skipped > 0 {
            parts.push(format!(
                "{} local time(s) in the hour a DST change repeats (the earlier instant taken), {} in the hour it skips",
                stats.ambiguous, stats.skipped
            ));
        }
        parts.join("; ")
    }

    /// How times on `basis` became UTC, in words.
    fn says(&self, basis: TimeBasis) -> String {
        match (basis, self.given) {
            (TimeBasis::Utc, _) => "timed by the UTC `date`/`time` fields".into(),
            (TimeBasis::Offset, _) => "in local time with its own UTC offset: exact".into(),
            (TimeBasis::Given, Some(c)) => format!("in local time converted with {c} (given)"),
            (TimeBasis::Unknown, _) => "in local time without an offset, and no --tz or --utc-offset given: taken as UTC (time_basis = unknown, left out of correlation; give --tz to convert)".into(),
            (TimeBasis::Given | TimeBasis::Embedded | TimeBasis::Inferred, _) => {
                format!("time_basis = {basis}")
            }
        }
    }
}

/// Reads a file of one request per line, without directives (the IIS log format,
/// NCSA): each line that is not blank is handed to `row`, which pushes its request to
/// the table and returns its time, or says why the line is not a request (a parse
/// error naming file and line). `#` lines are counted as directives.
pub fn read_lines(
    input: impl Read,
    max_line: usize,
    emit: &mut Emit<'_>,
    mut row: impl FnMut(&str, u64, bool, &Emit<'_>, &mut RequestsTable) -> Result<Option<i64>, String>,
) -> W3cStats {
    let mut table = emit.table(emit.batch_rows().min(1 << 16), RequestsTable::with_capacity);
    let mut lines = LineReader::new(input, max_line);
    let mut st = W3cStats::default();
    while !emit.failed() {
        let (bytes, no, offset) = match lines.next_line() {
            Ok(Some(Line::Text { bytes, no, offset })) => (bytes, no, offset),
            Ok(Some(Line::TooLong {
                head,
                len,
                no,
                offset,
            })) => {
                st.lines += 1;
                let reason = format!("line of {len} bytes is longer than the limit of {max_line} bytes (raise with --max-line)");
                reject(
                    &mut st,
                    emit,
                    (no, offset),
                    reason,
                    text::lossy(head).0.into_owned(),
                );
                continue;
            }
            Ok(None) => break,
            Err(e) => {
                st.read_error = Some(format!("read error after line {}: {e}", st.lines));
                break;
            }
        };
        st.lines += 1;
        let (decoded, lossy) = text::lossy(bytes);
        let t = decoded.trim_end_matches([' ', '\t']);
        if t.trim_start().is_empty() {
            st.blank_lines += 1;
        } else if t.starts_with('#') {
            st.directive_lines += 1;
        } else if t.contains('\0') {
            let reason =
                "the line holds NUL bytes (a block reserved but never written, as after a crash)"
                    .to_string();
            reject(&mut st, emit, (no, offset), reason, t.replace('\0', ""));
        } else {
            match row(t, no, lossy, emit, &mut table) {
                Ok(time) => data_row(&mut st, time),
                Err(reason) => reject(&mut st, emit, (no, offset), reason, t.to_string()),
            }
            emit.flush(&mut table, false);
        }
    }
    emit.put_back(table);
    st
}

/// A line that is not a request: counted, and reported with its file and line.
fn reject(
    st: &mut W3cStats,
    emit: &mut Emit<'_>,
    (no, offset): (u64, u64),
    reason: String,
    raw: String,
) {
    st.error_lines += 1;
    emit.error(ErrorReport {
        line: Some(no),
        record: None,
        offset: Some(offset),
        reason,
        raw: text::truncate(&raw, 4096).to_string(),
    });
}

/// Counts a line that became a row at `time`.
fn data_row(st: &mut W3cStats, time: Option<i64>) {
    st.data_lines += 1;
    if let Some(t) = time {
        st.first_time = Some(st.first_time.map_or(t, |f| f.min(t)));
        st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
    }
}

/// Types the values of one row: a value that does not fit its column is kept in
/// `extra` under its field's name, and the name listed in `invalid_fields`.
#[derive(Default)]
pub struct Values {
    extra: Extra,
}

impl Values {
    /// Starts a new row.
    pub fn clear(&mut self) {
        self.extra.clear();
    }

    /// A value as text: `None` for `-` or empty.
    pub fn text(v: Option<&str>) -> Option<&str> {
        v.filter(|v| !v.is_empty() && *v != "-")
    }

    /// The number in `v` (field `name`); `None` when absent or not a number.
    pub fn int<T: FromStr>(&mut self, name: &str, v: Option<&str>) -> Option<T> {
        let v = Self::text(v);
        parse_num::<T>(v).unwrap_or_else(|_| {
            self.extra.invalid(name, v.unwrap_or_default());
            None
        })
    }

    /// The address in `v` (field `name`) and its IPv6 zone; `None` when absent or not
    /// an IP address.
    pub fn ip<'v>(&mut self, name: &str, v: Option<&'v str>) -> (Option<&'v str>, Option<&'v str>) {
        let Some(v) = Self::text(v) else {
            return (None, None);
        };
        let (addr, zone) = split_zone(v);
        if addr.parse::<std::net::IpAddr>().is_ok() {
            return (Some(addr), zone);
        }
        self.extra.invalid(name, v);
        (None, None)
    }

    /// Keeps a field that has no column.
    pub fn keep(&mut self, name: &str, v: &str) {
        if Self::text(Some(v)).is_some() {
            self.extra.keep(name, v);
        }
    }

    /// The row's `extra` JSON object and `invalid_fields` list.
    pub fn finish(&mut self) -> (Option<&str>, Option<&str>) {
        self.extra.close();
        (self.extra.json(), self.extra.invalid_names())
    }
}

/// The estimated start of a request that ended at `time` after `taken_ms`.
pub fn start_time(time: Option<i64>, taken_ms: Option<i64>) -> Option<i64> {
    let us = taken_ms?.checked_mul(1000)?;
    time?.checked_sub(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_with_and_without_a_clock() {
        let local = chrono::NaiveDate::from_ymd_opt(2024, 1, 15)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let ny = Clock::from_tz_name("America/New_York").unwrap();
        let p = LocalClock::new(Some(ny)).place(local);
        assert_eq!(
            p.time,
            crate::time::parse_rfc3339("2024-01-15T15:00:00Z").unwrap()
        );
        assert_eq!((p.offset_min, p.basis), (-300, TimeBasis::Given));
        let p = LocalClock::new(None).place(local);
        assert_eq!(
            p.time,
            crate::time::parse_rfc3339("2024-01-15T10:00:00Z").unwrap()
        );
        assert_eq!(p.basis, TimeBasis::Unknown);
    }

    #[test]
    fn values_out_of_type_are_kept_and_named() {
        let mut v = Values::default();
        assert_eq!(v.int::<i32>("sc-status", Some("200")), Some(200));
        assert_eq!(v.int::<i32>("sc-status", Some("-")), None);
        assert_eq!(v.int::<i32>("sc-substatus", Some("x y")), None);
        assert_eq!(v.ip("c-ip", Some("::1%3")), (Some("::1"), Some("3")));
        assert_eq!(v.ip("s-ip", Some("host")), (None, None));
        let (extra, invalid) = v.finish();
        assert_eq!(extra, Some(r#"{"sc-substatus":"x y","s-ip":"host"}"#));
        assert_eq!(invalid, Some("sc-substatus,s-ip"));
    }
}
