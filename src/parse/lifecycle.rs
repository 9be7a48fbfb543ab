//! Recognises the events that tell what happened to an application pool or a worker
//! process and reads each into a typed [`Lifecycle`] (domain.md §3 for layouts, §5 for
//! meaning; the WAS event table is `domain::was`, the other reporters' provider names
//! and event ids are `domain::lifecycle`). Named and positional EventData both work: a
//! named item wins, else its documented position.
//! A new event of a known kind is one arm in [`extract`] (a WAS event: one row of
//! `domain::was::EVENTS`); README.md says what a new kind takes.

use crate::domain::lifecycle::{self as lc, Lifecycle, LifecycleKind as K, Reporter};
use crate::domain::was::{self, Carries, Layout, WasEvent};
use crate::domain::RecycleReason;
use crate::parse::eventdata::Event;

fn is_provider(ev: &Event, names: &[&str]) -> bool {
    let matches = |v: &Option<String>| {
        v.as_deref()
            .is_some_and(|p| names.iter().any(|n| p.eq_ignore_ascii_case(n)))
    };
    matches(&ev.provider) || matches(&ev.source_name)
}

fn nonempty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A decimal process id (WAS, ASP.NET).
fn dec_pid(v: Option<&str>) -> Option<i64> {
    v?.trim().parse::<u32>().ok().map(i64::from)
}

/// A hexadecimal process id, with or without `0x` (Application Error).
pub fn hex_pid(v: Option<&str>) -> Option<i64> {
    let s = v?.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u32::from_str_radix(s, 16).ok().map(i64::from)
}

/// A 32-bit code written in hex (with or without `0x`), or negative decimal, as
/// `0x` + 8 hex digits.
pub fn hex_code(v: Option<&str>) -> Option<String> {
    let s = v?.trim();
    if s.is_empty() {
        return None;
    }
    let n = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if let Some(d) = s.strip_prefix('-') {
        (-(d.parse::<i64>().ok()?)) as u64
    } else {
        u64::from_str_radix(s, 16).ok()?
    };
    Some(format!("0x{:08x}", n as u32))
}

/// The HRESULT in a WAS `<Binary>` (a little-endian DWORD: `6D000780` → `0x8007006d`).
fn binary_hresult(b: Option<&str>) -> Option<u32> {
    let b = b?.trim();
    if b.len() < 8 {
        return None;
    }
    let mut bytes = [0u8; 4];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(b.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(u32::from_le_bytes(bytes))
}

fn looks_numeric(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()))
}

/// Pool and pid of a WAS event whose template is (pool, pid) or (pid, pool).
fn was_pool_pid(ev: &Event, pid_first: bool) -> (Option<String>, Option<i64>) {
    let named_pool = ev
        .get("AppPoolID", usize::MAX)
        .or(ev.get("AppPoolName", usize::MAX));
    let named_pid = ev
        .get("ProcessID", usize::MAX)
        .or(ev.get("ProcessId", usize::MAX));
    if ev.is_named() && (named_pool.is_some() || named_pid.is_some()) {
        return (nonempty(named_pool), dec_pid(named_pid));
    }
    let (a, b) = (ev.get("", 0), ev.get("", 1));
    // Trust the documented order, but a swapped template (numeric first where a name
    // is expected) is read the other way round.
    let pid_first = if pid_first {
        !looks_numeric(b) || looks_numeric(a)
    } else {
        looks_numeric(a) && !looks_numeric(b) && b.is_some()
    };
    if pid_first {
        (nonempty(b), dec_pid(a))
    } else {
        (nonempty(a), dec_pid(b))
    }
}

/// Pool and pid of an event whose template names only the pool (5079-5081, 5117); a
/// pid is taken if the event carries one first.
fn pool_maybe_pid(ev: &Event) -> (Option<String>, Option<i64>) {
    if !ev.is_named() && looks_numeric(ev.get("", 0)) && ev.data.len() >= 2 {
        (nonempty(ev.get("", 1)), dec_pid(ev.get("", 0)))
    } else {
        (
            nonempty(ev.get("AppPoolID", 0)),
            dec_pid(ev.get("ProcessID", usize::MAX)),
        )
    }
}

