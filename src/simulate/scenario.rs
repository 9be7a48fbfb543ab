//! What to simulate: duration, traffic, incident rates and explicitly placed incidents,
//! from command-line options or a scenario file (TOML or JSON), with defaults that give
//! a realistic day of a busy server.

use crate::domain::EventForm;
use crate::domain::IncidentKind;
use crate::time::zone::Clock;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Incidents per simulated day, by kind (fractions allowed: 0.5 = one every two days).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rates {
    /// Worker process crashes (Application Error 1000, WER 1001, WAS 5011/5009 ...).
    pub crash: f64,
    /// Hangs ending in a ping failure (WAS 5010) and a kill.
    pub hang: f64,
    /// Rapid-fail protection: repeated crashes, WAS 5002, AppOffline until restarted.
    pub rapid_fail: f64,
    /// Harmful recycles of a pool that does not overlap (503s during the gap).
    pub recycle: f64,
    /// Recycles whose old process overruns shutdownTimeLimit (WAS 5013, abandons).
    pub shutdown_timeout: f64,
    /// Request queue overflows (503 QueueFull) with no lifecycle event.
    pub queue_full: f64,
    /// Overloads: drops and timer bursts under peak traffic, no lifecycle event.
    pub overload: f64,
    /// App-pool failures the event log does not explain.
    pub unexplained: f64,
    /// Harmless (overlapped) recycles of every reason, besides the periodic ones.
    pub harmless_recycle: f64,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            crash: 2.0,
            hang: 0.5,
            rapid_fail: 0.25,
            recycle: 0.5,
            shutdown_timeout: 0.5,
            queue_full: 0.5,
            overload: 0.5,
            unexplained: 0.5,
            harmless_recycle: 4.0,
        }
    }
}

/// The kind of a harmless recycle, among the placed incidents and the rates (not an
/// incident: nothing fails).
pub const HARMLESS_RECYCLE: &str = "harmless_recycle";

impl Rates {
    /// The rate of every simulated incident kind, in the order their random incidents
    /// are drawn (the draws depend on it). The match is exhaustive: a new kind must be
    /// given a rate here, or none.
    pub fn by_kind(&self) -> Vec<(IncidentKind, f64)> {
        use IncidentKind as K;
        let order_and_rate = |kind| match kind {
            K::Crash => Some((0, self.crash)),
            K::Hang => Some((1, self.hang)),
            K::RapidFail => Some((2, self.rapid_fail)),
            K::Recycle => Some((3, self.recycle)),
            K::ShutdownTimeout => Some((4, self.shutdown_timeout)),
            K::QueueFull => Some((5, self.queue_full)),
            K::Overload => Some((6, self.overload)),
            K::Unexplained => Some((7, self.unexplained)),
            K::PoolDisabled => None,
        };
        let mut rates: Vec<(u8, IncidentKind, f64)> = K::ALL
            .iter()
            .filter_map(|&k| order_and_rate(k).map(|(o, r)| (o, k, r)))
            .collect();
        rates.sort_by_key(|r| r.0);
        rates.into_iter().map(|(_, k, r)| (k, r)).collect()
    }
}

/// One incident placed by hand.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placed {
    /// Kind: the name of an [`IncidentKind`](crate::domain::IncidentKind) (`crash`,
    /// `hang`, `rapid_fail`, `recycle`, `shutdown_timeout`, `queue_full`, `overload`,
    /// `unexplained`; `pool_disabled` is not simulated and is refused), or
    /// `harmless_recycle`.
    pub kind: String,
    /// Application pool name.
    pub pool: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// The default time zone of the simulated server.
pub const UTC: &str = "UTC";

/// A scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Seed: the same seed and scenario give the same bundle, byte for byte.
    pub seed: u64,
    /// First simulated instant (RFC 3339 UTC, midnight recommended).
    pub start: String,
    /// Simulated days.
    pub days: f64,
    /// Computer name of the simulated server.
    pub computer: String,
    /// Requests per day over all sites (ignored when `size` is given).
    pub requests_per_day: u64,
    /// Target uncompressed size of the bundle in bytes (sets the traffic).
    pub size: Option<u64>,
    /// Hours at the start the event logs do not cover (they wrapped); failures in that
    /// time have no event-log trace.
    pub event_log_gap_hours: f64,
    /// Incident rates.
    pub rates: Rates,
    /// Incidents placed by hand, in addition to the random ones.
    pub incidents: Vec<Placed>,
    /// The forms the event logs are written in (`evtx`, `viewer_csv`, `viewer_text`,
    /// `powershell_csv`, `details_text`, `wevtutil_text`, `event_xml`,
    /// `app_service_xml`): each form writes its files (`evtx`: System.evtx and
    /// Application.evtx at the root; the others under `EventLogs/`, App Service's
    /// under `LogFiles/`).
    pub event_forms: Vec<EventForm>,
    /// The server's time zone (IANA name, or `UTC`): the local time of the text
    /// exports and of ASP.NET's event times.
    pub timezone: String,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            seed: 7,
            start: "2024-03-04T00:00:00Z".into(),
            days: 2.0,
            computer: "WEB01".into(),
            requests_per_day: 200_000,
            size: None,
            event_log_gap_hours: 3.0,
            rates: Rates::default(),
            incidents: Vec::new(),
            event_forms: vec![EventForm::Evtx],
            timezone: UTC.into(),
        }
    }
}

