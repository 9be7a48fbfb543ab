//! What one event says happened to an application pool or a worker process (domain.md
//! §3, §5): its kind, the component that reported it (with the provider names it logs
//! under and the ids of its events other than WAS's, which are in [`super::was`]), and
//! the typed [`Lifecycle`] that parse fills, the `lifecycle` table records and
//! correlation reasons on.

use super::{was, RecycleReason};

/// What happened, as the `kind` column of the `lifecycle` table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LifecycleKind {
    /// A worker process died: it faulted (Application Error 1000) or WAS saw it go
    /// (5009 exited, 5011 communication error).
    Crash,
    /// Windows Error Reporting's report of a crash (WER 1001).
    CrashReport,
    /// An unhandled .NET exception ended the process (.NET Runtime 1026).
    UnhandledException,
    /// An unhandled exception in a request (ASP.NET 1309).
    RequestError,
    /// The worker failed to answer WAS's ping (5010).
    Hang,
    /// The worker did not start within startupTimeLimit (5012).
    StartupTimeout,
    /// The old worker overran shutdownTimeLimit and was killed (5013).
    ShutdownTimeout,
    /// WAS recycled the worker (5074-5081, 5117; W3SVC-WP 2299).
    Recycle,
    /// The worker was shut down for being idle (5186).
    Shutdown,
    /// WAS disabled the pool, for the cause given.
    Disable(DisableCause),
    /// A listener channel failed (5139).
    ListenerFailure,
    /// The worker failed to start or initialize (W3SVC-WP 2269, 2276-2303).
    StartFailure,
    /// The WAS or W3SVC service terminated (SCM 7031, 7034).
    ServiceCrash,
}

/// Why WAS disabled a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DisableCause {
    /// Rapid-fail protection, after too many worker failures (5002).
    RapidFail,
    /// The pool's identity is invalid (5021, 5057).
    Identity,
    /// WAS could not start a worker process (5059).
    WorkerStart,
}

impl LifecycleKind {
    /// The name in the `lifecycle` table (every disable cause is `disable`: the event id
    /// tells which).
    pub fn name(self) -> &'static str {
        match self {
            LifecycleKind::Crash => "crash",
            LifecycleKind::CrashReport => "crash_report",
            LifecycleKind::UnhandledException => "unhandled_exception",
            LifecycleKind::RequestError => "request_error",
            LifecycleKind::Hang => "hang",
            LifecycleKind::StartupTimeout => "startup_timeout",
            LifecycleKind::ShutdownTimeout => "shutdown_timeout",
            LifecycleKind::Recycle => "recycle",
            LifecycleKind::Shutdown => "shutdown",
            LifecycleKind::Disable(_) => "disable",
            LifecycleKind::ListenerFailure => "listener_failure",
            LifecycleKind::StartFailure => "start_failure",
            LifecycleKind::ServiceCrash => "service_crash",
        }
    }
}

impl DisableCause {
    /// What the event says, for the `detail` column.
    pub const fn detail(self) -> &'static str {
        match self {
            DisableCause::RapidFail => {
                "rapid-fail protection disabled the pool after a series of worker process failures"
            }
            DisableCause::Identity => "application pool identity is invalid; the pool is disabled",
            DisableCause::WorkerStart => {
                "WAS failed to start a worker process; the pool is disabled"
            }
        }
    }
}

impl std::fmt::Display for LifecycleKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

named_enum! {
    /// The component that logged the event.
    pub enum Reporter {
        /// Windows Process Activation Service (System log).
        Was = "was",
        /// The IIS worker process itself (W3SVC-WP).
        W3svcWp = "w3svc_wp",
        /// Application Error 1000.
        ApplicationError = "application_error",
        /// Windows Error Reporting 1001.
        Wer = "wer",
        /// .NET Runtime 1026.
        DotNetRuntime = "dotnet_runtime",
        /// ASP.NET 1309.
        AspNet = "aspnet",
        /// Service Control Manager.
        ServiceControlManager = "service_control_manager",
    }
}

