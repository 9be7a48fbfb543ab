//! The templates against the corpus and the simulator's texts; render and recover
//! round trips.

use super::matching::{pieces, Piece};
use super::*;
use crate::domain::lifecycle::{self as lc, Reporter};
use crate::domain::{was, RecycleReason};

/// Every (reporter, event id) with a template.
fn covered() -> Vec<(Reporter, u16)> {
    let mut all: Vec<(Reporter, u16)> = was::EVENTS.iter().map(|e| (Reporter::Was, e.id)).collect();
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
    assert!(m.starts_with(
        "A worker process with process id of '4242' serving application pool 'DefaultAppPool' has"
    ));
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
    assert!(v[16].ends_with("AppCrash_w3wp.exe_32ada61695ee2297c903c5b1ee2ccc1df1ba4d8_416794b1"));
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
