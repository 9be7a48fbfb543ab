//! Time: parsing the date and time forms found in logs into microseconds since the
//! Unix epoch (UTC), and formatting instants as RFC 3339. The sources read here store
//! UTC (domain.md §4); local times of text exports are read by [`local`] and mapped to
//! UTC by a [`zone::Clock`].

pub mod local;
pub mod zone;

/// Microseconds in a second.
pub const MICROS_PER_SEC: i64 = 1_000_000;
/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SEC;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses `YYYY-MM-DD` into a day number.
pub fn parse_date(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[0..4])? as i64;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Parses `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff…` into microseconds since midnight.
pub fn parse_time_of_day(b: &[u8]) -> Option<i64> {
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let h = digits(&b[0..2])? as i64;
    let m = digits(&b[3..5])? as i64;
    let (s, frac) = if b.len() == 5 {
        (0, 0)
    } else {
        if b.len() < 8 || b[5] != b':' {
            return None;
        }
        let s = digits(&b[6..8])? as i64;
        let frac = if b.len() > 8 {
            if b[8] != b'.' && b[8] != b',' {
                return None;
            }
            let f = &b[9..];
            if f.is_empty() || f.len() > 9 || !f.iter().all(u8::is_ascii_digit) {
                return None;
            }
            // Scale to microseconds: keep 6 digits.
            let mut v = 0i64;
            for i in 0..6 {
                v = v * 10 + f.get(i).map_or(0, |c| (c - b'0') as i64);
            }
            v
        } else {
            0
        };
        (s, frac)
    };
    // 23:59:60 is a leap second some writers emit.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(((h * 60 + m) * 60 + s) * MICROS_PER_SEC + frac)
}

/// Parses `YYYY-MM-DD HH:MM:SS` (the `#Date:` directive); extra text after it is
/// ignored (some writers append comments).
pub fn parse_date_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let day = parse_date(&b[..10])?;
    let rest = s[10..].trim_start_matches([' ', 'T']);
    let t_end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let tod = if t_end == 0 {
        0
    } else {
        parse_time_of_day(&rest.as_bytes()[..t_end])?
    };
    Some(day * MICROS_PER_DAY + tod)
}

/// Formats microseconds since the epoch as RFC 3339 UTC with the given number of
/// fractional digits (0, 3 or 6).
pub fn format_rfc3339(micros: i64, frac_digits: usize) -> String {
    let day = micros.div_euclid(MICROS_PER_DAY);
    let rem = micros.rem_euclid(MICROS_PER_DAY);
    let (y, m, d) = civil_from_days(day);
    let secs = rem / MICROS_PER_SEC;
    let us = rem % MICROS_PER_SEC;
    let base = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    match frac_digits {
        0 => format!("{base}Z"),
        3 => format!("{base}.{:03}Z", us / 1000),
        _ => format!("{base}.{us:06}Z"),
    }
}

/// Microseconds since the Unix epoch of a Windows FILETIME (100 ns since 1601).
pub fn filetime_to_micros(ft: u64) -> i64 {
    (ft / 10) as i64 - 11_644_473_600 * MICROS_PER_SEC
}

/// Parses an RFC 3339 UTC instant as EVTX writes it (`2021-04-01T09:25:03.0246158Z`),
/// keeping microseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 || (b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    let day = parse_date(&b[..10])?;
    let rest = s[11..].trim_end_matches('Z');
    // Drop a numeric offset if present (EVTX always writes Z).
    let rest = match rest.find(['+']) {
        Some(i) => &rest[..i],
        None => rest,
    };
    let (hms, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let frac6: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
    let text = if frac.is_empty() {
        hms.to_string()
    } else {
        format!("{hms}.{frac6}")
    };
    Some(day * MICROS_PER_DAY + parse_time_of_day(text.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_numbers() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2024, 12, 31),
            (1601, 1, 1),
            (2038, 1, 19),
        ] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_the_time_forms_logs_use() {
        assert_eq!(
            parse_time_of_day(b"08:35:37"),
            Some((8 * 3600 + 35 * 60 + 37) * MICROS_PER_SEC)
        );
        assert_eq!(
            parse_time_of_day(b"08:35"),
            Some((8 * 3600 + 35 * 60) * MICROS_PER_SEC)
        );
        assert_eq!(
            parse_time_of_day(b"08:35:37.234"),
            Some((8 * 3600 + 35 * 60 + 37) * MICROS_PER_SEC + 234_000)
        );
        assert_eq!(parse_time_of_day(b"24:00:00"), None);
        assert_eq!(parse_time_of_day(b"8:35:37"), None);
        assert_eq!(parse_time_of_day(b"08:35:37."), None);
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(parse_date(b"2023-02-29").is_none());
        assert!(parse_date(b"2024-02-29").is_some());
        assert!(parse_date(b"2024-13-01").is_none());
        assert!(parse_date(b"28/Jun/2017").is_none());
    }

    #[test]
    fn directive_dates_tolerate_trailing_comments() {
        let t =
            parse_date_time("2002-05-02 17:42:15  // when the first entry was recorded").unwrap();
        assert_eq!(format_rfc3339(t, 0), "2002-05-02T17:42:15Z");
    }

    #[test]
    fn filetime_converts_to_unix_micros() {
        // 2021-04-01T09:25:03.0246158Z
        let ft = 132_617_427_030_246_158u64;
        assert_eq!(
            format_rfc3339(filetime_to_micros(ft), 6),
            "2021-04-01T09:25:03.024615Z"
        );
    }
}
