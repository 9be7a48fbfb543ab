//! Typing of single values shared by the log readers: integers, IP addresses with zone
//! ids, site ids from `W3SVC<N>`, and the `extra` JSON object that keeps what has no
//! column of its own.

/// An IP address split from its IPv6 zone id (`fe80::1%14` → `fe80::1`, `14`).
pub fn split_zone(v: &str) -> (&str, Option<&str>) {
    // Byte loops: addresses are short, and this runs twice per log line.
    let b = v.as_bytes();
    match b.iter().rposition(|&c| c == b'%') {
        Some(i) if b[..i].contains(&b':') => (&v[..i], Some(&v[i + 1..])),
        _ => (v, None),
    }
}

/// The N of `W3SVC<N>` (case-insensitive).
pub fn w3svc_id(v: &str) -> Option<i64> {
    let b = v.as_bytes();
    if b.len() > 5 && b[..5].eq_ignore_ascii_case(b"W3SVC") {
        v[5..].parse().ok()
    } else {
        None
    }
}

/// The site id of a path with a `W3SVC<N>` folder.
pub fn site_id_from_path(path: &str) -> Option<i64> {
    path.split('/').rev().skip(1).find_map(w3svc_id)
}

/// Collects the fields of a row that have no column, or whose value did not fit its
/// column's type, into a JSON object, and the names of the latter.
#[derive(Default)]
pub struct Extra {
    json: String,
    invalid: String,
}

impl Extra {
    /// Starts a new row.
    pub fn clear(&mut self) {
        self.json.clear();
        self.invalid.clear();
    }

    /// Keeps `name = value` in the JSON object.
    pub fn keep(&mut self, name: &str, value: &str) {
        self.json.push(if self.json.is_empty() { '{' } else { ',' });
        push_json_str(&mut self.json, name);
        self.json.push(':');
        push_json_str(&mut self.json, value);
    }

    /// Records that `name`'s value could not be typed (and keeps it).
    pub fn invalid(&mut self, name: &str, value: &str) {
        self.keep(name, value);
        if !self.invalid.is_empty() {
            self.invalid.push(',');
        }
        self.invalid.push_str(name);
    }

    /// Ends the row's object; call before [`Self::json`].
    pub fn close(&mut self) {
        if !self.json.is_empty() {
            self.json.push('}');
        }
    }

    /// The JSON object, if any field was kept.
    pub fn json(&self) -> Option<&str> {
        (!self.json.is_empty()).then_some(self.json.as_str())
    }

    /// Names of fields that could not be typed.
    pub fn invalid_names(&self) -> Option<&str> {
        (!self.invalid.is_empty()).then_some(self.invalid.as_str())
    }
}

/// Appends `s` as a JSON string literal.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    // Most values need no escape at all: one pass that the compiler vectorizes.
    if s.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    // Runs of bytes that need no escape are copied whole; the escaped ones are ASCII,
    // so the slices between them stay on character boundaries.
    let mut start = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        let esc: std::borrow::Cow<'static, str> = match c {
            b'"' => "\\\"".into(),
            b'\\' => "\\\\".into(),
            b'\n' => "\\n".into(),
            b'\r' => "\\r".into(),
            b'\t' => "\\t".into(),
            c if c < 0x20 => format!("\\u{c:04x}").into(),
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(&esc);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// A value that is not a number of the column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// Parses a value of a numeric column: `Ok(None)` for an absent value, `Err` when it is
/// not a number of the type.
#[inline]
pub fn parse_num<T: std::str::FromStr>(v: Option<&str>) -> Result<Option<T>, NotANumber> {
    match v {
        None => Ok(None),
        Some(s) => s.parse::<T>().map(Some).map_err(|_| NotANumber),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_split_only_from_ipv6() {
        assert_eq!(split_zone("::1%0"), ("::1", Some("0")));
        assert_eq!(
            split_zone("2001:4898:0:fff:0:5efe:10.164.167.30%0"),
            ("2001:4898:0:fff:0:5efe:10.164.167.30", Some("0"))
        );
        assert_eq!(split_zone("10.0.0.1"), ("10.0.0.1", None));
        assert_eq!(split_zone("100%"), ("100%", None));
    }

    #[test]
    fn site_ids_from_names_and_paths() {
        assert_eq!(w3svc_id("W3SVC20"), Some(20));
        assert_eq!(w3svc_id("w3svc1"), Some(1));
        assert_eq!(w3svc_id("SITE-NAME"), None);
        assert_eq!(site_id_from_path("LogFiles/W3SVC3/u_ex240101.log"), Some(3));
        assert_eq!(site_id_from_path("W3SVC3"), None);
    }

    #[test]
    fn json_strings_round_trip() {
        for v in [
            "",
            "plain",
            "q\"b\\s",
            "tab\tnl\ncr\r\u{1}\u{1f}",
            "é€😀 \u{7f}",
            "\"\"",
        ] {
            let mut out = String::new();
            push_json_str(&mut out, v);
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, v, "{out}");
        }
    }

    #[test]
    fn extra_is_valid_json() {
        let mut e = Extra::default();
        e.keep("X-Forwarded-For", "1.2.3.4,+host");
        e.invalid("sc-status", "a\"b");
        e.close();
        let j = e.json().unwrap().to_string();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["X-Forwarded-For"], "1.2.3.4,+host");
        assert_eq!(v["sc-status"], "a\"b");
        assert_eq!(e.invalid_names(), Some("sc-status"));
    }
}
