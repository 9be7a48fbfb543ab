//! Recognises an event log export from the first bytes of a text entry (classification
//! calls it before the IIS formats): the form, or None.

use super::tabular;
use crate::domain::EventForm;

/// The export form of a text, from its head.
pub fn form(text: &str) -> Option<EventForm> {
    let text = text.trim_start_matches('\u{FEFF}');
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return xml_form(trimmed);
    }
    let first = trimmed.lines().next()?.trim_end_matches('\r');
    if first.starts_with("Event[") && first.trim_end().ends_with("]:") {
        return Some(EventForm::WevtutilText);
    }
    if is_details_text(trimmed) {
        return Some(EventForm::DetailsText);
    }
    tabular::layout(trimmed).map(|l| l.form)
}

/// `Log Name:` first, then `Source:` and `Event ID:` among the next lines (the labels
/// `blocks` reads, in every language it knows).
fn is_details_text(text: &str) -> bool {
    use super::blocks::{labelled, Label};
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next().unwrap_or_default();
    if labelled(first).map(|(l, _)| l) != Some(Label::LogName) || first.starts_with([' ', '\t']) {
        return false;
    }
    let head: Vec<Label> = lines
        .take(12)
        .filter_map(|l| labelled(l).map(|(l, _)| l))
        .collect();
    head.contains(&Label::Source) && head.contains(&Label::EventId)
}

/// `<Event>` elements with a `<System>` part: App Service's when the event element has
/// no namespace, else a wevtutil or Event Viewer XML export.
fn xml_form(text: &str) -> Option<EventForm> {
    let head = crate::text::truncate(text, 8192);
    let at = head.match_indices("<Event").map(|(i, _)| i).find(|&i| {
        matches!(
            head.as_bytes().get(i + 6),
            Some(b'>' | b' ' | b'\r' | b'\n' | b'\t')
        )
    })?;
    if !head[at..].contains("<System") {
        return None;
    }
    let tag_end = at + head[at..].find('>')?;
    if head[at..tag_end].contains("xmlns") {
        Some(EventForm::EventXml)
    } else {
        Some(EventForm::AppServiceXml)
    }
}
