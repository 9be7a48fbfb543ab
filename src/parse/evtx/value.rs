//! Typed substitution values as the EVTX fast path reads them: each value's shape code
//! (its type and whether it is empty), its text as the XML path reads it back, and the
//! numbers and FILETIMEs taken without going through text.

use super::template::Source;
use evtx::binxml::value_variant::BinXmlValue;
use std::fmt::Write;

/// Each slot's type and emptiness, into `shape`; false if a value is of a type the
/// fast path does not turn into text.
pub fn shape_into(values: &[BinXmlValue<'_>], shape: &mut Vec<u8>) -> bool {
    const EMPTY: u8 = 0x80;
    shape.clear();
    for v in values {
        let Some((code, empty)) = type_code(v) else {
            return false;
        };
        shape.push(if empty { code | EMPTY } else { code });
    }
    true
}

/// The shape of a fragment's values, appended to `shape`.
pub fn shape_into_more(values: &[BinXmlValue<'_>], shape: &mut Vec<u8>) -> bool {
    let mut more = Vec::with_capacity(values.len());
    let ok = shape_into(values, &mut more);
    shape.extend(more);
    ok
}

/// A small code per value type the fast path reads, and whether the value is empty.
fn type_code(v: &BinXmlValue<'_>) -> Option<(u8, bool)> {
    use BinXmlValue as V;
    Some(match v {
        V::NullType => (0, true),
        V::StringType(s) => (1, s.is_empty()),
        V::AnsiStringType(s) => (2, s.is_empty()),
        V::Int8Type(_) => (3, false),
        V::UInt8Type(_) => (4, false),
        V::Int16Type(_) => (5, false),
        V::UInt16Type(_) => (6, false),
        V::Int32Type(_) => (7, false),
        V::UInt32Type(_) => (8, false),
        V::Int64Type(_) => (9, false),
        V::UInt64Type(_) => (10, false),
        V::Real32Type(_) => (11, false),
        V::Real64Type(_) => (12, false),
        V::BoolType(_) => (13, false),
        V::BinaryType(b) => (14, b.is_empty()),
        V::GuidType(_) => (15, false),
        V::SizeTType(_) => (16, false),
        V::FileTimeType(_) => (17, false),
        V::SysTimeType(_) => (18, false),
        V::SidType(_) => (19, false),
        V::HexInt32Type(_) => (20, false),
        V::HexInt64Type(_) => (21, false),
        // Read only where the plan has a fragment (never as text).
        V::BinXmlType(b) => (22, b.is_empty()),
        _ => return None,
    })
}

/// The text of one value, as the XML path reads it back; `None` for text the fast
/// path leaves to the renderer (control characters, bad UTF-16).
fn write_text(v: &BinXmlValue<'_>, out: &mut String) -> Option<()> {
    use BinXmlValue as V;
    match v {
        V::NullType => {}
        V::StringType(s) => push_utf16(s.as_bytes(), out)?,
        V::AnsiStringType(s) => {
            for c in s.chars() {
                out.push(plain(c)?);
            }
        }
        V::Int8Type(n) => write!(out, "{n}").ok()?,
        V::UInt8Type(n) => write!(out, "{n}").ok()?,
        V::Int16Type(n) => write!(out, "{n}").ok()?,
        V::UInt16Type(n) => write!(out, "{n}").ok()?,
        V::Int32Type(n) => write!(out, "{n}").ok()?,
        V::UInt32Type(n) => write!(out, "{n}").ok()?,
        V::Int64Type(n) => write!(out, "{n}").ok()?,
        V::UInt64Type(n) => write!(out, "{n}").ok()?,
        V::HexInt32Type(n) => write!(out, "0x{n:x}").ok()?,
        V::HexInt64Type(n) => write!(out, "0x{n:x}").ok()?,
        V::BoolType(b) => out.push_str(if *b { "true" } else { "false" }),
        V::GuidType(g) => push_guid(g, out),
        V::BinaryType(bytes) => {
            for b in *bytes {
                write!(out, "{b:02X}").ok()?;
            }
        }
        // Rendered by the crate; a shape whose text differs from the XML's is caught
        // by the check of its first record.
        other => write!(out, "{other}").ok()?,
    }
    Some(())
}

/// UTF-16LE text appended to `out`; `None` for a character [`plain`] refuses or bad
/// UTF-16.
fn push_utf16(bytes: &[u8], out: &mut String) -> Option<()> {
    let ascii = |u: &[u8]| u[1] == 0 && (0x20..0x80).contains(&u[0]);
    if bytes.chunks_exact(2).all(ascii) {
        let mut text = std::mem::take(out).into_bytes();
        text.extend(bytes.chunks_exact(2).map(|u| u[0]));
        *out = String::from_utf8(text).ok()?;
        return Some(());
    }
    let units = bytes
        .chunks_exact(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]));
    for c in char::decode_utf16(units) {
        out.push(plain(c.ok()?)?);
    }
    Some(())
}

