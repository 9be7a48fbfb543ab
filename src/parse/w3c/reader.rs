//! The W3C line loop: every line becomes a data row, a directive, a blank line or a
//! parse error, and the counts add up to the file's line count.

use super::fields::{Field, Layout};
use super::tokenize::{split_fields, split_quoted, split_whitespace_runs, unquote};
use crate::parse::lines::{Line, LineReader};
use crate::parse::ErrorReport;
use crate::text;
use crate::time::{parse_date_time, MICROS_PER_DAY};
use std::io::Read;

/// Counts and time range of one W3C file.
#[derive(Debug, Default, Clone)]
pub struct W3cStats {
    /// Lines read.
    pub lines: u64,
    /// Lines that became rows.
    pub data_lines: u64,
    /// `#` directive lines.
    pub directive_lines: u64,
    /// Empty lines.
    pub blank_lines: u64,
    /// Lines that went to `parse_errors`.
    pub error_lines: u64,
    /// Lines read after dropping NUL bytes from them (each also has a `parse_errors`
    /// row naming the bytes dropped).
    pub nul_lines: u64,
    /// Earliest row time.
    pub first_time: Option<i64>,
    /// Latest row time.
    pub last_time: Option<i64>,
    /// `s-computername` seen in the file, if any.
    pub computer: Option<String>,
    /// `#Software:` of the first header.
    pub software: Option<String>,
    /// A read error that ended the file early (damaged zip member, I/O error).
    pub read_error: Option<String>,
}

/// A data line bound to its layout.
pub struct Row<'a> {
    /// 1-based line number.
    pub line: u64,
    /// Byte offset of the line.
    pub offset: u64,
    text: &'a str,
    spans: &'a [(u32, u32)],
    /// The layout the values are bound to.
    pub layout: &'a Layout,
    /// Day number from the last `#Date:` directive, for layouts without a date field.
    pub day_hint: Option<i64>,
    /// The line held bytes that are not UTF-8.
    pub lossy: bool,
}

impl<'a> Row<'a> {
    /// Value at position `i`, as written.
    #[inline]
    pub fn raw(&self, i: usize) -> &'a str {
        let (s, e) = self.spans[i];
        &self.text[s as usize..e as usize]
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the row has no value.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Value of a known field; `None` when the layout lacks it or it is `-` or empty.
    #[inline]
    pub fn get(&self, f: Field) -> Option<&'a str> {
        let v = self.raw(self.layout.pos(f)?);
        if v.is_empty() || v == "-" {
            None
        } else {
            Some(v)
        }
    }

    /// The row's time in microseconds since the epoch (UTC) from `date`/`time` (or the
    /// `#Date:` day): `Ok(None)` when the layout has no time at all, `Err` with the
    /// reason when a value is not a valid date or time.
    pub fn time(&self) -> Result<Option<i64>, String> {
        use crate::time::{parse_date, parse_time_of_day};
        let day =
            match self.layout.pos(Field::Date) {
                Some(p) => {
                    let v = self.raw(p);
                    Some(parse_date(v.as_bytes()).ok_or_else(|| {
                        format!("date '{}' is not YYYY-MM-DD", text::truncate(v, 64))
                    })?)
                }
                None => self.day_hint,
            };
        let tod = match self.layout.pos(Field::Time) {
            Some(p) => {
                let v = self.raw(p);
                Some(parse_time_of_day(v.as_bytes()).ok_or_else(|| {
                    format!("time '{}' is not HH:MM[:SS[.fff]]", text::truncate(v, 64))
                })?)
            }
            None => None,
        };
        Ok(match (day, tod) {
            (Some(d), Some(t)) => Some(d * MICROS_PER_DAY + t),
            (Some(d), None) if self.layout.has(Field::Date) => Some(d * MICROS_PER_DAY),
            _ => None,
        })
    }
}

