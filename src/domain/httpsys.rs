//! HTTP.sys reason phrases (`s-reason`, domain.md §1.4): the class each belongs to (the
//! `reason_class` column, the chart colours) and what it signals to correlation.

/// The class of a reason phrase, as written in the `reason_class` column. Declared in
/// the order of the names, so sorting by class sorts by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReasonClass {
    /// The application pool failed or was unavailable.
    AppPool,
    /// Housekeeping, not an error (idle connections closed).
    Benign,
    /// Server limits and internal errors.
    Capacity,
    /// The client or the network went away or was too slow.
    Client,
    /// A malformed or refused request.
    Protocol,
    /// A phrase corvid does not know, or one HTTP.sys reserves.
    Unknown,
}

impl ReasonClass {
    /// The name in the `reason_class` column.
    pub fn name(self) -> &'static str {
        match self {
            ReasonClass::AppPool => "app_pool",
            ReasonClass::Benign => "benign",
            ReasonClass::Capacity => "capacity",
            ReasonClass::Client => "client",
            ReasonClass::Protocol => "protocol",
            ReasonClass::Unknown => "unknown",
        }
    }

    /// The class of a reason phrase.
    pub fn of(reason: &str) -> ReasonClass {
        reason_entry(reason).map_or(ReasonClass::Unknown, |r| r.1)
    }
}

/// What an HTTP.sys line says to correlation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// The worker went away with the request (Connection_Abandoned_*).
    Abandoned,
    /// The pool is offline (AppOffline, Disabled).
    Offline,
    /// The app was shut down by policy, no worker (AppShutdown).
    Shutdown,
    /// The queue is full (QueueFull).
    QueueFull,
    /// The request waited too long in the queue (Timer_AppPool, Timer_ReqQueue, AppPoolTimer).
    QueueTimeout,
    /// The connection dropped before the response (Connection_Dropped).
    Dropped,
    /// Slow clients / bodies (Timer_MinBytesPerSecond, Timer_EntityBody): server-wide.
    SlowClient,
    /// Connection limits (ConnLimit, Connections_Refused).
    Capacity,
}

impl Signal {
    /// Every signal.
    pub const ALL: [Signal; 8] = [
        Signal::Abandoned,
        Signal::Offline,
        Signal::Shutdown,
        Signal::QueueFull,
        Signal::QueueTimeout,
        Signal::Dropped,
        Signal::SlowClient,
        Signal::Capacity,
    ];

    /// What a reason phrase signals, if anything.
    pub fn of(reason: &str) -> Option<Signal> {
        reason_entry(reason).and_then(|r| r.2)
    }

    /// Whether the line says the application pool failed (not the network or clients).
    pub fn is_app_pool(self) -> bool {
        match self {
            Signal::Abandoned
            | Signal::Offline
            | Signal::Shutdown
            | Signal::QueueFull
            | Signal::QueueTimeout => true,
            Signal::Dropped | Signal::SlowClient | Signal::Capacity => false,
        }
    }
}

use ReasonClass as C;
use Signal as S;

