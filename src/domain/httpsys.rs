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

// The phrases, as HTTP.sys writes them: parse meets them in `s-reason`, the simulator
// writes them.

/// The application pool is offline: rapid-fail protection or a failed start (503).
pub const APP_OFFLINE: &str = "AppOffline";
/// The pool's worker was too busy to take the request (503).
pub const APP_POOL_TIMER: &str = "AppPoolTimer";
/// The application pool was shut down by policy: no worker (503).
pub const APP_SHUTDOWN: &str = "AppShutdown";
/// A worker of the pool quit or dropped its handle with the request pending.
pub const CONNECTION_ABANDONED_BY_APP_POOL: &str = "Connection_Abandoned_By_AppPool";
/// A worker quit or dropped the request queue handle with the request pending.
pub const CONNECTION_ABANDONED_BY_REQ_QUEUE: &str = "Connection_Abandoned_By_ReqQueue";
/// The administrator disabled the application pool (503).
pub const DISABLED: &str = "Disabled";
/// The pool's request queue was full (503).
pub const QUEUE_FULL: &str = "QueueFull";
/// The request waited too long in the application pool queue.
pub const TIMER_APP_POOL: &str = "Timer_AppPool";
/// The request waited too long in the request queue.
pub const TIMER_REQ_QUEUE: &str = "Timer_ReqQueue";
/// The site's connection limit was reached (503).
pub const CONN_LIMIT: &str = "ConnLimit";
/// Kernel memory ran low: HTTP.sys refused new connections.
pub const CONNECTIONS_REFUSED: &str = "Connections_Refused";
/// An internal server error (500).
pub const INTERNAL: &str = "Internal";
/// Service unavailable for no given reason (503).
pub const NOT_APPLICABLE: &str = "N/A";
/// No site or URL is registered for the request (404).
pub const NOT_FOUND: &str = "NotFound";
/// The client reset the connection before the response.
pub const CLIENT_RESET: &str = "Client_Reset";
/// The connection dropped before the response was sent.
pub const CONNECTION_DROPPED: &str = "Connection_Dropped";
/// Dropped connections too many to log one by one.
pub const CONNECTION_DROPPED_LIST_FULL: &str = "Connection_Dropped_List_Full";
/// The request body did not arrive in time.
pub const TIMER_ENTITY_BODY: &str = "Timer_EntityBody";
/// The request headers did not arrive in time.
pub const TIMER_HEADER_WAIT: &str = "Timer_HeaderWait";
/// The client took the response slower than the minimum rate.
pub const TIMER_MIN_BYTES_PER_SECOND: &str = "Timer_MinBytesPerSecond";
/// An SSL renegotiation did not complete in time.
pub const TIMER_SSL_RENEGOTIATION: &str = "Timer_SslRenegotiation";
/// The request was cancelled.
pub const REQUEST_CANCELLED: &str = "Request_Cancelled";
/// The request could not be parsed (400).
pub const BAD_REQUEST: &str = "BadRequest";
/// An invalid verb.
pub const VERB: &str = "Verb";
/// An invalid URL.
pub const URL: &str = "URL";
/// An invalid header.
pub const HEADER: &str = "Header";
/// An invalid host name.
pub const HOSTNAME: &str = "Hostname";
/// An invalid number (a length, a chunk size).
pub const NUMBER: &str = "Number";
/// An illegal carriage return or line feed.
pub const INVALID_CR_LF: &str = "Invalid_CR/LF";
/// A field longer than allowed.
pub const FIELD_LENGTH: &str = "FieldLength";
/// A request longer than allowed.
pub const REQUEST_LENGTH: &str = "RequestLength";
/// A URL longer than allowed.
pub const URL_LENGTH: &str = "URL_Length";
/// A body larger than allowed.
pub const ENTITY_TOO_LARGE: &str = "EntityTooLarge";
/// A required length was missing.
pub const LENGTH_REQUIRED: &str = "LengthRequired";
/// A required precondition was missing.
pub const PRECONDITION: &str = "Precondition";
/// A forbidden element or sequence.
pub const FORBIDDEN: &str = "Forbidden";
/// An HTTP version not supported.
pub const VERSION_NOT_SUPPORTED: &str = "Version_N/S";
/// Not implemented (an unknown Transfer-Encoding).
pub const NOT_IMPLEMENTED: &str = "N/I";
/// A request larger than allowed.
pub const REQUEST_TOO_LARGE: &str = "Request_Too_Large";
/// An idle connection expired (housekeeping).
pub const TIMER_CONNECTION_IDLE: &str = "Timer_ConnectionIdle";
/// Reserved, never written.
pub const TIMER_RESPONSE: &str = "Timer_Response";

use ReasonClass as C;
use Signal as S;