impl Reporter {
    /// The provider names it logs under: the manifest name first (the one written),
    /// then the classic source name where it differs. ASP.NET logs under a versioned
    /// name (`ASP.NET 4.0.30319.0`): its name is a prefix.
    pub const fn providers(self) -> &'static [&'static str] {
        match self {
            Reporter::Was => was::PROVIDERS,
            Reporter::W3svcWp => &["Microsoft-Windows-IIS-W3SVC-WP", "W3SVC-WP"],
            Reporter::ApplicationError => &["Application Error"],
            Reporter::Wer => &["Windows Error Reporting"],
            Reporter::DotNetRuntime => &[".NET Runtime"],
            Reporter::AspNet => &["ASP.NET"],
            Reporter::ServiceControlManager => &["Service Control Manager"],
        }
    }

    /// The provider name it writes (the first of [`providers`](Self::providers)).
    pub const fn provider(self) -> &'static str {
        self.providers()[0]
    }

    /// Whether `name` is one of its provider names (case-insensitive; ASP.NET's
    /// versioned names by prefix).
    pub fn logs_as(self, name: &str) -> bool {
        let name = name.trim();
        match self {
            Reporter::AspNet => self.providers().iter().any(|p| {
                name.len() >= p.len()
                    && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            }),
            Reporter::Was
            | Reporter::W3svcWp
            | Reporter::ApplicationError
            | Reporter::Wer
            | Reporter::DotNetRuntime
            | Reporter::ServiceControlManager => self
                .providers()
                .iter()
                .any(|p| name.eq_ignore_ascii_case(p)),
        }
    }

    /// The reporter that logs under provider `name`, if any.
    pub fn of_provider(name: &str) -> Option<Reporter> {
        Reporter::ALL.iter().copied().find(|r| r.logs_as(name))
    }
}

/// Application Error: a process faulted.
pub const APPLICATION_FAULT: u16 = 1000;
/// Windows Error Reporting: a problem report (a crash, or another failure).
pub const WER_REPORT: u16 = 1001;
/// .NET Runtime: an unhandled exception ended the process.
pub const DOTNET_UNHANDLED_EXCEPTION: u16 = 1026;
/// ASP.NET: a web event warning (web event 3005: an unhandled exception in a request).
pub const ASPNET_WEB_EVENT: u16 = 1309;
/// Service Control Manager: a service terminated unexpectedly; a recovery action follows.
pub const SCM_TERMINATED_RECOVERING: u16 = 7031;
/// Service Control Manager: a service terminated unexpectedly.
pub const SCM_TERMINATED: u16 = 7034;
/// Service Control Manager: a service entered the running or stopped state (not a
/// lifecycle event: parse does not read it, the simulator writes it).
pub const SCM_STATE_CHANGE: u16 = 7036;
/// W3SVC-WP: the worker failed to initialize communication with HTTP.sys.
pub const WP_HTTP_INIT_FAILED: u16 = 2269;
/// W3SVC-WP: an ISAPI reported itself unhealthy, so the worker is recycled.
pub const WP_ISAPI_UNHEALTHY: u16 = 2299;
/// W3SVC-WP: a module failed to load or initialize, so the worker does not start.
pub const WP_MODULE_FAILURES: &[u16] =
    &[2276, 2277, 2278, 2279, 2280, 2281, 2282, 2294, 2297, 2303];

/// Display name of the WAS service, as Service Control Manager names it.
pub const WAS_SERVICE: &str = "Windows Process Activation Service";
/// Display name of the W3SVC service, as Service Control Manager names it.
pub const W3SVC_SERVICE: &str = "World Wide Web Publishing Service";
/// The IIS services whose termination is a lifecycle event: display and short names.
pub const IIS_SERVICES: &[&str] = &[WAS_SERVICE, W3SVC_SERVICE, "WAS", "W3SVC"];

/// What one event says about a pool or a worker process.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    /// What happened.
    pub kind: LifecycleKind,
    /// Who said so.
    pub reporter: Reporter,
    /// Application pool.
    pub app_pool: Option<String>,
    /// Worker process id (decimal).
    pub pid: Option<i64>,
    /// Recycle or shutdown reason.
    pub recycle_reason: Option<RecycleReason>,
    /// Exit code as `0x%08x`.
    pub exit_code: Option<String>,
    /// Exception code as `0x%08x`.
    pub exception_code: Option<String>,
    /// The error WAS reported (5011's HRESULT).
    pub was_error: Option<u32>,
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

impl Lifecycle {
    /// An event of `kind` from `reporter` with nothing else known yet.
    pub fn new(kind: LifecycleKind, reporter: Reporter) -> Lifecycle {
        Lifecycle {
            kind,
            reporter,
            app_pool: None,
            pid: None,
            recycle_reason: None,
            exit_code: None,
            exception_code: None,
            was_error: None,
            faulting_module: None,
            exception_type: None,
            site_id: None,
            process_name: None,
            detail: None,
        }
    }
}

/// Where a lifecycle event was read: the record it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// Path of the event log in the bundle.
    pub source_file: &'a str,
    /// EventRecordID (exports may not carry it).
    pub record_id: Option<i64>,
    /// Line of the record in a text or XML export.
    pub line: Option<u64>,
    /// Event time (UTC microseconds), when the record has one.
    pub time: Option<i64>,
    /// Provider name as logged.
    pub provider: Option<&'a str>,
    /// Event id.
    pub event_id: Option<i32>,
    /// How its time became UTC.
    pub basis: super::TimeBasis,
    /// Seconds the written time may be short of the real one (59 when the source
    /// writes minutes only, else 0).
    pub slack_s: u32,
}
