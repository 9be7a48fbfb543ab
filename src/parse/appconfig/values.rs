//! Parsing of typed attribute values (bool, uint, enum, flags) and safe quoting of
//! raw values in warning messages.

use std::fmt;

use crate::parse::appconfig::timespan::{parse_timespan, TimespanError};

/// Why an attribute value could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueError {
    NotBool,
    NotUint,
    Timespan(TimespanError),
    UnknownEnum(&'static [&'static str]),
    UnknownFlag(String),
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::NotBool => f.write_str("not a boolean (true/false)"),
            ValueError::NotUint => f.write_str("not an unsigned integer in range"),
            ValueError::Timespan(e) => write!(f, "not a valid timespan ({e})"),
            ValueError::UnknownEnum(allowed) => {
                write!(f, "not one of {}", allowed.join(", "))
            }
            ValueError::UnknownFlag(flag) => write!(f, "unknown flag {}", quote(flag)),
        }
    }
}

impl From<TimespanError> for ValueError {
    fn from(e: TimespanError) -> Self {
        ValueError::Timespan(e)
    }
}

/// `true` / `false`, case-insensitive, surrounding whitespace ignored.
pub(crate) fn parse_bool(s: &str) -> Result<bool, ValueError> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if s.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ValueError::NotBool)
    }
}

/// Decimal digits only (no sign), surrounding whitespace ignored.
pub(crate) fn parse_u64(s: &str) -> Result<u64, ValueError> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::NotUint);
    }
    s.parse().map_err(|_| ValueError::NotUint)
}

/// Like [`parse_u64`], limited to `u32`.
pub(crate) fn parse_u32(s: &str) -> Result<u32, ValueError> {
    u32::try_from(parse_u64(s)?).map_err(|_| ValueError::NotUint)
}

/// Timespan attribute to seconds.
pub(crate) fn parse_secs(s: &str) -> Result<u64, ValueError> {
    Ok(parse_timespan(s)?)
}

/// One of `allowed`, case-insensitive; returns the canonical spelling.
pub(crate) fn parse_enum(s: &str, allowed: &'static [&'static str]) -> Result<String, ValueError> {
    let s = s.trim();
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(s))
        .map(|a| a.to_string())
        .ok_or(ValueError::UnknownEnum(allowed))
}

/// A flags value: comma-separated names from `flags` (case-insensitive) or the decimal
/// bit mask. Returns canonical names joined by `", "` (empty string = no flags).
pub(crate) fn parse_flags(s: &str, flags: &[(&'static str, u64)]) -> Result<String, ValueError> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let mut mask = parse_u64(s)?;
        let mut names = Vec::new();
        for (name, bit) in flags {
            if mask & bit != 0 {
                names.push(*name);
                mask &= !bit;
            }
        }
        if mask != 0 {
            return Err(ValueError::UnknownFlag(format!("bits {mask:#x}")));
        }
        return Ok(names.join(", "));
    }
    let mut names: Vec<&str> = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, _) = flags
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(part))
            .ok_or_else(|| ValueError::UnknownFlag(part.to_string()))?;
        if !names.contains(name) {
            names.push(name);
        }
    }
    Ok(names.join(", "))
}

/// Quotes a raw value for a message: Rust string escaping (no raw control characters
/// reach the log) and truncation to 120 characters.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 120;
    match s.char_indices().nth(MAX) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes)", &s[..cut], s.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &[(&str, u64)] = &[("Time", 1), ("Requests", 2), ("Memory", 8)];

    #[test]
    fn bools_and_ints() {
        assert_eq!(parse_bool(" True "), Ok(true));
        assert_eq!(parse_bool("FALSE"), Ok(false));
        assert_eq!(parse_bool("1"), Err(ValueError::NotBool));
        assert_eq!(parse_u32("1000"), Ok(1000));
        assert_eq!(parse_u32("4294967296"), Err(ValueError::NotUint));
        assert_eq!(parse_u32("-1"), Err(ValueError::NotUint));
        assert_eq!(parse_u32("+1"), Err(ValueError::NotUint));
        assert_eq!(parse_u64(""), Err(ValueError::NotUint));
    }

    #[test]
    fn enums_and_flags() {
        assert_eq!(
            parse_enum("alwaysrunning", &["OnDemand", "AlwaysRunning"]).unwrap(),
            "AlwaysRunning"
        );
        assert!(parse_enum("Sometimes", &["OnDemand"]).is_err());
        assert_eq!(parse_flags("time,memory", FLAGS).unwrap(), "Time, Memory");
        assert_eq!(parse_flags("", FLAGS).unwrap(), "");
        assert_eq!(parse_flags("9", FLAGS).unwrap(), "Time, Memory");
        assert!(parse_flags("Time, Bogus", FLAGS).is_err());
        assert!(parse_flags("16", FLAGS).is_err());
    }

    #[test]
    fn quoting_escapes_and_truncates() {
        assert_eq!(quote("a\nb\"c"), "\"a\\nb\\\"c\"");
        let long = "é".repeat(500);
        let q = quote(&long);
        assert!(q.len() < 400 && q.ends_with("(1000 bytes)"));
    }
}
