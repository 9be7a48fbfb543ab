//! Reading a template: its pieces, [`render`] (insertion strings into a message) and
//! [`recover`] (a rendered message back into its insertion strings). Matching rules are
//! in the parent module's documentation.

/// One piece of a template: literal text or insert `%n`.
pub(super) enum Piece<'a> {
    Text(&'a str),
    Insert(usize),
}

/// The pieces of a template, in order: inserts `%1` to `%99` as FormatMessage reads
/// them (`%` not followed by a digit is literal text).
pub(super) fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let (bytes, mut start, mut i) = (template.as_bytes(), 0, 0);
    while i < bytes.len() {
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .take(2)
            .count();
        if bytes[i] != b'%' || digits == 0 {
            i += 1;
            continue;
        }
        if start < i {
            out.push(Piece::Text(&template[start..i]));
        }
        let n = template[i + 1..i + 1 + digits].parse().unwrap_or(0);
        out.push(Piece::Insert(n));
        i += 1 + digits;
        start = i;
    }
    if start < template.len() {
        out.push(Piece::Text(&template[start..]));
    }
    out
}

/// The template with %n replaced by values[n-1] (missing values render as empty).
pub fn render(template: &str, values: &[&str]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.len()).sum::<usize>());
    for piece in pieces(template) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Insert(n) => out.push_str(
                n.checked_sub(1)
                    .and_then(|i| values.get(i))
                    .copied()
                    .unwrap_or(""),
            ),
        }
    }
    out
}

/// A text with its whitespace runs folded to one space and its ends trimmed, and for
/// every byte of it, the offset of the byte of the original it stands for.
struct Folded {
    text: String,
    origin: Vec<u32>,
}

const NBSP: &str = "&nbsp;";

fn fold(s: &str) -> Folded {
    let bytes = s.as_bytes();
    let mut f = Folded {
        text: String::with_capacity(s.len()),
        origin: Vec::with_capacity(s.len()),
    };
    let special = |b: u8| b.is_ascii_whitespace() || b == b'&' || !b.is_ascii();
    let mut i = 0;
    while i < bytes.len() {
        // A run of plain ASCII is copied at once (most of every message).
        let run = bytes[i..]
            .iter()
            .position(|&b| special(b))
            .unwrap_or(bytes.len() - i);
        if run > 0 {
            f.text.push_str(&s[i..i + run]);
            f.origin.extend(i as u32..(i + run) as u32);
            i += run;
            continue;
        }
        let (width, space) = match bytes[i] {
            b'&' if s[i..].starts_with(NBSP) => (NBSP.len(), true),
            b if b.is_ascii() => (1, b.is_ascii_whitespace()),
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_whitespace())
            }
        };
        if !space {
            f.text.push_str(&s[i..i + width]);
            f.origin.extend(i as u32..(i + width) as u32);
        } else if !f.text.is_empty() && !f.text.ends_with(' ') {
            f.text.push(' ');
            f.origin.push(i as u32);
        }
        i += width;
    }
    if f.text.ends_with(' ') {
        f.text.pop();
        f.origin.pop();
    }
    f
}

/// A template's literal text folded as [`fold`] folds a message, without copying it when
/// it only needs trimming (nearly always: a literal has single spaces).
fn folded(t: &str) -> std::borrow::Cow<'_, str> {
    let t = t.trim_matches(|c: char| c.is_whitespace());
    let plain = !t.contains(NBSP)
        && !t.contains("  ")
        && !t
            .bytes()
            .any(|b| matches!(b, b'\r' | b'\n' | b'\t' | 0x0b | 0x0c))
        && t.is_ascii();
    if plain {
        std::borrow::Cow::Borrowed(t)
    } else {
        std::borrow::Cow::Owned(fold(t).text)
    }
}

/// The value of the insert at folded bytes `from..to` of `message`: cut from the
/// original text, trimmed; empty when Windows left the insert unresolved (`%9`).
fn value(message: &str, m: &Folded, from: usize, to: usize) -> String {
    let span = &m.text[from..to];
    let lead = span.len() - span.trim_start().len();
    let (from, to) = (from + lead, from + span.trim_end().len());
    if from >= to {
        return String::new();
    }
    let text = &message[m.origin[from] as usize..m.origin[to - 1] as usize + 1];
    let text = if text.contains(NBSP) {
        std::borrow::Cow::Owned(text.replace(NBSP, " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let text = text.trim();
    let unresolved =
        text.len() > 1 && text.starts_with('%') && text[1..].bytes().all(|b| b.is_ascii_digit());
    if unresolved {
        String::new()
    } else {
        text.to_string()
    }
}

/// How many bytes at the end of `text` are the start of `literal`, when `text` was cut
/// inside it (0 when not).
fn cut_inside(text: &str, literal: &str) -> usize {
    (1..literal.len())
        .rev()
        .filter(|&k| literal.is_char_boundary(k))
        .find(|&k| text.ends_with(&literal[..k]))
        .unwrap_or(0)
}

/// The insertion strings of `message` read with `template`: a Vec indexed by n-1 up to
/// the highest %n in the template; an insert the template does not use, or the message
/// leaves unresolved (Windows prints a literal `%9` when the insert is missing, see the
/// corpus), or that is cut off because the message ends early, is an empty string. None
/// when the message does not match the template (its first literal text does not match).
pub fn recover(template: &str, message: &str) -> Option<Vec<String>> {
    if u32::try_from(message.len()).is_err() {
        return None;
    }
    let pieces = pieces(template);
    let highest = pieces
        .iter()
        .map(|p| match p {
            Piece::Insert(n) => *n,
            Piece::Text(_) => 0,
        })
        .max()
        .unwrap_or(0);
    let mut values = vec![String::new(); highest];
    let m = fold(message);
    let (mut pos, mut pending, mut first) = (0, None::<usize>, true);
    for piece in &pieces {
        let literal = match piece {
            Piece::Insert(n) => {
                pending = Some(*n);
                continue;
            }
            Piece::Text(t) => folded(t),
        };
        if literal.is_empty() {
            continue;
        }
        let found = m.text[pos..].find(&*literal);
        if first && (found.is_none() || (pending.is_none() && found != Some(0))) {
            return None;
        }
        first = false;
        let (end, next) = match found {
            Some(k) => (pos + k, pos + k + literal.len()),
            None => (
                m.text.len() - cut_inside(&m.text[pos..], &literal),
                m.text.len(),
            ),
        };
        if let Some(n) = pending.take().filter(|&n| n >= 1) {
            values[n - 1] = value(message, &m, pos, end);
        }
        pos = next;
        if found.is_none() {
            return Some(values);
        }
    }
    if let Some(n) = pending.filter(|&n| n >= 1) {
        values[n - 1] = value(message, &m, pos, m.text.len());
    }
    Some(values)
}
