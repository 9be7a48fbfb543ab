//! UTF-16 text (some collectors re-encode logs): detection and a streaming transcoder to
//! UTF-8, so the text readers only ever see UTF-8.

use std::io::{self, Read};

/// Byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    /// Little endian (Windows' default).
    Le,
    /// Big endian.
    Be,
}

/// Detects UTF-16 by its byte-order mark, or by the zero bytes ASCII text has in every
/// other position.
pub fn detect(head: &[u8]) -> Option<Utf16> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(Utf16::Le);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(Utf16::Be);
    }
    let n = head.len().min(1024) & !1;
    if n < 16 {
        return None;
    }
    let pairs = n / 2;
    let zeros_odd = head[..n]
        .chunks(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    let zeros_even = head[..n]
        .chunks(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    if zeros_odd * 10 >= pairs * 9 {
        Some(Utf16::Le)
    } else if zeros_even * 10 >= pairs * 9 {
        Some(Utf16::Be)
    } else {
        None
    }
}

/// Decodes a UTF-16 byte slice to UTF-8 (lossy), skipping a BOM; for sniffing heads.
pub fn decode_lossy(bytes: &[u8], order: Utf16) -> String {
    let mut r = Utf16Reader::new(bytes, order);
    let mut out = Vec::new();
    let _ = r.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A reader that turns UTF-16 input into UTF-8 output.
pub struct Utf16Reader<R> {
    inner: R,
    order: Utf16,
    raw: Vec<u8>,
    raw_len: usize,
    out: Vec<u8>,
    out_pos: usize,
    pending_high: Option<u16>,
    started: bool,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    /// Decodes `inner` with the given byte order.
    pub fn new(inner: R, order: Utf16) -> Self {
        Utf16Reader {
            inner,
            order,
            raw: vec![0; 64 << 10],
            raw_len: 0,
            out: Vec::with_capacity(96 << 10),
            out_pos: 0,
            pending_high: None,
            started: false,
            eof: false,
        }
    }

    fn push_char(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() && !self.eof {
            let n = self.inner.read(&mut self.raw[self.raw_len..])?;
            if n == 0 {
                self.eof = true;
            }
            self.raw_len += n;
            let usable = self.raw_len & !1;
            let mut i = 0;
            while i < usable {
                let unit = match self.order {
                    Utf16::Le => u16::from_le_bytes([self.raw[i], self.raw[i + 1]]),
                    Utf16::Be => u16::from_be_bytes([self.raw[i], self.raw[i + 1]]),
                };
                i += 2;
                if !self.started {
                    self.started = true;
                    if unit == 0xFEFF {
                        continue;
                    }
                }
                match (self.pending_high.take(), unit) {
                    (Some(h), 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + (((h as u32) - 0xD800) << 10) + (unit as u32 - 0xDC00);
                        self.push_char(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    }
                    (prev, 0xD800..=0xDBFF) => {
                        if prev.is_some() {
                            self.push_char('\u{FFFD}');
                        }
                        self.pending_high = Some(unit);
                    }
                    (prev, u) => {
                        if prev.is_some() {
                            self.push_char('\u{FFFD}');
                        }
                        match u {
                            0xDC00..=0xDFFF => self.push_char('\u{FFFD}'),
                            u => self.push_char(char::from_u32(u as u32).unwrap_or('\u{FFFD}')),
                        }
                    }
                }
            }
            self.raw.copy_within(i..self.raw_len, 0);
            self.raw_len -= i;
            if self.eof && (self.raw_len > 0 || self.pending_high.is_some()) {
                self.raw_len = 0;
                self.pending_high = None;
                self.push_char('\u{FFFD}');
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.out.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn detects_and_decodes_utf16le_with_and_without_bom() {
        let text = "#Software: Microsoft HTTP API 2.0\r\n#Fields: date time é 😀\r\n";
        for bom in [true, false] {
            let b = utf16le(text, bom);
            assert_eq!(detect(&b), Some(Utf16::Le));
            assert_eq!(decode_lossy(&b, Utf16::Le), text);
        }
        assert_eq!(detect(b"#Software: Microsoft HTTP API 2.0"), None);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let b = [0x00, 0xD8, 0x41, 0x00];
        assert_eq!(decode_lossy(&b, Utf16::Le), "\u{FFFD}A");
    }
}
