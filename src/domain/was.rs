//! WAS events (provider `Microsoft-Windows-WAS`, System log; domain.md §3.2): for each
//! event id, the lifecycle kind it reports, how its EventData is laid out, and what else
//! it carries. Parse reads events with this table; the simulator writes them from it.

use super::{DisableCause, LifecycleKind, RecycleReason};

/// The manifest provider name WAS logs under.
pub const PROVIDER: &str = "Microsoft-Windows-WAS";
/// The classic event source name of WAS (`EventSourceName`).
pub const SOURCE_NAME: &str = "WAS";
/// Provider names WAS logs under (manifest name, classic source name).
pub const PROVIDERS: &[&str] = &[PROVIDER, SOURCE_NAME];

/// Rapid-fail protection disabled the pool.
pub const RAPID_FAIL: u16 = 5002;
/// A worker process serving the pool exited unexpectedly.
pub const PROCESS_EXITED: u16 = 5009;
/// A worker process failed to respond to a ping.
pub const PING_FAILED: u16 = 5010;
/// A worker process had a fatal communication error with WAS.
pub const COMMUNICATION_ERROR: u16 = 5011;
/// A worker process took too long to start.
pub const STARTUP_TIMEOUT: u16 = 5012;
/// A worker process took too long to shut down.
pub const SHUTDOWN_TIMEOUT: u16 = 5013;
/// The pool's identity is invalid.
pub const IDENTITY_INVALID: u16 = 5021;
/// The pool was disabled after an identity failure.
pub const IDENTITY_DISABLED: u16 = 5057;
/// WAS could not start a worker process; the pool is disabled.
pub const START_DISABLED: u16 = 5059;
/// A listener channel failed.
pub const LISTENER_FAILURE: u16 = 5139;

/// How an event's EventData names the pool and the pid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `AppPoolID` only.
    Pool,
    /// `AppPoolID`, `ProcessID`.
    PoolPid,
    /// `ProcessID`, `AppPoolID`.
    PidPool,
    /// `AppPoolID`, or a pid then the pool in some exports.
    PoolMaybePid,
}

/// What else an event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    /// Nothing more.
    Nothing,
    /// The exit code (`ExitCode`, third item).
    ExitCode,
    /// An HRESULT in `<Binary>` (little-endian DWORD).
    BinaryHresult,
    /// The protocol of the failed listener (`ProtocolID`, fourth item).
    Protocol,
    /// The idle timeout in minutes (third item).
    IdleMinutes,
}

/// One WAS event id.
#[derive(Debug, Clone, Copy)]
pub struct WasEvent {
    /// Event id.
    pub id: u16,
    /// What it reports.
    pub kind: LifecycleKind,
    /// Its EventData layout.
    pub layout: Layout,
    /// Recycle or shutdown reason.
    pub reason: Option<RecycleReason>,
    /// What else it carries.
    pub carries: Carries,
    /// The fixed part of its `detail`.
    pub detail: Option<&'static str>,
}

const fn ev(id: u16, kind: LifecycleKind, layout: Layout) -> WasEvent {
    WasEvent {
        id,
        kind,
        layout,
        reason: None,
        carries: Carries::Nothing,
        detail: None,
    }
}

const fn recycle(reason: RecycleReason, layout: Layout) -> WasEvent {
    WasEvent {
        reason: Some(reason),
        ..ev(reason.was_event(), LifecycleKind::Recycle, layout)
    }
}

const fn disable(id: u16, cause: DisableCause) -> WasEvent {
    WasEvent {
        detail: Some(cause.detail()),
        ..ev(id, LifecycleKind::Disable(cause), Layout::Pool)
    }
}

const fn with(e: WasEvent, carries: Carries, detail: Option<&'static str>) -> WasEvent {
    WasEvent {
        carries,
        detail,
        ..e
    }
}

use Layout::*;
use LifecycleKind as K;
use RecycleReason as R;

/// Every WAS event corvid reads.
pub const EVENTS: &[WasEvent] = &[
    disable(RAPID_FAIL, DisableCause::RapidFail),
    with(
        ev(PROCESS_EXITED, K::Crash, PoolPid),
        Carries::ExitCode,
        Some("worker process terminated unexpectedly"),
    ),
    with(
        ev(PING_FAILED, K::Hang, PoolPid),
        Carries::Nothing,
        Some("worker process failed to respond to a ping"),
    ),
    with(
        ev(COMMUNICATION_ERROR, K::Crash, PoolPid),
        Carries::BinaryHresult,
        Some("fatal communication error with WAS"),
    ),
    ev(STARTUP_TIMEOUT, K::StartupTimeout, PoolPid),
    with(
        ev(SHUTDOWN_TIMEOUT, K::ShutdownTimeout, PoolPid),
        Carries::Nothing,
        Some("worker process exceeded shutdownTimeLimit and was killed"),
    ),
    disable(IDENTITY_INVALID, DisableCause::Identity),
    disable(IDENTITY_DISABLED, DisableCause::Identity),
    disable(START_DISABLED, DisableCause::WorkerStart),
    recycle(R::Time, PidPool),
    recycle(R::Requests, PidPool),
    recycle(R::Schedule, PidPool),
    recycle(R::Memory, PidPool),
    recycle(R::IsapiUnhealthy, PidPool),
    recycle(R::OnDemand, PoolMaybePid),
    recycle(R::ConfigChange, PoolMaybePid),
    recycle(R::ConfigStore, PoolMaybePid),
    recycle(R::PrivateMemory, PoolMaybePid),
    with(
        ev(LISTENER_FAILURE, K::ListenerFailure, PoolPid),
        Carries::Protocol,
        None,
    ),
    with(
        WasEvent {
            reason: Some(R::Idle),
            ..ev(R::Idle.was_event(), K::Shutdown, PidPool)
        },
        Carries::IdleMinutes,
        None,
    ),
];

/// The WAS event of an id, if corvid reads it.
pub fn event(id: u16) -> Option<&'static WasEvent> {
    EVENTS.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_reason_has_its_event() {
        let mut ids: Vec<u16> = EVENTS.iter().map(|e| e.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), EVENTS.len());
        for &r in RecycleReason::ALL {
            let e = event(r.was_event()).unwrap_or_else(|| panic!("{r}: no WAS event"));
            assert_eq!(e.reason, Some(r));
        }
    }
}
