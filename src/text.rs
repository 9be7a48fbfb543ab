//! Text helpers shared by every stage: lossy decoding, names safe to print, and
//! escaping for the terminal.

use std::borrow::Cow;

/// A path or name from the input made safe to print and to use as a key: backslashes
/// become `/`, control characters (terminal escapes included) become `\xNN`.
pub fn display_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push('/'),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A name stored as bytes (a file name on disk, a zip member's raw name) as
/// [`display_name`] shows it, with each byte that is not UTF-8 written `\xNN`: two names
/// that differ only there stay two names (a lossy decoding made both `\u{fffd}`).
pub fn name_from_bytes(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        out.push_str(&display_name(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Text from the input made safe for a terminal: control characters are shown as
/// `\xNN` instead of being sent raw.
pub fn terminal_safe(raw: &str) -> Cow<'_, str> {
    if raw.chars().any(|c| c.is_control() && c != '\n') {
        Cow::Owned(
            raw.chars()
                .map(|c| {
                    if c.is_control() && c != '\n' {
                        format!("\\x{:02x}", c as u32)
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    }
}

/// Bytes as UTF-8, replacing invalid sequences with U+FFFD; tells whether it did.
pub fn lossy(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_neutralizes_escapes_and_backslashes() {
        assert_eq!(display_name("a\\b\x1b[31m.log"), "a/b\\x1b[31m.log");
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("abc", 5), "abc");
    }

    #[test]
    fn lossy_flags_invalid_utf8() {
        let (s, bad) = lossy(b"a\xffb");
        assert!(bad);
        assert_eq!(s, "a\u{fffd}b");
        assert!(!lossy(b"ok").1);
    }
}
