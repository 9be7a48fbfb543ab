//! The event records the simulated server logs: each planned lifecycle event as the
//! provider writes it (domain.md §3: WAS, Application Error, WER, .NET Runtime, ASP.NET,
//! Service Control Manager), plus the background noise of a real System and Application
//! log, into System.evtx and Application.evtx.

use super::evtx_writer::{Event, EventData};
use super::model::Server;
use super::plan::{Life, LifeEvent, Plan};
use super::rng::Rng;
use crate::time::{civil_from_days, MICROS_PER_DAY, MICROS_PER_SEC};

const WAS_GUID: &str = "{524B5D04-133C-4A62-8362-64E8EDB9CE40}";
const SCM_GUID: &str = "{555908d1-a6d7-4695-8e1e-26931d2012f4}";
const CLASSIC: u64 = 0x0080_0000_0000_0000;
const WAS_SVCHOST_PID: u32 = 2284;

fn filetime(micros: i64) -> u64 {
    ((micros + 11_644_473_600 * MICROS_PER_SEC) * 10) as u64
}

fn pos(values: &[&str]) -> EventData {
    EventData::Positional {
        values: values.iter().map(|v| v.to_string()).collect(),
        binary: None,
    }
}

fn base(server: &Server, time: i64, channel: &str, provider: &str) -> Event {
    Event {
        provider_name: provider.into(),
        keywords: CLASSIC,
        time_created: filetime(time),
        channel: channel.into(),
        computer: format!("{}.corp.example", server.computer),
        ..Default::default()
    }
}

fn was(server: &Server, time: i64, id: u16, level: u8, data: EventData) -> Event {
    Event {
        provider_guid: Some(WAS_GUID.into()),
        event_source_name: Some("WAS".into()),
        event_id: id,
        qualifiers: Some(match level {
            2 => 49152,
            3 => 32768,
            _ => 16384,
        }),
        level,
        execution_pid: WAS_SVCHOST_PID,
        execution_tid: 3120,
        data,
        ..base(server, time, "System", "Microsoft-Windows-WAS")
    }
}

/// The recycle event id of a reason.
fn recycle_id(reason: &str) -> u16 {
    match reason {
        "time" => 5074,
        "requests" => 5075,
        "schedule" => 5076,
        "memory" => 5077,
        "isapi_unhealthy" => 5078,
        "on_demand" => 5079,
        "config_change" => 5080,
        _ => 5117,
    }
}

fn filetime_hex(micros: i64) -> String {
    format!("{:016x}", filetime(micros))
}

