//! The event records the simulated server logs: each planned lifecycle event as the
//! provider writes it (domain.md §3: WAS and Service Control Manager here, Application
//! Error, WER, .NET Runtime and ASP.NET in `application`), plus the background noise of
//! a real System and Application log (`background`), into System.evtx and
//! Application.evtx. Provider names and event ids of the lifecycle events are
//! `domain::was`'s and `domain::lifecycle`'s.

mod application;
mod background;

pub use background::{noise, Timed};

use super::evtx_writer::{Event, EventData};
use super::model::Server;
use super::plan::{Life, LifeEvent};
use super::rng::Rng;
use crate::domain::lifecycle::{self as lc, Reporter};
use crate::domain::was::{self, Layout};
use crate::domain::RecycleReason;
use crate::time::MICROS_PER_SEC;

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
        event_source_name: Some(was::SOURCE_NAME.into()),
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
        ..base(server, time, "System", was::PROVIDER)
    }
}

/// The records of one planned lifecycle event.
pub fn records(server: &Server, e: &LifeEvent, rng: &mut Rng) -> Vec<Event> {
    let pool = server.pools[e.pool].name;
    let pid = e.pid.to_string();
    let t = e.time;
    let record = match &e.what {
        Life::Was5011 => communication_error(server, t, pool, pid),
        Life::Was5009 { exit_code } => {
            let data = pos(&[pool, &pid, exit_code]);
            was(server, t, was::PROCESS_EXITED, 3, data)
        }
        Life::Was5010 => was(server, t, was::PING_FAILED, 3, pos(&[pool, &pid])),
        Life::Was5002 => was(server, t, was::RAPID_FAIL, 2, pos(&[pool])),
        Life::Was5013 => was(server, t, was::SHUTDOWN_TIMEOUT, 3, pos(&[pool, &pid])),
        Life::Recycle { reason } => {
            let data = recycle_data(*reason, &pid, pool);
            was(server, t, reason.was_event(), 4, data)
        }
        Life::Idle { minutes } => {
            let data = pos(&[&pid, pool, &minutes.to_string()]);
            was(server, t, RecycleReason::Idle.was_event(), 4, data)
        }
        Life::AppError {
            code,
            module,
            process_start,
        } => application::app_error(server, e, code, module, *process_start, rng),
        Life::Wer {
            code,
            module,
            exception_type,
        } => application::wer_report(server, t, code, module, *exception_type, rng),
        Life::DotNet {
            exception_type,
            message,
        } => application::dot_net_crash(server, t, exception_type, message),
        Life::AspNet {
            site,
            exception_type,
            message,
            path,
        } => application::asp_net_error(server, e, *site, (exception_type, message), path, rng),
        Life::ServiceState { service, running } => service_state(server, t, service, *running),
    };
    vec![record]
}

/// WAS 5011: the HRESULT of the broken pipe (0x8007006d) in `<Binary>`.
fn communication_error(server: &Server, t: i64, pool: &str, pid: String) -> Event {
    let data = EventData::Named {
        fields: vec![("AppPoolID".into(), pool.into()), ("ProcessID".into(), pid)],
        binary: Some(vec![0x6D, 0x00, 0x07, 0x80]),
    };
    was(server, t, was::COMMUNICATION_ERROR, 3, data)
}

/// A recycle event's EventData, laid out as WAS logs the reason's event (`domain::was`).
fn recycle_data(reason: RecycleReason, pid: &str, pool: &str) -> EventData {
    let event = was::event(reason.was_event()).expect("every reason has its WAS event");
    match event.layout {
        Layout::PidPool => pos(&[pid, pool]),
        Layout::PoolPid => pos(&[pool, pid]),
        Layout::Pool | Layout::PoolMaybePid => pos(&[pool]),
    }
}

/// Service Control Manager 7036: a service entered the running or stopped state.
fn service_state(server: &Server, t: i64, service: &str, running: bool) -> Event {
    Event {
        provider_guid: Some(SCM_GUID.into()),
        event_source_name: Some(Reporter::ServiceControlManager.provider().into()),
        event_id: lc::SCM_STATE_CHANGE,
        qualifiers: Some(16384),
        level: 4,
        execution_pid: 680,
        execution_tid: 4000,
        data: EventData::Named {
            fields: vec![
                ("param1".into(), service.to_string()),
                (
                    "param2".into(),
                    if running { "running" } else { "stopped" }.into(),
                ),
            ],
            binary: Some(
                "W3SVC/1"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes())
                    .collect(),
            ),
        },
        ..base(
            server,
            t,
            "System",
            Reporter::ServiceControlManager.provider(),
        )
    }
}
