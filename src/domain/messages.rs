//! The Windows message templates of the events corvid reads (domain.md §3), and the two
//! pure functions that use them: [`render`] writes an event's message from its insertion
//! strings (the simulator's text exports), [`recover`] reads the insertion strings back
//! out of a rendered message (event logs exported as CSV or text carry only the message,
//! no EventData). `%n` of a template is EventData position `n - 1`, the position
//! `parse::lifecycle` reads and `simulate::events` writes.
//!
//! Where the texts come from:
//! - WAS 5002, 5009, 5011: real Event Viewer exports (corpus `event-text-dumps`); 5074-5077,
//!   5081, 5186: TechNet event pages (domain.md S37; 5074-5078 and 5186 name the pid
//!   first, the pool second); 5010, 5013, 5078, 5080, 5139: the texts of domain.md §3.2
//!   (S34, S35, S54, S38, S28); 5057: a real rendered event (S36); 5117: real rendered
//!   text, without a pid (S39).
//! - Application Error 1000: checked against the corpus (Windows 2008 R2 stops at
//!   `Report Id`, later builds add the two package lines); WER 1001: checked against the
//!   corpus up to `Report Status`.
//! - ASP.NET 1309: real rendered web events (Microsoft Q&A, MBAM and SharePoint notes):
//!   every label; the numbering follows the real EventData order of domain.md §3.4.
//! - W3SVC-WP 2269, 2276-2282, 2297, 2299: TechNet "IIS Worker Process Availability"
//!   and "IIS Application Pool Availability" tables (domain.md S31, S41).
//! - Service Control Manager 7031, 7034 (domain.md §3.5), 7036 (corpus).
//!
//! UNVERIFIED (best-known text, marked where it is written): WAS 5012 (IIS 6 wording),
//! 5021 (whole text), 5059 (tail), 5079 (whole text); WER 1001's `Hashed bucket` and
//! `Cab Guid` lines of newer builds; where ASP.NET 1309 puts `%14` (position 13, blank
//! in every sample: taken as the custom event details); the tail of W3SVC-WP 2282 (the
//! source is cut before its link, so the template ends earlier).
//!
//! Not covered: W3SVC-WP 2294 and 2303 (no source for their text): [`template`] gives
//! `None` for them.
//!
//! Matching ([`recover`]): runs of whitespace (and the `&nbsp;` of copied pages) count
//! as one space and the ends are trimmed, so re-wrapped messages match; literals are
//! case-sensitive; each insert takes the shortest text up to the next literal, the last
//! one the rest. The values are cut from the original message, so a value keeps its own
//! line breaks (a .NET 1026 text, an ASP.NET stack trace), trimmed at both ends. Pick
//! the template by the event's reporter and id: a message of another event that shares
//! the first literal (every "A process serving application pool '...") still matches,
//! its insert taking the rest of the text.

use super::lifecycle::{self as lc, Reporter};
use super::{was, RecycleReason};

/// The message template of `event_id` logged by `reporter` (Windows' text, with %1..%n
/// inserts and \r\n line breaks as Windows renders them).
pub fn template(reporter: Reporter, event_id: u16) -> Option<&'static str> {
    match reporter {
        Reporter::Was => was_template(event_id),
        Reporter::W3svcWp => w3svc_wp_template(event_id),
        Reporter::ApplicationError => (event_id == lc::APPLICATION_FAULT).then_some(APP_ERROR),
        Reporter::Wer => (event_id == lc::WER_REPORT).then_some(WER_REPORT),
        Reporter::DotNetRuntime => (event_id == lc::DOTNET_UNHANDLED_EXCEPTION).then_some("%1"),
        Reporter::AspNet => (event_id == lc::ASPNET_WEB_EVENT).then_some(ASPNET_WEB_EVENT),
        Reporter::ServiceControlManager => match event_id {
            lc::SCM_TERMINATED_RECOVERING => Some(
                "The %1 service terminated unexpectedly.  It has done this %2 time(s).  \
                 The following corrective action will be taken in %3 milliseconds: %5.",
            ),
            lc::SCM_TERMINATED => {
                Some("The %1 service terminated unexpectedly.  It has done this %2 time(s).")
            }
            lc::SCM_STATE_CHANGE => Some("The %1 service entered the %2 state."),
            _ => None,
        },
    }
}

