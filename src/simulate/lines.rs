//! Fast formatting of log lines: dates and times from microseconds (cached per
//! second), integers without allocation, the W3C header block IIS writes.

use crate::time::{civil_from_days, MICROS_PER_SEC};

/// Formats `YYYY-MM-DD HH:MM:SS`, caching the last second.
#[derive(Default)]
pub struct Stamp {
    sec: i64,
    text: [u8; 19],
    valid: bool,
}

impl Stamp {
    /// The text of the second `micros` falls in.
    pub fn get(&mut self, micros: i64) -> &[u8; 19] {
        let sec = micros.div_euclid(MICROS_PER_SEC);
        if !self.valid || sec != self.sec {
            let day = sec.div_euclid(86_400);
            let s = sec.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(day);
            let t = format!(
                "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            self.text.copy_from_slice(t.as_bytes());
            self.sec = sec;
            self.valid = true;
        }
        &self.text
    }
}

/// Appends an integer.
#[inline]
pub fn int(out: &mut Vec<u8>, v: impl itoa::Integer) {
    let mut b = itoa::Buffer::new();
    out.extend_from_slice(b.format(v).as_bytes());
}

/// Appends a value, or `-` when empty.
#[inline]
pub fn val(out: &mut Vec<u8>, v: &str) {
    if v.is_empty() {
        out.push(b'-');
    } else {
        out.extend_from_slice(v.as_bytes());
    }
}

/// The directive block IIS and HTTP.sys write at the top of a file and after each
/// service restart.
pub fn header(out: &mut Vec<u8>, software: &str, date_micros: i64, fields: &str) {
    let mut stamp = Stamp::default();
    out.extend_from_slice(b"#Software: ");
    out.extend_from_slice(software.as_bytes());
    out.extend_from_slice(b"\r\n#Version: 1.0\r\n#Date: ");
    out.extend_from_slice(stamp.get(date_micros));
    out.extend_from_slice(b"\r\n#Fields: ");
    out.extend_from_slice(fields.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// `yymmdd` of a day, for `u_exYYMMDD.log`.
pub fn yymmdd(micros: i64) -> String {
    let (y, m, d) = civil_from_days(micros.div_euclid(crate::time::MICROS_PER_DAY));
    format!("{:02}{m:02}{d:02}", y % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_and_headers() {
        let mut s = Stamp::default();
        let t = crate::time::parse_rfc3339("2024-03-04T05:06:07.890Z").unwrap();
        assert_eq!(s.get(t), b"2024-03-04 05:06:07");
        let mut out = Vec::new();
        header(&mut out, "Microsoft HTTP API 2.0", t, "date time");
        assert_eq!(String::from_utf8(out).unwrap(), "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: 2024-03-04 05:06:07\r\n#Fields: date time\r\n");
        assert_eq!(yymmdd(t), "240304");
    }
}