fn was(ev: &Event, id: u16) -> Option<Lifecycle> {
    let w: &WasEvent = was::event(id)?;
    let mut l = Lifecycle::new(w.kind, Reporter::Was);
    (l.app_pool, l.pid) = match w.layout {
        Layout::Pool => (nonempty(ev.get("AppPoolID", 0)), None),
        Layout::PoolPid => was_pool_pid(ev, false),
        Layout::PidPool => was_pool_pid(ev, true),
        Layout::PoolMaybePid => pool_maybe_pid(ev),
    };
    l.recycle_reason = w.reason;
    l.detail = w.detail.map(str::to_string);
    match w.carries {
        Carries::Nothing => {}
        Carries::ExitCode => l.exit_code = hex_code(ev.get("ExitCode", 2)),
        Carries::BinaryHresult => {
            l.was_error = binary_hresult(ev.binary.as_deref());
            if let (Some(d), Some(e)) = (&mut l.detail, l.was_error) {
                d.push_str(&format!(", error 0x{e:08x}"));
            }
        }
        Carries::Protocol => {
            l.detail = nonempty(ev.get("ProtocolID", 3))
                .map(|p| format!("listener channel failure for protocol {p}"));
        }
        Carries::IdleMinutes => {
            l.detail = nonempty(ev.get("", 2)).map(|m| format!("idle timeout {m} minutes"));
        }
    }
    Some(l)
}

fn w3svc_wp(ev: &Event, id: u16) -> Option<Lifecycle> {
    let l = match id {
        lc::WP_HTTP_INIT_FAILED => {
            let mut l = Lifecycle::new(K::StartFailure, Reporter::W3svcWp);
            (l.app_pool, l.pid) = was_pool_pid(ev, false);
            l.detail =
                Some("worker process failed to initialize communication with http.sys".into());
            l
        }
        lc::WP_ISAPI_UNHEALTHY => {
            let mut l = Lifecycle::new(K::Recycle, Reporter::W3svcWp);
            l.recycle_reason = Some(RecycleReason::IsapiUnhealthy);
            l.detail = nonempty(ev.get("Reason", 0));
            l
        }
        _ if lc::WP_MODULE_FAILURES.contains(&id) => {
            let mut l = Lifecycle::new(K::StartFailure, Reporter::W3svcWp);
            l.detail = nonempty(ev.get("ModuleDll", 0));
            l
        }
        _ => return None,
    };
    Some(l)
}

fn is_w3wp(v: Option<&str>) -> bool {
    v.is_some_and(|s| s.trim().eq_ignore_ascii_case("w3wp.exe"))
}

fn application_error(ev: &Event) -> Option<Lifecycle> {
    let app = ev.get("AppName", 0);
    if !is_w3wp(app) {
        return None;
    }
    let mut l = Lifecycle::new(K::Crash, Reporter::ApplicationError);
    l.pid = hex_pid(ev.get("ProcessId", 8));
    l.exception_code = hex_code(ev.get("ExceptionCode", 6));
    l.faulting_module = nonempty(ev.get("ModuleName", 3));
    l.process_name = nonempty(app);
    l.detail = nonempty(ev.get("FaultingOffset", 7)).map(|o| format!("fault offset {o}"));
    Some(l)
}

fn wer(ev: &Event) -> Option<Lifecycle> {
    let p1 = ev.get("P1", 5);
    if !is_w3wp(p1) {
        return None;
    }
    let event_name = ev.get("EventName", 2).unwrap_or_default();
    let mut l = Lifecycle::new(K::CrashReport, Reporter::Wer);
    l.process_name = nonempty(p1);
    l.detail = nonempty(Some(event_name));
    l.faulting_module = nonempty(ev.get("P4", 8));
    if event_name.eq_ignore_ascii_case("CLR20r3") {
        l.exception_type = nonempty(ev.get("P9", 13));
    } else {
        l.exception_code = hex_code(ev.get("P7", 11));
    }
    Some(l)
}

/// The text after `label` in .NET Runtime's message, up to the end of its line or the
/// next label (a text export may have put the whole message on one line).
fn after_label<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    const LABELS: &[&str] = &[
        "Framework Version:",
        "CoreCLR Version:",
        "Description:",
        "Exception Info:",
        "Stack:",
    ];
    let rest = &text[text.find(label)? + label.len()..];
    let end = LABELS
        .iter()
        .filter_map(|l| rest.find(l))
        .chain(rest.find('\n'))
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn dotnet_runtime(ev: &Event) -> Option<Lifecycle> {
    let text = ev.get("", 0)?;
    let app = after_label(text, "Application:").and_then(|a| a.split_whitespace().next());
    if !is_w3wp(app) {
        return None;
    }
    let mut l = Lifecycle::new(K::UnhandledException, Reporter::DotNetRuntime);
    l.process_name = nonempty(app);
    l.exception_type = text
        .find("Exception Info:")
        .and_then(|i| {
            text[i + "Exception Info:".len()..]
                .split_whitespace()
                .next()
        })
        .map(|s| s.trim_end_matches(':').to_string());
    l.detail = after_label(text, "Description:").map(str::to_string);
    Some(l)
}

