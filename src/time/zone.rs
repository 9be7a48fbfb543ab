//! How a server's local clock maps to UTC. Owns the [`Clock`] (a fixed offset, or an
//! IANA zone with its DST rules from chrono-tz), reading `--tz` and `--utc-offset`
//! values, converting local times both ways (saying when a local time was ambiguous or
//! skipped by a DST change), and the list of clocks offset inference tries for a
//! period ([`candidates`]). Choosing among them from evidence is the caller's.

use std::collections::BTreeMap;
use std::fmt;

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{GapInfo, Tz, TZ_VARIANTS};

use super::MICROS_PER_SEC;

/// A server's clock: a fixed offset from UTC, or an IANA zone (DST-aware).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    /// Seconds east of UTC, all year.
    Fixed { offset_s: i32 },
    /// An IANA zone, with its history of offsets and DST rules.
    Zone(Tz),
}

/// How a local time mapped to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mapping {
    /// One instant has this local time.
    Exact,
    /// The repeated hour when DST ends: two instants have it; the earlier is taken.
    Ambiguous,
    /// The skipped hour when DST starts: no instant has it; it is read with the offset
    /// before the change (shifted forward by the gap).
    Skipped,
}

/// The widest offset accepted, either way (Kiribati is +14:00).
const MAX_OFFSET_S: i32 = 14 * 3600;
/// The step of the fixed candidates.
const FIXED_STEP_S: i32 = 15 * 60;
/// Seconds in a day: the sampling step when looking for offset changes.
const DAY_S: i64 = 86_400;
/// At most this many samples per zone over a period (longer periods sample coarser).
const MAX_SAMPLES: i64 = 4_000;
/// Instants are clamped to ±5000 years around 1970 (chrono's range is wider).
const LIMIT_S: i64 = 5_000 * 366 * DAY_S;

/// Names preferred, in this order, as the representative of zones that behave alike.
const WELL_KNOWN: &[&str] = &[
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/Nuuk",
    "America/St_Johns",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Santiago",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Africa/Cairo",
    "Asia/Jerusalem",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
];

