//! Local date-times as text exports write them: Event Viewer CSV/text, PowerShell
//! `Export-Csv`, collector scripts. Owns reading one such string in a given day/month
//! order (`10/7/2016 06:38:24 PM`, `07.10.2016 18:38:24`, `2009-03-20 11:12:09`,
//! `2021-12-25T07:33:18.1520000Z`) and choosing the order that reads a file's samples.
//! It does not decide the UTC offset: that is [`super::zone`]'s and the caller's.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Which of day and month comes first in a numeric date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// `M/D/Y` (en-US).
    MonthFirst,
    /// `D/M/Y`, `D.M.Y` (en-GB, de-DE, fr-FR, ...).
    DayFirst,
    /// `Y/M/D` with a 2-digit year (a 4-digit first field is always read as the year).
    YearFirst,
}

/// A date-time as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Written {
    /// The wall-clock value as written (in the offset of `utc_offset_s` when that is set).
    pub local: NaiveDateTime,
    /// Seconds east of UTC when the text carried `Z` or an offset, else None.
    pub utc_offset_s: Option<i32>,
    /// 60 when the text had no seconds, else 1 (fractions are kept in `local`).
    pub resolution_s: u32,
}

impl Written {
    /// The UTC instant in microseconds since the Unix epoch, when the text carried its
    /// own offset.
    pub fn utc_us(&self) -> Option<i64> {
        let off = chrono::TimeDelta::try_seconds(i64::from(self.utc_offset_s?))?;
        let utc = self.local.checked_sub_signed(off)?;
        Some(utc.and_utc().timestamp_micros())
    }
}

/// An XML `SystemTime` of an export (`2021-04-01T09:25:03.0246158Z`, or with an offset):
/// UTC microseconds; a time without zone is taken as UTC, as Windows writes it.
pub fn system_time_us(s: &str) -> Option<i64> {
    let w = parse(s, DateOrder::YearFirst)?;
    match w.utc_offset_s {
        Some(_) => w.utc_us(),
        None => Some(w.local.and_utc().timestamp_micros()),
    }
}

/// What a string looked like, for [`detect_order`]'s hints.
#[derive(Debug, Clone, Copy)]
struct Shape {
    sep: u8,
    year_first: bool,
    marker: bool,
}

/// Longest string considered a date-time; anything longer is not one.
const MAX_LEN: usize = 64;

/// Reads one date-time with the given order. ISO forms
/// `YYYY-MM-DD[T ]hh:mm[:ss[.f+]][Z|±hh:mm]` (and any date whose first field has 4
/// digits) read year first regardless of `order`. Accepts date separators `/ . -`,
/// 1- or 2-digit day, month and hour, 2- or 4-digit years (2-digit: `< 70` is 20xx,
/// else 19xx), optional seconds and fraction (`.` or `,`, up to 9 digits), an optional
/// AM/PM marker (`AM`, `pm`, `a.m.`, `p. m.`; 12 AM is 00:00) and an optional `Z` or
/// offset. Ignores bidi marks (U+200E...) and reads U+00A0/U+202F as spaces. Returns
/// None for anything else.
pub fn parse(s: &str, order: DateOrder) -> Option<Written> {
    read(s, order).map(|(w, _)| w)
}

