//! Normalizes the events that tell what happened to an application pool or a worker
//! process into `lifecycle` rows (domain.md §3 for layouts, §5 for meaning). Named and
//! positional EventData both work: a named item wins, else its documented position.

use crate::parse::eventdata::Event;

/// What one event says about a pool or a worker process.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifecycle {
    /// What happened (see the `lifecycle` table).
    pub kind: &'static str,
    /// Application pool.
    pub app_pool: Option<String>,
    /// Worker process id (decimal).
    pub pid: Option<i64>,
    /// Recycle or shutdown reason.
    pub recycle_reason: Option<&'static str>,
    /// Exit code as `0x%08x`.
    pub exit_code: Option<String>,
    /// Exception code as `0x%08x`.
    pub exception_code: Option<String>,
    /// Faulting module.
    pub faulting_module: Option<String>,
    /// Managed exception type.
    pub exception_type: Option<String>,
    /// IIS site id.
    pub site_id: Option<i64>,
    /// Process image or service name.
    pub process_name: Option<String>,
    /// Short extra text.
    pub detail: Option<String>,
}

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
fn binary_hresult(b: Option<&str>) -> Option<String> {
    let b = b?.trim();
    if b.len() < 8 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..4)
        .map(|i| u8::from_str_radix(b.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect();
    let bytes = bytes?;
    Some(format!(
        "0x{:08x}",
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    ))
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

fn was(ev: &Event, id: i32) -> Option<Lifecycle> {
    let mut l = Lifecycle::default();
    let recycle = |reason: &'static str, pid_first: bool| {
        let (app_pool, pid) = was_pool_pid(ev, pid_first);
        Lifecycle {
            kind: "recycle",
            app_pool,
            pid,
            recycle_reason: Some(reason),
            ..Default::default()
        }
    };
    match id {
        5002 => {
            l.kind = "disable";
            l.app_pool = nonempty(ev.get("AppPoolID", 0));
            l.detail = Some(
                "rapid-fail protection disabled the pool after a series of worker process failures"
                    .into(),
            );
        }
        5009 => {
            let (p, pid) = was_pool_pid(ev, false);
            l = Lifecycle {
                kind: "crash",
                app_pool: p,
                pid,
                ..l
            };
            l.exit_code = hex_code(ev.get("ExitCode", 2));
            l.detail = Some("worker process terminated unexpectedly".into());
        }
        5010 => {
            let (p, pid) = was_pool_pid(ev, false);
            l = Lifecycle {
                kind: "hang",
                app_pool: p,
                pid,
                ..l
            };
            l.detail = Some("worker process failed to respond to a ping".into());
        }
        5011 => {
            let (p, pid) = was_pool_pid(ev, false);
            l = Lifecycle {
                kind: "crash",
                app_pool: p,
                pid,
                ..l
            };
            l.detail = Some(match binary_hresult(ev.binary.as_deref()) {
                Some(h) => format!("fatal communication error with WAS, error {h}"),
                None => "fatal communication error with WAS".into(),
            });
        }
        5012 => {
            let (p, pid) = was_pool_pid(ev, false);
            l = Lifecycle {
                kind: "startup_timeout",
                app_pool: p,
                pid,
                ..l
            };
        }
        5013 => {
            let (p, pid) = was_pool_pid(ev, false);
            l = Lifecycle {
                kind: "shutdown_timeout",
                app_pool: p,
                pid,
                ..l
            };
            l.detail = Some("worker process exceeded shutdownTimeLimit and was killed".into());
        }
        5021 | 5057 | 5059 => {
            l.kind = "disable";
            l.app_pool = nonempty(ev.get("AppPoolID", 0));
            l.detail = Some(
                match id {
                    5059 => "WAS failed to start a worker process; the pool is disabled",
                    _ => "application pool identity is invalid; the pool is disabled",
                }
                .into(),
            );
        }
        5074 => l = recycle("time", true),
        5075 => l = recycle("requests", true),
        5076 => l = recycle("schedule", true),
        5077 => l = recycle("memory", true),
        5078 => l = recycle("isapi_unhealthy", true),
        5079 => l = single_pool_recycle(ev, "on_demand"),
        5080 => l = single_pool_recycle(ev, "config_change"),
        5081 => l = single_pool_recycle(ev, "config_store"),
        5117 => l = single_pool_recycle(ev, "private_memory"),
        5139 => {
            let (p, pid) = was_pool_pid(ev, false);
            l = Lifecycle {
                kind: "listener_failure",
                app_pool: p,
                pid,
                ..l
            };
            l.detail = nonempty(ev.get("ProtocolID", 3))
                .map(|p| format!("listener channel failure for protocol {p}"));
        }
        5186 => {
            let (p, pid) = was_pool_pid(ev, true);
            l = Lifecycle {
                kind: "shutdown",
                app_pool: p,
                pid,
                recycle_reason: Some("idle"),
                ..l
            };
            l.detail = nonempty(ev.get("", 2)).map(|m| format!("idle timeout {m} minutes"));
        }
        _ => return None,
    }
    Some(l)
}

/// Recycles whose template names only the pool (5079-5081, 5117); a pid is taken if
/// the event carries one first.
fn single_pool_recycle(ev: &Event, reason: &'static str) -> Lifecycle {
    let (app_pool, pid) = if !ev.is_named() && looks_numeric(ev.get("", 0)) && ev.data.len() >= 2 {
        (nonempty(ev.get("", 1)), dec_pid(ev.get("", 0)))
    } else {
        (
            nonempty(ev.get("AppPoolID", 0)),
            dec_pid(ev.get("ProcessID", usize::MAX)),
        )
    };
    Lifecycle {
        kind: "recycle",
        app_pool,
        pid,
        recycle_reason: Some(reason),
        ..Default::default()
    }
}

fn w3svc_wp(ev: &Event, id: i32) -> Option<Lifecycle> {
    match id {
        2269 => {
            let (p, pid) = was_pool_pid(ev, false);
            Some(Lifecycle {
                kind: "start_failure",
                app_pool: p,
                pid,
                detail: Some(
                    "worker process failed to initialize communication with http.sys".into(),
                ),
                ..Default::default()
            })
        }
        2299 => Some(Lifecycle {
            kind: "recycle",
            recycle_reason: Some("isapi_unhealthy"),
            detail: nonempty(ev.get("Reason", 0)),
            ..Default::default()
        }),
        2276..=2282 | 2294 | 2297 | 2303 => Some(Lifecycle {
            kind: "start_failure",
            detail: nonempty(ev.get("ModuleDll", 0)),
            ..Default::default()
        }),
        _ => None,
    }
}

fn is_w3wp(v: Option<&str>) -> bool {
    v.is_some_and(|s| s.trim().eq_ignore_ascii_case("w3wp.exe"))
}

fn application_error(ev: &Event) -> Option<Lifecycle> {
    let app = ev.get("AppName", 0);
    if !is_w3wp(app) {
        return None;
    }
    Some(Lifecycle {
        kind: "crash",
        pid: hex_pid(ev.get("ProcessId", 8)),
        exception_code: hex_code(ev.get("ExceptionCode", 6)),
        faulting_module: nonempty(ev.get("ModuleName", 3)),
        process_name: nonempty(app),
        detail: nonempty(ev.get("FaultingOffset", 7)).map(|o| format!("fault offset {o}")),
        ..Default::default()
    })
}

fn wer(ev: &Event) -> Option<Lifecycle> {
    let p1 = ev.get("P1", 5);
    if !is_w3wp(p1) {
        return None;
    }
    let event_name = ev.get("EventName", 2).unwrap_or_default();
    let mut l = Lifecycle {
        kind: "crash_report",
        process_name: nonempty(p1),
        detail: nonempty(Some(event_name)),
        ..Default::default()
    };
    if event_name.eq_ignore_ascii_case("CLR20r3") {
        l.faulting_module = nonempty(ev.get("P4", 8));
        l.exception_type = nonempty(ev.get("P9", 13));
    } else {
        l.faulting_module = nonempty(ev.get("P4", 8));
        l.exception_code = hex_code(ev.get("P7", 11));
    }
    Some(l)
}

fn dotnet_runtime(ev: &Event) -> Option<Lifecycle> {
    let text = ev.get("", 0)?;
    let app = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Application:"))
        .map(str::trim);
    if !is_w3wp(app) {
        return None;
    }
    let exception_type = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Exception Info:"))
        .and_then(|s| s.split_whitespace().next())
        .map(|s| s.trim_end_matches(':').to_string());
    Some(Lifecycle {
        kind: "unhandled_exception",
        process_name: nonempty(app),
        exception_type,
        detail: text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Description:"))
            .map(|s| s.trim().to_string()),
        ..Default::default()
    })
}

fn aspnet_1309(ev: &Event) -> Option<Lifecycle> {
    let process = ev.get("", 15);
    if process.is_some() && !is_w3wp(process) {
        return None;
    }
    let site_id = ev.get("", 8).and_then(|d| {
        let rest = d.to_ascii_uppercase();
        let i = rest.find("/W3SVC/")?;
        d[i + 7..].split('/').next()?.parse::<i64>().ok()
    });
    let message = ev
        .get("", 18)
        .map(|m| m.lines().next().unwrap_or_default().trim().to_string());
    Some(Lifecycle {
        kind: "request_error",
        pid: dec_pid(ev.get("", 14)),
        site_id,
        exception_type: nonempty(ev.get("", 17)),
        process_name: nonempty(process),
        detail: message
            .filter(|m| !m.is_empty())
            .map(|m| crate::text::truncate(&m, 300).to_string()),
        ..Default::default()
    })
}

fn scm(ev: &Event, id: i32) -> Option<Lifecycle> {
    let service = ev.get("param1", 0)?.trim();
    let iis = [
        "Windows Process Activation Service",
        "World Wide Web Publishing Service",
        "WAS",
        "W3SVC",
    ];
    if !iis.iter().any(|s| service.eq_ignore_ascii_case(s)) {
        return None;
    }
    let times = ev.get("param2", 1).unwrap_or("?");
    Some(Lifecycle {
        kind: "service_crash",
        process_name: Some(service.to_string()),
        detail: Some(format!(
            "service terminated unexpectedly ({times} time(s)){}",
            if id == 7031 {
                "; Windows will take its recovery action"
            } else {
                ""
            }
        )),
        ..Default::default()
    })
}

/// What the event says about a pool or worker process, if it is one corvid knows.
pub fn extract(ev: &Event) -> Option<Lifecycle> {
    let id = ev.event_id16()?;
    if is_provider(ev, &["Microsoft-Windows-WAS", "WAS"]) {
        return was(ev, id);
    }
    if is_provider(ev, &["Microsoft-Windows-IIS-W3SVC-WP", "W3SVC-WP"]) {
        return w3svc_wp(ev, id);
    }
    if id == 1000 && is_provider(ev, &["Application Error"]) {
        return application_error(ev);
    }
    if id == 1001 && is_provider(ev, &["Windows Error Reporting"]) {
        return wer(ev);
    }
    if id == 1026 && is_provider(ev, &[".NET Runtime"]) {
        return dotnet_runtime(ev);
    }
    if id == 1309
        && ev
            .provider
            .as_deref()
            .is_some_and(|p| p.starts_with("ASP.NET"))
    {
        return aspnet_1309(ev);
    }
    if (id == 7031 || id == 7034) && is_provider(ev, &["Service Control Manager"]) {
        return scm(ev, id);
    }
    None
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
            ("recycle", Some("DefaultAppPool"), Some(4242), Some("time"))
        );
        let l = extract(&ev(
            "Microsoft-Windows-WAS",
            5009,
            &[(None, "Pool A"), (None, "3108"), (None, "0x800703e9")],
        ))
        .unwrap();
        assert_eq!(
            (l.kind, l.app_pool.as_deref(), l.pid, l.exit_code.as_deref()),
            ("crash", Some("Pool A"), Some(3108), Some("0x800703e9"))
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
        assert!(l.detail.unwrap().contains("0x8007006d"));
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
            ("crash", Some(28828), Some("0xc0000409"), Some("clr.dll"))
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
        assert_eq!(l.kind, "service_crash");
        assert!(extract(&ev(
            "Service Control Manager",
            7031,
            &[(Some("param1"), "Print Spooler")]
        ))
        .is_none());
    }
}
