//! Line reading over any byte stream with bounded memory: splits on LF (a trailing CR
//! is dropped), or on CR in a stream whose first block has CRs and no LF (old Mac line
//! ends), strips a UTF-8 byte-order mark, and reports lines longer than the limit
//! without holding them. A line's length is its bytes without the line end (LF or
//! CR LF): a line of exactly the limit is read, one byte more is too long.

use memchr::memchr;
use std::io::{self, Read};

/// Bytes of an over-long line kept for the error report.
pub const LONG_LINE_HEAD: usize = 4096;

/// Bytes looked at before the first line is split (byte-order mark, line end).
const FIRST_BLOCK: usize = 4096;

/// One line of input.
pub enum Line<'a> {
    /// A whole line, without its line end.
    Text {
        /// The bytes.
        bytes: &'a [u8],
        /// 1-based line number.
        no: u64,
        /// Byte offset of the line's start in the stream.
        offset: u64,
    },
    /// A line longer than the limit: only its head is kept.
    TooLong {
        /// The first [`LONG_LINE_HEAD`] bytes.
        head: &'a [u8],
        /// The line's full length in bytes.
        len: u64,
        /// 1-based line number.
        no: u64,
        /// Byte offset of the line's start.
        offset: u64,
    },
}

/// Splits a stream into lines.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    line_no: u64,
    /// Stream offset of `buf[0]`.
    base: u64,
    max_line: usize,
    long_head: Vec<u8>,
    first: bool,
    /// The line end: LF, or CR in a stream of CR-only line ends.
    end_byte: u8,
}

impl<R: Read> LineReader<R> {
    /// Reads `inner`; lines longer than `max_line` bytes are reported as [`Line::TooLong`].
    /// The buffer grows up to `max_line` + 2 bytes (the line and its CR LF).
    pub fn new(inner: R, max_line: usize) -> Self {
        let cap = (256 << 10).min(max_line.saturating_add(2)).max(FIRST_BLOCK);
        LineReader {
            inner,
            buf: vec![0; cap],
            start: 0,
            end: 0,
            eof: false,
            line_no: 0,
            base: 0,
            max_line,
            long_head: Vec::new(),
            first: true,
            end_byte: b'\n',
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.line_no
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.base + self.start as u64
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let new_len = (self.buf.len().saturating_mul(2))
                .min(self.max_line.saturating_add(2))
                .max(self.buf.len() + 1);
            self.buf.resize(new_len, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next line, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        loop {
            // The first block decides the line end: 4 KiB, or the whole stream.
            if self.first && (self.end - self.start >= FIRST_BLOCK || self.eof) {
                self.first = false;
                if self.buf[self.start..self.end].starts_with(b"\xEF\xBB\xBF") {
                    self.start += 3;
                }
                let block = &self.buf[self.start..self.end];
                if memchr(b'\n', block).is_none() && memchr(b'\r', block).is_some() {
                    self.end_byte = b'\r';
                }
            }
            if !self.first {
                if let Some(i) = memchr(self.end_byte, &self.buf[self.start..self.end]) {
                    let s = self.start;
                    self.start += i + 1;
                    return Ok(Some(self.whole_line(s, s + i)));
                }
                if self.eof {
                    if self.start == self.end {
                        return Ok(None);
                    }
                    let s = self.start;
                    self.start = self.end;
                    return Ok(Some(self.whole_line(s, self.end)));
                }
                // More than the limit and a CR without LF: too long whatever follows.
                if self.end - self.start > self.max_line.saturating_add(1) {
                    return self.skip_long_line().map(Some);
                }
            }
            self.fill()?;
        }
    }

    /// The line in `buf[s..e]` (its LF, if any, at `e`), checked against the limit.
    fn whole_line(&mut self, s: usize, mut e: usize) -> Line<'_> {
        self.line_no += 1;
        if e > s && self.buf[e - 1] == b'\r' {
            e -= 1;
        }
        let offset = self.base + s as u64;
        if e - s > self.max_line {
            self.long_head.clear();
            self.long_head
                .extend_from_slice(&self.buf[s..e.min(s + LONG_LINE_HEAD)]);
            return Line::TooLong {
                head: &self.long_head,
                len: (e - s) as u64,
                no: self.line_no,
                offset,
            };
        }
        Line::Text {
            bytes: &self.buf[s..e],
            no: self.line_no,
            offset,
        }
    }

    /// Consumes an over-long line up to its end, keeping only its head.
    fn skip_long_line(&mut self) -> io::Result<Line<'_>> {
        let offset = self.base + self.start as u64;
        self.long_head.clear();
        let head_end = (self.start + LONG_LINE_HEAD).min(self.end);
        self.long_head
            .extend_from_slice(&self.buf[self.start..head_end]);
        let mut len = 0u64;
        // Whether the last byte before the LF (or the end) is a CR, not counted.
        let mut cr = false;
        loop {
            if let Some(i) = memchr(self.end_byte, &self.buf[self.start..self.end]) {
                len += i as u64;
                if i > 0 {
                    cr = self.buf[self.start + i - 1] == b'\r';
                }
                self.start += i + 1;
                break;
            }
            len += (self.end - self.start) as u64;
            if self.end > self.start {
                cr = self.buf[self.end - 1] == b'\r';
            }
            self.start = self.end;
            if self.eof {
                break;
            }
            self.fill()?;
        }
        self.line_no += 1;
        Ok(Line::TooLong {
            head: &self.long_head,
            len: len - cr as u64,
            no: self.line_no,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], max: usize) -> Vec<String> {
        let mut r = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push(match l {
                Line::Text { bytes, no, .. } => format!("{no}:{}", String::from_utf8_lossy(bytes)),
                Line::TooLong { len, no, .. } => format!("{no}:long({len})"),
            });
        }
        out
    }