fn was_template(id: u16) -> Option<&'static str> {
    Some(match id {
        was::RAPID_FAIL => {
            "Application pool '%1' is being automatically disabled due to a series of \
             failures in the process(es) serving that application pool."
        }
        was::PROCESS_EXITED => {
            "A process serving application pool '%1' terminated unexpectedly. The process \
             id was '%2'. The process exit code was '%3'."
        }
        was::PING_FAILED => {
            "A process serving application pool '%1' failed to respond to a ping. The \
             process id was '%2'."
        }
        was::COMMUNICATION_ERROR => {
            "A process serving application pool '%1' suffered a fatal communication error \
             with the Windows Process Activation Service. The process id was '%2'. The \
             data field contains the error number."
        }
        // UNVERIFIED: the IIS 6 wording (W3SVC 1012) with the quotes of IIS 7's 5013.
        was::STARTUP_TIMEOUT => {
            "A process serving application pool '%1' exceeded time limits during start \
             up. The process id was '%2'."
        }
        was::SHUTDOWN_TIMEOUT => {
            "A process serving application pool '%1' exceeded time limits during shut \
             down. The process id was '%2'."
        }
        // UNVERIFIED: whole text.
        was::IDENTITY_INVALID => {
            "The identity of application pool %1 is invalid. The user name or password \
             that is specified for the identity may be incorrect, or the user may not have \
             batch logon rights. If the identity is not corrected, the application pool \
             will be disabled when the application pool receives its first request.  If \
             batch logon rights are causing the problem, the identity in the IIS \
             configuration store must be changed after rights have been granted before \
             Windows Process Activation Service (WAS) can retry the logon. If the identity \
             remains invalid after the first request for the application pool is \
             processed, the application pool will be disabled. The data field contains \
             the error number."
        }
        was::IDENTITY_DISABLED => {
            "Application pool %1 has been disabled. Windows Process Activation Service \
             (WAS) did not create a worker process to serve the application pool because \
             the application pool identity is invalid."
        }
        // UNVERIFIED: the source is cut after "when it started a worker process".
        was::START_DISABLED => {
            "Application pool %1 has been disabled. Windows Process Activation Service \
             (WAS) encountered a failure when it started a worker process to serve the \
             application pool."
        }
        was::LISTENER_FAILURE => {
            "A listener channel for protocol '%4' in worker process '%2' serving \
             application pool '%1' reported a listener channel failure."
        }
        _ => {
            let reason = RecycleReason::ALL.iter().find(|r| r.was_event() == id)?;
            recycle_template(*reason)
        }
    })
}

/// The template of the WAS event that logs a recycle or shutdown reason.
fn recycle_template(reason: RecycleReason) -> &'static str {
    match reason {
        RecycleReason::Time => {
            "A worker process with process id of '%1' serving application pool '%2' has \
             requested a recycle because the worker process reached its allowed \
             processing time limit."
        }
        RecycleReason::Requests => {
            "A worker process with process id of '%1' serving application pool '%2' has \
             requested a recycle because it reached its allowed request limit."
        }
        RecycleReason::Schedule => {
            "A worker process with process id of '%1' serving application pool '%2' has \
             requested a recycle because it reached its scheduled recycle time."
        }
        RecycleReason::Memory => {
            "A worker process with process id of '%1' serving application pool '%2' has \
             requested a recycle because it reached its virtual memory limit."
        }
        RecycleReason::IsapiUnhealthy => {
            "An ISAPI reported an unhealthy condition to its worker process. Therefore, \
             the worker process with process id of '%1' serving application pool '%2' has \
             requested a recycle."
        }
        // UNVERIFIED: whole text.
        RecycleReason::OnDemand => {
            "An administrator has requested a recycle of all worker processes in \
             application pool '%1'."
        }
        RecycleReason::ConfigChange => {
            "The worker processes serving application pool '%1' are being recycled due to \
             1 or more configuration changes in the application pool properties which \
             necessitate a restart of the processes."
        }
        RecycleReason::ConfigStore => {
            "The worker processes serving application pool '%1' are being recycled due to \
             detected problems with the IIS configuration store that may make current \
             cached metadata invalid."
        }
        RecycleReason::PrivateMemory => {
            "A worker process serving application pool '%1' has requested a recycle \
             because it reached its private bytes memory limit."
        }
        RecycleReason::Idle => {
            "A worker process with process id of '%1' serving application pool '%2' was \
             shutdown due to inactivity. Application Pool timeout configuration was set to \
             %3 minutes. A new worker process will be started when needed."
        }
    }
}

fn w3svc_wp_template(id: u16) -> Option<&'static str> {
    match id {
        lc::WP_HTTP_INIT_FAILED => Some(
            "The worker process for app pool '%1', PID='%2', failed to initialize the \
             http.sys communication when asked to start processing http requests and \
             therefore will be considered ill by W3SVC and terminated. The data field \
             contains the error number.",
        ),
        lc::WP_ISAPI_UNHEALTHY => Some(
            "An application has reported as being unhealthy. The worker process will now \
             request a recycle. Reason given: %1. The data is the error.",
        ),
        _ => WP_MODULE_TEMPLATES
            .iter()
            .find(|(module_id, _)| *module_id == id)
            .map(|(_, text)| *text),
    }
}

