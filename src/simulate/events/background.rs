//! The background noise of a real System and Application log, with nothing to do with
//! IIS: services starting and stopping, time syncs, DCOM permission warnings, licensing,
//! Windows Update failure reports and a crashing search indexer.

use super::{base, pos, SCM_GUID};
use crate::domain::lifecycle::{self as lc, Reporter};
use crate::simulate::evtx_writer::{Event, EventData};
use crate::simulate::model::Server;
use crate::simulate::plan::Plan;
use crate::simulate::rng::Rng;
use crate::time::MICROS_PER_SEC;

/// Records with the time they are logged at.
pub type Timed = Vec<(i64, Event)>;

/// Background events of a real server, by channel: (time, record) pairs.
pub fn noise(server: &Server, plan: &Plan, rng: &mut Rng) -> (Timed, Timed) {
    let (mut system, mut application) = (Vec::new(), Vec::new());
    let mut t = plan.log_start;
    while t < plan.end {
        t += rng.exp(600.0 * MICROS_PER_SEC as f64) as i64 + MICROS_PER_SEC;
        match rng.below(6) {
            0 => system.push((t, service_state_change(server, t, rng))),
            1 => system.push((t, time_sync(server, t))),
            2 => system.push((t, dcom_permission(server, t))),
            3 => application.push((t, license_check(server, t))),
            4 => application.push((t, update_failure_report(server, t))),
            _ => application.push((t, search_indexer_crash(server, t))),
        }
    }
    system.retain(|(t, _)| *t < plan.end);
    application.retain(|(t, _)| *t < plan.end);
    (system, application)
}

/// Service Control Manager 7036 for a Windows service starting or stopping.
fn service_state_change(server: &Server, t: i64, rng: &mut Rng) -> Event {
    let service = [
        "Windows Modules Installer",
        "Windows Update",
        "Background Intelligent Transfer Service",
    ][rng.below(3) as usize];
    let state = ["running", "stopped"][rng.below(2) as usize];
    Event {
        event_id: lc::SCM_STATE_CHANGE,
        qualifiers: Some(16384),
        level: 4,
        provider_guid: Some(SCM_GUID.into()),
        event_source_name: Some(Reporter::ServiceControlManager.provider().into()),
        execution_pid: 680,
        data: EventData::Named {
            fields: vec![
                ("param1".into(), service.into()),
                ("param2".into(), state.into()),
            ],
            binary: None,
        },
        ..base(
            server,
            t,
            "System",
            Reporter::ServiceControlManager.provider(),
        )
    }
}

/// Time-Service 35: the clock synchronized with the domain controller.
fn time_sync(server: &Server, t: i64) -> Event {
    Event {
        event_id: 35,
        level: 4,
        keywords: 0x8000_0000_0000_0000,
        provider_guid: Some("{06EDCFEB-0FD0-4E53-ACCA-A6F8BBF81BCB}".into()),
        execution_pid: 1360,
        data: EventData::Named {
            fields: vec![(
                "TimeSource".into(),
                "dc01.corp.example (ntp.d|10.20.0.2:123->10.20.1.15:123)".into(),
            )],
            binary: None,
        },
        ..base(server, t, "System", "Microsoft-Windows-Time-Service")
    }
}

/// DCOM 10016: a local activation permission warning.
fn dcom_permission(server: &Server, t: i64) -> Event {
    Event {
        event_id: 10016,
        qualifiers: Some(0),
        level: 3,
        provider_guid: Some("{1B562E86-B7AA-4131-BADC-B6F3A001407E}".into()),
        event_source_name: Some("DCOM".into()),
        execution_pid: 896,
        data: pos(&[
            "application-specific",
            "Local",
            "Activation",
            "{D63B10C5-BB46-4990-A94F-E40B9D520160}",
            "{9CA88EE3-ACB7-47C8-AFC4-AB702511C276}",
            "NT AUTHORITY",
            "SYSTEM",
            "S-1-5-18",
            "LocalHost (Using LRPC)",
            "Unavailable",
            "Unavailable",
        ]),
        ..base(server, t, "System", "Microsoft-Windows-DistributedCOM")
    }
}

/// Software Protection Platform 16384: the licensing service scheduled its restart.
fn license_check(server: &Server, t: i64) -> Event {
    Event {
        event_id: 16384,
        qualifiers: Some(16384),
        level: 4,
        provider_guid: Some("{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}".into()),
        event_source_name: Some("Software Protection Platform Service".into()),
        data: pos(&["2124-02-09T10:15:22Z", "RulesEngine"]),
        ..base(server, t, "Application", "Microsoft-Windows-Security-SPP")
    }
}

/// WER 1001 of a Windows Update scan failure (not a crash).
fn update_failure_report(server: &Server, t: i64) -> Event {
    Event {
        event_id: lc::WER_REPORT,
        qualifiers: Some(0),
        level: 4,
        data: pos(&[
            "0",
            "Generic",
            "WindowsUpdateFailure3",
            "Not available",
            "0",
            "10.0.17763.5458",
            "80240438",
            "00000000-0000-0000-0000-000000000000",
            "Scan",
            "0",
            "0",
            "",
            "",
            "",
            "",
        ]),
        ..base(server, t, "Application", Reporter::Wer.provider())
    }
}

/// Application Error 1000 of the search indexer, not of w3wp.exe.
fn search_indexer_crash(server: &Server, t: i64) -> Event {
    Event {
        event_id: lc::APPLICATION_FAULT,
        qualifiers: Some(0),
        level: 2,
        task: 100,
        data: pos(&[
            "SearchProtocolHost.exe",
            "7.0.17763.1",
            "5b3b4a1d",
            "mssrch.dll",
            "7.0.17763.1",
            "9d1f2c3a",
            "c0000005",
            "0000000000012345",
            "1a2c",
            "01da6e0b2c3d4e5f",
            "C:\\Windows\\system32\\SearchProtocolHost.exe",
            "C:\\Windows\\system32\\mssrch.dll",
            "8d6c1c9e-0b59-4f0e-9d4b-5c0f3b7a1e22",
            "",
            "",
        ]),
        ..base(
            server,
            t,
            "Application",
            Reporter::ApplicationError.provider(),
        )
    }
}