    #[test]
    fn splits_crlf_lf_and_a_last_line_without_end() {
        assert_eq!(collect(b"a\r\nb\nc", 100), ["1:a", "2:b", "3:c"]);
        assert_eq!(collect(b"a\n\nb\n", 100), ["1:a", "2:", "3:b"]);
        assert!(collect(b"", 100).is_empty());
    }

    #[test]
    fn strips_a_utf8_bom() {
        assert_eq!(
            collect(b"\xEF\xBB\xBF#Fields: x\n1", 100),
            ["1:#Fields: x", "2:1"]
        );
    }

    #[test]
    fn reports_over_long_lines_and_carries_on() {
        let mut input = b"ok\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10_000));
        input.extend_from_slice(b"\nafter\n");
        assert_eq!(collect(&input, 5000), ["1:ok", "2:long(10000)", "3:after"]);
    }

    #[test]
    fn cuts_at_exactly_the_limit_wherever_the_line_is() {
        for max in [1, 10, 2000, 4095, 4096, 5000, 300_000] {
            for pad in [0, 1, max / 2, 4093, 4097] {
                let mut input = vec![b'p'; pad];
                input.push(b'\n');
                for (len, end) in [
                    (max, "\r\n"),
                    (max + 1, "\n"),
                    (max, "\n"),
                    (max + 1, "\r\n"),
                ] {
                    input.extend(std::iter::repeat_n(b'x', len));
                    input.extend_from_slice(end.as_bytes());
                }
                input.extend(std::iter::repeat_n(b'y', max + 1));
                let lens: Vec<String> = collect(&input, max)
                    .into_iter()
                    .skip(1)
                    .map(|l| l.split_once(':').unwrap().1.to_string())
                    .map(|l| {
                        if l.starts_with("long") {
                            l
                        } else {
                            l.len().to_string()
                        }
                    })
                    .collect();
                let long = |n: usize| format!("long({n})");
                let want = [
                    max.to_string(),
                    long(max + 1),
                    max.to_string(),
                    long(max + 1),
                    long(max + 1),
                ];
                assert_eq!(lens, want, "max {max}, pad {pad}");
            }
        }
    }

    #[test]
    fn a_limit_near_usize_max_does_not_overflow() {
        let mut input = vec![b'x'; 1 << 20];
        input.push(b'\n');
        assert_eq!(collect(&input, usize::MAX).len(), 1);
    }

    #[test]
    fn offsets_point_at_line_starts() {
        let mut r = LineReader::new(&b"ab\r\ncd\n"[..], 100);
        let mut offs = Vec::new();
        while let Some(Line::Text { offset, .. }) = r.next_line().unwrap() {
            offs.push(offset);
        }
        assert_eq!(offs, [0, 4]);
    }
}
