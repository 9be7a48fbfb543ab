//! Output data model: the sites and application pools read from an
//! `applicationHost.config`, with inherited and schema defaults already applied.

/// Everything extracted from one `applicationHost.config`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// Sites of `<system.applicationHost><sites>`, in document order.
    pub sites: Vec<Site>,
    /// Application pools of `<system.applicationHost><applicationPools>`, in document order.
    pub app_pools: Vec<AppPool>,
    /// Everything noteworthy that did not stop parsing: invalid values replaced by a
    /// default, ignored duplicates, DOCTYPE found, missing section, transcoding, ...
    pub warnings: Vec<String>,
}

/// One `<site>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The `id` attribute (the `N` of `W3SVC<N>`); `None` if absent or not a number.
    pub id: Option<i64>,
    /// The `name` attribute (empty if absent, with a warning).
    pub name: String,
    /// Bindings: `<siteDefaults><bindings>` entries followed by the site's own,
    /// after `<clear/>` / `<remove>` were applied.
    pub bindings: Vec<Binding>,
    /// Applications of the site, in document order.
    pub applications: Vec<Application>,
    /// `serverAutoStart` of the site, else of `<siteDefaults>`; `None` if neither sets it
    /// (the schema default is `true`).
    pub server_auto_start: Option<bool>,
    /// `<logFile directory>` of the site, else of `<siteDefaults>`; `None` if neither sets
    /// it (the schema default is `%SystemDrive%\inetpub\logs\LogFiles`). Environment
    /// variables are not expanded.
    pub log_directory: Option<String>,
}

/// One `<binding>` of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// `protocol`, e.g. `http`, `https`, `net.tcp`.
    pub protocol: String,
    /// `bindingInformation`, e.g. `*:80:www.example.com` (verbatim).
    pub binding_information: String,
}

/// One `<application>` of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Virtual path, e.g. `/` or `/api`.
    pub path: String,
    /// Resolved pool: the explicit `applicationPool`, else the site's
    /// `<applicationDefaults>`, else `<sites><applicationDefaults>`, else `DefaultAppPool`.
    pub app_pool: String,
    /// `physicalPath` of the application's `/` virtual directory (verbatim, environment
    /// variables not expanded); `None` if there is none.
    pub physical_path: Option<String>,
}

/// One application pool (`<applicationPools><add>`), every field resolved from the
/// pool's own element, else `<applicationPoolDefaults>`, else the IIS schema default
/// (see [`crate::parse::appconfig::defaults`]). Timespans are in whole seconds; `0` means "disabled"
/// where IIS gives it that meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPool {
    /// `name`.
    pub name: String,
    /// `managedRuntimeVersion` as configured (`Some("")` = no managed code); `None` if
    /// neither the pool nor the defaults set it (schema default differs by IIS version).
    pub managed_runtime_version: Option<String>,
    /// `managedPipelineMode` (`Integrated` / `Classic`) as configured; `None` if not set
    /// (schema default `Integrated`).
    pub pipeline_mode: Option<String>,
    /// `autoStart`.
    pub auto_start: bool,
    /// `startMode`: `OnDemand` or `AlwaysRunning`.
    pub start_mode: String,
    /// `queueLength`: HTTP.sys queue size; beyond it requests get 503 QueueFull.
    pub queue_length: u32,
    /// `processModel/@identityType` as configured; `None` if not set (schema default
    /// `ApplicationPoolIdentity` since IIS 7.5, `NetworkService` on IIS 7.0).
    pub identity_type: Option<String>,
    /// `processModel/@idleTimeout` in seconds (0 = never).
    pub idle_timeout_s: u64,
    /// `processModel/@idleTimeoutAction`: `Terminate` or `Suspend`.
    pub idle_timeout_action: String,
    /// `processModel/@shutdownTimeLimit` in seconds.
    pub shutdown_time_limit_s: u64,
    /// `processModel/@startupTimeLimit` in seconds.
    pub startup_time_limit_s: u64,
    /// `processModel/@pingingEnabled`.
    pub ping_enabled: bool,
    /// `processModel/@pingInterval` in seconds.
    pub ping_interval_s: u64,
    /// `processModel/@pingResponseTime` in seconds.
    pub ping_response_time_s: u64,
    /// `processModel/@maxProcesses` (0 = one per NUMA node, >1 = web garden).
    pub max_processes: u32,
    /// `recycling/@disallowOverlappingRotation`.
    pub disallow_overlapping_rotation: bool,
    /// `recycling/@disallowRotationOnConfigChange`.
    pub disallow_rotation_on_config_change: bool,
    /// `recycling/@logEventOnRecycle`: flag names joined by `", "` (empty = none).
    pub log_event_on_recycle: String,
    /// `recycling/periodicRestart/@time` in seconds (0 = off).
    pub periodic_restart_time_s: u64,
    /// `recycling/periodicRestart/@requests` (0 = off).
    pub periodic_restart_requests: u64,
    /// `recycling/periodicRestart/@memory`, virtual memory in KB (0 = off).
    pub periodic_restart_memory_kb: u64,
    /// `recycling/periodicRestart/@privateMemory` in KB (0 = off).
    pub periodic_restart_private_memory_kb: u64,
    /// `recycling/periodicRestart/schedule/add/@value` times of day, normalised to
    /// `HH:MM:SS` (local server time), defaults' entries first.
    pub periodic_restart_schedule: Vec<String>,
    /// `failure/@rapidFailProtection`.
    pub rapid_fail_protection: bool,
    /// `failure/@rapidFailProtectionInterval` in seconds.
    pub rapid_fail_protection_interval_s: u64,
    /// `failure/@rapidFailProtectionMaxCrashes`.
    pub rapid_fail_protection_max_crashes: u32,
    /// `failure/@loadBalancerCapabilities`: `HttpLevel` (503) or `TcpLevel` (reset).
    pub load_balancer_capabilities: String,
}
