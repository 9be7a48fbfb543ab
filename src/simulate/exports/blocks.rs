//! One block of labelled lines per event, oldest first, blocks separated by a blank
//! line: Event Viewer's "Copy details as text" (local date, every third event followed
//! by its `Event Xml:` whose `SystemTime` is UTC) and `wevtutil qe /f:text` (`Event[n]:`
//! then two-space-indented labels, the date in UTC) (real-bundles.md §1).

use super::xml::{self, VIEWER};
use super::{crlf_lines, keywords_name, level_of, local, message, system_time, task_category};
use super::{us_long, Event};
use crate::time::zone::Clock;

/// Every this many events (starting with the first) a details block ends with its XML.
const XML_EVERY: usize = 3;

/// Event Viewer "Copy details as text" blocks.
pub(super) fn details_text(log: &str, events: &[Event], clock: &Clock) -> Vec<u8> {
    let mut lines = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        let fields = [
            ("Log Name:", log.to_string()),
            ("Source:", e.provider_name.clone()),
            ("Date:", us_long(local(e, clock))),
            ("Event ID:", e.event_id.to_string()),
            ("Task Category:", task_category(e)),
            ("Level:", level_of(e).to_string()),
            ("Keywords:", keywords_name(e).to_string()),
            ("User:", user(e)),
            ("Computer:", e.computer.clone()),
        ];
        lines.extend(fields.iter().map(|(k, v)| format!("{k:<15}{v}")));
        lines.push("Description:".into());
        lines.push(message(e));
        if i % XML_EVERY == 0 {
            lines.push("Event Xml:".into());
            lines.push(xml::event(e, i as u64 + 1, VIEWER));
        }
    }
    crlf_lines(lines)
}

/// `wevtutil qe <log> /f:text` blocks.
pub(super) fn wevtutil_text(log: &str, events: &[Event]) -> Vec<u8> {
    let mut lines = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        let task = match e.task {
            0 => "N/A".to_string(),
            _ => task_category(e),
        };
        let fields = [
            ("Log Name", log.to_string()),
            ("Source", e.provider_name.clone()),
            ("Date", system_time(e)),
            ("Event ID", e.event_id.to_string()),
            ("Task", task),
            ("Level", level_of(e).to_string()),
            ("Opcode", "Info".to_string()),
            ("Keyword", keywords_name(e).to_string()),
            ("User", user(e)),
            ("User Name", "N/A".to_string()),
            ("Computer", e.computer.clone()),
            ("Description", String::new()),
        ];
        lines.push(format!("Event[{i}]:"));
        lines.extend(fields.iter().map(|(k, v)| format!("  {k}: {v}")));
        lines.push(message(e));
    }
    crlf_lines(lines)
}

/// The user of an event: its SID, or `N/A`.
fn user(e: &Event) -> String {
    e.user_sid.clone().unwrap_or_else(|| "N/A".into())
}