impl Clock {
    /// Reads a `--tz` value: an IANA name (exact, else case-insensitive), or `UTC`.
    pub fn from_tz_name(s: &str) -> Result<Clock, String> {
        let name = s.trim();
        if name.eq_ignore_ascii_case("utc") || name.eq_ignore_ascii_case("z") {
            return Ok(Clock::Fixed { offset_s: 0 });
        }
        if let Ok(tz) = name.parse::<Tz>() {
            return Ok(Clock::Zone(tz));
        }
        if let Some(tz) = TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
        {
            return Ok(Clock::Zone(*tz));
        }
        // A city alone (`Berlin`, `new york`): suggest the zones named after it.
        let city = name.replace(' ', "_");
        let near: Vec<&str> = TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|n| {
                n.rsplit('/')
                    .next()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&city))
            })
            .take(3)
            .collect();
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", near.join(" or "))
        };
        Err(format!(
            "unknown time zone {name:?}{hint}: expected an IANA zone name such as \
             Europe/Berlin or America/New_York (DST rules included), or UTC; Windows \
             names such as \"W. Europe Standard Time\" are not accepted; for a fixed \
             offset give --utc-offset +02:00"
        ))
    }

    /// Reads a `--utc-offset` value: `+02:00`, `-05:30`, `+0200`, `-5`, `UTC`, `Z`
    /// (also `UTC+02:00`; no sign means east), within -14:00..=+14:00.
    pub fn from_offset(s: &str) -> Result<Clock, String> {
        let err = || {
            format!(
                "invalid UTC offset {:?}: expected ±hh:mm, ±hhmm or ±h within \
                 -14:00..+14:00 (e.g. +02:00, -05:30, +0530, -5), or UTC or Z",
                s.trim()
            )
        };
        let t = s.trim();
        let rest = match t.get(..3) {
            Some(p) if p.eq_ignore_ascii_case("utc") || p.eq_ignore_ascii_case("gmt") => &t[3..],
            _ => t,
        };
        if rest.is_empty() || rest.eq_ignore_ascii_case("z") {
            return if t.is_empty() {
                Err(err())
            } else {
                Ok(Clock::Fixed { offset_s: 0 })
            };
        }
        let (sign, body) = match rest.as_bytes()[0] {
            b'+' => (1, &rest[1..]),
            b'-' => (-1, &rest[1..]),
            _ => (1, rest),
        };
        let (h, m) = split_hours_minutes(body).ok_or_else(err)?;
        let offset_s = sign * (h * 3600 + m * 60);
        if m > 59 || offset_s.abs() > MAX_OFFSET_S {
            return Err(err());
        }
        Ok(Clock::Fixed { offset_s })
    }

    /// The UTC instant (microseconds since the Unix epoch) of a local time, and how it
    /// mapped.
    pub fn to_utc(&self, local: NaiveDateTime) -> (i64, Mapping) {
        let local_us = local.and_utc().timestamp_micros();
        let minus = |offset_s: i32| local_us.saturating_sub(i64::from(offset_s) * MICROS_PER_SEC);
        let tz = match self {
            Clock::Fixed { offset_s } => return (minus(*offset_s), Mapping::Exact),
            Clock::Zone(tz) => tz,
        };
        match tz.offset_from_local_datetime(&local) {
            LocalResult::Single(o) => (minus(fix(o)), Mapping::Exact),
            // The earlier instant is the one with the larger offset.
            LocalResult::Ambiguous(a, b) => (minus(fix(a).max(fix(b))), Mapping::Ambiguous),
            LocalResult::None => {
                let before = GapInfo::new(&local, tz)
                    .and_then(|gap| gap.begin)
                    .map(|(_, o)| fix(o))
                    .unwrap_or_else(|| self.offset_at(local_us - DAY_S * MICROS_PER_SEC));
                (minus(before), Mapping::Skipped)
            }
        }
    }

    /// The local time of a UTC instant (for the simulator, which writes local exports).
    pub fn to_local(&self, utc_us: i64) -> NaiveDateTime {
        let utc = utc_datetime(utc_us).naive_utc();
        let offset = TimeDelta::try_seconds(i64::from(self.offset_at(utc_us)));
        offset
            .and_then(|o| utc.checked_add_signed(o))
            .unwrap_or(utc)
    }

    /// The offset (seconds east of UTC) at a UTC instant.
    pub fn offset_at(&self, utc_us: i64) -> i32 {
        match self {
            Clock::Fixed { offset_s } => *offset_s,
            Clock::Zone(tz) => fix(tz.offset_from_utc_datetime(&utc_datetime(utc_us).naive_utc())),
        }
    }

    /// A short description for reports: `UTC+02:00`, `Asia/Kolkata (UTC+05:30)`,
    /// `Europe/Berlin (UTC+01:00/+02:00 in this period)` for the UTC period given.
    pub fn describe(&self, from_us: i64, to_us: i64) -> String {
        let tz = match self {
            Clock::Fixed { .. } => return self.to_string(),
            Clock::Zone(tz) => *tz,
        };
        let (from_s, to_s) = period_s(from_us, to_us, 0);
        let (first, changes) = changes(tz, from_s, to_s);
        let mut offsets: Vec<i32> = changes.iter().map(|c| c.1).collect();
        offsets.push(first);
        offsets.sort_unstable();
        offsets.dedup();
        let shown: Vec<String> = offsets.iter().map(|&o| offset_text(o)).collect();
        match shown.len() {
            1 => format!("{} (UTC{})", tz.name(), shown[0]),
            _ => format!("{} (UTC{} in this period)", tz.name(), shown.join("/")),
        }
    }
}

impl fmt::Display for Clock {
    /// `UTC`, `UTC+02:00`, `UTC-05:30`, or the IANA name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clock::Fixed { offset_s: 0 } => f.write_str("UTC"),
            Clock::Fixed { offset_s } => write!(f, "UTC{}", offset_text(*offset_s)),
            Clock::Zone(tz) => f.write_str(tz.name()),
        }
    }
}