/// The order that reads every sample, and whether the samples decided it. Decided:
/// YearFirst when every date starts with a 4-digit year; else the one of DayFirst and
/// MonthFirst that reads every sample when the other does not (a first field > 12, or
/// a second field > 12); else YearFirst if only a 2-digit year first reads them. Not
/// decided (all fields <= 12, or no sample read): a hint from the first readable
/// sample: `.` or `-` dates are DayFirst (de-DE and most dotted locales), `/` with
/// or without AM/PM is MonthFirst (en-US, and Event Viewer's 24-hour tab export); no
/// readable sample: MonthFirst.
pub fn detect_order<'a>(samples: impl IntoIterator<Item = &'a str>) -> (DateOrder, bool) {
    let orders = [
        DateOrder::DayFirst,
        DateOrder::MonthFirst,
        DateOrder::YearFirst,
    ];
    let mut reads = [0usize; 3];
    let (mut total, mut all_year_first, mut first_shape) = (0usize, true, None);
    for s in samples {
        let got: Vec<Option<Shape>> = orders.iter().map(|&o| read(s, o).map(|r| r.1)).collect();
        let Some(shape) = got.iter().flatten().next().copied() else {
            continue;
        };
        total += 1;
        all_year_first &= shape.year_first;
        first_shape.get_or_insert(shape);
        for (n, g) in reads.iter_mut().zip(&got) {
            *n += usize::from(g.is_some());
        }
    }
    let Some(shape) = first_shape else {
        return (DateOrder::MonthFirst, false);
    };
    if all_year_first {
        return (DateOrder::YearFirst, true);
    }
    let all = |i: usize| reads[i] == total;
    match (all(0), all(1)) {
        (true, false) => return (DateOrder::DayFirst, true),
        (false, true) => return (DateOrder::MonthFirst, true),
        (false, false) if all(2) => return (DateOrder::YearFirst, true),
        (false, false) => {
            // No order reads every sample: the one that reads most, not decided.
            let best = if reads[1] > reads[0] { 1 } else { 0 };
            return (orders[best], false);
        }
        (true, true) => {}
    }
    // `/` is en-US first (the real Event Viewer tab export writes `1/16/2011 11:43`,
    // month first, 24-hour): the caller tries the other order against the evidence.
    let hint = if shape.sep == b'/' {
        DateOrder::MonthFirst
    } else {
        DateOrder::DayFirst
    };
    (hint, false)
}

/// [`parse`], also telling the shape of the string.
fn read(s: &str, order: DateOrder) -> Option<(Written, Shape)> {
    let b = normalize(s)?;
    let mut c = Cursor { b: &b, i: 0 };
    let (date, mut shape) = read_date(&mut c, order)?;
    // Date and time: `T`, or spaces, optionally after a comma.
    if !c.eat(b'T') {
        let comma = c.eat(b',');
        if c.spaces() == 0 && !comma {
            return None;
        }
    }
    let (h, mi, sec, nanos) = read_clock(&mut c)?;
    c.spaces();
    let marker = read_marker(&mut c);
    shape.marker = marker.is_some();
    let h = match marker {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(pm) => h % 12 + if pm { 12 } else { 0 },
    };
    c.spaces();
    let utc_offset_s = read_offset(&mut c)?;
    if c.i != b.len() {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(h, mi, sec.unwrap_or(0), nanos)?;
    let written = Written {
        local: date.and_time(time),
        utc_offset_s,
        resolution_s: if sec.is_some() { 1 } else { 60 },
    };
    Some((written, shape))
}

/// The string as trimmed ASCII: bidi and BOM marks dropped, no-break spaces and tabs
/// as spaces; None if any other non-ASCII character or too long.
fn normalize(s: &str) -> Option<Vec<u8>> {
    if s.len() > MAX_LEN * 4 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            '\u{FEFF}' => {}
            '\t' | '\u{00A0}' | '\u{202F}' | '\u{2007}' => out.push(b' '),
            c if c.is_ascii() => out.push(c as u8),
            _ => return None,
        }
    }
    let start = out.iter().position(|&c| c != b' ')?;
    let end = out.iter().rposition(|&c| c != b' ')? + 1;
    let out = out.get(start..end)?.to_vec();
    (out.len() <= MAX_LEN).then_some(out)
}