/// Turns bound rows into typed table rows, and takes the lines that cannot be rows.
pub trait W3cSink {
    /// Takes one row; returns its time (for the file's time range), or why it cannot
    /// be a row (it is then passed to [`Self::error`]).
    fn row(&mut self, row: &Row<'_>) -> Result<Option<i64>, String>;
    /// Takes a line that is not a row.
    fn error(&mut self, report: ErrorReport);
    /// Whether reading should stop (the output failed).
    fn stopped(&self) -> bool;
}

/// Reads a W3C file. `infer` gives a layout for a data line met before any `#Fields:`
/// (header-less logs), from the line's values.
pub fn read_w3c(
    input: impl Read,
    max_line: usize,
    infer: &dyn Fn(&[&str]) -> Option<Layout>,
    sink: &mut dyn W3cSink,
) -> W3cStats {
    let mut lines = LineReader::new(input, max_line);
    let mut r = LineLoop {
        st: W3cStats::default(),
        layout: None,
        earlier: Vec::new(),
        day_hint: None,
        spans: Vec::with_capacity(32),
        scratch: String::new(),
    };
    while !sink.stopped() {
        let line = match lines.next_line() {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(e) => {
                r.st.read_error = Some(format!("read error after line {}: {e}", r.st.lines));
                break;
            }
        };
        r.st.lines += 1;
        match line {
            Line::TooLong {
                head,
                len,
                no,
                offset,
            } => {
                let reason = format!("line of {len} bytes is longer than the limit of {max_line} bytes (raise with --max-line)");
                let raw = text::lossy(head).0.into_owned();
                r.reject(sink, no, offset, reason, raw);
            }
            Line::Text { bytes, no, offset } if memchr::memchr(0, bytes).is_some() => {
                r.nul_line(bytes, no, offset, infer, sink)
            }
            Line::Text { bytes, no, offset } => r.text_line(bytes, no, offset, infer, sink),
        }
    }
    r.st
}

/// The state of the line loop over one file.
struct LineLoop {
    st: W3cStats,
    /// The layout of the last `#Fields:` directive.
    layout: Option<Layout>,
    /// The layouts of the file's earlier `#Fields` directives, oldest first: a line
    /// whose values do not fit the last one is read with the latest that they fit (a
    /// server whose logging fields changed and changed back, as Elastic reads it).
    earlier: Vec<Layout>,
    /// Day number from the last `#Date:` directive.
    day_hint: Option<i64>,
    /// Where the values of the current line are.
    spans: Vec<(u32, u32)>,
    /// The current line's values unquoted, when they had to be.
    scratch: String,
}

impl LineLoop {
    /// A line that is not a row: counted as an error line and passed to the sink.
    fn reject(
        &mut self,
        sink: &mut dyn W3cSink,
        no: u64,
        offset: u64,
        reason: String,
        raw: String,
    ) {
        self.st.error_lines += 1;
        sink.error(ErrorReport {
            line: Some(no),
            record: None,
            offset: Some(offset),
            reason,
            raw,
        });
    }

    /// A line with NUL bytes: a block the server reserved and never wrote (a crash or
    /// power loss while logging), often followed by the lines written after the
    /// restart. The NULs are dropped and reported; what is left is read as a line.
    fn nul_line(
        &mut self,
        bytes: &[u8],
        no: u64,
        offset: u64,
        infer: &dyn Fn(&[&str]) -> Option<Layout>,
        sink: &mut dyn W3cSink,
    ) {
        let rest: Vec<u8> = bytes.iter().copied().filter(|&b| b != 0).collect();
        let nuls = bytes.len() - rest.len();
        let what = format!(
            "{nuls} NUL bytes (a block reserved but never written, as after a crash or power loss)"
        );
        if rest.iter().all(u8::is_ascii_whitespace) {
            self.reject(
                sink,
                no,
                offset,
                format!("{what}, nothing else"),
                String::new(),
            );
            return;
        }
        self.st.nul_lines += 1;
        sink.error(ErrorReport {
            line: Some(no),
            record: None,
            offset: Some(offset),
            reason: format!("{what} dropped; the rest of the line is read"),
            raw: text::lossy(&rest[..rest.len().min(4096)]).0.into_owned(),
        });
        self.text_line(&rest, no, offset, infer, sink);
    }

    /// A line within the length limit: blank, a directive, or data.
    fn text_line(
        &mut self,
        bytes: &[u8],
        no: u64,
        offset: u64,
        infer: &dyn Fn(&[&str]) -> Option<Layout>,
        sink: &mut dyn W3cSink,
    ) {
        let (decoded, lossy) = text::lossy(bytes);
        let t = decoded.trim_end_matches([' ', '\t']);
        if t.is_empty() {
            self.st.blank_lines += 1;
        } else if let Some(d) = t.strip_prefix('#') {
            self.directive(d, no);
        } else {
            self.data_line(t, no, offset, lossy, infer, sink);
            self.scratch.clear();
        }
    }