/// The clocks offset inference tries for local times spanning about [from_us, to_us]
/// (UTC; padded by a day each side): every fixed offset from -12:00 to +14:00 in
/// 15-minute steps (105), then one zone for each distinct way an IANA zone's offset
/// changes inside the period (zones that map every instant alike are one; the
/// best-known name is kept; ordered by offset at the start, then changes). Zones whose
/// offset does not change there are left out: a fixed offset stands for them, unless
/// theirs is not on the 15-minute grid. Samples each zone daily and bisects to the
/// second where its offset changed.
pub fn candidates(from_us: i64, to_us: i64) -> Vec<Clock> {
    let mut out: Vec<Clock> = (-12 * 4..=14 * 4)
        .map(|q| Clock::Fixed {
            offset_s: q * FIXED_STEP_S,
        })
        .collect();
    let (from_s, to_s) = period_s(from_us, to_us, DAY_S);
    let mut groups: BTreeMap<(i32, Vec<(i64, i32)>), Tz> = BTreeMap::new();
    for &tz in TZ_VARIANTS.iter() {
        let key = changes(tz, from_s, to_s);
        let on_grid = key.0 % FIXED_STEP_S == 0 && (-12 * 3600..=MAX_OFFSET_S).contains(&key.0);
        if key.1.is_empty() && on_grid {
            continue;
        }
        let kept = groups.entry(key).or_insert(tz);
        if rank(tz.name()) < rank(kept.name()) {
            *kept = tz;
        }
    }
    out.extend(groups.into_values().map(Clock::Zone));
    out
}

/// A representative's rank: well-known first, then `Area/City` names, then legacy
/// names (`CET`, `US/Eastern`, `Etc/GMT+1`); ties by name.
fn rank(name: &str) -> (usize, bool, &str) {
    let known = WELL_KNOWN
        .iter()
        .position(|&w| w == name)
        .unwrap_or(usize::MAX);
    let legacy = [
        "Etc/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/", "SystemV/",
    ];
    let is_legacy = !name.contains('/') || legacy.iter().any(|p| name.starts_with(p));
    (known, is_legacy, name)
}

/// A zone's offset at `from_s`, and each change in (from_s, to_s]: the first second
/// (UTC) of the new offset, and the new offset.
fn changes(tz: Tz, from_s: i64, to_s: i64) -> (i32, Vec<(i64, i32)>) {
    let first = offset_at_s(tz, from_s);
    let step = ((to_s - from_s) / MAX_SAMPLES).max(DAY_S);
    let (mut out, mut t, mut off) = (Vec::new(), from_s, first);
    while t < to_s {
        let next = (t + step).min(to_s);
        let next_off = offset_at_s(tz, next);
        if next_off != off {
            // Bisect: the offset at `lo` is `off`, at `hi` it is not.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at_s(tz, mid) == off {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push((hi, offset_at_s(tz, hi)));
        }
        (t, off) = (next, next_off);
    }
    (first, out)
}

/// A period in seconds, ordered, padded and clamped.
fn period_s(from_us: i64, to_us: i64, pad_s: i64) -> (i64, i64) {
    let (a, b) = (from_us.min(to_us), from_us.max(to_us));
    let clamp = |s: i64| s.clamp(-LIMIT_S, LIMIT_S);
    (
        clamp(a.div_euclid(MICROS_PER_SEC) - pad_s),
        clamp(b.div_euclid(MICROS_PER_SEC) + pad_s),
    )
}

fn offset_at_s(tz: Tz, s: i64) -> i32 {
    Clock::Zone(tz).offset_at(s.saturating_mul(MICROS_PER_SEC))
}

/// A UTC instant as a chrono value, clamped to chrono's range.
fn utc_datetime(utc_us: i64) -> DateTime<Utc> {
    let edge = if utc_us < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    };
    DateTime::from_timestamp_micros(utc_us).unwrap_or(edge)
}