fn aspnet_1309(ev: &Event) -> Option<Lifecycle> {
    let process = ev.get("", 15);
    if process.is_some() && !is_w3wp(process) {
        return None;
    }
    let mut l = Lifecycle::new(K::RequestError, Reporter::AspNet);
    l.site_id = ev.get("", 8).and_then(|d| {
        let rest = d.to_ascii_uppercase();
        let i = rest.find("/W3SVC/")?;
        d[i + 7..].split('/').next()?.parse::<i64>().ok()
    });
    let message = ev
        .get("", 18)
        .map(|m| m.lines().next().unwrap_or_default().trim().to_string());
    l.pid = dec_pid(ev.get("", 14));
    l.exception_type = nonempty(ev.get("", 17));
    l.process_name = nonempty(process);
    l.detail = message
        .filter(|m| !m.is_empty())
        .map(|m| crate::text::truncate(&m, 300).to_string());
    Some(l)
}

fn scm(ev: &Event, id: u16) -> Option<Lifecycle> {
    let service = ev.get("param1", 0)?.trim();
    if !lc::IIS_SERVICES
        .iter()
        .any(|s| service.eq_ignore_ascii_case(s))
    {
        return None;
    }
    let times = ev.get("param2", 1).unwrap_or("?");
    let mut l = Lifecycle::new(K::ServiceCrash, Reporter::ServiceControlManager);
    l.process_name = Some(service.to_string());
    l.detail = Some(format!(
        "service terminated unexpectedly ({times} time(s)){}",
        if id == lc::SCM_TERMINATED_RECOVERING {
            "; Windows will take its recovery action"
        } else {
            ""
        }
    ));
    Some(l)
}

/// Whether [`extract`] may read the data of an event of this provider or classic
/// source name: it reads none of an event that no [`Reporter`] logs under, so a reader
/// may leave such an event's data items out of its [`Event`].
pub fn may_read(provider: Option<&str>, source_name: Option<&str>) -> bool {
    [provider, source_name]
        .into_iter()
        .flatten()
        .any(|name| Reporter::of_provider(name).is_some())
}

