//! Splitting a W3C data line into values. IIS separates values by one space (an empty
//! value between two spaces is an empty field); other writers quote values that hold
//! spaces or pad with several spaces, which are tried when the plain split does not
//! give the header's count.

use memchr::memchr_iter;

/// Splits `line` on single spaces into byte ranges.
pub fn split_fields(line: &str, out: &mut Vec<(u32, u32)>) {
    out.clear();
    let mut start = 0u32;
    for i in memchr_iter(b' ', line.as_bytes()) {
        out.push((start, i as u32));
        start = i as u32 + 1;
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
