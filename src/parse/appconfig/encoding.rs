//! Bounded reading of the input and detection/transcoding of its encoding: UTF-8 (BOM
//! optional) is passed through, UTF-16 LE/BE (BOM or `<?` sniffing) is transcoded to
//! UTF-8, and byte offsets in the transcoded text are mapped back to the original.

use std::io::Read;

use crate::parse::appconfig::error::{Error, LimitKind};

/// The input's encoding as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
}

/// The document as UTF-8 bytes for the XML reader, plus what is needed to report
/// offsets in the original input.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// UTF-8 bytes (unvalidated for UTF-8 input, valid for transcoded input).
    pub(crate) bytes: Vec<u8>,
    /// Encoding of the original input.
    pub(crate) source: SourceEncoding,
    /// Notes about the decoding (transcoding done, invalid sequences replaced).
    pub(crate) warnings: Vec<String>,
    /// For transcoded input: UTF-16 code units before every `STRIDE`-th UTF-8 byte.
    checkpoints: Vec<u64>,
}

/// Distance between offset checkpoints, bounding the cost of one offset lookup.
const STRIDE: usize = 256;

/// UTF-16 code units encoded by a UTF-8 byte: 1 for a lead byte, 2 for the lead of a
/// 4-byte sequence (a surrogate pair), 0 for continuation bytes.
fn utf16_units(b: u8) -> u64 {
    match b {
        0x80..=0xBF => 0,
        0xF0..=0xFF => 2,
        _ => 1,
    }
}

/// Reads at most `max_bytes` bytes; more is a [`LimitKind::MaxBytes`] error.
pub(crate) fn read_limited(reader: impl Read, max_bytes: u64) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut buf)?;
    if buf.len() as u64 > max_bytes {
        return Err(Error::LimitExceeded {
            limit: LimitKind::MaxBytes,
            max: max_bytes,
            offset: max_bytes,
        });
    }
    Ok(buf)
}

/// Detects the encoding and produces UTF-8 bytes.
pub(crate) fn decode(mut raw: Vec<u8>) -> Result<Decoded, Error> {
    if raw.starts_with(&[0, 0, 0xFE, 0xFF]) || raw.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Err(Error::UnsupportedEncoding("UTF-32 byte order mark".into()));
    }
    let (source, skip) = if raw.starts_with(&[0xEF, 0xBB, 0xBF]) {
        (SourceEncoding::Utf8Bom, 3)
    } else if raw.starts_with(&[0xFF, 0xFE]) {
        (SourceEncoding::Utf16Le { bom: true }, 2)
    } else if raw.starts_with(&[0xFE, 0xFF]) {
        (SourceEncoding::Utf16Be { bom: true }, 2)
    } else if raw.starts_with(&[b'<', 0, b'?', 0]) {
        (SourceEncoding::Utf16Le { bom: false }, 0)
    } else if raw.starts_with(&[0, b'<', 0, b'?']) {
        (SourceEncoding::Utf16Be { bom: false }, 0)
    } else {
        (SourceEncoding::Utf8, 0)
    };
    let mut warnings = Vec::new();
    let bytes = match source {
        SourceEncoding::Utf8 | SourceEncoding::Utf8Bom => {
            raw.drain(..skip);
            if let Err(e) = std::str::from_utf8(&raw) {
                warnings.push(format!(
                    "input is not valid UTF-8 (first bad byte at {}); invalid sequences \
                     in used values are replaced by U+FFFD",
                    e.valid_up_to() + skip
                ));
            }
            raw
        }
        SourceEncoding::Utf16Le { .. } | SourceEncoding::Utf16Be { .. } => {
            let le = matches!(source, SourceEncoding::Utf16Le { .. });
            transcode_utf16(&raw[skip..], le, &mut warnings).into_bytes()
        }
    };
    if let SourceEncoding::Utf16Le { bom } | SourceEncoding::Utf16Be { bom } = source {
        let name = if matches!(source, SourceEncoding::Utf16Le { .. }) {
            "UTF-16LE"
        } else {
            "UTF-16BE"
        };
        let how = if bom {
            "byte order mark"
        } else {
            "no BOM, sniffed"
        };
        warnings.insert(
            0,
            format!("input is {name} ({how}); transcoded to UTF-8 (re-encoded by a collector?)"),
        );
    }
    let checkpoints = match source {
        SourceEncoding::Utf8 | SourceEncoding::Utf8Bom => Vec::new(),
        _ => {
            let mut acc = 0u64;
            let mut cps = Vec::with_capacity(bytes.len() / STRIDE + 1);
            for chunk in bytes.chunks(STRIDE) {
                cps.push(acc);
                acc += chunk.iter().map(|&b| utf16_units(b)).sum::<u64>();
            }
            cps
        }
    };
    Ok(Decoded {
        bytes,
        source,
        warnings,
        checkpoints,
    })
}

