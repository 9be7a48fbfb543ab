//! IIS `timeSpan` attribute values (`[d.]hh:mm[:ss[.fffffff]]`, the .NET `TimeSpan`
//! string form) parsed to whole seconds, and `HH:MM:SS` formatting.

/// Why a timespan string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimespanError {
    /// The value is empty or only whitespace.
    #[error("empty timespan")]
    Empty,
    /// The value starts with `-`; IIS durations are never negative.
    #[error("negative timespan")]
    Negative,
    /// The value is not of the form `[d.]hh:mm[:ss[.fffffff]]`.
    #[error("expected [d.]hh:mm:ss")]
    Syntax,
    /// Minutes or seconds ≥ 60, or hours ≥ 24 when days are given.
    #[error("timespan field out of range")]
    OutOfRange,
    /// The value does not fit in 64-bit seconds.
    #[error("timespan too large")]
    Overflow,
    /// A time of day (schedule entry) of 24 hours or more.
    #[error("time of day must be below 24:00:00")]
    NotTimeOfDay,
}

/// Parses `[d.]hh:mm[:ss[.fraction]]` to whole seconds (fraction truncated).
///
/// Surrounding whitespace is ignored. Hours may exceed 23 when no day part is
/// given (`29:00:00`, as the IIS documentation writes the periodic-restart default);
/// with a day part they must be below 24, as in .NET. A bare number is rejected
/// because .NET would read it as days, which no IIS tool writes.
pub fn parse_timespan(input: &str) -> Result<u64, TimespanError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(TimespanError::Empty);
    }
    if s.starts_with('-') {
        return Err(TimespanError::Negative);
    }
    let mut parts = s.split(':');
    let first = parts.next().ok_or(TimespanError::Syntax)?;
    let minutes = parts.next().ok_or(TimespanError::Syntax)?;
    let seconds = parts.next();
    if parts.next().is_some() {
        return Err(TimespanError::Syntax);
    }
    let (days, hours) = match first.split_once('.') {
        Some((d, h)) => (Some(number(d)?), number(h)?),
        None => (None, number(first)?),
    };
    let minutes = small_field(minutes)?;
    let seconds = match seconds {
        None => 0,
        Some(sec) => {
            let whole = match sec.split_once('.') {
                Some((w, frac)) => {
                    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(TimespanError::Syntax);
                    }
                    w
                }
                None => sec,
            };
            small_field(whole)?
        }
    };
    if days.is_some() && hours >= 24 {
        return Err(TimespanError::OutOfRange);
    }
    days.unwrap_or(0)
        .checked_mul(86_400)
        .and_then(|d| hours.checked_mul(3600).and_then(|h| d.checked_add(h)))
        .and_then(|t| t.checked_add(minutes * 60 + seconds))
        .ok_or(TimespanError::Overflow)
}

/// Parses a time of day such as a `<schedule><add value>` entry (`hh:mm[:ss]`, below
/// 24 h) to seconds since midnight.
pub fn parse_time_of_day(input: &str) -> Result<u64, TimespanError> {
    let secs = parse_timespan(input)?;
    if secs >= 86_400 {
        return Err(TimespanError::NotTimeOfDay);
    }
    Ok(secs)
}

/// Formats seconds as `HH:MM:SS`, with a `d.` day prefix from 24 hours on
/// (`1.05:00:00`), the way IIS writes timespans.
pub fn format_timespan(secs: u64) -> String {
    let (d, rem) = (secs / 86_400, secs % 86_400);
    let hms = format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    if d > 0 {
        format!("{d}.{hms}")
    } else {
        hms
    }
}

/// A non-empty run of ASCII digits (no sign), without overflow.
fn number(s: &str) -> Result<u64, TimespanError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimespanError::Syntax);
    }
    s.parse().map_err(|_| TimespanError::Overflow)
}