/// Every reason phrase HTTP.sys is known to write: its class and its signal.
const REASONS: &[(&str, ReasonClass, Option<Signal>)] = &[
    ("AppOffline", C::AppPool, Some(S::Offline)),
    ("AppPoolTimer", C::AppPool, Some(S::QueueTimeout)),
    ("AppShutdown", C::AppPool, Some(S::Shutdown)),
    (
        "Connection_Abandoned_By_AppPool",
        C::AppPool,
        Some(S::Abandoned),
    ),
    (
        "Connection_Abandoned_By_ReqQueue",
        C::AppPool,
        Some(S::Abandoned),
    ),
    ("Disabled", C::AppPool, Some(S::Offline)),
    ("QueueFull", C::AppPool, Some(S::QueueFull)),
    ("Timer_AppPool", C::AppPool, Some(S::QueueTimeout)),
    ("Timer_ReqQueue", C::AppPool, Some(S::QueueTimeout)),
    ("ConnLimit", C::Capacity, Some(S::Capacity)),
    ("Connections_Refused", C::Capacity, Some(S::Capacity)),
    ("Internal", C::Capacity, None),
    ("N/A", C::Capacity, None),
    ("NotFound", C::Capacity, None),
    ("Client_Reset", C::Client, None),
    ("Connection_Dropped", C::Client, Some(S::Dropped)),
    ("Connection_Dropped_List_Full", C::Client, Some(S::Dropped)),
    ("Timer_EntityBody", C::Client, Some(S::SlowClient)),
    ("Timer_HeaderWait", C::Client, None),
    ("Timer_MinBytesPerSecond", C::Client, Some(S::SlowClient)),
    ("Timer_SslRenegotiation", C::Client, None),
    ("Request_Cancelled", C::Client, None),
    ("BadRequest", C::Protocol, None),
    ("Verb", C::Protocol, None),
    ("URL", C::Protocol, None),
    ("Header", C::Protocol, None),
    ("Hostname", C::Protocol, None),
    ("Number", C::Protocol, None),
    ("Invalid_CR/LF", C::Protocol, None),
    ("FieldLength", C::Protocol, None),
    ("RequestLength", C::Protocol, None),
    ("URL_Length", C::Protocol, None),
    ("EntityTooLarge", C::Protocol, None),
    ("LengthRequired", C::Protocol, None),
    ("Precondition", C::Protocol, None),
    ("Forbidden", C::Protocol, None),
    ("Version_N/S", C::Protocol, None),
    ("N/I", C::Protocol, None),
    ("Request_Too_Large", C::Protocol, None),
    ("Timer_ConnectionIdle", C::Benign, None),
    // Reserved, never written (domain.md §1.4), but a known phrase.
    ("Timer_Response", C::Unknown, None),
];

fn reason_entry(reason: &str) -> Option<&'static (&'static str, ReasonClass, Option<Signal>)> {
    REASONS.iter().find(|r| r.0 == reason)
}

/// Whether the phrase is one HTTP.sys is known to write.
pub fn is_known(reason: &str) -> bool {
    reason_entry(reason).is_some()
}

/// Whether lines with this phrase are kept for correlation.
pub fn is_signal(reason: &str) -> bool {
    Signal::of(reason).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_domain_table() {
        assert_eq!(
            ReasonClass::of("Connection_Abandoned_By_ReqQueue"),
            ReasonClass::AppPool
        );
        assert_eq!(ReasonClass::of("QueueFull").name(), "app_pool");
        assert_eq!(ReasonClass::of("ConnLimit").name(), "capacity");
        assert_eq!(ReasonClass::of("Connection_Dropped").name(), "client");
        assert_eq!(ReasonClass::of("URL").name(), "protocol");
        assert_eq!(ReasonClass::of("Timer_ConnectionIdle").name(), "benign");
        assert_eq!(ReasonClass::of("Something_New").name(), "unknown");
        assert!(is_known("Timer_Response") && !is_known("Something_New"));
    }

    #[test]
    fn class_order_is_name_order() {
        let all = [
            C::AppPool,
            C::Benign,
            C::Capacity,
            C::Client,
            C::Protocol,
            C::Unknown,
        ];
        for w in all.windows(2) {
            assert!(w[0] < w[1] && w[0].name() < w[1].name());
        }
    }

    #[test]
    fn every_signal_is_an_app_pool_client_or_capacity_reason() {
        for (phrase, class, signal) in REASONS {
            let Some(s) = signal else { continue };
            let expected = match class {
                C::AppPool => s.is_app_pool(),
                C::Client | C::Capacity => !s.is_app_pool(),
                C::Benign | C::Protocol | C::Unknown => false,
            };
            assert!(expected, "{phrase}: {class:?} signals {s:?}");
        }
        assert_eq!(REASONS.iter().filter(|r| r.2.is_some()).count(), 15);
    }
}
