//! Exports of one event per block of `Label: value` lines: Event Viewer's "Copy details
//! as text" (`Log Name:` ... `Description:`, the message, sometimes `Event Xml:` with
//! the event's XML, whose UTC `SystemTime` tells the offset of the local `Date:`) and
//! `wevtutil qe /f:text` (`Event[N]:` then indented labels, dates in UTC with `Z`).

use super::{recover, DataFrom, ExportFile, Exported};
use crate::domain::eventlog::level_of;
use crate::domain::EventForm;
use crate::parse::eventdata::parse_event_xml;
use crate::parse::ErrorReport;

/// A label corvid reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
    LogName,
    Source,
    Date,
    EventId,
    Level,
    User,
    Computer,
    Description,
    EventXml,
    Other,
}

/// Labels in English (Event Viewer, wevtutil) and German (Event Viewer).
const LABELS: &[(Label, &[&str])] = &[
    (Label::LogName, &["Log Name", "Protokollname"]),
    (Label::Source, &["Source", "Quelle"]),
    (Label::Date, &["Date", "Datum"]),
    (Label::EventId, &["Event ID", "Ereignis-ID"]),
    (Label::Level, &["Level", "Ebene"]),
    (Label::User, &["User", "Benutzer"]),
    (Label::Computer, &["Computer"]),
    (Label::Description, &["Description", "Beschreibung"]),
    (Label::EventXml, &["Event Xml", "Ereignis-XML"]),
    (
        Label::Other,
        &[
            "Task Category",
            "Task",
            "Keywords",
            "Keyword",
            "Opcode",
            "User Name",
            "Aufgabenkategorie",
            "Schlüsselwörter",
        ],
    ),
];

/// The label of a `Label: value` line and its value.
pub(super) fn labelled(line: &str) -> Option<(Label, &str)> {
    let (name, value) = line.trim_start().split_once(':')?;
    let name = name.trim();
    LABELS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(l, _)| (*l, value.trim()))
}

/// Whether `line` starts a new event in `form`.
fn starts_event(form: EventForm, line: &str) -> bool {
    match form {
        EventForm::WevtutilText => line.starts_with("Event[") && line.trim_end().ends_with("]:"),
        EventForm::DetailsText
        | EventForm::Evtx
        | EventForm::ViewerCsv
        | EventForm::ViewerText
        | EventForm::PowershellCsv
        | EventForm::EventXml
        | EventForm::AppServiceXml => {
            !line.starts_with([' ', '\t'])
                && labelled(line).is_some_and(|(l, _)| l == Label::LogName)
        }
    }
}

/// Reads a block export.
pub fn read(form: EventForm, text: &str) -> ExportFile {
    let mut file = ExportFile::new(form);
    let lines: Vec<&str> = text
        .trim_start_matches('\u{FEFF}')
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| starts_event(form, lines[i]))
        .collect();
    if let Some(&first) = starts.first() {
        let before = lines[..first].iter().filter(|l| !is_blank(l)).count();
        if before > 0 {
            file.errors.push(ErrorReport {
                line: Some(1),
                record: None,
                offset: None,
                reason: format!("{before} line(s) before the first event are not part of one"),
                raw: lines[0].to_string(),
            });
        }
    }
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        match block(form, &lines[start..end], start as u64 + 1) {
            Ok(rec) => file.records.push(rec),
            Err(reason) => file.errors.push(ErrorReport {
                line: Some(start as u64 + 1),
                record: None,
                offset: None,
                reason,
                raw: lines[start..end].join("\n"),
            }),
        }
    }
    file
}

/// A blank line, or the `&nbsp;` copies from web pages keep.
fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t == "&nbsp;"
}