/// The date: three numeric fields with one separator (`/`, `.` or `-`).
fn read_date(c: &mut Cursor, order: DateOrder) -> Option<(NaiveDate, Shape)> {
    let (f1, l1) = c.number(1, 4)?;
    let sep = c.peek().filter(|s| matches!(s, b'/' | b'.' | b'-'))?;
    c.i += 1;
    let (f2, l2) = c.number(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let (f3, l3) = c.number(1, 4)?;
    let year_first = l1 == 4;
    let ((y, ly), m, (d, ld)) = match (year_first, order) {
        (true, _) | (false, DateOrder::YearFirst) => ((f1, l1), f2, (f3, l3)),
        (false, DateOrder::MonthFirst) => ((f3, l3), f1, (f2, l2)),
        (false, DateOrder::DayFirst) => ((f3, l3), f2, (f1, l1)),
    };
    if !(ly == 2 || ly == 4) || ld > 2 {
        return None;
    }
    let y = match (ly, y) {
        (2, y) if y < 70 => 2000 + y,
        (2, y) => 1900 + y,
        (_, y) => y,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let shape = Shape {
        sep,
        year_first,
        marker: false,
    };
    Some((date, shape))
}

/// `h:mm[:ss[.f]]`: hour, minute, seconds if written, nanoseconds.
fn read_clock(c: &mut Cursor) -> Option<(u32, u32, Option<u32>, u32)> {
    let (h, _) = c.number(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let (mi, _) = c.number(2, 2)?;
    if !c.eat(b':') {
        return Some((h, mi, None, 0));
    }
    let (sec, _) = c.number(2, 2)?;
    let mut nanos = 0;
    if c.peek().is_some_and(|p| p == b'.' || p == b',')
        && c.b.get(c.i + 1).is_some_and(u8::is_ascii_digit)
    {
        c.i += 1;
        let (f, len) = c.number(1, 9)?;
        nanos = f * 10u32.pow(9 - len as u32);
    }
    Some((h, mi, Some(sec), nanos))
}

/// An AM/PM marker: `AM`, `pm`, `a.m.`, `P. M.`; Some(true) for PM.
fn read_marker(c: &mut Cursor) -> Option<bool> {
    let pm = match c.peek()?.to_ascii_lowercase() {
        b'a' => false,
        b'p' => true,
        _ => return None,
    };
    let start = c.i;
    c.i += 1;
    c.eat(b'.');
    c.spaces();
    if !c.peek().is_some_and(|m| m.eq_ignore_ascii_case(&b'm')) {
        c.i = start;
        return None;
    }
    c.i += 1;
    c.eat(b'.');
    Some(pm)
}

/// An optional `Z` or `±hh[:mm]`/`±hhmm`: Ok-like Some(None) when absent, None when
/// malformed.
fn read_offset(c: &mut Cursor) -> Option<Option<i32>> {
    let sign = match c.peek() {
        None => return Some(None),
        Some(b'Z' | b'z') => {
            c.i += 1;
            return Some(Some(0));
        }
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => return None,
    };
    c.i += 1;
    let (h, mi) = match c.number(1, 4)? {
        (hhmm, 4) => (hhmm / 100, hhmm % 100),
        (h, 1 | 2) if c.eat(b':') => (h, c.number(2, 2)?.0),
        (h, 1 | 2) => (h, 0),
        _ => return None,
    };
    if h > 14 || mi > 59 || h * 60 + mi > 14 * 60 {
        return None;
    }
    Some(Some(sign * (h * 3600 + mi * 60) as i32))
}

/// A position in the normalized bytes.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, want: u8) -> bool {
        let hit = self.peek() == Some(want);
        self.i += usize::from(hit);
        hit
    }

    fn spaces(&mut self) -> usize {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - start
    }

    /// A run of digits whose length is within `min..=max`: its value and length.
    fn number(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let start = self.i;
        let mut v = 0u32;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if self.i - start == max {
                return None;
            }
            v = v * 10 + u32::from(d - b'0');
            self.i += 1;
        }
        let len = self.i - start;
        (len >= min).then_some((v, len))
    }
}