fn fix(o: impl Offset) -> i32 {
    o.fix().local_minus_utc()
}

/// `+02:00`, `-05:30`, `+00:53:28` (historical local mean times).
fn offset_text(offset_s: i32) -> String {
    let sign = if offset_s < 0 { '-' } else { '+' };
    let a = offset_s.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    match s {
        0 => format!("{sign}{h:02}:{m:02}"),
        _ => format!("{sign}{h:02}:{m:02}:{s:02}"),
    }
}

/// `hh:mm`, `h:mm`, `hhmm`, `hmm`, `hh`, `h` into hours and minutes (unchecked range).
fn split_hours_minutes(body: &str) -> Option<(i32, i32)> {
    let num = |d: &str, lens: std::ops::RangeInclusive<usize>| {
        (lens.contains(&d.len()) && d.bytes().all(|c| c.is_ascii_digit()))
            .then(|| d.parse::<i32>().ok())
            .flatten()
    };
    if let Some((h, m)) = body.split_once(':') {
        return Some((num(h, 1..=2)?, num(m, 2..=2)?));
    }
    let all = num(body, 1..=4)?;
    match body.len() {
        1 | 2 => Some((all, 0)),
        _ => Some((all / 100, all % 100)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("valid test date")
    }

    fn us(t: NaiveDateTime) -> i64 {
        t.and_utc().timestamp_micros()
    }

    fn zone(name: &str) -> Clock {
        Clock::from_tz_name(name).expect("known zone")
    }

    #[test]
    fn berlin_across_both_dst_changes() {
        let c = zone("Europe/Berlin");
        assert_eq!(c, Clock::Zone(Tz::Europe__Berlin));
        // 2024-03-31: 02:00 CET jumps to 03:00 CEST.
        let at = |t| c.to_utc(t);
        assert_eq!(
            at(dt(2024, 3, 31, 1, 59)),
            (us(dt(2024, 3, 31, 0, 59)), Mapping::Exact)
        );
        assert_eq!(
            at(dt(2024, 3, 31, 2, 30)),
            (us(dt(2024, 3, 31, 1, 30)), Mapping::Skipped)
        );
        assert_eq!(
            at(dt(2024, 3, 31, 3, 0)),
            (us(dt(2024, 3, 31, 1, 0)), Mapping::Exact)
        );
        // 2024-10-27: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        assert_eq!(
            at(dt(2024, 10, 27, 1, 59)),
            (us(dt(2024, 10, 26, 23, 59)), Mapping::Exact)
        );
        let (t, m) = at(dt(2024, 10, 27, 2, 30));
        assert_eq!((t, m), (us(dt(2024, 10, 27, 0, 30)), Mapping::Ambiguous));
        assert_eq!(
            at(dt(2024, 10, 27, 3, 0)),
            (us(dt(2024, 10, 27, 2, 0)), Mapping::Exact)
        );
        // Both ways, and the offsets.
        assert_eq!(
            c.to_local(us(dt(2024, 10, 27, 1, 30))),
            dt(2024, 10, 27, 2, 30)
        );
        assert_eq!(c.to_local(us(dt(2024, 7, 1, 10, 0))), dt(2024, 7, 1, 12, 0));
        assert_eq!(c.offset_at(us(dt(2024, 1, 1, 0, 0))), 3600);
        assert_eq!(c.offset_at(us(dt(2024, 7, 1, 0, 0))), 7200);
        let march = (us(dt(2024, 3, 1, 0, 0)), us(dt(2024, 4, 1, 0, 0)));
        assert_eq!(
            c.describe(march.0, march.1),
            "Europe/Berlin (UTC+01:00/+02:00 in this period)"
        );
        let june = us(dt(2024, 6, 1, 0, 0));
        assert_eq!(
            c.describe(june, june + 86_400_000_000),
            "Europe/Berlin (UTC+02:00)"
        );
        assert_eq!(c.to_string(), "Europe/Berlin");
    }

    #[test]
    fn new_york_kolkata_lord_howe() {
        let ny = zone("america/new_york");
        assert_eq!(
            ny.to_utc(dt(2024, 3, 10, 2, 30)),
            (us(dt(2024, 3, 10, 7, 30)), Mapping::Skipped)
        );
        assert_eq!(
            ny.to_utc(dt(2024, 11, 3, 1, 30)),
            (us(dt(2024, 11, 3, 5, 30)), Mapping::Ambiguous)
        );
        assert_eq!(
            ny.to_utc(dt(2024, 1, 15, 9, 0)),
            (us(dt(2024, 1, 15, 14, 0)), Mapping::Exact)
        );
        let kol = zone("Asia/Kolkata");
        assert_eq!(
            kol.to_utc(dt(2024, 6, 1, 12, 0)),
            (us(dt(2024, 6, 1, 6, 30)), Mapping::Exact)
        );
        assert_eq!(kol.offset_at(0), 19_800);
        assert_eq!(kol.describe(0, 1), "Asia/Kolkata (UTC+05:30)");
        // Lord Howe: +10:30, +11:00 in summer (a 30-minute DST).
        let lh = zone("Australia/Lord_Howe");
        let (t, m) = lh.to_utc(dt(2024, 4, 7, 1, 45));
        assert_eq!((t, m), (us(dt(2024, 4, 6, 14, 45)), Mapping::Ambiguous));
        let (t, m) = lh.to_utc(dt(2024, 10, 6, 2, 15));
        assert_eq!((t, m), (us(dt(2024, 10, 5, 15, 45)), Mapping::Skipped));
        assert_eq!(lh.offset_at(us(dt(2024, 7, 1, 0, 0))), 37_800);
    }

    #[test]
    fn fixed_offsets() {
        let c = Clock::from_offset("+02:00").expect("offset");
        assert_eq!(c, Clock::Fixed { offset_s: 7200 });
        assert_eq!(
            c.to_utc(dt(2024, 3, 31, 2, 30)),
            (us(dt(2024, 3, 31, 0, 30)), Mapping::Exact)
        );
        assert_eq!(
            c.to_local(us(dt(2024, 3, 31, 0, 30))),
            dt(2024, 3, 31, 2, 30)
        );
        assert_eq!(c.to_string(), "UTC+02:00");
        assert_eq!(c.describe(0, 1), "UTC+02:00");
        let ok = [
            ("-05:30", -19_800),
            ("+0200", 7200),
            ("-5", -18_000),
            ("+14:00", 50_400),
            ("-14", -50_400),
            ("UTC", 0),
            ("Z", 0),
            ("utc+01:00", 3600),
            ("GMT-3", -10_800),
            (" +0545 ", 20_700),
            ("2", 7200),
        ];
        for (s, want) in ok {
            assert_eq!(
                Clock::from_offset(s),
                Ok(Clock::Fixed { offset_s: want }),
                "{s}"
            );
        }
        let bad = [
            "",
            "+",
            "-",
            "+15:00",
            "+14:01",
            "+02:60",
            "+1:5",
            "++2",
            "abc",
            "+02:00:00",
            "+123456",
            "١",
            "+٢",
            "UTC+",
            "+2 h",
        ];
        for s in bad {
            let e = Clock::from_offset(s).expect_err(s);
            assert!(e.contains("-14:00..+14:00"), "{e}");
        }
        assert_eq!(
            Clock::from_offset("-05:30")
                .map(|c| c.to_string())
                .as_deref(),
            Ok("UTC-05:30")
        );
        assert_eq!(Clock::Fixed { offset_s: 0 }.to_string(), "UTC");
    }

    #[test]
    fn tz_names() {
        assert_eq!(Clock::from_tz_name("UTC"), Ok(Clock::Fixed { offset_s: 0 }));
        assert_eq!(
            Clock::from_tz_name(" europe/BERLIN "),
            Ok(Clock::Zone(Tz::Europe__Berlin))
        );
        assert_eq!(
            Clock::from_tz_name("Etc/GMT-2"),
            Ok(Clock::Zone(Tz::Etc__GMTMinus2))
        );
        let e = Clock::from_tz_name("Berlin").expect_err("city only");
        assert!(e.contains("did you mean Europe/Berlin?"), "{e}");
        assert!(e.contains("IANA"), "{e}");
        let e = Clock::from_tz_name("new york").expect_err("city only");
        assert!(e.contains("America/New_York"), "{e}");
        for bad in [
            "",
            "W. Europe Standard Time",
            "+02:00",
            "Mars/Olympus",
            "Éurope/Berlin",
        ] {
            assert!(Clock::from_tz_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn candidates_over_march() {
        let (from, to) = (us(dt(2024, 3, 1, 0, 0)), us(dt(2024, 3, 31, 23, 0)));
        let started = std::time::Instant::now();
        let c = candidates(from, to);
        let took = started.elapsed();
        let fixed: Vec<i32> = c
            .iter()
            .filter_map(|c| match c {
                Clock::Fixed { offset_s } => Some(*offset_s),
                Clock::Zone(_) => None,
            })
            .collect();
        assert_eq!(fixed.len(), 105);
        assert_eq!((fixed[0], fixed[104]), (-12 * 3600, 14 * 3600));
        assert!(fixed.contains(&19_800) && fixed.contains(&20_700));
        let zones: Vec<Tz> = c
            .iter()
            .filter_map(|c| match c {
                Clock::Zone(tz) => Some(*tz),
                Clock::Fixed { .. } => None,
            })
            .collect();
        // Berlin stands for Paris, Rome... (same instants, same offsets).
        assert!(zones.contains(&Tz::Europe__Berlin), "{zones:?}");
        assert!(!zones.contains(&Tz::Europe__Paris));
        assert!(zones.contains(&Tz::Europe__London));
        assert!(zones.contains(&Tz::America__New_York));
        assert!(zones.contains(&Tz::America__Chicago));
        assert!(!zones.contains(&Tz::Asia__Kolkata) && !zones.contains(&Tz::Asia__Tokyo));
        for tz in &zones {
            assert!(!Clock::Zone(*tz).describe(from, to).is_empty());
        }
        // Every zone kept changes offset in the period (or is off the 15-minute grid),
        // and no two map the period alike.
        let mut keys: Vec<_> = zones
            .iter()
            .map(|&tz| {
                changes(
                    tz,
                    from / MICROS_PER_SEC - DAY_S,
                    to / MICROS_PER_SEC + DAY_S,
                )
            })
            .collect();
        assert!(keys
            .iter()
            .all(|k| !k.1.is_empty() || k.0 % FIXED_STEP_S != 0));
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
        assert_eq!(candidates(from, to), c, "deterministic");
        assert_eq!(candidates(to, from), c, "order of the ends");
        eprintln!("candidates: {} zones in {took:?}", zones.len());
    }

    #[test]
    fn candidates_in_a_quiet_period_and_extremes() {
        let june = us(dt(2024, 6, 10, 0, 0));
        let c = candidates(june, june + 3_600_000_000);
        assert!(c.len() >= 105);
        assert!(!c.contains(&Clock::Zone(Tz::Europe__Berlin)));
        // Extreme and reversed inputs neither panic nor take long.
        for (a, b) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (0, 0)] {
            assert!(candidates(a, b).len() >= 105);
        }
        let ny = zone("America/New_York");
        for t in [i64::MIN, i64::MAX, 0] {
            let _ = ny.to_local(t);
            let _ = ny.offset_at(t);
            let _ = ny.describe(t, t.saturating_neg());
        }
        let far = NaiveDate::MAX.and_hms_opt(23, 59, 59).expect("max");
        let _ = ny.to_utc(far);
        let _ = Clock::Fixed { offset_s: -50_400 }.to_utc(far);
        let _ = ny.to_utc(NaiveDate::MIN.and_hms_opt(0, 0, 0).expect("min"));
    }
}
