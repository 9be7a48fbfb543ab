//! Event logs exported as text or XML (real-bundles.md §1; the forms are
//! [`EventForm`]). Each reader turns one file into [`Exported`] records: the System
//! fields the form gives, the message as written, and the EventData (as written in the
//! XML forms, else recovered from the message with the event's template,
//! `domain::messages`), so that `parse::lifecycle` reads every form alike. Times stay as
//! written here: which clock a local time is on is decided afterwards
//! (`analyze::exports`, `correlate::offset`), with evidence from the bundle's other
//! sources.

pub mod blocks;
pub mod detect;
pub mod recover;
pub mod tabular;
pub mod write;
pub mod xml;

use crate::domain::EventForm;
use crate::parse::eventdata::Event;
use crate::parse::ErrorReport;
use crate::time::local::{self, DateOrder};
use chrono::NaiveDateTime;

/// One event read from an export.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// Line where the record starts (1-based).
    pub line: u64,
    /// System fields and data (positional when recovered from the message).
    pub ev: Event,
    /// The message as written (text forms, XML `RenderingInfo`).
    pub message: Option<String>,
    /// The time as written (local forms), kept raw for the `time_local` column.
    pub written: Option<String>,
    /// The time as read from `written` (set by [`ExportFile::resolve_dates`]).
    pub local: Option<NaiveDateTime>,
    /// The UTC time the form itself gives for the record (XML `SystemTime`, wevtutil's
    /// `Z` dates).
    pub utc: Option<i64>,
    /// A UTC time found next to a local one in the same record (an embedded Event XML,
    /// ASP.NET's "Event time (UTC)"): it tells the file's offset.
    pub embedded_utc: Option<i64>,
    /// The local time of the same instant as `embedded_utc` when the record has its own
    /// (ASP.NET's "Event time"), else `local` is.
    pub embedded_local: Option<NaiveDateTime>,
    /// How the data was found.
    pub data_from: DataFrom,
}

/// Where an exported record's EventData comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataFrom {
    /// The record carries it (XML forms, an embedded Event XML).
    Record,
    /// Recovered from the message with the event's template.
    Template,
    /// The event has a template but the message did not match it (another display
    /// language, an edited text): the message is kept, no data.
    Mismatch,
    /// corvid knows no template for the event: the message is kept, no data.
    #[default]
    NoTemplate,
}

/// What one export file held.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// Its form.
    pub form: EventForm,
    /// The events, in file order.
    pub records: Vec<Exported>,
    /// Lines or records that could not be read.
    pub errors: Vec<ErrorReport>,
    /// How the local dates were read: the day/month order and whether the file showed
    /// it (else it was assumed).
    pub date_order: Option<(DateOrder, bool)>,
    /// The dates could be read either way and the order was chosen by how well each
    /// reading aligns with the bundle's evidence.
    pub order_by_evidence: bool,
    /// Coarsest resolution of the written times, seconds (60 when a date has no
    /// seconds).
    pub resolution_s: u32,
}

impl ExportFile {
    /// An empty file of `form`.
    pub fn new(form: EventForm) -> Self {
        ExportFile {
            form,
            records: Vec::new(),
            errors: Vec::new(),
            date_order: None,
            order_by_evidence: false,
            resolution_s: 1,
        }
    }

    /// The day/month order the written local times show, and whether they decide it.
    pub fn date_order_shown(&self) -> (DateOrder, bool) {
        local::detect_order(
            self.records
                .iter()
                .filter(|r| r.utc.is_none())
                .filter_map(|r| r.written.as_deref()),
        )
    }

    /// Reads the written local times with `order`, else the day/month order that fits
    /// all of them; a record whose time cannot be read goes to the errors (and is
    /// dropped). Also reads ASP.NET's UTC event time where the record has it.
    pub fn resolve_dates(&mut self, order: Option<DateOrder>) {
        let (order, decided) = match order {
            Some(o) => (o, true),
            None => self.date_order_shown(),
        };
        let mut used_order = false;
        let mut kept = Vec::with_capacity(self.records.len());
        for mut r in std::mem::take(&mut self.records) {
            if r.utc.is_none() && r.written.is_none() {
                // App Service's old files: a time of day only; ASP.NET's UTC time.
                r.utc = recover::aspnet_times(&r.ev, order).map(|(_, utc)| utc);
            }
            if r.utc.is_none() {
                let Some(w) = r.written.as_deref().and_then(|s| local::parse(s, order)) else {
                    self.errors.push(ErrorReport {
                        line: Some(r.line),
                        record: r.ev.record_id.map(|v| v as u64),
                        offset: None,
                        reason: format!(
                            "event time '{}' is in no date format corvid reads",
                            crate::text::truncate(r.written.as_deref().unwrap_or(""), 60)
                        ),
                        raw: r.message.clone().unwrap_or_default(),
                    });
                    continue;
                };
                used_order = true;
                self.resolution_s = self.resolution_s.max(w.resolution_s);
                match (w.utc_us(), w.utc_offset_s) {
                    (Some(utc), _) => r.utc = Some(utc),
                    (None, Some(_)) => {
                        self.errors.push(ErrorReport {
                            line: Some(r.line),
                            record: r.ev.record_id.map(|v| v as u64),
                            offset: None,
                            reason: "event time with an offset outside the range of dates".into(),
                            raw: r.written.clone().unwrap_or_default(),
                        });
                        continue;
                    }
                    (None, None) => r.local = Some(w.local),
                }
            }
            if r.embedded_utc.is_none() {
                if let Some((local, utc)) = recover::aspnet_times(&r.ev, order) {
                    (r.embedded_local, r.embedded_utc) = (local, Some(utc));
                }
            }
            kept.push(r);
        }
        self.records = kept;
        self.date_order = used_order.then_some((order, decided));
    }
}

/// Reads an export of `form` from its text; its local times are read with
/// [`ExportFile::resolve_dates`] once the day/month order is chosen.
pub fn read(form: EventForm, text: &str, path: &str) -> ExportFile {
    match form {
        EventForm::ViewerCsv | EventForm::ViewerText | EventForm::PowershellCsv => {
            tabular::read(form, text, path)
        }
        EventForm::DetailsText | EventForm::WevtutilText => blocks::read(form, text),
        EventForm::EventXml | EventForm::AppServiceXml => xml::read(form, text),
        // Not an export: the `.evtx` reader reads it (classification never says so).
        EventForm::Evtx => {
            let mut file = ExportFile::new(form);
            file.errors.push(ErrorReport {
                line: None,
                record: None,
                offset: None,
                reason: "an .evtx is not read as an export".into(),
                raw: String::new(),
            });
            file
        }
    }
}