/// The templates of the module and startup failures of `lifecycle::WP_MODULE_FAILURES`
/// that have a source (a test checks every id is one of them; 2294 and 2303 have none).
const WP_MODULE_TEMPLATES: &[(u16, &str)] = &[
    (
        2276,
        "The worker process failed to initialize correctly and therefore could not be \
         started. The data is the error.",
    ),
    (
        2277,
        "The worker process failed to load the process model host. If this was during \
         the launch of a queue the W3SVC will consider this worker process ill. The data \
         is the error.",
    ),
    (
        2278,
        "The worker process failed to start http request processing. A previous event \
         log message may contain more information. The data is the error.",
    ),
    // "servering" as the source spells it.
    (
        2279,
        "The worker process failed to start servering a queue for protocol %1. The data \
         is the error.",
    ),
    (
        2280,
        "The Module DLL %1 failed to load.  The data is the error.",
    ),
    (
        2281,
        "The worker process failed to initialize communication with the W3SVC and \
         therefore could not be started. The data is the error.",
    ),
    // UNVERIFIED tail: the source goes on with a link after "error number." and is cut
    // there.
    (
        2282,
        "The Module DLL '%1' could not be loaded due to a configuration problem. The \
         current configuration only supports loading images built for a %2 processor \
         architecture. The data field contains the error number.",
    ),
    (
        2297,
        "The worker process for application pool '%1' encountered an error '%2' trying \
         to read global module configuration data from file '%3', line number '%4'. \
         Worker process startup aborted.",
    ),
];

const APP_ERROR: &str = "Faulting application name: %1, version: %2, time stamp: 0x%3\r\n\
Faulting module name: %4, version: %5, time stamp: 0x%6\r\n\
Exception code: 0x%7\r\n\
Fault offset: 0x%8\r\n\
Faulting process id: 0x%9\r\n\
Faulting application start time: 0x%10\r\n\
Faulting application path: %11\r\n\
Faulting module path: %12\r\n\
Report Id: %13\r\n\
Faulting package full name: %14\r\n\
Faulting package-relative application ID: %15";

/// WER 1001: `Hashed bucket` and `Cab Guid` (%22, %23) are UNVERIFIED (newer builds; the
/// corpus event of Windows 2008 R2 ends at `Report Status`).
const WER_REPORT: &str = "Fault bucket %1, type %2\r\n\
Event Name: %3\r\n\
Response: %4\r\n\
Cab Id: %5\r\n\
\r\n\
Problem signature:\r\n\
P1: %6\r\nP2: %7\r\nP3: %8\r\nP4: %9\r\nP5: %10\r\n\
P6: %11\r\nP7: %12\r\nP8: %13\r\nP9: %14\r\nP10: %15\r\n\
\r\n\
Attached files:\r\n\
%16\r\n\
\r\n\
These files may be available here:\r\n\
%17\r\n\
\r\n\
Analysis symbol: %18\r\n\
Rechecking for solution: %19\r\n\
Report Id: %20\r\n\
Report Status: %21\r\n\
Hashed bucket: %22\r\n\
Cab Guid: %23";

/// ASP.NET 1309 (web event 3005). `%14` (position 13, blank in every real sample) as the
/// custom event details at the end is UNVERIFIED.
const ASPNET_WEB_EVENT: &str = "Event code: %1 \r\n\
Event message: %2 \r\n\
Event time: %3 \r\n\
Event time (UTC): %4 \r\n\
Event ID: %5 \r\n\
Event sequence: %6 \r\n\
Event occurrence: %7 \r\n\
Event detail code: %8 \r\n \r\n\
Application information: \r\n    \
Application domain: %9 \r\n    \
Trust level: %10 \r\n    \
Application Virtual Path: %11 \r\n    \
Application Path: %12 \r\n    \
Machine name: %13 \r\n \r\n\
Process information: \r\n    \
Process ID: %15 \r\n    \
Process name: %16 \r\n    \
Account name: %17 \r\n \r\n\
Exception information: \r\n    \
Exception type: %18 \r\n    \
Exception message: %19 \r\n \r\n\
Request information: \r\n    \
Request URL: %20 \r\n    \
Request path: %21 \r\n    \
User host address: %22 \r\n    \
User: %23 \r\n    \
Is authenticated: %24 \r\n    \
Authentication Type: %25 \r\n    \
Thread account name: %26 \r\n \r\n\
Thread information: \r\n    \
Thread ID: %27 \r\n    \
Thread account name: %28 \r\n    \
Is impersonating: %29 \r\n    \
Stack trace: %30 \r\n \r\n \r\n\
Custom event details: %14 \r\n";

/// One piece of a template: literal text or insert `%n`.
enum Piece<'a> {
    Text(&'a str),
    Insert(usize),
}