    /// A `#` directive (without the `#`): `#Fields:` binds a new layout, `#Date:` gives
    /// the day of rows without a date, the first `#Software:` is kept.
    fn directive(&mut self, d: &str, no: u64) {
        self.st.directive_lines += 1;
        let (name, value) = d.split_once(':').unwrap_or((d, ""));
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "fields" => {
                let names: Vec<String> = value.split_whitespace().map(str::to_string).collect();
                let old = self.layout.replace(Layout::new(names, no, false));
                self.earlier.extend(old);
            }
            "date" | "start-date" => {
                if let Some(t) = parse_date_time(value) {
                    self.day_hint = Some(t.div_euclid(MICROS_PER_DAY));
                }
            }
            "software" if self.st.software.is_none() => {
                self.st.software = Some(value.to_string());
            }
            _ => {}
        }
    }

    /// A data line: bound to the current layout (or one inferred from its values),
    /// then handed to the sink as a row.
    fn data_line(
        &mut self,
        t: &str,
        no: u64,
        offset: u64,
        lossy: bool,
        infer: &dyn Fn(&[&str]) -> Option<Layout>,
        sink: &mut dyn W3cSink,
    ) {
        split_fields(t, &mut self.spans);
        let inferred;
        let bound = match &self.layout {
            Some(l) => l,
            None => {
                let values: Vec<&str> = self
                    .spans
                    .iter()
                    .map(|&(s, e)| &t[s as usize..e as usize])
                    .collect();
                inferred = infer(&values);
                match &inferred {
                    Some(l) => l,
                    None => {
                        let reason = format!("no #Fields header, and the line's {} values fit no known IIS or HTTP.sys layout", self.spans.len());
                        let raw = text::truncate(t, 4096).to_string();
                        return self.reject(sink, no, offset, reason, raw);
                    }
                }
            }
        };
        let bound = if self.spans.len() == bound.len()
            || refit(t, bound.len(), &mut self.spans, &mut self.scratch)
        {
            bound
        } else {
            split_fields(t, &mut self.spans);
            self.scratch.clear();
            let n = self.spans.len();
            match self.earlier.iter().rev().find(|l| l.len() == n) {
                Some(l) => l,
                None => {
                    let reason = mismatch(t, bound);
                    let raw = text::truncate(t, 4096).to_string();
                    return self.reject(sink, no, offset, reason, raw);
                }
            }
        };
        let row = Row {
            line: no,
            offset,
            text: if self.scratch.is_empty() {
                t
            } else {
                &self.scratch
            },
            spans: &self.spans,
            layout: bound,
            day_hint: self.day_hint,
            lossy,
        };
        let st = &mut self.st;
        if st.computer.is_none() {
            if let Some(c) = row.get(Field::SComputerName) {
                st.computer = Some(c.to_string());
            }
        }
        match sink.row(&row) {
            Ok(time) => {
                st.data_lines += 1;
                if let Some(t) = time {
                    st.first_time = Some(st.first_time.map_or(t, |f| f.min(t)));
                    st.last_time = Some(st.last_time.map_or(t, |l| l.max(t)));
                }
            }
            Err(reason) => {
                let raw = text::truncate(t, 4096).to_string();
                self.reject(sink, no, offset, reason, raw);
            }
        }
    }
}

/// Why a line's values do not fit its layout.
fn mismatch(t: &str, bound: &Layout) -> String {
    let what = if bound.inferred {
        "the inferred header-less layout".to_string()
    } else {
        format!("the #Fields header at line {}", bound.header_line)
    };
    format!(
        "{} values but {what} declares {}",
        count_values(t),
        bound.len()
    )
}

fn count_values(t: &str) -> usize {
    t.split(' ').count()
}

/// Tries the other splits (quoted values, padded separators) to reach `want` values.
/// For quoted values the unquoted text is written to `scratch` and the spans point there.
fn refit(t: &str, want: usize, spans: &mut Vec<(u32, u32)>, scratch: &mut String) -> bool {
    scratch.clear();
    if t.contains('"') {
        split_quoted(t, spans);
        if spans.len() == want {
            let mut new_spans = Vec::with_capacity(want);
            for &(s, e) in spans.iter() {
                let v = unquote(&t[s as usize..e as usize]);
                let start = scratch.len() as u32;
                scratch.push_str(&v);
                new_spans.push((start, scratch.len() as u32));
            }
            *spans = new_spans;
            return true;
        }
    }
    if t.contains("  ") || t.contains('\t') {
        split_whitespace_runs(t, spans);
        if spans.len() == want {
            return true;
        }
    }
    false
}
