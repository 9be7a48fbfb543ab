//! Tabular exports: Event Viewer's "Save As CSV" and "Text (Tab delimited)", PowerShell's
//! `Export-Csv` (any `Select` set, any culture's delimiter) and TSS's tab-separated copy
//! of it. Columns are found by their header names, never by position, except in the
//! header-less tab text Event Viewer writes (Level, Date and Time, Source, Event ID,
//! Task Category, message). A quoted value may span lines; in unquoted text a line that
//! does not start a record continues the message of the one before.

use super::{recover, ExportFile, Exported};
use crate::domain::eventlog::{channel_of_path, level_of};
use crate::domain::EventForm;
use crate::parse::ErrorReport;
use std::borrow::Cow;

/// A column corvid reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Level,
    Time,
    Provider,
    EventId,
    Task,
    Message,
    Computer,
    LogName,
    RecordId,
    ProcessId,
    ThreadId,
    Qualifiers,
    ProviderId,
    UserId,
}

/// Header names of each column: Event Viewer (English, German, French) and PowerShell
/// (`Get-WinEvent`, and `Get-EventLog`'s `TimeGenerated`, `EntryType`, `Index`).
const NAMES: &[(Col, &[&str])] = &[
    (
        Col::Level,
        &["Level", "LevelDisplayName", "EntryType", "Ebene", "Niveau"],
    ),
    (
        Col::Time,
        &[
            "Date and Time",
            "TimeCreated",
            "TimeGenerated",
            "Datum und Uhrzeit",
            "Date et heure",
        ],
    ),
    (Col::Provider, &["Source", "ProviderName", "Quelle"]),
    (
        Col::EventId,
        &[
            "Event ID",
            "Id",
            "EventID",
            "Ereignis-ID",
            "ID de l'événement",
        ],
    ),
    (
        Col::Task,
        &[
            "Task Category",
            "TaskDisplayName",
            "Aufgabenkategorie",
            "Catégorie de la tâche",
        ],
    ),
    (Col::Message, &["Message", "Description"]),
    (Col::Computer, &["MachineName", "Computer"]),
    (Col::LogName, &["LogName", "Log Name"]),
    (Col::RecordId, &["RecordId", "Index"]),
    (Col::ProcessId, &["ProcessId"]),
    (Col::ThreadId, &["ThreadId"]),
    (Col::Qualifiers, &["Qualifiers"]),
    (Col::ProviderId, &["ProviderId"]),
    (Col::UserId, &["UserId"]),
];

/// Event Viewer's own header names (its CSV and tab text), as opposed to PowerShell's.
const VIEWER_TIME: &[&str] = &["Date and Time", "Datum und Uhrzeit", "Date et heure"];

/// The layout of a tabular export: delimiter, columns, form.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Field delimiter.
    pub delimiter: char,
    /// What each field is (`None`: not read).
    pub columns: Vec<Option<Col>>,
    /// Whether the first line is a header.
    pub header: bool,
    /// The form.
    pub form: EventForm,
}

impl Layout {
    fn at(&self, col: Col) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(col))
    }
}

fn column_of(name: &str) -> Option<Col> {
    let name = name
        .trim()
        .trim_matches('"')
        .trim_start_matches('\u{FEFF}')
        .trim();
    NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(c, _)| *c)
}

/// The layout a first line declares, if it is an event export header: the delimiter
/// that makes a time and an event id column appear.
pub fn header_layout(first: &str) -> Option<Layout> {
    let first = first.trim_start_matches('\u{FEFF}').trim_end_matches('\r');
    let mut best: Option<Layout> = None;
    for delimiter in ['\t', ';', ','] {
        let names: Vec<&str> = split_plain(first, delimiter);
        let columns: Vec<Option<Col>> = names.iter().map(|n| column_of(n)).collect();
        let has = |c: Col| columns.contains(&Some(c));
        if !(has(Col::Time) && has(Col::EventId) && (has(Col::Provider) || has(Col::Message))) {
            continue;
        }
        let viewer = names.iter().any(|n| {
            VIEWER_TIME
                .iter()
                .any(|v| n.trim().trim_matches('"').eq_ignore_ascii_case(v))
        });
        let form = match (viewer, delimiter) {
            (true, '\t') => EventForm::ViewerText,
            (true, _) => EventForm::ViewerCsv,
            (false, _) => EventForm::PowershellCsv,
        };
        let known = columns.iter().flatten().count();
        if best
            .as_ref()
            .is_none_or(|b| known > b.columns.iter().flatten().count())
        {
            best = Some(Layout {
                delimiter,
                columns,
                header: true,
                form,
            });
        }
    }
    best
}