/// The pieces of a template, in order: inserts `%1` to `%99` as FormatMessage reads
/// them (`%` not followed by a digit is literal text).
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let (bytes, mut start, mut i) = (template.as_bytes(), 0, 0);
    while i < bytes.len() {
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .take(2)
            .count();
        if bytes[i] != b'%' || digits == 0 {
            i += 1;
            continue;
        }
        if start < i {
            out.push(Piece::Text(&template[start..i]));
        }
        let n = template[i + 1..i + 1 + digits].parse().unwrap_or(0);
        out.push(Piece::Insert(n));
        i += 1 + digits;
        start = i;
    }
    if start < template.len() {
        out.push(Piece::Text(&template[start..]));
    }
    out
}

/// The template with %n replaced by values[n-1] (missing values render as empty).
pub fn render(template: &str, values: &[&str]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.len()).sum::<usize>());
    for piece in pieces(template) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Insert(n) => out.push_str(
                n.checked_sub(1)
                    .and_then(|i| values.get(i))
                    .copied()
                    .unwrap_or(""),
            ),
        }
    }
    out
}

/// A text with its whitespace runs folded to one space and its ends trimmed, and for
/// every byte of it, the offset of the byte of the original it stands for.
struct Folded {
    text: String,
    origin: Vec<u32>,
}

const NBSP: &str = "&nbsp;";

fn fold(s: &str) -> Folded {
    let bytes = s.as_bytes();
    let mut f = Folded {
        text: String::with_capacity(s.len()),
        origin: Vec::with_capacity(s.len()),
    };
    let special = |b: u8| b.is_ascii_whitespace() || b == b'&' || !b.is_ascii();
    let mut i = 0;
    while i < bytes.len() {
        // A run of plain ASCII is copied at once (most of every message).
        let run = bytes[i..]
            .iter()
            .position(|&b| special(b))
            .unwrap_or(bytes.len() - i);
        if run > 0 {
            f.text.push_str(&s[i..i + run]);
            f.origin.extend(i as u32..(i + run) as u32);
            i += run;
            continue;
        }
        let (width, space) = match bytes[i] {
            b'&' if s[i..].starts_with(NBSP) => (NBSP.len(), true),
            b if b.is_ascii() => (1, b.is_ascii_whitespace()),
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_whitespace())
            }
        };
        if !space {
            f.text.push_str(&s[i..i + width]);
            f.origin.extend(i as u32..(i + width) as u32);
        } else if !f.text.is_empty() && !f.text.ends_with(' ') {
            f.text.push(' ');
            f.origin.push(i as u32);
        }
        i += width;
    }
    if f.text.ends_with(' ') {
        f.text.pop();
        f.origin.pop();
    }
    f
}

/// A template's literal text folded as [`fold`] folds a message, without copying it when
/// it only needs trimming (nearly always: a literal has single spaces).
fn folded(t: &str) -> std::borrow::Cow<'_, str> {
    let t = t.trim_matches(|c: char| c.is_whitespace());
    let plain = !t.contains(NBSP)
        && !t.contains("  ")
        && !t
            .bytes()
            .any(|b| matches!(b, b'\r' | b'\n' | b'\t' | 0x0b | 0x0c))
        && t.is_ascii();
    if plain {
        std::borrow::Cow::Borrowed(t)
    } else {
        std::borrow::Cow::Owned(fold(t).text)
    }
}