/// One block into an event.
fn block(form: EventForm, lines: &[&str], first_line: u64) -> Result<Exported, String> {
    let mut rec = Exported {
        line: first_line,
        ..Default::default()
    };
    let mut i = usize::from(form == EventForm::WevtutilText);
    let mut event_id = None;
    while i < lines.len() {
        let Some((label, value)) = labelled(lines[i]) else {
            i += 1;
            continue;
        };
        i += 1;
        let value = value.to_string();
        let nonempty = (!value.is_empty() && value != "N/A").then_some(value.clone());
        match label {
            Label::LogName => rec.ev.channel = nonempty,
            Label::Source => rec.ev.provider = nonempty,
            Label::Date => rec.written = nonempty,
            Label::EventId => event_id = Some(value),
            Label::Level => rec.ev.level = level_of(&value).map(i64::from),
            Label::User => rec.ev.user_sid = nonempty.filter(|u| u.starts_with("S-")),
            Label::Computer => rec.ev.computer = nonempty,
            Label::Description => {
                let (message, next) = description(&value, &lines[i..]);
                rec.message = Some(message).filter(|m| !m.is_empty());
                i += next;
            }
            Label::EventXml => {
                embedded_xml(&mut rec, &lines[i..]);
                break;
            }
            Label::Other => {}
        }
    }
    let id_text = event_id.unwrap_or_default();
    let Ok(id) = id_text.trim().parse::<u16>() else {
        return Err(format!(
            "event block without an Event ID from 0 to 65535 ('{}')",
            crate::text::truncate(&id_text, 40)
        ));
    };
    rec.ev.event_id = Some(i64::from(id));
    if rec.data_from != DataFrom::Record {
        recover::fill(&mut rec);
    }
    Ok(rec)
}

/// The message after `Description:` (its own rest, then the lines up to `Event Xml:`),
/// and how many lines it took.
fn description(first: &str, rest: &[&str]) -> (String, usize) {
    let end = rest
        .iter()
        .position(|l| labelled(l).is_some_and(|(l, _)| l == Label::EventXml))
        .unwrap_or(rest.len());
    let lines: Vec<&str> = Some(first)
        .into_iter()
        .chain(rest[..end].iter().copied())
        .collect();
    let from = lines
        .iter()
        .position(|l| !is_blank(l))
        .unwrap_or(lines.len());
    let to = lines
        .iter()
        .rposition(|l| !is_blank(l))
        .map_or(from, |i| i + 1);
    (lines[from..to.max(from)].join("\n"), end)
}

/// The event's XML after `Event Xml:`: its UTC time and its data, when it is whole
/// (copies from web pages often lost the tags; then it is ignored).
fn embedded_xml(rec: &mut Exported, lines: &[&str]) {
    let text = lines.join("\n");
    let (Some(start), Some(end)) = (text.find("<Event"), text.rfind("</Event>")) else {
        return;
    };
    if end < start {
        return;
    }
    let Ok(ev) = parse_event_xml(&text.as_bytes()[start..end + "</Event>".len()]) else {
        return;
    };
    rec.embedded_utc = ev
        .system_time
        .as_deref()
        .and_then(crate::time::local::system_time_us);
    if !ev.data.is_empty() || !ev.user_data.is_empty() {
        rec.ev.data = ev.data.clone();
        rec.ev.user_data = ev.user_data.clone();
        rec.ev.binary = ev.binary.clone();
        rec.data_from = DataFrom::Record;
    }
    let ev_ref = &mut rec.ev;
    ev_ref.record_id = ev_ref.record_id.or(ev.record_id);
    ev_ref.qualifiers = ev_ref.qualifiers.or(ev.qualifiers);
    ev_ref.provider_guid = ev_ref.provider_guid.take().or(ev.provider_guid);
    ev_ref.source_name = ev_ref.source_name.take().or(ev.source_name);
    ev_ref.pid = ev_ref.pid.or(ev.pid);
    ev_ref.tid = ev_ref.tid.or(ev.tid);
    ev_ref.task = ev_ref.task.or(ev.task);
    ev_ref.keywords = ev_ref.keywords.take().or(ev.keywords);
}