/// The layout of Event Viewer's header-less tab text, if `line` is one of its records:
/// a level name, a date, a source, a numeric event id.
pub fn headerless_layout(line: &str) -> Option<Layout> {
    let f: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
    let starts = f.len() >= 5
        && level_of(f[0]).is_some()
        && f[0].trim().parse::<i32>().is_err()
        && f[1].bytes().any(|b| b.is_ascii_digit())
        && f[1].contains([':'])
        && f[3].trim().parse::<u32>().is_ok();
    starts.then(|| Layout {
        delimiter: '\t',
        columns: vec![
            Some(Col::Level),
            Some(Col::Time),
            Some(Col::Provider),
            Some(Col::EventId),
            Some(Col::Task),
            Some(Col::Message),
        ],
        header: false,
        form: EventForm::ViewerText,
    })
}

/// Fields of a line split on `delimiter`, quotes removed (headers only).
fn split_plain(line: &str, delimiter: char) -> Vec<&str> {
    line.split(delimiter)
        .map(|s| s.trim().trim_matches('"'))
        .collect()
}

/// Windows PowerShell 5.1's `Export-Csv` writes this line first unless given
/// `-NoTypeInformation` (`#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord`).
const TYPE_LINE: &str = "#TYPE ";

/// The header line of a file: its first non-empty line that is not PowerShell's `#TYPE`.
fn first_line(text: &str) -> Option<&str> {
    text.lines()
        .map(|l| l.trim_start_matches('\u{FEFF}'))
        .find(|l| !l.trim().is_empty() && !l.starts_with(TYPE_LINE))
}

/// The layout of a file from its first non-empty line.
pub fn layout(text: &str) -> Option<Layout> {
    let first = first_line(text)?;
    header_layout(first).or_else(|| headerless_layout(first.trim_start_matches('\u{FEFF}')))
}

/// Reads a tabular export.
pub fn read(form: EventForm, text: &str, path: &str) -> ExportFile {
    let mut file = ExportFile::new(form);
    let Some(layout) = layout(text) else {
        file.errors.push(ErrorReport {
            line: Some(1),
            record: None,
            offset: None,
            reason: "no event export header and no Event Viewer tab line".into(),
            raw: text.lines().next().unwrap_or_default().to_string(),
        });
        return file;
    };
    file.form = layout.form;
    let channel = channel_of_path(path);
    let quoting = layout.delimiter != '\t' || text.contains("\t\"");
    let records = Records::new(text, layout.delimiter, quoting, layout.header);
    let mut grown = false;
    for r in records {
        match r {
            Ok((line, fields)) => match record(&layout, line, &fields, channel) {
                Ok(rec) => {
                    if std::mem::take(&mut grown) {
                        refill(file.records.last_mut());
                    }
                    file.records.push(rec);
                }
                // Unquoted text: a line that starts no record continues a message.
                Err(_) if !quoting && !file.records.is_empty() => {
                    continue_message(file.records.last_mut(), &fields, layout.delimiter);
                    grown = true;
                }
                Err(reason) => file.errors.push(ErrorReport {
                    line: Some(line),
                    record: None,
                    offset: None,
                    reason,
                    raw: joined(&fields, layout.delimiter),
                }),
            },
            Err(e) => file.errors.push(e),
        }
    }
    if grown {
        refill(file.records.last_mut());
    }
    file
}

