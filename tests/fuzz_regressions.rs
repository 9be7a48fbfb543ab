//! The fuzz targets' checks (`corvid::fuzz`) over every input under
//! tests/fuzz_inputs/<target>/: hand-made nasty inputs, and each crash the fuzzers
//! found (scripts/fuzz.sh saves them under fuzz/artifacts/<target>/; copy one here, with
//! a name that says what it broke, when you fix it).

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_inputs")
        .join(target);
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no inputs in {}", dir.display());
    v
}

fn replay(target: &str, f: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let ok = std::panic::catch_unwind(|| f(&data));
        assert!(ok.is_ok(), "{name} breaks the {target} target again");
    }
}

#[test]
fn w3c_inputs() {
    replay("w3c", corvid::fuzz::w3c);
}

#[test]
fn evtx_inputs() {
    replay("evtx", corvid::fuzz::evtx);
}

#[test]
fn bundle_inputs() {
    replay("bundle", corvid::fuzz::bundle);
}

#[test]
fn appconfig_inputs() {
    replay("appconfig", corvid::fuzz::appconfig);
}

#[test]
fn zip_inputs() {
    // The bundle target's inputs are zips too: the walker alone must take them all.
    replay("bundle", corvid::fuzz::zip);
}