/// The records of one planned lifecycle event.
pub fn records(server: &Server, e: &LifeEvent, rng: &mut Rng) -> Vec<Event> {
    let pool = server.pools[e.pool].name;
    let pid = e.pid.to_string();
    let t = e.time;
    let app =
        |id: u16, provider: &str, level: u8, task: u16, q: Option<u16>, data: EventData| Event {
            event_id: id,
            qualifiers: q,
            level,
            task,
            execution_pid: 5000 + 4 * rng_pid(e.time),
            execution_tid: 7000,
            data,
            ..base(server, t, "Application", provider)
        };
    match &e.what {
        Life::Was5011 => vec![was(
            server,
            t,
            5011,
            3,
            EventData::Named {
                fields: vec![("AppPoolID".into(), pool.into()), ("ProcessID".into(), pid)],
                binary: Some(vec![0x6D, 0x00, 0x07, 0x80]),
            },
        )],
        Life::Was5009 { exit_code } => vec![was(server, t, 5009, 3, pos(&[pool, &pid, exit_code]))],
        Life::Was5010 => vec![was(server, t, 5010, 3, pos(&[pool, &pid]))],
        Life::Was5002 => vec![was(server, t, 5002, 2, pos(&[pool]))],
        Life::Was5013 => vec![was(server, t, 5013, 3, pos(&[pool, &pid]))],
        Life::Recycle { reason } => {
            let id = recycle_id(reason);
            let data = match id {
                5074..=5078 => pos(&[&pid, pool]),
                _ => pos(&[pool]),
            };
            vec![was(server, t, id, 4, data)]
        }
        Life::Idle { minutes } => vec![was(
            server,
            t,
            5186,
            4,
            pos(&[&pid, pool, &minutes.to_string()]),
        )],
        Life::AppError {
            code,
            module,
            process_start,
        } => {
            let code = code.trim_start_matches("0x");
            let pid_hex = format!("{:x}", e.pid);
            let created = filetime_hex(*process_start);
            let report = guid(rng);
            let module_path = format!("C:\\Windows\\System32\\{module}");
            vec![app(
                1000,
                "Application Error",
                2,
                100,
                Some(0),
                pos(&[
                    "w3wp.exe",
                    "10.0.17763.1",
                    "cfb1e5a2",
                    module,
                    "10.0.17763.5458",
                    "8e3f2b61",
                    code,
                    "000000000004c8a2",
                    &pid_hex,
                    &created,
                    "c:\\windows\\system32\\inetsrv\\w3wp.exe",
                    &module_path,
                    &report,
                    "",
                    "",
                ]),
            )]
        }
        Life::Wer {
            code,
            module,
            exception_type,
        } => {
            let clr = exception_type.is_some();
            let bucket = format!("{:x}", rng.next_u64() & 0xffff_ffff_ffff);
            let code = code.trim_start_matches("0x");
            let p9 = exception_type.unwrap_or("");
            let cab = "0".to_string();
            vec![app(
                1001,
                "Windows Error Reporting",
                4,
                0,
                Some(0),
                pos(&[
                    &bucket,
                    "4",
                    if clr { "CLR20r3" } else { "APPCRASH" },
                    "Not available",
                    &cab,
                    "w3wp.exe",
                    "10.0.17763.1",
                    "cfb1e5a2",
                    module,
                    "10.0.17763.5458",
                    "8e3f2b61",
                    code,
                    "000000000004c8a2",
                    p9,
                    "",
                ]),
            )]
        }
        Life::DotNet {
            exception_type,
            message,
        } => {
            let text = format!(
                "Application: w3wp.exe\nFramework Version: v4.0.30319\nDescription: The process was terminated due to an unhandled exception.\nException Info: {exception_type}\n   at Contoso.Shop.Checkout.Process()\n\n{message}"
            );
            vec![app(1026, ".NET Runtime", 2, 0, Some(0), pos(&[&text]))]
        }
        Life::AspNet {
            site,
            exception_type,
            message,
            path,
        } => {
            let (local, utc) = (stamp(t), stamp(t));
            let domain = format!(
                "/LM/W3SVC/{site}/ROOT-1-{}",
                133_000_000_000_000_000u64 + (t as u64 % 1_000_000_000)
            );
            let id = guid(rng).replace('-', "");
            let url = format!(
                "https://{}{path}",
                server
                    .sites
                    .iter()
                    .find(|s| s.id == *site)
                    .map(|s| s.host)
                    .unwrap_or("localhost")
            );
            let pid_s = e.pid.to_string();
            let detail = format!("{message}\n   at Contoso.Shop.Checkout.Process()\n   at System.Web.HttpApplication.ExecuteStep(IExecutionStep step, Boolean& completedSynchronously)");
            let vals: Vec<&str> = vec![
                "3005",
                "An unhandled exception has occurred.",
                &local,
                &utc,
                &id,
                "17",
                "1",
                "0",
                &domain,
                "Full",
                "/",
                "D:\\inetpub\\Shop\\",
                &server.computer,
                "",
                &pid_s,
                "w3wp.exe",
                "IIS APPPOOL\\ShopPool",
                exception_type,
                &detail,
                &url,
                path,
                "203.0.113.10",
                "",
                "False",
                "",
                "IIS APPPOOL\\ShopPool",
                "14",
                "IIS APPPOOL\\ShopPool",
                "False",
                "   at Contoso.Shop.Checkout.Process()",
            ];
            vec![app(
                1309,
                "ASP.NET 4.0.30319.0",
                3,
                3,
                Some(32768),
                pos(&vals),
            )]
        }
        Life::ServiceState { service, running } => vec![Event {
            provider_guid: Some(SCM_GUID.into()),
            event_source_name: Some("Service Control Manager".into()),
            event_id: 7036,
            qualifiers: Some(16384),
            level: 4,
            execution_pid: 680,
            execution_tid: 4000,
            data: EventData::Named {
                fields: vec![
                    ("param1".into(), service.to_string()),
                    (
                        "param2".into(),
                        if *running { "running" } else { "stopped" }.into(),
                    ),
                ],
                binary: Some(
                    "W3SVC/1"
                        .encode_utf16()
                        .flat_map(|u| u.to_le_bytes())
                        .collect(),
                ),
            },
            ..base(server, t, "System", "Service Control Manager")
        }],
    }
}