/// Fields joined back with their delimiter.
fn joined(fields: &[Cow<'_, str>], delimiter: char) -> String {
    let parts: Vec<&str> = fields.iter().map(|f| f.as_ref()).collect();
    parts.join(&delimiter.to_string())
}

/// A line of unquoted text that starts no record: more of the previous message (its
/// fields are read again once the message is whole: [`refill`]).
fn continue_message(last: Option<&mut Exported>, fields: &[Cow<'_, str>], delimiter: char) {
    if let Some(rec) = last {
        let text = joined(fields, delimiter);
        let m = rec.message.get_or_insert_with(String::new);
        m.push('\n');
        m.push_str(&text);
        rec.ev.data.clear();
    }
}

/// Reads the fields of a record whose message grew over several lines.
fn refill(rec: Option<&mut Exported>) {
    if let Some(rec) = rec {
        recover::fill(rec);
    }
}

/// One record's fields into an event, or why not.
fn record(
    layout: &Layout,
    line: u64,
    fields: &[Cow<'_, str>],
    channel: Option<&str>,
) -> Result<Exported, String> {
    let get = |c: Col| layout.at(c).and_then(|i| fields.get(i)).map(|s| s.trim());
    let id_text = get(Col::EventId).unwrap_or("");
    let Ok(event_id) = id_text.parse::<u16>() else {
        return Err(format!(
            "event id '{}' is not a number from 0 to 65535 ({} values where the header has {})",
            crate::text::truncate(id_text, 40),
            fields.len(),
            layout.columns.len()
        ));
    };
    let mut rec = Exported {
        line,
        written: get(Col::Time).map(str::to_string),
        ..Default::default()
    };
    let nonempty = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    let ev = &mut rec.ev;
    ev.event_id = Some(i64::from(event_id));
    ev.provider = nonempty(get(Col::Provider));
    ev.level = get(Col::Level).and_then(level_of).map(i64::from);
    ev.computer = nonempty(get(Col::Computer));
    ev.channel = nonempty(get(Col::LogName)).or(channel.map(str::to_string));
    ev.record_id = get(Col::RecordId).and_then(|v| v.parse().ok());
    ev.pid = get(Col::ProcessId).and_then(|v| v.parse().ok());
    ev.tid = get(Col::ThreadId).and_then(|v| v.parse().ok());
    ev.qualifiers = get(Col::Qualifiers).and_then(|v| v.parse().ok());
    ev.provider_guid = nonempty(get(Col::ProviderId));
    ev.user_sid = nonempty(get(Col::UserId));
    rec.message = match layout.at(Col::Message) {
        Some(i) => fields.get(i),
        // Event Viewer's CSV: the message is an extra value after the named ones.
        None => fields.get(layout.columns.len()),
    }
    .filter(|m| !m.is_empty())
    .map(|m| m.to_string());
    recover::fill(&mut rec);
    Ok(rec)
}

/// Most lines one quoted value may span before its quote is taken as broken.
const MAX_QUOTED_LINES: u64 = 2_000;

/// The records of a delimited text: (first line, fields), or a record that cannot be
/// read (an unterminated quote: reading resumes on the line after its start).
struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    delimiter: char,
    quoting: bool,
    /// Where the record being read starts.
    record_start: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: char, quoting: bool, header: bool) -> Self {
        let mut r = Records {
            text: text.trim_start_matches('\u{FEFF}'),
            pos: 0,
            line: 1,
            delimiter,
            quoting,
            record_start: 0,
        };
        // Leading blank lines and PowerShell's `#TYPE` line, then the header line.
        while r.text[r.pos..].starts_with(['\r', '\n']) || r.text[r.pos..].starts_with(TYPE_LINE) {
            r.skip_line();
        }
        if header {
            r.skip_line();
        }
        r
    }

    fn skip_line(&mut self) {
        match self.text[self.pos..].find('\n') {
            Some(i) => self.pos += i + 1,
            None => self.pos = self.text.len(),
        }
        self.line += 1;
    }

    /// One field starting at `self.pos`; returns it (borrowed from the text unless
    /// unquoting changed it) and whether the record ended.
    fn field(&mut self, start_line: u64) -> Result<(Cow<'a, str>, bool), ErrorReport> {
        let text: &'a str = self.text;
        let rest = &text[self.pos..];
        if self.quoting && rest.starts_with('"') {
            return self.quoted(start_line);
        }
        // Delimiters are ASCII (tab, `;`, `,`): a byte search.
        let end =
            memchr::memchr2(self.delimiter as u8, b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let value = Cow::Borrowed(rest[..end].trim_end_matches('\r'));
        let at_end = end == rest.len() || rest[end..].starts_with('\n');
        self.pos += (end + 1).min(rest.len());
        if at_end && end < rest.len() {
            self.line += 1;
        }
        Ok((value, at_end))
    }

    /// A quoted field (`""` is a quote); text after the closing quote up to the
    /// delimiter is kept.
    fn quoted(&mut self, start_line: u64) -> Result<(Cow<'a, str>, bool), ErrorReport> {
        let text: &'a str = self.text;
        let bytes = text.as_bytes();
        let mut i = self.pos + 1;
        // Built only when a `""` must become `"`.
        let mut unquoted: Option<String> = None;
        let mut lines = 0u64;
        let mut seg = i;
        let value = loop {
            let Some(off) = memchr::memchr2(b'"', b'\n', &bytes[i..]) else {
                return Err(self.broken(
                    start_line,
                    "a quoted value is not closed before the end of the file",
                ));
            };
            let j = i + off;
            if bytes[j] == b'\n' {
                lines += 1;
                if lines > MAX_QUOTED_LINES {
                    return Err(self.broken(
                        start_line,
                        "a quoted value runs over 2000 lines: its closing quote is missing",
                    ));
                }
                i = j + 1;
                continue;
            }
            if bytes.get(j + 1) == Some(&b'"') {
                unquoted
                    .get_or_insert_with(String::new)
                    .push_str(&text[seg..=j]);
                i = j + 2;
                seg = i;
                continue;
            }
            self.line += lines;
            self.pos = j + 1;
            break match unquoted.take() {
                None => Cow::Borrowed(&text[seg..j]),
                Some(mut v) => {
                    v.push_str(&text[seg..j]);
                    Cow::Owned(v)
                }
            };
        };
        let (tail, at_end) = self.field(start_line)?;
        let mut value = value;
        if !tail.is_empty() {
            value.to_mut().push_str(&tail);
        }
        if memchr::memchr(b'\r', value.as_bytes()).is_some() {
            value = Cow::Owned(crlf_to_lf(&value));
        }
        Ok((value, at_end))
    }

    /// Gives up on the record starting at `start_line`: reading resumes on the line after.
    fn broken(&mut self, start_line: u64, why: &str) -> ErrorReport {
        let start = self.record_start;
        let raw = self.text[start..]
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        self.pos = start;
        self.line = start_line;
        self.skip_line();
        ErrorReport {
            line: Some(start_line),
            record: None,
            offset: None,
            reason: why.to_string(),
            raw,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<(u64, Vec<Cow<'a, str>>), ErrorReport>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.pos >= self.text.len() {
                return None;
            }
            let start_line = self.line;
            self.record_start = self.pos;
            let mut fields = Vec::new();
            loop {
                match self.field(start_line) {
                    Ok((v, end)) => {
                        fields.push(v);
                        if end {
                            break;
                        }
                    }
                    Err(e) => return Some(Err(e)),
                }
            }
            if fields.len() == 1 && fields[0].trim().is_empty() {
                continue;
            }
            return Some(Ok((start_line, fields)));
        }
    }
}

/// `text` with each CR LF made LF (a lone CR is kept).
fn crlf_to_lf(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut seg = 0;
    for i in memchr::memchr_iter(b'\r', b) {
        if b.get(i + 1) == Some(&b'\n') {
            out.push_str(&text[seg..i]);
            seg = i + 1;
        }
    }
    out.push_str(&text[seg..]);
    out
}
