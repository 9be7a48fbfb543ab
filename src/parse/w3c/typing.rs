//! Typing W3C rows into a table, shared by the formats (`access`, `httperr`): the
//! [`W3cSink`] that batches a format's rows through [`Emit`], and the typing of numbers
//! and of the fields without a column into `extra` / `invalid_fields`.

use super::fields::{Field, Layout};
use super::reader::{read_w3c, Row, W3cSink, W3cStats};
use crate::parse::values::{parse_num, split_zone, Extra};
use crate::parse::Carried;
use crate::parse::{Emit, ErrorReport};
use std::io::Read;
use std::str::FromStr;

/// A W3C log format: the table its rows fill, and how one row is typed into it.
pub trait W3cFormat {
    /// The table the rows go to.
    type Table: Carried;
    /// An empty table with room for `rows` rows.
    fn new_table(rows: usize) -> Self::Table;
    /// The layout of a header-less line, from its values.
    fn layout_for(values: &[&str]) -> Option<Layout>;
    /// Types `row` (whose time is `time`) into `table`: numbers through
    /// [`Typing::int`], then [`Typing::finish`] for the `extra` object.
    fn push(
        &self,
        row: &Row<'_>,
        time: Option<i64>,
        typing: Typing<'_>,
        emit: &Emit<'_>,
        table: &mut Self::Table,
    );
}

/// Reads one W3C file of `format` into its table.
pub fn read_format<F: W3cFormat>(
    format: F,
    input: impl Read,
    max_line: usize,
    emit: &mut Emit<'_>,
) -> W3cStats {
    let rows = emit.batch_rows().min(1 << 16);
    let mut sink = FormatSink {
        table: emit.table(rows, F::new_table),
        format,
        extra: Extra::default(),
        emit,
    };
    let stats = read_w3c(input, max_line, &F::layout_for, &mut sink);
    let FormatSink { table, emit, .. } = sink;
    emit.put_back(table);
    stats
}

/// The values of one row that have no typed column: numbers that do not parse (kept
/// first, in the order they are typed) and fields the format has no column for.
pub struct Typing<'x> {
    extra: &'x mut Extra,
}

impl<'x> Typing<'x> {
    /// The number in `f`; `None` when absent, and when it does not parse (the value is
    /// then kept in `extra` and the field named in `invalid_fields`).
    pub fn int<T: FromStr>(&mut self, row: &Row<'_>, f: Field) -> Option<T> {
        let v = row.get(f);
        parse_num::<T>(v).unwrap_or_else(|_| {
            self.extra.invalid(f.name(), v.unwrap_or_default());
            None
        })
    }

    /// The address in `f` and its IPv6 zone (`fe80::1%3`); `None` when absent, and when
    /// the value is not an IP address (it is then kept in `extra` and the field named
    /// in `invalid_fields`: an address column holds an address or is flagged).
    pub fn ip<'r>(&mut self, row: &Row<'r>, f: Field) -> (Option<&'r str>, Option<&'r str>) {
        let Some(v) = row.get(f) else {
            return (None, None);
        };
        let (addr, zone) = split_zone(v);
        if is_ipv4(addr.as_bytes()) || addr.parse::<std::net::Ipv6Addr>().is_ok() {
            return (Some(addr), zone);
        }
        self.extra.invalid(f.name(), v);
        (None, None)
    }

    /// Keeps every custom field of `row` that has a value, and returns the row's
    /// `extra` JSON object and `invalid_fields` list.
    pub fn finish(self, row: &Row<'_>) -> (Option<&'x str>, Option<&'x str>) {
        let x = self.extra;
        for (i, k) in row.layout.known.iter().enumerate() {
            if k.is_none() {
                let v = row.raw(i);
                if v != "-" {
                    x.keep(&row.layout.names[i], v);
                }
            }
        }
        x.close();
        let x: &'x Extra = x;
        (x.json(), x.invalid_names())
    }
}

/// Whether `b` is a dotted-quad IPv4 address, as `Ipv4Addr`'s parser decides (four
/// decimal octets up to 255, no leading zeros) in one pass over the bytes: most
/// addresses in a log are IPv4, and the standard parser cost 5 % of a W3C run.
fn is_ipv4(b: &[u8]) -> bool {
    let (mut dots, mut octet, mut digits) = (0, 0u32, 0);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                if digits == 3 || (digits == 1 && octet == 0) {
                    return false;
                }
                octet = octet * 10 + u32::from(c - b'0');
                digits += 1;
                if octet > 255 {
                    return false;
                }
            }
            b'.' if digits > 0 && dots < 3 => {
                dots += 1;
                octet = 0;
                digits = 0;
            }
            _ => return false,
        }
    }
    dots == 3 && digits > 0
}

/// Batches the rows of one format's file.
struct FormatSink<'e, 'a, F: W3cFormat> {
    format: F,
    table: F::Table,
    extra: Extra,
    emit: &'e mut Emit<'a>,
}

impl<F: W3cFormat> W3cSink for FormatSink<'_, '_, F> {
    fn row(&mut self, r: &Row<'_>) -> Result<Option<i64>, String> {
        let time = r.time()?;
        self.extra.clear();
        let typing = Typing {
            extra: &mut self.extra,
        };
        self.format
            .push(r, time, typing, self.emit, &mut self.table);
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

#[cfg(test)]
mod tests {
    use super::is_ipv4;

    #[test]
    fn ipv4_as_the_standard_parser_decides() {
        for v in [
            "10.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1.2.3.4 ",
            "a.b.c.d",
            "",
            "1.2.3.00",
            "192.168.001.1",
            "999.1.1.1",
            "1.2.3.4%5",
        ] {
            assert_eq!(
                is_ipv4(v.as_bytes()),
                v.parse::<std::net::Ipv4Addr>().is_ok(),
                "{v:?}"
            );
        }
    }
}