#[cfg(test)]
mod tests {
    use super::DateOrder::{DayFirst, MonthFirst, YearFirst};
    use super::*;
    use chrono::Timelike;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, s))
            .expect("valid test date")
    }

    fn local(s: &str, order: DateOrder) -> Option<NaiveDateTime> {
        parse(s, order).map(|w| w.local)
    }

    #[test]
    fn reads_the_export_forms() {
        let w = parse("10/7/2016 06:38:24 PM", MonthFirst).expect("en-US");
        assert_eq!(w.local, dt(2016, 10, 7, 18, 38, 24));
        assert_eq!((w.utc_offset_s, w.resolution_s), (None, 1));
        let w = parse("1/16/2011 11:43", MonthFirst).expect("en-US short");
        assert_eq!((w.local, w.resolution_s), (dt(2011, 1, 16, 11, 43, 0), 60));
        let de = dt(2016, 10, 7, 18, 38, 24);
        assert_eq!(local("07.10.2016 18:38:24", DayFirst), Some(de));
        let iso = Some(dt(2009, 3, 20, 11, 12, 9));
        for order in [MonthFirst, DayFirst, YearFirst] {
            assert_eq!(local("2009-03-20 11:12:09", order), iso);
        }
        assert_eq!(
            local("16/01/2011 11:43:02", DayFirst),
            Some(dt(2011, 1, 16, 11, 43, 2))
        );
        assert_eq!(local("16/01/2011 11:43:02", MonthFirst), None);
        assert_eq!(
            local("3/13/2020 3:09:10 PM", MonthFirst),
            Some(dt(2020, 3, 13, 15, 9, 10))
        );
        assert_eq!(
            local("2016/10/07 18:38:24", MonthFirst),
            Some(dt(2016, 10, 7, 18, 38, 24))
        );
    }

    #[test]
    fn reads_utc_and_offsets() {
        let w = parse("2021-12-25T07:33:18.1520000Z", DayFirst).expect("wevtutil");
        assert_eq!(w.utc_offset_s, Some(0));
        assert_eq!(w.local.and_utc().timestamp_subsec_micros(), 152_000);
        assert_eq!(w.utc_us(), Some(w.local.and_utc().timestamp_micros()));
        let w = parse("2024-03-31T08:00:00+05:30", MonthFirst).expect("offset");
        assert_eq!(w.utc_offset_s, Some(5 * 3600 + 1800));
        assert_eq!(
            w.utc_us(),
            Some(dt(2024, 3, 31, 2, 30, 0).and_utc().timestamp_micros())
        );
        assert_eq!(
            parse("2024-03-31 08:00 -0500", DayFirst).and_then(|w| w.utc_offset_s),
            Some(-5 * 3600)
        );
        assert_eq!(
            parse("2018-06-18T18:24:33.746872100Z", DayFirst).map(|w| w.local.nanosecond()),
            Some(746_872_100)
        );
        assert_eq!(parse("2024-03-31T08:00:00+15:00", DayFirst), None);
        assert_eq!(parse("2024-03-31T08:00:00+05:", DayFirst), None);
        assert_eq!(parse("2024-03-31T08:00:00Zulu", DayFirst), None);
        assert_eq!(parse("2024-03-31T08:00:00.Z", DayFirst), None);
        assert_eq!(parse("2024-03-31T08:00:00.1234567890Z", DayFirst), None);
    }

    #[test]
    fn twelve_am_and_pm() {
        let at = |s| local(s, MonthFirst).map(|t| t.time().format("%H:%M").to_string());
        assert_eq!(at("1/1/2020 12:00 AM").as_deref(), Some("00:00"));
        assert_eq!(at("1/1/2020 12:59:59 AM").as_deref(), Some("00:59"));
        assert_eq!(at("1/1/2020 12:00 PM").as_deref(), Some("12:00"));
        assert_eq!(at("1/1/2020 11:59 PM").as_deref(), Some("23:59"));
        assert_eq!(at("1/1/2020 1:00 a.m.").as_deref(), Some("01:00"));
        assert_eq!(at("1/1/2020 1:00 p. m.").as_deref(), Some("13:00"));
        assert_eq!(at("1/1/2020 1:00pm").as_deref(), Some("13:00"));
        assert_eq!(at("1/1/2020 1:00\u{202F}PM").as_deref(), Some("13:00"));
        assert_eq!(at("1/1/2020 13:00 PM"), None);
        assert_eq!(at("1/1/2020 0:00 AM"), None);
        assert_eq!(at("1/1/2020 1:00 XM"), None);
        assert_eq!(at("1/1/2020 1:00 A"), None);
    }

    #[test]
    fn two_digit_years_fractions_and_separators() {
        assert_eq!(
            local("10/7/16 6:38 PM", MonthFirst),
            Some(dt(2016, 10, 7, 18, 38, 0))
        );
        assert_eq!(
            local("31-12-69 23:00", DayFirst),
            Some(dt(2069, 12, 31, 23, 0, 0))
        );
        assert_eq!(
            local("01.01.70 00:00:00", DayFirst),
            Some(dt(1970, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            local("16/10/07 01:02:03", YearFirst),
            Some(dt(2016, 10, 7, 1, 2, 3))
        );
        let w = parse("07.10.2016 18:38:24,5", DayFirst).expect("comma fraction");
        assert_eq!(w.local.and_utc().timestamp_subsec_micros(), 500_000);
        assert_eq!(w.resolution_s, 1);
        assert_eq!(
            local("10/7/2016, 6:38:24 PM", MonthFirst),
            Some(dt(2016, 10, 7, 18, 38, 24))
        );
        assert_eq!(
            local("\u{200E}10/\u{200E}7/\u{200E}2016 6:38:24 PM\t", MonthFirst),
            Some(dt(2016, 10, 7, 18, 38, 24))
        );
        assert_eq!(local("10/7.2016 6:38 PM", MonthFirst), None);
        assert_eq!(local("10/7/216 6:38 PM", MonthFirst), None);
        assert_eq!(
            local("10/7/2016T6:38", MonthFirst),
            Some(dt(2016, 10, 7, 6, 38, 0))
        );
    }

    #[test]
    fn rejects_anything_else() {
        let bad = [
            "",
            "   ",
            "garbage",
            "10/7/2016",
            "18:38:24",
            "2016-10-07",
            "2016-10-0718:38",
            "2/30/2016 10:00",
            "13/13/2016 10:00",
            "10/7/2016 24:00",
            "10/7/2016 23:60",
            "10/7/2016 23:59:60",
            "10/7/2016 6:38:24 PM extra",
            "99999999999/1/2016 10:00",
            "1/1/99999999999 10:00",
            "1/1/2016 99999999999:00",
            "1/1/2016 10:00:00.99999999999999999999",
            "07.10.2016 18:38:24 午後",
            "午後 07.10.2016 18:38:24",
            "１/１/２０１６ 10:00",
            "1/1/2016 10:0",
            "1/1/2016 100:00",
            "0/1/2016 10:00",
            "1/0/2016 10:00",
            "-1/1/2016 10:00",
            "+",
            "Z",
        ];
        for s in bad {
            for order in [MonthFirst, DayFirst, YearFirst] {
                assert_eq!(parse(s, order), None, "{s:?} {order:?}");
            }
        }
        let long = "1".repeat(10_000);
        assert_eq!(parse(&long, DayFirst), None);
        assert_eq!(parse(&"é".repeat(1000), DayFirst), None);
    }

    #[test]
    fn never_panics_on_prefixes() {
        let s = "\u{200E}2021-12-25T07:33:18.1520000+05:30 p.m.\u{202F}é";
        for (i, _) in s.char_indices() {
            for order in [MonthFirst, DayFirst, YearFirst] {
                let _ = parse(&s[..i], order);
                let _ = parse(&s[i..], order);
            }
        }
    }

    #[test]
    fn detects_the_order() {
        let us = ["10/7/2016 06:38:24 PM", "10/13/2016 01:00:00 AM"];
        assert_eq!(detect_order(us), (MonthFirst, true));
        let gb = ["10/7/2016 18:38:24", "13/10/2016 01:00:00"];
        assert_eq!(detect_order(gb), (DayFirst, true));
        let iso = ["2009-03-20 11:12:09", "2021-12-25T07:33:18.1520000Z"];
        assert_eq!(detect_order(iso), (YearFirst, true));
        assert_eq!(detect_order(["45/10/31 01:02"]), (YearFirst, true));
        assert_eq!(detect_order(["16/10/31 01:02"]), (DayFirst, true));
        // Undecided: hints.
        assert_eq!(detect_order(["07.10.2016 18:38:24"]), (DayFirst, false));
        assert_eq!(detect_order(["3/1/2020 3:09:10 PM"]), (MonthFirst, false));
        assert_eq!(detect_order(["3/1/2020 15:09:10"]), (MonthFirst, false));
        assert_eq!(detect_order(["garbage", ""]), (MonthFirst, false));
        assert_eq!(detect_order(std::iter::empty()), (MonthFirst, false));
        // Garbage among the samples is ignored.
        let mixed = ["junk", "1/2/2020 10:00", "1/25/2020 10:00"];
        assert_eq!(detect_order(mixed), (MonthFirst, true));
        // Contradictory samples: the order that reads most, not decided.
        let both = ["25/1/2020 10:00", "1/25/2020 10:00", "26/1/2020 10:00"];
        assert_eq!(detect_order(both), (DayFirst, false));
    }
}
