//! The Application log records of a crash (domain.md §3): Application Error 1000, the
//! WER 1001 report, .NET Runtime 1026 and the ASP.NET 1309 of the request that threw.

use super::{base, filetime, pos};
use crate::domain::lifecycle::{self as lc, Reporter};
use crate::simulate::evtx_writer::Event;
use crate::simulate::exports::us_long;
use crate::simulate::model::Server;
use crate::simulate::plan::LifeEvent;
use crate::simulate::rng::Rng;
use crate::time::zone::Clock;

/// An Application log record at `t` from `provider`, logged by a process of its own.
fn app(server: &Server, t: i64, provider: &str) -> Event {
    Event {
        execution_pid: 5000 + 4 * rng_pid(t),
        execution_tid: 7000,
        ..base(server, t, "Application", provider)
    }
}

/// Application Error 1000: w3wp.exe faulted in `module` with `code`.
pub(super) fn app_error(
    server: &Server,
    e: &LifeEvent,
    code: &str,
    module: &str,
    process_start: i64,
    rng: &mut Rng,
) -> Event {
    let code = code.trim_start_matches("0x");
    let pid_hex = format!("{:x}", e.pid);
    let created = filetime_hex(process_start);
    let report = guid(rng);
    let module_path = format!("C:\\Windows\\System32\\{module}");
    Event {
        event_id: lc::APPLICATION_FAULT,
        qualifiers: Some(0),
        level: 2,
        task: 100,
        data: pos(&[
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
        ..app(server, e.time, Reporter::ApplicationError.provider())
    }
}

/// Windows Error Reporting 1001: the crash report (CLR20r3 for a managed exception).
pub(super) fn wer_report(
    server: &Server,
    t: i64,
    code: &str,
    module: &str,
    exception_type: Option<&str>,
    rng: &mut Rng,
) -> Event {
    let clr = exception_type.is_some();
    let bucket = format!("{:x}", rng.next_u64() & 0xffff_ffff_ffff);
    let code = code.trim_start_matches("0x");
    let p9 = exception_type.unwrap_or("");
    let cab = "0".to_string();
    Event {
        event_id: lc::WER_REPORT,
        qualifiers: Some(0),
        level: 4,
        task: 0,
        data: pos(&[
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
        ..app(server, t, Reporter::Wer.provider())
    }
}

/// .NET Runtime 1026: the process ended on an unhandled exception.
pub(super) fn dot_net_crash(server: &Server, t: i64, exception_type: &str, message: &str) -> Event {
    let text = format!(
        "Application: w3wp.exe\nFramework Version: v4.0.30319\nDescription: The process was terminated due to an unhandled exception.\nException Info: {exception_type}\n   at Contoso.Shop.Checkout.Process()\n\n{message}"
    );
    Event {
        event_id: lc::DOTNET_UNHANDLED_EXCEPTION,
        qualifiers: Some(0),
        level: 2,
        task: 0,
        data: pos(&[&text]),
        ..app(server, t, Reporter::DotNetRuntime.provider())
    }
}

/// ASP.NET 1309 (web event 3005): an unhandled exception in a request to `path`. Its
/// event time (item 2) is the server clock's local time, item 3 the UTC time, both as
/// ASP.NET writes them (`3/4/2024 1:05:09 PM`).
pub(super) fn asp_net_error(
    server: &Server,
    e: &LifeEvent,
    site: i64,
    (exception_type, message): (&str, &str),
    path: &str,
    rng: &mut Rng,
) -> Event {
    let t = e.time;
    let local = us_long(server.clock.to_local(t));
    let utc = us_long(Clock::Fixed { offset_s: 0 }.to_local(t));
    let domain = format!(
        "/LM/W3SVC/{site}/ROOT-1-{}",
        133_000_000_000_000_000u64 + (t as u64 % 1_000_000_000)
    );
    let id = guid(rng).replace('-', "");
    let host = server
        .sites
        .iter()
        .find(|s| s.id == site)
        .map(|s| s.host)
        .unwrap_or("localhost");
    let url = format!("https://{host}{path}");
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
    Event {
        event_id: lc::ASPNET_WEB_EVENT,
        qualifiers: Some(32768),
        level: 3,
        task: 3,
        data: pos(&vals),
        ..app(server, t, &aspnet_provider())
    }
}

/// The provider name of the ASP.NET the simulated server runs (4.0).
fn aspnet_provider() -> String {
    format!("{} 4.0.30319.0", Reporter::AspNet.provider())
}

fn rng_pid(t: i64) -> u32 {
    ((t / 1_000_000) % 2000) as u32
}

fn filetime_hex(micros: i64) -> String {
    format!("{:016x}", filetime(micros))
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
