//! Every event layout of domain.md §3 (named and positional EventData), written to real
//! .evtx files with the simulator's writer, read through a zip bundle into `events` and
//! normalized into `lifecycle`, checked field by field.

mod common;
mod evtx_common;
use common::*;
use corvid::simulate::evtx_writer::{EventData, EvtxWriter};

/// (catalog name, kind, app pool, pid, recycle reason, exit code, exception code,
/// module, exception type, site id)
type Expect = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<i64>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<i64>,
);

const POOL: Option<&str> = Some("DefaultAppPool");

fn expected() -> Vec<Expect> {
    vec![
        (
            "was_5002", "disable", POOL, None, None, None, None, None, None, None,
        ),
        (
            "was_5009",
            "crash",
            POOL,
            Some(4528),
            None,
            Some("0x800703e9"),
            None,
            None,
            None,
            None,
        ),
        (
            "was_5010",
            "hang",
            POOL,
            Some(4528),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5011",
            "crash",
            POOL,
            Some(4528),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5012",
            "startup_timeout",
            POOL,
            Some(6012),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5013",
            "shutdown_timeout",
            POOL,
            Some(6012),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5074",
            "recycle",
            POOL,
            Some(7420),
            Some("time"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5075",
            "recycle",
            POOL,
            Some(7420),
            Some("requests"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5076",
            "recycle",
            POOL,
            Some(7420),
            Some("schedule"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5077",
            "recycle",
            POOL,
            Some(7420),
            Some("memory"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5078",
            "recycle",
            POOL,
            Some(7420),
            Some("isapi_unhealthy"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5079",
            "recycle",
            POOL,
            None,
            Some("on_demand"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5080",
            "recycle",
            POOL,
            None,
            Some("config_change"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5081",
            "recycle",
            POOL,
            None,
            Some("config_store"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5117",
            "recycle",
            POOL,
            None,
            Some("private_memory"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5139",
            "listener_failure",
            POOL,
            Some(4528),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "was_5186",
            "shutdown",
            POOL,
            Some(7420),
            Some("idle"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "application_error_1000_classic",
            "crash",
            None,
            Some(0x709c),
            None,
            None,
            Some("0xc0000409"),
            Some("clr.dll"),
            None,
            None,
        ),
        (
            "application_error_1000_named",
            "crash",
            None,
            Some(0x9380),
            None,
            None,
            Some("0xc0000374"),
            Some("ntdll.dll"),
            None,
            None,
        ),
        (
            "wer_1001_appcrash",
            "crash_report",
            None,
            None,
            None,
            None,
            Some("0xc0000374"),
            Some("ntdll.dll"),
            None,
            None,
        ),
        (
            "wer_1001_clr20r3",
            "crash_report",
            None,
            None,
            None,
            None,
            None,
            Some("mscorlib"),
            Some("System.NullReferenceException"),
            None,
        ),
        (
            "dotnet_runtime_1026",
            "unhandled_exception",
            None,
            None,
            None,
            None,
            None,
            None,
            Some("System.StackOverflowException"),
            None,
        ),
        (
            "aspnet_1309",
            "request_error",
            None,
            Some(7420),
            None,
            None,
            None,
            None,
            Some("NullReferenceException"),
            Some(2),
        ),
        (
            "w3svc_wp_2269",
            "start_failure",
            POOL,
            Some(7420),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "w3svc_wp_2299",
            "recycle",
            None,
            None,
            Some("isapi_unhealthy"),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "scm_7031",
            "service_crash",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "scm_7034",
            "service_crash",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    ]
}

#[test]
fn every_layout_reaches_events_and_lifecycle() {
    let catalog = evtx_common::catalog();
    let exp = expected();
    assert_eq!(
        catalog.len(),
        exp.len(),
        "one expectation per catalog event"
    );
    // One file per channel, named as collectors do (.evtx_data), in a zip.
    let mut system = EvtxWriter::new();
    let mut application = EvtxWriter::new();
    let mut ids = Vec::new();
    for (_, e) in &catalog {
        let w = if e.channel == "System" {
            &mut system
        } else {
            &mut application
        };
        ids.push((e.channel.clone(), w.add(e).unwrap()));
    }
    let (sys, app) = (system.into_bytes(), application.into_bytes());
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bundle.zip");
    std::fs::write(
        &zip,
        zip_bytes(&[
            ("EventLogs/System.evtx_data", &sys),
            ("EventLogs/Application.evtx_data", &app),
        ]),
    )
    .unwrap();
    let out = dir.path().join("out");
    analyze(&[&zip], &out);

    let events = read_table(&out, "events");
    assert_eq!(events.height(), catalog.len());
    let life = read_table(&out, "lifecycle");
    assert_eq!(
        life.height(),
        catalog.len(),
        "every catalog event matters to app pools\n{life}"
    );
    for ((name, e), (channel, record_id)) in catalog.iter().zip(&ids) {
        let file = format!("EventLogs/{channel}.evtx_data");
        let at = |df: &polars::prelude::DataFrame| {
            (0..df.height())
                .find(|&r| {
                    s(df, "source_file", r).as_deref() == Some(file.as_str())
                        && i(df, "record_id", r) == Some(*record_id as i64)
                })
                .unwrap_or_else(|| panic!("{name}: record {record_id} of {file} missing"))
        };
        let r = at(&events);
        assert_eq!(
            s(&events, "provider", r).as_deref(),
            Some(e.provider_name.as_str()),
            "{name}"
        );
        assert_eq!(i(&events, "event_id", r), Some(e.event_id as i64), "{name}");
        assert_eq!(
            i(&events, "qualifiers", r),
            e.qualifiers.map(|q| q as i64),
            "{name}"
        );
        assert_eq!(i(&events, "level", r), Some(e.level as i64), "{name}");
        assert_eq!(
            s(&events, "channel", r).as_deref(),
            Some(e.channel.as_str()),
            "{name}"
        );
        assert_eq!(
            s(&events, "computer", r).as_deref(),
            Some(e.computer.as_str()),
            "{name}"
        );
        assert_eq!(i(&events, "pid", r), Some(e.execution_pid as i64), "{name}");
        assert_eq!(
            s(&events, "source_name", r),
            e.event_source_name.clone(),
            "{name}"
        );
        let expect_time = (e.time_created / 10) as i64 - 11_644_473_600_000_000;
        assert_eq!(i(&events, "time", r), Some(expect_time), "{name}");
        // EventData keeps names or positions, in order.
        let data: serde_json::Value =
            serde_json::from_str(&s(&events, "event_data", r).unwrap()).unwrap();
        match &e.data {
            EventData::Named { fields, binary } => {
                let obj = data.as_object().unwrap();
                let keys: Vec<&String> = obj.keys().filter(|k| *k != "Binary").collect();
                let want: Vec<&String> = fields.iter().map(|(n, _)| n).collect();
                assert_eq!(keys, want, "{name}: named data in order");
                for (n, v) in fields {
                    assert_eq!(obj[n], serde_json::Value::String(v.clone()), "{name}: {n}");
                }
                assert_eq!(obj.contains_key("Binary"), binary.is_some(), "{name}");
            }
            EventData::Positional { values, .. } => {
                let got: Vec<&str> = data["Data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                let want: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
                assert_eq!(got, want, "{name}: positional data in order");
            }
            EventData::None => assert_eq!(s(&events, "event_data", r), None),
        }
        // Lifecycle.
        let x = exp.iter().find(|x| x.0 == *name).unwrap();
        let l = at(&life);
        let got = (
            s(&life, "kind", l),
            s(&life, "app_pool", l),
            i(&life, "pid", l),
            s(&life, "recycle_reason", l),
            s(&life, "exit_code", l),
            s(&life, "exception_code", l),
            s(&life, "faulting_module", l),
            s(&life, "exception_type", l),
            i(&life, "site_id", l),
        );
        let want = (
            Some(x.1.to_string()),
            x.2.map(str::to_string),
            x.3,
            x.4.map(str::to_string),
            x.5.map(str::to_string),
            x.6.map(str::to_string),
            x.7.map(str::to_string),
            x.8.map(str::to_string),
            x.9,
        );
        assert_eq!(got, want, "{name}");
        assert_eq!(i(&life, "event_id", l), Some(e.event_id as i64), "{name}");
    }
    // The 5011's Binary is the HRESULT, rendered in the detail.
    let l = (0..life.height())
        .find(|&r| i(&life, "event_id", r) == Some(5011))
        .unwrap();
    assert!(s(&life, "detail", l).unwrap().contains("0x8007006d"));
}

#[test]
fn events_for_other_processes_are_not_lifecycle() {
    // An Application Error for another process and a WER report for it stay in events only.
    let mut w = EvtxWriter::new();
    let catalog = evtx_common::catalog();
    let mut e = catalog
        .iter()
        .find(|c| c.0 == "application_error_1000_classic")
        .unwrap()
        .1
        .clone();
    if let EventData::Positional { values, .. } = &mut e.data {
        values[0] = "SearchProtocolHost.exe".into();
    }
    w.add(&e).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("Application.evtx");
    std::fs::write(&f, w.into_bytes()).unwrap();
    let out = dir.path().join("out");
    analyze(&[&f], &out);
    assert_eq!(read_table(&out, "events").height(), 1);
    assert_eq!(read_table(&out, "lifecycle").height(), 0);
}
