//! Splitting a W3C data line into values. IIS separates values by one space (an empty
//! value between two spaces is an empty field); other writers quote values that hold
//! spaces or pad with several spaces, which are tried when the plain split does not
//! give the header's count.

use memchr::memchr_iter;

/// Splits `line` on single spaces into byte ranges.
///
/// Eight bytes at a time (SWAR): values are short (about ten bytes), so a `memchr` call
/// per space cost more in setup than it saved; this found the spaces of a 512 MB log in
/// a third of the time (`perf record`).
pub fn split_fields(line: &str, out: &mut Vec<(u32, u32)>) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    out.clear();
    let b = line.as_bytes();
    let mut start = 0u32;
    let mut at = 0usize;
    let mut words = b.chunks_exact(8);
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("chunks of 8")) ^ SPACES;
        // The high bit of each byte that was a space (exact: no carries between bytes).
        let mut hits = !(((x & LOW7) + LOW7) | x | LOW7);
        while hits != 0 {
            let i = (at + hits.trailing_zeros() as usize / 8) as u32;
            out.push((start, i));
            start = i + 1;
            hits &= hits - 1;
        }
        at += 8;
    }
    for i in memchr_iter(b' ', words.remainder()) {
        let i = (at + i) as u32;
        out.push((start, i));
        start = i + 1;
    }
    out.push((start, line.len() as u32));
}

/// Splits on runs of spaces and tabs (padded writers).
pub fn split_whitespace_runs(line: &str, out: &mut Vec<(u32, u32)>) {
    out.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let s = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        out.push((s as u32, i as u32));
    }
}

/// Splits with double-quoted values (a quote inside is doubled, `""`); the ranges keep
/// the quotes, which [`unquote`] removes.
pub fn split_quoted(line: &str, out: &mut Vec<(u32, u32)>) {
    out.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let s = i;
        if b[i] == b'"' {
            i += 1;
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == b'"' {
                    if i + 1 < b.len() && b[i + 1] == b'"' {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            // Anything glued after the closing quote belongs to the value.
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
        } else {
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
        }
        out.push((s as u32, i as u32));
    }
}

/// A quoted value without its quotes; `""` inside becomes `"`. Unquoted values are
/// returned as they are.
pub fn unquote(v: &str) -> std::borrow::Cow<'_, str> {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        let inner = &v[1..v.len() - 1];
        if inner.contains("\"\"") {
            std::borrow::Cow::Owned(inner.replace("\"\"", "\""))
        } else {
            std::borrow::Cow::Borrowed(inner)
        }
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals<'a>(line: &'a str, spans: &[(u32, u32)]) -> Vec<&'a str> {
        spans
            .iter()
            .map(|&(s, e)| &line[s as usize..e as usize])
            .collect()
    }

    #[test]
    fn the_word_splitter_finds_every_space() {
        // Every position of a space in and around the 8-byte words, and bytes that
        // differ from a space by one bit (0x21, 0x60, 0xa0 in UTF-8 text).
        let alphabet = [' ', 'a', '!', '`', '\u{a0}', '-'];
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..50 {
                let line: String = (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                let mut got = Vec::new();
                split_fields(&line, &mut got);
                let want: Vec<&str> = line.split(' ').collect();
                assert_eq!(vals(&line, &got), want, "{line:?}");
            }
        }
    }

    #[test]
    fn single_spaces_keep_empty_fields() {
        let mut v = Vec::new();
        split_fields("a  b -", &mut v);
        assert_eq!(vals("a  b -", &v), ["a", "", "b", "-"]);
    }

    #[test]
    fn quoted_values_may_hold_spaces_and_doubled_quotes() {
        let line = r#"1 "a b" """x"" y" -"#;
        let mut v = Vec::new();
        split_quoted(line, &mut v);
        let got = vals(line, &v);
        assert_eq!(got, ["1", "\"a b\"", r#""""x"" y""#, "-"]);
        assert_eq!(unquote(got[1]), "a b");
        assert_eq!(unquote(got[2]), "\"x\" y");
    }

    #[test]
    fn whitespace_runs_collapse() {
        let mut v = Vec::new();
        split_whitespace_runs("  a \t b   c ", &mut v);
        assert_eq!(vals("  a \t b   c ", &v), ["a", "b", "c"]);
    }
}