/// Minutes or seconds: one or two digits, below 60.
fn small_field(s: &str) -> Result<u64, TimespanError> {
    if s.len() > 2 {
        return Err(if s.bytes().all(|b| b.is_ascii_digit()) {
            TimespanError::OutOfRange
        } else {
            TimespanError::Syntax
        });
    }
    let v = number(s)?;
    if v >= 60 {
        return Err(TimespanError::OutOfRange);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_forms() {
        assert_eq!(parse_timespan("00:20:00"), Ok(1200));
        assert_eq!(parse_timespan("00:01:30"), Ok(90));
        assert_eq!(parse_timespan("00:00:30"), Ok(30));
        assert_eq!(parse_timespan("1.05:00:00"), Ok(29 * 3600));
        assert_eq!(parse_timespan("29:00:00"), Ok(29 * 3600));
        assert_eq!(parse_timespan("00:00:00"), Ok(0));
        assert_eq!(parse_timespan("00:05:00"), Ok(300));
    }

    #[test]
    fn lenient_forms() {
        assert_eq!(parse_timespan("  00:01:00 "), Ok(60));
        assert_eq!(parse_timespan("1:2:3"), Ok(3723));
        assert_eq!(parse_timespan("00:20"), Ok(1200));
        assert_eq!(parse_timespan("2.00:00"), Ok(2 * 86_400));
        assert_eq!(parse_timespan("00:00:01.9999999"), Ok(1));
        assert_eq!(
            parse_timespan("10675199.02:48:05.4775807"),
            Ok(922_337_203_685)
        );
        assert_eq!(parse_timespan("100:00:00"), Ok(360_000));
    }

    #[test]
    fn rejected_forms() {
        use TimespanError::*;
        assert_eq!(parse_timespan(""), Err(Empty));
        assert_eq!(parse_timespan("   "), Err(Empty));
        assert_eq!(parse_timespan("-00:01:00"), Err(Negative));
        assert_eq!(parse_timespan("5"), Err(Syntax));
        assert_eq!(parse_timespan("abc"), Err(Syntax));
        assert_eq!(parse_timespan("00:60:00"), Err(OutOfRange));
        assert_eq!(parse_timespan("00:00:60"), Err(OutOfRange));
        assert_eq!(parse_timespan("00:000:00"), Err(OutOfRange));
        assert_eq!(parse_timespan("1.24:00:00"), Err(OutOfRange));
        assert_eq!(parse_timespan("00:00:00:00"), Err(Syntax));
        assert_eq!(parse_timespan("00:00:00."), Err(Syntax));
        assert_eq!(parse_timespan("+1:00:00"), Err(Syntax));
        assert_eq!(parse_timespan("1..00:00:00"), Err(Syntax));
        assert_eq!(parse_timespan(".00:00:00"), Err(Syntax));
        assert_eq!(parse_timespan("0x10:00:00"), Err(Syntax));
        assert_eq!(parse_timespan("١:00:00"), Err(Syntax));
        assert_eq!(parse_timespan("99999999999999999999:00:00"), Err(Overflow));
        assert_eq!(parse_timespan("999999999999999999.00:00:00"), Err(Overflow));
        assert_eq!(parse_timespan("00: 01:00"), Err(Syntax));
    }

    #[test]
    fn time_of_day() {
        assert_eq!(parse_time_of_day("03:00:00"), Ok(10_800));
        assert_eq!(parse_time_of_day("23:59:59"), Ok(86_399));
        assert_eq!(
            parse_time_of_day("24:00:00"),
            Err(TimespanError::NotTimeOfDay)
        );
        assert_eq!(
            parse_time_of_day("1.00:00:00"),
            Err(TimespanError::NotTimeOfDay)
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_timespan(0), "00:00:00");
        assert_eq!(format_timespan(90), "00:01:30");
        assert_eq!(format_timespan(10_800), "03:00:00");
        assert_eq!(format_timespan(29 * 3600), "1.05:00:00");
        assert_eq!(format_timespan(u64::MAX), "213503982334601.07:00:15");
    }
}