/// The value of the insert at folded bytes `from..to` of `message`: cut from the
/// original text, trimmed; empty when Windows left the insert unresolved (`%9`).
fn value(message: &str, m: &Folded, from: usize, to: usize) -> String {
    let span = &m.text[from..to];
    let lead = span.len() - span.trim_start().len();
    let (from, to) = (from + lead, from + span.trim_end().len());
    if from >= to {
        return String::new();
    }
    let text = &message[m.origin[from] as usize..m.origin[to - 1] as usize + 1];
    let text = if text.contains(NBSP) {
        std::borrow::Cow::Owned(text.replace(NBSP, " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let text = text.trim();
    let unresolved =
        text.len() > 1 && text.starts_with('%') && text[1..].bytes().all(|b| b.is_ascii_digit());
    if unresolved {
        String::new()
    } else {
        text.to_string()
    }
}

/// How many bytes at the end of `text` are the start of `literal`, when `text` was cut
/// inside it (0 when not).
fn cut_inside(text: &str, literal: &str) -> usize {
    (1..literal.len())
        .rev()
        .filter(|&k| literal.is_char_boundary(k))
        .find(|&k| text.ends_with(&literal[..k]))
        .unwrap_or(0)
}

/// The insertion strings of `message` read with `template`: a Vec indexed by n-1 up to
/// the highest %n in the template; an insert the template does not use, or the message
/// leaves unresolved (Windows prints a literal `%9` when the insert is missing, see the
/// corpus), or that is cut off because the message ends early, is an empty string. None
/// when the message does not match the template (its first literal text does not match).
pub fn recover(template: &str, message: &str) -> Option<Vec<String>> {
    if u32::try_from(message.len()).is_err() {
        return None;
    }
    let pieces = pieces(template);
    let highest = pieces
        .iter()
        .map(|p| match p {
            Piece::Insert(n) => *n,
            Piece::Text(_) => 0,
        })
        .max()
        .unwrap_or(0);
    let mut values = vec![String::new(); highest];
    let m = fold(message);
    let (mut pos, mut pending, mut first) = (0, None::<usize>, true);
    for piece in &pieces {
        let literal = match piece {
            Piece::Insert(n) => {
                pending = Some(*n);
                continue;
            }
            Piece::Text(t) => folded(t),
        };
        if literal.is_empty() {
            continue;
        }
        let found = m.text[pos..].find(&*literal);
        if first && (found.is_none() || (pending.is_none() && found != Some(0))) {
            return None;
        }
        first = false;
        let (end, next) = match found {
            Some(k) => (pos + k, pos + k + literal.len()),
            None => (
                m.text.len() - cut_inside(&m.text[pos..], &literal),
                m.text.len(),
            ),
        };
        if let Some(n) = pending.take().filter(|&n| n >= 1) {
            values[n - 1] = value(message, &m, pos, end);
        }
        pos = next;
        if found.is_none() {
            return Some(values);
        }
    }
    if let Some(n) = pending.filter(|&n| n >= 1) {
        values[n - 1] = value(message, &m, pos, m.text.len());
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (reporter, event id) with a template.
    fn covered() -> Vec<(Reporter, u16)> {
        let mut all: Vec<(Reporter, u16)> =
            was::EVENTS.iter().map(|e| (Reporter::Was, e.id)).collect();
        let wp = [lc::WP_HTTP_INIT_FAILED, lc::WP_ISAPI_UNHEALTHY];
        all.extend(
            wp.iter()
                .chain(lc::WP_MODULE_FAILURES)
                .map(|&id| (Reporter::W3svcWp, id)),
        );
        all.extend([
            (Reporter::ApplicationError, lc::APPLICATION_FAULT),
            (Reporter::Wer, lc::WER_REPORT),
            (Reporter::DotNetRuntime, lc::DOTNET_UNHANDLED_EXCEPTION),
            (Reporter::AspNet, lc::ASPNET_WEB_EVENT),
            (
                Reporter::ServiceControlManager,
                lc::SCM_TERMINATED_RECOVERING,
            ),
            (Reporter::ServiceControlManager, lc::SCM_TERMINATED),
            (Reporter::ServiceControlManager, lc::SCM_STATE_CHANGE),
        ]);
        all.retain(|&(r, id)| template(r, id).is_some());
        all
    }

    fn uses(template: &str, n: usize) -> bool {
        pieces(template)
            .iter()
            .any(|p| matches!(p, Piece::Insert(i) if *i == n))
    }

    #[test]
    fn every_event_corvid_reads_has_its_template() {
        for e in was::EVENTS {
            assert!(template(Reporter::Was, e.id).is_some(), "WAS {}", e.id);
        }
        for (id, _) in WP_MODULE_TEMPLATES {
            assert!(
                lc::WP_MODULE_FAILURES.contains(id),
                "{id} is no module failure"
            );
        }
        assert_eq!(
            covered().len(),
            was::EVENTS.len() + 2 + WP_MODULE_TEMPLATES.len() + 7
        );
        assert_eq!(template(Reporter::Was, 1000), None);
        assert_eq!(template(Reporter::ApplicationError, lc::WER_REPORT), None);
        assert_eq!(template(Reporter::W3svcWp, 2294), None);
    }

    #[test]
    fn render_then_recover_gives_the_values_back() {
        for (r, id) in covered() {
            let t = template(r, id).unwrap();
            let highest = recover(t, &render(t, &[])).unwrap().len();
            let owned: Vec<String> = (1..=highest)
                .map(|n| format!("v{n}-{id} <x>\r\n  y{n}"))
                .collect();
            let values: Vec<&str> = owned.iter().map(String::as_str).collect();
            let message = render(t, &values);
            let expected: Vec<String> = owned
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if uses(t, i + 1) {
                        v.clone()
                    } else {
                        String::new()
                    }
                })
                .collect();
            assert_eq!(recover(t, &message), Some(expected), "{r:?} {id}");
        }
    }

    #[test]
    fn render_fills_inserts_by_number() {
        assert_eq!(render("a %1 b %10 c %2 %", &["x", "y"]), "a x b  c y %");
        assert_eq!(render("%100%", &["x"; 10]), "x0%");
        let t = template(Reporter::Was, RecycleReason::Time.was_event()).unwrap();
        let m = render(t, &["4242", "DefaultAppPool"]);
        assert!(m.starts_with("A worker process with process id of '4242' serving application pool 'DefaultAppPool' has"));
    }

    #[test]
    fn aspnet_values_land_at_the_positions_the_extractor_reads() {
        let detail = "Object reference not set.\n   at Contoso.Shop.Checkout.Process()";
        let mut values = vec!["x"; 30];
        values[8] = "/LM/W3SVC/3/ROOT-1-133000000000000000";
        values[13] = "";
        values[14] = "4242";
        values[15] = "w3wp.exe";
        values[17] = "NullReferenceException";
        values[18] = detail;
        values[19] = "https://shop.example/cart";
        values[20] = "/cart";
        values[29] = "   at Contoso.Shop.Checkout.Process()";
        let t = template(Reporter::AspNet, lc::ASPNET_WEB_EVENT).unwrap();
        let got = recover(t, &render(t, &values)).unwrap();
        assert_eq!(got.len(), 30);
        assert_eq!(got[8], values[8]);
        assert_eq!(
            (got[13].as_str(), got[14].as_str(), got[15].as_str()),
            ("", "4242", "w3wp.exe")
        );
        assert_eq!(
            (got[17].as_str(), got[18].as_str()),
            ("NullReferenceException", detail)
        );
        assert_eq!((got[19].as_str(), got[20].as_str()), (values[19], "/cart"));
        assert_eq!(got[29], "at Contoso.Shop.Checkout.Process()");
    }

    #[test]
    fn a_real_aspnet_1309_reads() {
        let message = "Event code: 3005 \nEvent message: An unhandled exception has occurred. \n\
            Event time: 3/30/2017 8:54:11 AM \nEvent time (UTC): 3/30/2017 2:54:11 PM \n\
            Event ID: b452e7abc2a24d149df03c8a173bf075 \nEvent sequence: 2 \nEvent occurrence: 1 \n\
            Event detail code: 0 \n \nApplication information: \n    \
            Application domain: /LM/W3SVC/2/ROOT/owa-3-133292209494883356 \n    Trust level: Full \n    \
            Application Virtual Path: /owa \n    Application Path: E:\\EXCHANGE\\ClientAccess\\owa\\ \n    \
            Machine name: SRVMAIL2019 \n \nProcess information: \n    Process ID: 7076 \n    \
            Process name: w3wp.exe \n    Account name: NT AUTHORITY\\SYSTEM \n \n\
            Exception information: \n    Exception type: ArgumentException \n    \
            Exception message: An item with the same key has already been added.\n   \
            at System.ThrowHelper.ThrowArgumentException(ExceptionResource resource)\n\n \n \n\
            Request information: \n    Request URL: https://localhost:444/owa/exhealth.check \n    \
            Request path: /owa/exhealth.check \n    User host address: ::1 \n    User:  \n    \
            Is authenticated: False \n    Authentication Type:  \n    \
            Thread account name: NT AUTHORITY\\SYSTEM \n \nThread information: \n    \
            Thread ID: 25 \n    Thread account name: NT AUTHORITY\\SYSTEM \n    \
            Is impersonating: False \n    Stack trace:    at System.ThrowHelper.ThrowArgumentException\n \n \n\
            Custom event details:";
        let t = template(Reporter::AspNet, lc::ASPNET_WEB_EVENT).unwrap();
        let v = recover(t, message).unwrap();
        assert_eq!(v[0], "3005");
        assert_eq!(v[8], "/LM/W3SVC/2/ROOT/owa-3-133292209494883356");
        assert_eq!(v[11], "E:\\EXCHANGE\\ClientAccess\\owa\\");
        assert_eq!(
            (v[14].as_str(), v[15].as_str(), v[17].as_str()),
            ("7076", "w3wp.exe", "ArgumentException")
        );
        assert_eq!(
            v[18],
            "An item with the same key has already been added.\n   \
             at System.ThrowHelper.ThrowArgumentException(ExceptionResource resource)"
        );
        assert_eq!(
            (v[19].as_str(), v[20].as_str()),
            (
                "https://localhost:444/owa/exhealth.check",
                "/owa/exhealth.check"
            )
        );
        assert_eq!(
            (v[22].as_str(), v[23].as_str(), v[24].as_str()),
            ("", "False", "")
        );
        assert_eq!((v[26].as_str(), v[28].as_str()), ("25", "False"));
        assert_eq!(v[29], "at System.ThrowHelper.ThrowArgumentException");
        assert_eq!(v[13], "");
    }

    /// The description of corpus 2011-01-17_Application_Error_1000_w3wp.txt (2008 R2:
    /// the pid and the later inserts unresolved).
    const CORPUS_1000: &str =
        "Faulting application name: w3wp.exe, version: 7.5.7600.16385, time stamp: 0x4a5bd0eb
Faulting module name: KERNELBASE.dll, version: 6.1.7600.16385, time stamp: 0x4a5bdfe0
Exception code: 0xe053534f
Fault offset: 0x000000000000aa7d
Faulting process id: 0x%9
Faulting application start time: 0x%10
Faulting application path: %11
Faulting module path: %12
Report Id: %13
";

    #[test]
    fn corpus_application_error_1000() {
        let t = template(Reporter::ApplicationError, lc::APPLICATION_FAULT).unwrap();
        let v = recover(t, CORPUS_1000).unwrap();
        assert_eq!(v.len(), 15);
        assert_eq!(
            &v[..8],
            [
                "w3wp.exe",
                "7.5.7600.16385",
                "4a5bd0eb",
                "KERNELBASE.dll",
                "6.1.7600.16385",
                "4a5bdfe0",
                "e053534f",
                "000000000000aa7d"
            ]
        );
        assert!(v[8..].iter().all(String::is_empty), "{v:?}");
        // The same event, wrapped by hand (2011-09-18_...txt).
        let wrapped = "Faulting application name: w3wp.exe, version: 7.5.7600.16385, time\nstamp: 0x4a5bd0eb\n\
            Faulting module name: KERNELBASE.dll, version: 6.1.7600.16385, time\nstamp: 0x4a5bdfe0\n\
            Exception code: 0xe053534f\nFault offset: 0x000000000000aa7d\nFaulting process id: 0x%9\n\
            Faulting application start time: 0x%10\nFaulting application path: %11\nFaulting module path: %12\nReport Id: %13";
        assert_eq!(recover(t, wrapped).unwrap(), v);
    }

    #[test]
    fn a_resolved_application_error_1000() {
        let m = "Faulting application name: w3wp.exe, version: 7.5.7601.17514, time stamp: 0x4ce7afa2\r\n\
            Faulting module name: oci.dll, version:, time stamp: 0x4bb1da76\r\nException code: 0xc00000fd\r\n\
            Fault offset: 0x000000000006f837\r\nFaulting process id: 0x11a4\r\n\
            Faulting application start time: 0x01cd02af9bce5a0e\r\n\
            Faulting application path: c:\\windows\\system32\\inetsrv\\w3wp.exe\r\n\
            Faulting module path: c:\\oracle\\oci.dll\r\nReport Id: d8925b5a-6ea9-11e1-906a-00215e63edd4";
        let t = template(Reporter::ApplicationError, lc::APPLICATION_FAULT).unwrap();
        let v = recover(t, m).unwrap();
        assert_eq!(
            (v[3].as_str(), v[4].as_str(), v[8].as_str()),
            ("oci.dll", "", "11a4")
        );
        assert_eq!(v[10], "c:\\windows\\system32\\inetsrv\\w3wp.exe");
        assert_eq!(v[12], "d8925b5a-6ea9-11e1-906a-00215e63edd4");
    }

    /// The description of corpus 2011-01-17_WER_1001_APPCRASH_w3wp.txt.
    const CORPUS_1001: &str = "Fault bucket , type 0
Event Name: APPCRASH
Response: Not available
Cab Id: 0
&nbsp;
Problem signature:
P1: w3wp.exe
P2: 7.5.7600.16385
P3: 4a5bd0eb
P4: KERNELBASE.dll
P5: 6.1.7600.16385
P6: 4a5bdfe0
P7: e053534f
P8: 000000000000aa7d
P9:
P10:
&nbsp;
Attached files:
&nbsp;
These files may be available here:
C:\\ProgramData\\Microsoft\\Windows\\WER\\ReportQueue\\AppCrash_w3wp.exe_32ada61695ee2297c903c5b1ee2ccc1df1ba4d8_416794b1
&nbsp;
Analysis symbol:
Rechecking for solution: 0
Report Id: 7031214d-218f-11e0-8593-00505697272d
Report Status: 4
";

    #[test]
    fn corpus_wer_1001() {
        let t = template(Reporter::Wer, lc::WER_REPORT).unwrap();
        let v = recover(t, CORPUS_1001).unwrap();
        assert_eq!(v.len(), 23);
        assert_eq!(
            &v[..6],
            ["", "0", "APPCRASH", "Not available", "0", "w3wp.exe"]
        );
        assert_eq!(
            (
                v[8].as_str(),
                v[11].as_str(),
                v[13].as_str(),
                v[14].as_str()
            ),
            ("KERNELBASE.dll", "e053534f", "", "")
        );
        assert_eq!(
            (v[15].as_str(), v[17].as_str(), v[18].as_str()),
            ("", "", "0")
        );
        assert!(
            v[16].ends_with("AppCrash_w3wp.exe_32ada61695ee2297c903c5b1ee2ccc1df1ba4d8_416794b1")
        );
        assert_eq!(
            (v[19].as_str(), v[20].as_str(), v[21].as_str()),
            ("7031214d-218f-11e0-8593-00505697272d", "4", "")
        );
    }

    /// Lines of corpus 2011-01-17_System_WAS_eventviewer_tsv_export.txt.
    const CORPUS_TSV: &str = "Error\t1/16/2011 11:43\tMicrosoft-Windows-WAS\t5002\tNone\tApplication pool 'MSExchangeOWAAppPool' is being automatically disabled due to a series of failures in the process(es) serving that application pool.\r
Warning\t1/16/2011 11:43\tMicrosoft-Windows-WAS\t5011\tNone\tA process serving application pool 'MSExchangeOWAAppPool' suffered a fatal communication error with the Windows Process Activation Service. The process id was '13180'. The data field contains the error number.\r
Warning\t1/16/2011 11:41\tMicrosoft-Windows-WAS\t5009\tNone\tA process serving application pool 'MSExchangeOWAAppPool' terminated unexpectedly. The process id was '15868'. The process exit code was '0x800703e9'.\r
Information\t1/16/2011 11:21\tService Control Manager\t7036\tNone\tThe WinHTTP Web Proxy Auto-Discovery Service service entered the stopped state.
";

    #[test]
    fn corpus_tab_separated_export() {
        let read: Vec<Vec<String>> = CORPUS_TSV
            .lines()
            .map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                let reporter = if cols[2] == was::PROVIDER {
                    Reporter::Was
                } else {
                    Reporter::ServiceControlManager
                };
                let t = template(reporter, cols[3].parse().unwrap()).unwrap();
                recover(t, cols[5]).unwrap()
            })
            .collect();
        assert_eq!(read[0], ["MSExchangeOWAAppPool"]);
        assert_eq!(read[1], ["MSExchangeOWAAppPool", "13180"]);
        assert_eq!(read[2], ["MSExchangeOWAAppPool", "15868", "0x800703e9"]);
        assert_eq!(
            read[3],
            ["WinHTTP Web Proxy Auto-Discovery Service", "stopped"]
        );
    }

    #[test]
    fn corpus_hand_wrapped_was_events() {
        let t = template(Reporter::Was, was::PROCESS_EXITED).unwrap();
        let m = "A process serving application pool 'MSExchangeOWAAppPool' terminated\n\
            unexpectedly. The process id was '3108'. The process exit code was\n'0x800703e9'.\n&nbsp;\n";
        assert_eq!(
            recover(t, m).unwrap(),
            ["MSExchangeOWAAppPool", "3108", "0x800703e9"]
        );
        let t = template(Reporter::Was, was::COMMUNICATION_ERROR).unwrap();
        let m = "A process serving application pool 'MSExchangeOWAAppPool' suffered a\n\
            fatal communication error with the Windows Process Activation Service.\n\
            The process id was '3760'. The data field contains the error number.";
        assert_eq!(recover(t, m).unwrap(), ["MSExchangeOWAAppPool", "3760"]);
    }

    #[test]
    fn a_message_of_another_template_does_not_match() {
        let t = template(Reporter::Was, was::RAPID_FAIL).unwrap();
        let m = "A process serving application pool 'P' failed to respond to a ping. The process id was '7'.";
        assert_eq!(recover(t, m), None);
        let t = template(Reporter::ApplicationError, lc::APPLICATION_FAULT).unwrap();
        assert_eq!(recover(t, CORPUS_1001), None);
        assert_eq!(
            recover(t, &CORPUS_1000.to_lowercase()),
            None,
            "literals are case-sensitive"
        );
        assert_eq!(recover(t, ""), None);
        assert_eq!(
            recover(
                "%1 service entered the %2 state.",
                "The W3SVC service stopped."
            ),
            None
        );
    }

    #[test]
    fn a_template_starting_with_an_insert_matches_on_its_next_literal() {
        let t = "%1 service entered the %2 state.";
        let v = recover(t, "The W3SVC service entered the running state.").unwrap();
        assert_eq!(v, ["The W3SVC", "running"]);
        assert_eq!(recover("%1", "  one\r\n two  ").unwrap(), ["one\r\n two"]);
    }

    #[test]
    fn a_message_cut_short_leaves_the_rest_empty() {
        let t = template(Reporter::Was, was::PROCESS_EXITED).unwrap();
        let m = "A process serving application pool 'Pool A' terminated unexpectedly. The process id was '3108'. The process exit";
        assert_eq!(recover(t, m).unwrap(), ["Pool A", "3108", ""]);
        let m = "A process serving application pool 'Pool A' terminated unexpectedly. The process id was '31";
        assert_eq!(recover(t, m).unwrap(), ["Pool A", "31", ""]);
        assert_eq!(
            recover(t, "A process serving application pool '").unwrap(),
            ["", "", ""]
        );
        assert_eq!(recover(t, "A process serving"), None);
    }
}
