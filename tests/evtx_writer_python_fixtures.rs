//! Writes the files `tests/interop/python_evtx_check.py` parses with python-evtx, plus
//! `expected.json` describing every record, into `$EVTX_FIXTURE_DIR` (or a temporary folder,
//! removed afterwards, when unset). The files are also checked with the evtx crate here, so a
//! normal `cargo test` covers them too; without `$EVTX_FIXTURE_DIR` the test then runs the
//! python-evtx check itself.

mod evtx_common;
use evtx_common as common;

use common::{catalog, check, describe, many_events, parse, positional, t0, tricky, was, write};
use corvid::simulate::evtx_writer::Event;
use serde_json::Value;

#[test]
fn write_python_fixtures() {
    let (dir, temporary) = match std::env::var_os("EVTX_FIXTURE_DIR") {
        Some(d) => (std::path::PathBuf::from(d), false),
        None => (
            std::env::temp_dir().join(format!("evtx_writer_fixtures_{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&dir).unwrap();

    let files: Vec<(&str, Vec<Event>)> = vec![
        (
            "kinds.evtx",
            catalog().into_iter().map(|(_, e)| e).collect(),
        ),
        ("multi_chunk.evtx", many_events(5000)),
        (
            "tricky.evtx",
            vec![
                tricky(),
                was(
                    5009,
                    32768,
                    3,
                    positional(&["Pool <\"&\"> ü", "", "línea1\nlínea2\ttab"], None),
                    t0(),
                ),
                Event::default(),
                tricky(),
            ],
        ),
    ];
    let mut expected = serde_json::Map::new();
    for (name, events) in &files {
        let bytes = write(events);
        for (i, (r, e)) in parse(&bytes).iter().zip(events).enumerate() {
            check(r, e, i as u64 + 1);
        }
        std::fs::write(dir.join(name), &bytes).unwrap();
        let records: Vec<Value> = events
            .iter()
            .enumerate()
            .map(|(i, e)| describe(e, i as u64 + 1))
            .collect();
        expected.insert(name.to_string(), Value::Array(records));
    }
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&expected).unwrap(),
    )
    .unwrap();
    if temporary {
        // Not run from the script: check the files with python-evtx here.
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/interop/python_evtx_check.py");
        let res = std::process::Command::new("python3")
            .arg(&script)
            .arg("--dir")
            .arg(&dir)
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&res.stdout);
        let stderr = String::from_utf8_lossy(&res.stderr);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            !stderr.contains("ModuleNotFoundError"),
            "python-evtx missing: run `python3 -m pip install -r tests/interop/requirements.txt`\n{stderr}"
        );
        assert!(
            res.status.success(),
            "python-evtx disagrees:\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("3 passed, 0 failed"), "{stdout}");
    }
}