/// UTF-16 to UTF-8; unpaired surrogates and a dangling odd byte become U+FFFD.
fn transcode_utf16(data: &[u8], le: bool, warnings: &mut Vec<String>) -> String {
    let units = data.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut out = String::with_capacity(data.len() / 2);
    let mut bad = 0usize;
    for r in char::decode_utf16(units) {
        out.push(r.unwrap_or_else(|_| {
            bad += 1;
            char::REPLACEMENT_CHARACTER
        }));
    }
    if bad > 0 {
        warnings.push(format!(
            "{bad} unpaired UTF-16 surrogate(s) replaced by U+FFFD"
        ));
    }
    if data.len() % 2 == 1 {
        out.push(char::REPLACEMENT_CHARACTER);
        warnings
            .push("UTF-16 input has an odd number of bytes; last byte replaced by U+FFFD".into());
    }
    out
}

impl Decoded {
    /// Maps a byte offset in [`Decoded::bytes`] to a byte offset in the original input.
    pub(crate) fn original_offset(&self, pos: u64) -> u64 {
        match self.source {
            SourceEncoding::Utf8 => pos,
            SourceEncoding::Utf8Bom => pos + 3,
            SourceEncoding::Utf16Le { bom } | SourceEncoding::Utf16Be { bom } => {
                let pos =
                    usize::try_from(pos).map_or(self.bytes.len(), |p| p.min(self.bytes.len()));
                let k = pos / STRIDE;
                let base = self.checkpoints.get(k).copied().unwrap_or(0);
                let from = (k * STRIDE).min(pos);
                let units: u64 = base
                    + self.bytes[from..pos]
                        .iter()
                        .map(|&b| utf16_units(b))
                        .sum::<u64>();
                units * 2 + if bom { 2 } else { 0 }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(b"<a/>".to_vec()).unwrap();
        assert_eq!(
            (d.bytes.as_slice(), d.source),
            (&b"<a/>"[..], SourceEncoding::Utf8)
        );
        assert!(d.warnings.is_empty());
        let d = decode(b"\xEF\xBB\xBF<a/>".to_vec()).unwrap();
        assert_eq!(d.bytes, b"<a/>");
        assert_eq!(d.original_offset(1), 4);
    }

    #[test]
    fn utf16_both_orders() {
        for le in [true, false] {
            for bom in [true, false] {
                let d = decode(utf16("<?xml version=\"1.0\"?><a b=\"é𝄞\"/>", le, bom)).unwrap();
                assert_eq!(
                    String::from_utf8(d.bytes.clone()).unwrap(),
                    "<?xml version=\"1.0\"?><a b=\"é𝄞\"/>"
                );
                assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
                // "<?xml version=\"1.0\"?>" is 21 chars; offset 21 in UTF-8 = unit 21.
                assert_eq!(d.original_offset(21), 42 + if bom { 2 } else { 0 });
            }
        }
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let d = decode(utf16("𝄞<", true, true)).unwrap();
        // UTF-8: 4 bytes for U+1D11E, then '<' at 4; UTF-16: BOM 2 + pair 4 = 6.
        assert_eq!(d.original_offset(4), 6);
    }

    #[test]
    fn utf16_offsets_across_checkpoints() {
        let text = "aé𝄞€".repeat(300);
        let d = decode(utf16(&text, false, true)).unwrap();
        for (i, _) in text.char_indices().step_by(7) {
            let want = 2 + 2 * text[..i].encode_utf16().count() as u64;
            assert_eq!(d.original_offset(i as u64), want, "at {i}");
        }
        let end = d.bytes.len() as u64;
        assert_eq!(
            d.original_offset(end + 100),
            2 + 2 * text.encode_utf16().count() as u64
        );
    }

    #[test]
    fn broken_utf16_is_replaced_not_fatal() {
        let mut raw = vec![0xFF, 0xFE, 0x00, 0xD8, b'<', 0];
        raw.push(b'x');
        let d = decode(raw).unwrap();
        assert_eq!(String::from_utf8(d.bytes).unwrap(), "\u{FFFD}<\u{FFFD}");
        assert_eq!(d.warnings.len(), 3);
    }

    #[test]
    fn utf32_is_rejected_and_size_is_bounded() {
        assert!(matches!(
            decode(vec![0xFF, 0xFE, 0, 0, b'<', 0, 0, 0]),
            Err(Error::UnsupportedEncoding(_))
        ));
        assert!(read_limited(&b"12345"[..], 5).is_ok());
        assert!(matches!(
            read_limited(&b"123456"[..], 5),
            Err(Error::LimitExceeded {
                limit: LimitKind::MaxBytes,
                ..
            })
        ));
    }
}