/// A GUID as Windows writes it: `{aabbccdd-eeff-...}`, lower case, the first three
/// groups little-endian.
fn push_guid(g: &[u8; 16], out: &mut String) {
    const ORDER: [usize; 16] = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('{');
    for (i, &at) in ORDER.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(g[at] >> 4)]));
        out.push(char::from(HEX[usize::from(g[at] & 0x0f)]));
    }
    out.push('}');
}

/// `c` if XML carries it as itself.
fn plain(c: char) -> Option<char> {
    (c >= ' ' || matches!(c, '\t' | '\n' | '\r')).then_some(c)
}

/// The value of a slot holding a decimal integer that fits an `i64`: its text would
/// parse to the same number.
pub fn number(source: &Source, values: &[BinXmlValue<'_>]) -> Option<i64> {
    use BinXmlValue as V;
    let Source::Slot(i) = source else { return None };
    match values.get(*i as usize)? {
        V::Int8Type(n) => Some(i64::from(*n)),
        V::UInt8Type(n) => Some(i64::from(*n)),
        V::Int16Type(n) => Some(i64::from(*n)),
        V::UInt16Type(n) => Some(i64::from(*n)),
        V::Int32Type(n) => Some(i64::from(*n)),
        V::UInt32Type(n) => Some(i64::from(*n)),
        V::Int64Type(n) => Some(*n),
        V::UInt64Type(n) => i64::try_from(*n).ok(),
        _ => None,
    }
}

/// Microseconds since the Unix epoch of a FILETIME slot, when the XML would write it
/// as a date the time parser reads the same (years up to 9999).
pub fn filetime_us(source: &Source, values: &[BinXmlValue<'_>]) -> Option<i64> {
    /// 100 ns ticks from 1601-01-01 to 1970-01-01.
    const UNIX_EPOCH_TICKS: i64 = 116_444_736_000_000_000;
    /// 100 ns ticks from 1601-01-01 to 10000-01-01.
    const YEAR_10000_TICKS: u64 = 2_650_467_744_000_000_000;
    let Source::Slot(i) = source else { return None };
    let BinXmlValue::FileTimeType(ft) = values.get(*i as usize)? else {
        return None;
    };
    let ticks = ft.0;
    (ticks < YEAR_10000_TICKS).then(|| (ticks as i64 - UNIX_EPOCH_TICKS).div_euclid(10))
}

/// Whether `source` is a slot whose value is empty (or missing), as the renderer
/// judges an optional substitution.
pub fn is_empty(source: &Source, values: &[BinXmlValue<'_>]) -> bool {
    match source {
        Source::Slot(i) => values
            .get(usize::from(*i))
            .is_none_or(|v| type_code(v).is_none_or(|(_, empty)| empty)),
        Source::Literal(_) | Source::Empty => false,
    }
}

/// The text `source` gives, in `buf` when it comes from a slot.
pub fn resolve<'a>(
    source: &'a Source,
    values: &[BinXmlValue<'_>],
    buf: &'a mut String,
) -> Option<&'a str> {
    match source {
        Source::Literal(t) => Some(t.as_str()),
        Source::Empty => Some(""),
        Source::Slot(i) => {
            buf.clear();
            // A slot past the values renders as nothing.
            if let Some(v) = values.get(*i as usize) {
                write_text(v, buf)?;
            }
            Some(buf.as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use evtx::binxml::value_variant::FileTime;

    #[test]
    fn guids_and_filetimes_read_as_the_crate_renders_them() {
        let g: [u8; 16] = std::array::from_fn(|i| (i as u8) * 17 + 3);
        let mut ours = String::new();
        push_guid(&g, &mut ours);
        assert_eq!(ours, BinXmlValue::GuidType(g).to_string());

        for ticks in [
            0u64,
            1_335_398_401_234_567,
            116_444_736_000_000_001,
            2_650_467_743_999_999_999,
        ] {
            let v = [BinXmlValue::FileTimeType(FileTime(ticks))];
            let text = v[0].to_string();
            let direct = filetime_us(&Source::Slot(0), &v);
            assert_eq!(direct, crate::time::parse_rfc3339(&text), "{ticks}: {text}");
        }
    }

    #[test]
    fn text_the_xml_would_change_is_left_to_the_renderer() {
        let utf16 = |s: &str| {
            s.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
        };
        let mut out = String::new();
        assert!(push_utf16(&utf16("naïve\tcafé\r\n"), &mut out).is_some());
        assert_eq!(out, "naïve\tcafé\r\n");
        for refused in ["a\u{0}b", "bell\u{7}"] {
            assert!(
                push_utf16(&utf16(refused), &mut String::new()).is_none(),
                "{refused:?}"
            );
        }
        // A lone surrogate.
        assert!(push_utf16(&[0x00, 0xD8], &mut String::new()).is_none());
    }
}
