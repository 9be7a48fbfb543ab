//! One test per event kind of the catalog: the event is written alone to a file, parsed back
//! with the evtx crate (checksums validated) and compared field by field, then written twice
//! in a row to check the second record (which reuses the template) too.

mod evtx_common;
use evtx_common as common;

use common::{catalog, check, parse, write};

fn roundtrip(name: &str) {
    let (_, event) = catalog().into_iter().find(|(n, _)| *n == name).unwrap();
    let records = parse(&write(std::slice::from_ref(&event)));
    assert_eq!(records.len(), 1);
    check(&records[0], &event, 1);

    let records = parse(&write(&[event.clone(), event.clone()]));
    assert_eq!(records.len(), 2);
    check(&records[0], &event, 1);
    check(&records[1], &event, 2);
}

macro_rules! kinds {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { roundtrip(stringify!($name)); })*

        #[test]
        fn catalog_lists_exactly_the_tested_kinds() {
            let names: Vec<&str> = catalog().into_iter().map(|(n, _)| n).collect();
            assert_eq!(names, vec![$(stringify!($name)),*]);
        }
    };
}

kinds!(
    was_5002,
    was_5009,
    was_5010,
    was_5011,
    was_5012,
    was_5013,
    was_5074,
    was_5075,
    was_5076,
    was_5077,
    was_5078,
    was_5079,
    was_5080,
    was_5081,
    was_5117,
    was_5139,
    was_5186,
    application_error_1000_classic,
    application_error_1000_named,
    wer_1001_appcrash,
    wer_1001_clr20r3,
    dotnet_runtime_1026,
    aspnet_1309,
    w3svc_wp_2269,
    w3svc_wp_2299,
    scm_7031,
    scm_7034,
);

#[test]
fn all_kinds_in_one_file() {
    let events: Vec<_> = catalog().into_iter().map(|(_, e)| e).collect();
    let records = parse(&write(&events));
    assert_eq!(records.len(), events.len());
    for (i, (r, e)) in records.iter().zip(&events).enumerate() {
        check(r, e, i as u64 + 1);
    }
}