impl Scenario {
    /// Reads a scenario file: `.json` as JSON, anything else as TOML.
    pub fn from_file(path: &Path) -> Result<Scenario> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        let parsed = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        } else {
            toml::from_str(&text).map_err(|e| e.to_string())
        };
        parsed.map_err(|e| Error::Usage(format!("{}: not a valid scenario: {e}", path.display())))
    }

    /// The start as microseconds since the epoch.
    pub fn start_micros(&self) -> Result<i64> {
        crate::time::parse_rfc3339(&self.start).ok_or_else(|| {
            Error::Usage(format!(
                "scenario start '{}' is not an RFC 3339 UTC time",
                self.start
            ))
        })
    }

    /// The server's clock, from [`timezone`](Self::timezone).
    pub fn clock(&self) -> Result<Clock> {
        Clock::from_tz_name(&self.timezone).map_err(|e| Error::Usage(format!("timezone: {e}")))
    }

    /// The event forms, each once, in the order given.
    pub fn forms(&self) -> Vec<EventForm> {
        let mut out: Vec<EventForm> = Vec::new();
        for f in &self.event_forms {
            if !out.contains(f) {
                out.push(*f);
            }
        }
        out
    }

    /// Checks values that would make no sense.
    pub fn validate(&self) -> Result<()> {
        if !(self.days > 0.0 && self.days <= 366.0) {
            return Err(Error::Usage(format!(
                "days must be in (0, 366], got {}",
                self.days
            )));
        }
        let r = &self.rates;
        let kinds = r.by_kind().into_iter().map(|(k, v)| (k.name(), v));
        for (name, v) in kinds.chain([(HARMLESS_RECYCLE, r.harmless_recycle)]) {
            if !(0.0..=200.0).contains(&v) {
                return Err(Error::Usage(format!(
                    "rate {name} must be in [0, 200] per day, got {v}"
                )));
            }
        }
        if !(0.0..=self.days * 24.0).contains(&self.event_log_gap_hours) {
            return Err(Error::Usage(
                "event_log_gap_hours must be within the simulated time".into(),
            ));
        }
        if self.event_forms.is_empty() {
            return Err(Error::Usage(
                "event_forms must name at least one form (evtx for the .evtx files)".into(),
            ));
        }
        self.clock()?;
        self.start_micros()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_scenarios_read_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = dir.path().join("s.toml");
        std::fs::write(
            &toml_path,
            "seed = 11\ndays = 1\n[rates]\ncrash = 5\n[[incidents]]\nkind = \"hang\"\npool = \"ApiPool\"\nat = \"2024-03-04T10:00:00Z\"\n",
        )
        .unwrap();
        let json_path = dir.path().join("s.json");
        std::fs::write(
            &json_path,
            r#"{"seed": 11, "days": 1, "rates": {"crash": 5}, "incidents": [{"kind": "hang", "pool": "ApiPool", "at": "2024-03-04T10:00:00Z"}]}"#,
        )
        .unwrap();
        let a = Scenario::from_file(&toml_path).unwrap();
        let b = Scenario::from_file(&json_path).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert_eq!(a.rates.crash, 5.0);
        assert_eq!(a.rates.hang, Rates::default().hang);
        assert_eq!(a.incidents[0].pool, "ApiPool");
    }

    #[test]
    fn rates_come_by_kind_in_draw_order() {
        let kinds: Vec<&str> = Rates::default()
            .by_kind()
            .iter()
            .map(|(k, _)| k.name())
            .collect();
        assert_eq!(
            kinds,
            [
                "crash",
                "hang",
                "rapid_fail",
                "recycle",
                "shutdown_timeout",
                "queue_full",
                "overload",
                "unexplained"
            ]
        );
    }

    #[test]
    fn unknown_fields_and_bad_values_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.toml");
        std::fs::write(&p, "sed = 1\n").unwrap();
        assert!(Scenario::from_file(&p)
            .unwrap_err()
            .to_string()
            .contains("bad.toml"));
        let s = Scenario {
            days: 0.0,
            ..Default::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn event_forms_and_timezone_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("forms.toml");
        std::fs::write(
            &p,
            "event_forms = [\"evtx\", \"viewer_csv\", \"viewer_csv\"]\ntimezone = \"Europe/Berlin\"\n",
        )
        .unwrap();
        let s = Scenario::from_file(&p).unwrap();
        assert_eq!(s.forms(), [EventForm::Evtx, EventForm::ViewerCsv]);
        assert!(matches!(s.clock().unwrap(), Clock::Zone(_)));
        s.validate().unwrap();
        let d = Scenario::default();
        assert_eq!(d.forms(), [EventForm::Evtx]);
        assert_eq!(d.clock().unwrap(), Clock::Fixed { offset_s: 0 });
        std::fs::write(&p, "event_forms = [\"evt\"]\n").unwrap();
        assert!(Scenario::from_file(&p).is_err());
        let bad_zone = Scenario {
            timezone: "Mars/Olympus".into(),
            ..Default::default()
        };
        assert!(bad_zone
            .validate()
            .unwrap_err()
            .to_string()
            .contains("Mars"));
        let no_form = Scenario {
            event_forms: Vec::new(),
            ..Default::default()
        };
        assert!(no_form.validate().is_err());
    }
}
