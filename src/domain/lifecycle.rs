//! What one event says happened to an application pool or a worker process (domain.md
//! §3, §5): its kind, the component that reported it, and the typed [`Lifecycle`] that
//! parse fills, the `lifecycle` table records and correlation reasons on.

use super::RecycleReason;

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

/// The component that logged the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reporter {
    /// Windows Process Activation Service (System log).
    Was,
    /// The IIS worker process itself (W3SVC-WP).
    W3svcWp,
    /// Application Error 1000.
    ApplicationError,
    /// Windows Error Reporting 1001.
    Wer,
    /// .NET Runtime 1026.
    DotNetRuntime,
    /// ASP.NET 1309.
    AspNet,
    /// Service Control Manager.
    ServiceControlManager,
}

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
    /// EventRecordID.
    pub record_id: i64,
    /// Event time (UTC microseconds), when the record has one.
    pub time: Option<i64>,
    /// Provider name as logged.
    pub provider: Option<&'a str>,
    /// Event id.
    pub event_id: Option<i32>,
}
