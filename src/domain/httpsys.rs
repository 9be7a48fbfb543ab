//! HTTP.sys reason phrases (`s-reason`, domain.md §1.4): the class each belongs to (the
//! `reason_class` column, the chart colours) and what it signals to correlation.

named_enum! {
    /// The class of a reason phrase, as written in the `reason_class` column. Declared
    /// in the order of the names, so sorting by class sorts by name.
    pub enum ReasonClass {
        /// The application pool failed or was unavailable.
        AppPool = "app_pool",
        /// Housekeeping, not an error (idle connections closed).
        Benign = "benign",
        /// Server limits and internal errors.
        Capacity = "capacity",
        /// The client or the network went away or was too slow.
        Client = "client",
        /// A malformed or refused request.
        Protocol = "protocol",
        /// A phrase corvid does not know, or one HTTP.sys reserves.
        Unknown = "unknown",
    }
}

impl ReasonClass {
    /// The class of a reason phrase.
    pub fn of(reason: &str) -> ReasonClass {
        classify(reason).0
    }
}

named_enum! {
    /// What an HTTP.sys line says to correlation.
    pub enum Signal {
        /// The worker went away with the request (Connection_Abandoned_*).
        Abandoned = "abandoned",
        /// The pool is offline (AppOffline, Disabled).
        Offline = "offline",
        /// The app was shut down by policy, no worker (AppShutdown).
        Shutdown = "shutdown",
        /// The queue is full (QueueFull).
        QueueFull = "queue_full",
        /// The request waited too long in the queue (Timer_AppPool, Timer_ReqQueue,
        /// AppPoolTimer).
        QueueTimeout = "queue_timeout",
        /// The connection dropped before the response (Connection_Dropped).
        Dropped = "dropped",
        /// Slow clients / bodies (Timer_MinBytesPerSecond, Timer_EntityBody): server-wide.
        SlowClient = "slow_client",
        /// Connection limits (ConnLimit, Connections_Refused).
        Capacity = "capacity",
    }
}

impl Signal {
    /// What a reason phrase signals, if anything.
    pub fn of(reason: &str) -> Option<Signal> {
        classify(reason).1
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

    /// Whether the line is a request that failed as if its worker went away (every
    /// app-pool signal but a full queue, which says the worker is alive but slow).
    pub fn is_worker_gone(self) -> bool {
        self.is_app_pool() && self != Signal::QueueFull
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

/// The class of a reason phrase and what it signals, in one lookup.
pub fn classify(reason: &str) -> (ReasonClass, Option<Signal>) {
    reason_entry(reason).map_or((ReasonClass::Unknown, None), |r| (r.1, r.2))
}

/// Whether the phrase is one HTTP.sys is known to write.
pub fn is_known(reason: &str) -> bool {
    reason_entry(reason).is_some()
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
        for w in ReasonClass::ALL.windows(2) {
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
