//! One line per event, newest first as Event Viewer and `Get-WinEvent` list them: Event
//! Viewer's "Save All Events As" CSV and tab-separated text, and the TSS collector's
//! `Get-WinEvent | Select LevelDisplayName,TimeCreated,ProviderName,ID,UserId,Message |
//! Export-Csv -UseCulture -NoTypeInformation -Encoding utf8` (real-bundles.md §1).
//! Times are local, with no offset.

use super::{crlf_lines, de_long, level_of, local, message, task_category, us_long, us_short_24h};
use crate::simulate::evtx_writer::Event;
use crate::time::zone::Clock;

/// Event Viewer CSV: header `Level,Date and Time,Source,Event ID,Task Category`, then
/// `Information,3/4/2024 1:05:09 PM,Microsoft-Windows-WAS,5011,None,<message>` (the
/// message last, unnamed; a value is quoted when it holds `,` `"` or a line break).
pub(super) fn viewer_csv(events: &[Event], clock: &Clock) -> Vec<u8> {
    let header = "Level,Date and Time,Source,Event ID,Task Category".to_string();
    let rows = events.iter().rev().map(|e| {
        let cells = [
            level_of(e).to_string(),
            us_long(local(e, clock)),
            e.provider_name.clone(),
            e.event_id.to_string(),
            task_category(e),
            message(e),
        ];
        cells
            .iter()
            .map(|c| csv_cell(c))
            .collect::<Vec<_>>()
            .join(",")
    });
    crlf_lines(std::iter::once(header).chain(rows))
}

/// Event Viewer tab-separated text: the CSV's columns without header or quotes, the
/// date as `1/16/2011 11:43` (the one real sample), line breaks of the message as
/// spaces.
pub(super) fn viewer_text(events: &[Event], clock: &Clock) -> Vec<u8> {
    let rows = events.iter().rev().map(|e| {
        let msg = message(e).replace("\r\n", " ").replace(['\r', '\n'], " ");
        [
            level_of(e).to_string(),
            us_short_24h(local(e, clock)),
            e.provider_name.clone(),
            e.event_id.to_string(),
            task_category(e),
            msg,
        ]
        .join("\t")
    });
    crlf_lines(rows)
}

/// The culture `Export-Csv -UseCulture` writes with: its list separator and date-time
/// shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Culture {
    /// `,` and `3/4/2024 1:05:09 PM`.
    EnUs,
    /// `;` and `04.03.2024 13:05:09`.
    DeDe,
}

impl Culture {
    /// A continental European zone's server is taken as de-DE, any other as en-US.
    fn of(clock: &Clock) -> Culture {
        let name = match clock {
            Clock::Zone(tz) => tz.name(),
            Clock::Fixed { .. } => "",
        };
        let english = ["Europe/London", "Europe/Dublin", "Europe/Lisbon"];
        if name.starts_with("Europe/") && !english.contains(&name) {
            Culture::DeDe
        } else {
            Culture::EnUs
        }
    }
}

/// The PowerShell CSV: UTF-8 BOM, every value quoted, the culture's delimiter and date.
pub(super) fn powershell_csv(events: &[Event], clock: &Clock) -> Vec<u8> {
    let culture = Culture::of(clock);
    let (sep, date): (&str, fn(chrono::NaiveDateTime) -> String) = match culture {
        Culture::EnUs => (",", us_long),
        Culture::DeDe => (";", de_long),
    };
    let header = [
        "LevelDisplayName",
        "TimeCreated",
        "ProviderName",
        "Id",
        "UserId",
        "Message",
    ]
    .map(quoted)
    .join(sep);
    let rows = events.iter().rev().map(|e| {
        [
            level_of(e).to_string(),
            date(local(e, clock)),
            e.provider_name.clone(),
            e.event_id.to_string(),
            e.user_sid.clone().unwrap_or_default(),
            message(e),
        ]
        .iter()
        .map(|v| quoted(v))
        .collect::<Vec<_>>()
        .join(sep)
    });
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(crlf_lines(std::iter::once(header).chain(rows)));
    out
}

/// A CSV value, quoted (with `"` doubled) only when it holds `,` `"` or a line break.
fn csv_cell(v: &str) -> String {
    if v.contains([',', '"', '\r', '\n']) {
        quoted(v)
    } else {
        v.to_string()
    }
}

/// A value in double quotes, `"` doubled.
fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn culture_follows_the_zone() {
        let c = |n| Culture::of(&Clock::from_tz_name(n).unwrap());
        assert_eq!(c("Europe/Berlin"), Culture::DeDe);
        assert_eq!(c("Europe/London"), Culture::EnUs);
        assert_eq!(c("America/New_York"), Culture::EnUs);
        assert_eq!(c("UTC"), Culture::EnUs);
    }

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        assert_eq!(csv_cell("None"), "None");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_cell("a\r\nb"), "\"a\r\nb\"");
    }
}
