//! Escaping of text taken from logs before it reaches the report: it must not inject
//! Markdown structure, HTML or terminal control sequences.

/// Text safe inside a Markdown paragraph or table cell: HTML specials become entities,
/// Markdown punctuation is backslash-escaped, line breaks and control characters become
/// spaces or `\xNN`.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside SVG/XML text and attribute values.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A file name made of safe characters (for chart files named after pools).
pub fn file_name(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_html_cannot_be_injected() {
        let evil = "</td><script>alert(1)</script> [click](http://x) **bold** `code`\n# heading | cell \x1b[31m";
        let safe = md(evil);
        assert!(!safe.contains('<') && !safe.contains('>'));
        assert!(!safe.contains('\n'));
        assert!(!safe.contains("[click](") && safe.contains("\\[click\\]("));
        assert!(!safe.contains("**") && !safe.contains('\x1b'));
        assert!(safe.contains("\\|"));
        assert_eq!(xml("a<b & 'c'"), "a&lt;b &amp; &apos;c&apos;");
        assert_eq!(file_name("../../etc/passwd"), "______etc_passwd");
    }
}
