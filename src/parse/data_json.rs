//! EventData (or UserData) as the JSON text of the `event_data` column, built item by
//! item, whichever reader has the items: the XML reader's `Event::data_json` and the
//! EVTX fast path, which writes them straight from the values.

use crate::parse::values::push_json_str;

/// EventData (or UserData) as JSON text, built item by item: named items keyed by name
/// in document order (a repeated name gets `#2`, `#3`...), then the unnamed items in a
/// `Data` array, `Binary` as hex, and UserData leaves keyed by their path.
#[derive(Default)]
pub struct DataJson {
    /// `{` and the named items.
    named: String,
    /// The names so far, one after another, and where each ends.
    names: String,
    name_ends: Vec<usize>,
    unnamed: String,
    binary: Option<String>,
    user_data: String,
}

impl DataJson {
    /// An empty object with room for about `bytes` of items.
    pub fn with_capacity(bytes: usize) -> Self {
        DataJson {
            named: String::with_capacity(bytes),
            ..DataJson::default()
        }
    }

    /// A `<Data Name=..>` item.
    pub fn named(&mut self, name: &str, value: &str) {
        let mut start = 0;
        let mut k = 1;
        for &end in &self.name_ends {
            k += usize::from(&self.names[start..end] == name);
            start = end;
        }
        self.names.push_str(name);
        self.name_ends.push(self.names.len());
        self.named
            .push(if self.named.is_empty() { '{' } else { ',' });
        if k == 1 {
            push_json_str(&mut self.named, name);
        } else {
            push_json_str(&mut self.named, &format!("{name}#{k}"));
        }
        self.named.push(':');
        push_json_str(&mut self.named, value);
    }

    /// A `<Data Name=..>` item whose JSON key (`"Name":`, numbered if repeated) is
    /// known; a record's items are all given this way or all by [`named`](Self::named).
    pub fn keyed(&mut self, key: &str, value: &str) {
        self.named
            .push(if self.named.is_empty() { '{' } else { ',' });
        self.named.push_str(key);
        push_json_str(&mut self.named, value);
    }

    /// A `<Data>` item without a name.
    pub fn unnamed(&mut self, value: &str) {
        if !self.unnamed.is_empty() {
            self.unnamed.push(',');
        }
        push_json_str(&mut self.unnamed, value);
    }

    /// The `<Binary>` element's hex text.
    pub fn binary(&mut self, hex: &str) {
        self.binary = Some(hex.to_string());
    }

    /// A UserData leaf.
    pub fn user_data(&mut self, path: &str, value: &str) {
        if !self.user_data.is_empty() {
            self.user_data.push(',');
        }
        push_json_str(&mut self.user_data, path);
        self.user_data.push(':');
        push_json_str(&mut self.user_data, value);
    }

    /// The JSON object; `None` when no item was given.
    pub fn finish(self) -> Option<String> {
        let mut out = self.named;
        let part = |out: &mut String, text: &str| {
            out.push(if out.is_empty() { '{' } else { ',' });
            out.push_str(text);
        };
        if !self.unnamed.is_empty() {
            part(&mut out, "\"Data\":[");
            out.push_str(&self.unnamed);
            out.push(']');
        }
        if let Some(b) = self.binary {
            part(&mut out, "\"Binary\":");
            push_json_str(&mut out, &b);
        }
        if !self.user_data.is_empty() {
            part(&mut out, &self.user_data);
        }
        if out.is_empty() {
            return None;
        }
        out.push('}');
        Some(out)
    }
}