/// What the event says about a pool or worker process, if it is one corvid knows.
pub fn extract(ev: &Event) -> Option<Lifecycle> {
    if !may_read(ev.provider.as_deref(), ev.source_name.as_deref()) {
        return None;
    }
    let id = u16::try_from(ev.event_id16()?).ok()?;
    let from = |r: Reporter| is_provider(ev, r.providers());
    if from(Reporter::Was) {
        return was(ev, id);
    }
    if from(Reporter::W3svcWp) {
        return w3svc_wp(ev, id);
    }
    // ASP.NET logs under a versioned provider name, never a classic source name.
    let aspnet = |p: &str| {
        Reporter::AspNet
            .providers()
            .iter()
            .any(|n| p.starts_with(n))
    };
    match id {
        lc::APPLICATION_FAULT if from(Reporter::ApplicationError) => application_error(ev),
        lc::WER_REPORT if from(Reporter::Wer) => wer(ev),
        lc::DOTNET_UNHANDLED_EXCEPTION if from(Reporter::DotNetRuntime) => dotnet_runtime(ev),
        lc::ASPNET_WEB_EVENT if ev.provider.as_deref().is_some_and(aspnet) => aspnet_1309(ev),
        lc::SCM_TERMINATED_RECOVERING | lc::SCM_TERMINATED
            if from(Reporter::ServiceControlManager) =>
        {
            scm(ev, id)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(provider: &str, id: i64, data: &[(Option<&str>, &str)]) -> Event {
        Event {
            provider: Some(provider.into()),
            event_id: Some(id),
            data: data
                .iter()
                .map(|(n, v)| (n.map(str::to_string), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn codes_normalize_to_hex() {
        assert_eq!(hex_code(Some("c0000005")).as_deref(), Some("0xc0000005"));
        assert_eq!(hex_code(Some("0x800703E9")).as_deref(), Some("0x800703e9"));
        assert_eq!(hex_code(Some("0x0000374")).as_deref(), Some("0x00000374"));
        assert_eq!(hex_code(Some("-1")).as_deref(), Some("0xffffffff"));
        assert_eq!(hex_pid(Some("709c")), Some(28828));
        assert_eq!(hex_pid(Some("0x9380")), Some(37760));
    }

    #[test]
    fn was_positional_pid_first_and_pool_first() {
        let l = extract(&ev(
            "Microsoft-Windows-WAS",
            5074,
            &[(None, "4242"), (None, "DefaultAppPool")],
        ))
        .unwrap();
        assert_eq!(
            (l.kind, l.app_pool.as_deref(), l.pid, l.recycle_reason),
            (
                K::Recycle,
                Some("DefaultAppPool"),
                Some(4242),
                Some(RecycleReason::Time)
            )
        );
        let l = extract(&ev(
            "Microsoft-Windows-WAS",
            5009,
            &[(None, "Pool A"), (None, "3108"), (None, "0x800703e9")],
        ))
        .unwrap();
        assert_eq!(
            (l.kind, l.app_pool.as_deref(), l.pid, l.exit_code.as_deref()),
            (K::Crash, Some("Pool A"), Some(3108), Some("0x800703e9"))
        );
    }

    #[test]
    fn was_5011_named_with_binary() {
        let mut e = ev(
            "Microsoft-Windows-WAS",
            5011,
            &[
                (Some("AppPoolID"), "MSExchangeMapiFrontEndAppPool"),
                (Some("ProcessID"), "4528"),
            ],
        );
        e.binary = Some("6D000780".into());
        let l = extract(&e).unwrap();
        assert_eq!(l.pid, Some(4528));
        assert_eq!(l.app_pool.as_deref(), Some("MSExchangeMapiFrontEndAppPool"));
        assert_eq!(l.was_error, Some(0x8007006d));
        assert_eq!(
            l.detail.as_deref(),
            Some("fatal communication error with WAS, error 0x8007006d")
        );
    }

    #[test]
    fn was_is_known_by_its_classic_source_name_too() {
        let mut e = ev("", 5010, &[(None, "ShopPool"), (None, "77")]);
        e.provider = None;
        e.source_name = Some("WAS".into());
        let l = extract(&e).unwrap();
        assert_eq!(
            (l.kind, l.reporter, l.pid),
            (K::Hang, Reporter::Was, Some(77))
        );
    }

    #[test]
    fn rapid_fail_is_its_own_disable_cause() {
        use crate::domain::DisableCause;
        let l = extract(&ev("WAS", 5002, &[(None, "ShopPool")])).unwrap();
        assert_eq!(l.kind, K::Disable(DisableCause::RapidFail));
        assert_eq!(l.kind.name(), "disable");
        let l = extract(&ev("WAS", 5021, &[(None, "ShopPool")])).unwrap();
        assert_eq!(l.kind, K::Disable(DisableCause::Identity));
    }

    #[test]
    fn application_error_classic_layout_for_w3wp_only() {
        let data = [
            "w3wp.exe",
            "8.5.9600.16384",
            "5215df96",
            "clr.dll",
            "4.0.30319.34209",
            "5348961e",
            "c0000409",
            "000000000006dd27",
            "709c",
            "01d2e5e2ff5dd5cf",
            "c:\\windows\\system32\\inetsrv\\w3wp.exe",
        ];
        let d: Vec<(Option<&str>, &str)> = data.iter().map(|v| (None, *v)).collect();
        let l = extract(&ev("Application Error", 1000, &d)).unwrap();
        assert_eq!(
            (
                l.kind,
                l.pid,
                l.exception_code.as_deref(),
                l.faulting_module.as_deref()
            ),
            (K::Crash, Some(28828), Some("0xc0000409"), Some("clr.dll"))
        );
        let mut other = d.clone();
        other[0] = (None, "rundll32.exe");
        assert!(extract(&ev("Application Error", 1000, &other)).is_none());
    }

    #[test]
    fn dotnet_and_aspnet() {
        let t = "Application: w3wp.exe\nFramework Version: v4.0.30319\nDescription: The process was terminated due to an unhandled exception.\nException Info: System.StackOverflowException\n";
        let l = extract(&ev(".NET Runtime", 1026, &[(None, t)])).unwrap();
        assert_eq!(
            l.exception_type.as_deref(),
            Some("System.StackOverflowException")
        );
        let mut d: Vec<(Option<&str>, &str)> = vec![(None, ""); 30];
        d[0] = (None, "3005");
        d[8] = (None, "/LM/W3SVC/34578/ROOT/Ucwa-5-130469956856288486");
        d[14] = (None, "19988");
        d[15] = (None, "w3wp.exe");
        d[17] = (None, "System.NullReferenceException");
        d[18] = (None, "Object reference not set\n   at X.Y()");
        let l = extract(&ev("ASP.NET 4.0.30319.0", 1309, &d)).unwrap();
        assert_eq!(
            (
                l.site_id,
                l.pid,
                l.exception_type.as_deref(),
                l.detail.as_deref()
            ),
            (
                Some(34578),
                Some(19988),
                Some("System.NullReferenceException"),
                Some("Object reference not set")
            )
        );
    }

    #[test]
    fn scm_only_for_iis_services() {
        let l = extract(&ev(
            "Service Control Manager",
            7031,
            &[
                (Some("param1"), "Windows Process Activation Service"),
                (Some("param2"), "1"),
            ],
        ))
        .unwrap();
        assert_eq!(l.kind, K::ServiceCrash);
        assert!(extract(&ev(
            "Service Control Manager",
            7031,
            &[(Some("param1"), "Print Spooler")]
        ))
        .is_none());
    }
}