fn rng_pid(t: i64) -> u32 {
    ((t / 1_000_000) % 2000) as u32
}

fn guid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn stamp(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(MICROS_PER_DAY));
    let s = t.rem_euclid(MICROS_PER_DAY) / MICROS_PER_SEC;
    format!(
        "{m}/{d}/{y} {}:{:02}:{:02} {}",
        (s / 3600 + 11) % 12 + 1,
        s / 60 % 60,
        s % 60,
        if s / 3600 < 12 { "AM" } else { "PM" }
    )
}

/// Records with the time they are logged at.
pub type Timed = Vec<(i64, Event)>;

/// Background events of a real server, by channel: (time, record) pairs.
pub fn noise(server: &Server, plan: &Plan, rng: &mut Rng) -> (Timed, Timed) {
    let (mut system, mut application) = (Vec::new(), Vec::new());
    let mut t = plan.log_start;
    while t < plan.end {
        t += rng.exp(600.0 * MICROS_PER_SEC as f64) as i64 + MICROS_PER_SEC;
        match rng.below(6) {
            0 => system.push((
                t,
                Event {
                    event_id: 7036,
                    qualifiers: Some(16384),
                    level: 4,
                    provider_guid: Some(SCM_GUID.into()),
                    event_source_name: Some("Service Control Manager".into()),
                    execution_pid: 680,
                    data: EventData::Named {
                        fields: vec![
                            (
                                "param1".into(),
                                [
                                    "Windows Modules Installer",
                                    "Windows Update",
                                    "Background Intelligent Transfer Service",
                                ][rng.below(3) as usize]
                                    .into(),
                            ),
                            (
                                "param2".into(),
                                ["running", "stopped"][rng.below(2) as usize].into(),
                            ),
                        ],
                        binary: None,
                    },
                    ..base(server, t, "System", "Service Control Manager")
                },
            )),
            1 => system.push((
                t,
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
                },
            )),
            2 => system.push((
                t,
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
                },
            )),
            3 => application.push((
                t,
                Event {
                    event_id: 16384,
                    qualifiers: Some(16384),
                    level: 4,
                    provider_guid: Some("{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}".into()),
                    event_source_name: Some("Software Protection Platform Service".into()),
                    data: pos(&["2124-02-09T10:15:22Z", "RulesEngine"]),
                    ..base(server, t, "Application", "Microsoft-Windows-Security-SPP")
                },
            )),
            4 => application.push((
                t,
                Event {
                    event_id: 1001,
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
                    ..base(server, t, "Application", "Windows Error Reporting")
                },
            )),
            _ => application.push((
                t,
                Event {
                    event_id: 1000,
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
                    ..base(server, t, "Application", "Application Error")
                },
            )),
        }
    }
    system.retain(|(t, _)| *t < plan.end);
    application.retain(|(t, _)| *t < plan.end);
    (system, application)
}