/// Every reason phrase HTTP.sys is known to write: its class and its signal.
const REASONS: &[(&str, ReasonClass, Option<Signal>)] = &[
    (APP_OFFLINE, C::AppPool, Some(S::Offline)),
    (APP_POOL_TIMER, C::AppPool, Some(S::QueueTimeout)),
    (APP_SHUTDOWN, C::AppPool, Some(S::Shutdown)),
    (
        CONNECTION_ABANDONED_BY_APP_POOL,
        C::AppPool,
        Some(S::Abandoned),
    ),
    (
        CONNECTION_ABANDONED_BY_REQ_QUEUE,
        C::AppPool,
        Some(S::Abandoned),
    ),
    (DISABLED, C::AppPool, Some(S::Offline)),
    (QUEUE_FULL, C::AppPool, Some(S::QueueFull)),
    (TIMER_APP_POOL, C::AppPool, Some(S::QueueTimeout)),
    (TIMER_REQ_QUEUE, C::AppPool, Some(S::QueueTimeout)),
    (CONN_LIMIT, C::Capacity, Some(S::Capacity)),
    (CONNECTIONS_REFUSED, C::Capacity, Some(S::Capacity)),
    (INTERNAL, C::Capacity, None),
    (NOT_APPLICABLE, C::Capacity, None),
    (NOT_FOUND, C::Capacity, None),
    (CLIENT_RESET, C::Client, None),
    (CONNECTION_DROPPED, C::Client, Some(S::Dropped)),
    (CONNECTION_DROPPED_LIST_FULL, C::Client, Some(S::Dropped)),
    (TIMER_ENTITY_BODY, C::Client, Some(S::SlowClient)),
    (TIMER_HEADER_WAIT, C::Client, None),
    (TIMER_MIN_BYTES_PER_SECOND, C::Client, Some(S::SlowClient)),
    (TIMER_SSL_RENEGOTIATION, C::Client, None),
    (REQUEST_CANCELLED, C::Client, None),
    (BAD_REQUEST, C::Protocol, None),
    (VERB, C::Protocol, None),
    (URL, C::Protocol, None),
    (HEADER, C::Protocol, None),
    (HOSTNAME, C::Protocol, None),
    (NUMBER, C::Protocol, None),
    (INVALID_CR_LF, C::Protocol, None),
    (FIELD_LENGTH, C::Protocol, None),
    (REQUEST_LENGTH, C::Protocol, None),
    (URL_LENGTH, C::Protocol, None),
    (ENTITY_TOO_LARGE, C::Protocol, None),
    (LENGTH_REQUIRED, C::Protocol, None),
    (PRECONDITION, C::Protocol, None),
    (FORBIDDEN, C::Protocol, None),
    (VERSION_NOT_SUPPORTED, C::Protocol, None),
    (NOT_IMPLEMENTED, C::Protocol, None),
    (REQUEST_TOO_LARGE, C::Protocol, None),
    (TIMER_CONNECTION_IDLE, C::Benign, None),
    // Reserved, never written (domain.md §1.4), but a known phrase.
    (TIMER_RESPONSE, C::Unknown, None),
];

fn reason_entry(reason: &str) -> Option<&'static (&'static str, ReasonClass, Option<Signal>)> {
    REASONS.iter().find(|r| r.0 == reason)
}

/// What HTTP.sys did when it wrote a phrase correlation counts, and what usually causes
/// it (domain.md §1.4), for the report's glossary.
const MEANINGS: &[(&str, &str)] = &[
    (APP_OFFLINE, "HTTP.sys answered 503 because the application pool was taken offline after application errors: rapid-fail protection disabled it, or it is stopped."),
    (APP_POOL_TIMER, "The request timed out in the pool's queue: the worker process was too busy to take it."),
    (APP_SHUTDOWN, "HTTP.sys answered 503 because the application was shut down by policy (a recycle or shutdown in progress, no worker to serve it)."),
    (CONNECTION_ABANDONED_BY_APP_POOL, "The worker process quit unexpectedly or closed its handle with the request pending: the request died with the process (a crash, a kill, a recycle that overran)."),
    (CONNECTION_ABANDONED_BY_REQ_QUEUE, "The worker process quit unexpectedly or orphaned the request it was serving (crash, hang kill, shutdown timeout); the request never reaches the W3C log."),
    (DISABLED, "HTTP.sys answered 503 because an administrator (or WAS) took the application pool offline."),
    (QUEUE_FULL, "HTTP.sys answered 503 because the pool's request queue (queueLength, 1000 by default) was full: the workers were alive but not keeping up."),
    (TIMER_APP_POOL, "The request waited too long in the pool's queue to be picked up (ConnectionTimeout, 2 minutes by default): the worker was busy or hung."),
    (TIMER_REQ_QUEUE, "The request waited too long in the pool's queue to be picked up (ConnectionTimeout, 2 minutes by default): the worker was busy or hung."),
    (CONN_LIMIT, "HTTP.sys refused the request because the site's or server's connection limit was reached."),
    (CONNECTIONS_REFUSED, "HTTP.sys stopped accepting connections: kernel non-paged pool memory ran low."),
    (CONNECTION_DROPPED, "The connection closed before the final response was sent, usually by the client; or the application did not hand HTTP.sys the response and its log data within about two minutes, as a busy application does."),
    (CONNECTION_DROPPED_LIST_FULL, "So many connections were dropped that HTTP.sys's list of them was full (seen when a load balancer drops many at once)."),
    (TIMER_ENTITY_BODY, "The request body did not arrive in time: a slow or stalled client or network."),
    (TIMER_MIN_BYTES_PER_SECOND, "The client received the response too slowly (below minBytesPerSecond): a slow client or network."),
];

/// What a reason phrase means, if it is one correlation counts.
pub fn meaning(reason: &str) -> Option<&'static str> {
    MEANINGS.iter().find(|m| m.0 == reason).map(|m| m.1)
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
    fn every_phrase_correlation_counts_has_a_meaning() {
        for (phrase, _, signal) in REASONS {
            if signal.is_some() {
                assert!(meaning(phrase).is_some(), "{phrase} has no meaning");
            }
        }
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
