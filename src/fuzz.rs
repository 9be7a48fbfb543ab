//! The bodies of the fuzz targets (fuzz/fuzz_targets/) and of their regression test
//! (tests/fuzz_regressions.rs): each feeds arbitrary bytes to one reader and checks the
//! invariants that must hold whatever the input. A panic or a failed check is a bug.

use crate::analyze::{self, Options};
use crate::bundle::Limits;
use crate::parse::{access, appconfig, eventdata, evtx, httperr, lifecycle, Emit};
use crate::tables::NullSink;
use std::io::Write;

/// The W3C reader with both typed sinks (HTTPERR and access logs): every line is
/// accounted for as a row, a directive, a blank line or an error.
pub fn w3c(data: &[u8]) {
    for httperr_log in [true, false] {
        let mut sink = NullSink;
        let mut emit = Emit::new("fuzz", "fuzz.log", &mut sink, 7);
        // A small line limit, so that long lines take the too-long path too.
        let st = if httperr_log {
            httperr::read(data, 256, &mut emit)
        } else {
            access::read(data, 256, Some(1), &mut emit)
        };
        emit.finish();
        assert_eq!(
            st.lines,
            st.data_lines + st.directive_lines + st.blank_lines + st.error_lines,
            "every line is accounted for"
        );
    }
}

/// Event logs: input that starts with the `ElfFile` magic is read as an .evtx file
/// into `events` and `lifecycle`; anything else as the event XML the lifecycle
/// extraction reads.
pub fn evtx(data: &[u8]) {
    if data.starts_with(b"ElfFile\0") {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(data).expect("write temp file");
        let mut sink = NullSink;
        let mut emit = Emit::new("fuzz", "fuzz.evtx", &mut sink, 64);
        let st = evtx::read(f.path(), &mut emit);
        emit.finish();
        assert!(st.lifecycle <= st.records);
    } else if let Ok(ev) = eventdata::parse_event_xml(data) {
        if let Some(json) = ev.data_json() {
            serde_json::from_str::<serde_json::Value>(&json).expect("event_data is JSON");
        }
        let _ = lifecycle::extract(&ev);
    }
}

/// Limits small enough that the fuzzers reach them.
fn fuzz_limits() -> Limits {
    Limits {
        max_entry_bytes: 4 << 20,
        max_total_bytes: 16 << 20,
        max_ratio: 100,
        max_depth: 3,
    }
}

/// A fresh folder with the input written as `in/bundle.zip`; `out/` is the only place
/// corvid may write to.
struct Sandbox {
    dir: tempfile::TempDir,
    input: std::path::PathBuf,
    out: std::path::PathBuf,
}

impl Sandbox {
    fn new(data: &[u8]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in").join("bundle.zip");
        let out = dir.path().join("out");
        std::fs::create_dir_all(dir.path().join("in")).expect("input folder");
        std::fs::write(&input, data).expect("write input");
        Sandbox { dir, input, out }
    }

    /// Nothing was written outside `out/`, nor next to the input.
    fn check(&self) {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("list temp dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != "in" && n != "out")
            .collect();
        names.sort();
        assert!(
            names.is_empty(),
            "written outside the output folder: {names:?}"
        );
        let inputs = std::fs::read_dir(self.dir.path().join("in"))
            .expect("list input")
            .count();
        assert_eq!(inputs, 1, "written into the input folder");
    }
}

/// The bundle walker alone (zip, nested zips, salvage of damaged zips): every entry
/// listed is read to its end and as a local file (a zip member is copied out, a loose
/// file is read in place), through the limits. No
/// entry may give more bytes than the entry limit, and nothing may be written outside
/// the output folder. Hundreds of times cheaper per input than [`bundle`], so the
/// fuzzer gets much deeper into the zip reading.
pub fn zip(data: &[u8]) {
    let sandbox = Sandbox::new(data);
    let (input, out) = (&sandbox.input, &sandbox.out);
    std::fs::create_dir_all(out).expect("output folder");
    let limits = fuzz_limits();
    if let Ok(bundles) = crate::bundle::open_inputs(std::slice::from_ref(input), &limits, out) {
        for b in &bundles {
            for e in &b.entries {
                if let Ok(Ok(n)) =
                    e.with_reader(&limits, |r| std::io::copy(r, &mut std::io::sink()))
                {
                    assert!(n <= limits.max_entry_bytes, "{}: {n} bytes", e.path);
                }
                // A loose file is read in place; a zip member is copied into the
                // output folder, no bigger than the entry limit.
                if let Ok(local) = e.local_file(&limits) {
                    if local.path != *input {
                        assert!(
                            local.path.starts_with(out),
                            "copy outside the output folder: {}",
                            local.path.display()
                        );
                        let len = std::fs::metadata(&local.path).map_or(0, |m| m.len());
                        assert!(
                            len <= limits.max_entry_bytes,
                            "{}: copy of {len} bytes",
                            e.path
                        );
                    }
                }
            }
        }
    }
    sandbox.check();
}

/// A bundle analyzed end to end: the input is written as `in/bundle.zip` in a fresh
/// folder and analyzed into `out/`; nothing may appear anywhere else.
pub fn bundle(data: &[u8]) {
    let sandbox = Sandbox::new(data);
    let opts = Options {
        inputs: vec![sandbox.input.clone()],
        out: sandbox.out.clone(),
        limits: fuzz_limits(),
        max_line: 4096,
        batch_rows: 64,
        compression: Default::default(),
        progress: false,
        rules: Default::default(),
        clock: None,
    };
    let _ = analyze::run(&opts);
    sandbox.check();
}

/// applicationHost.config through the XML reader and the model.
pub fn appconfig(data: &[u8]) {
    let _ = appconfig::parse(data, &appconfig::Limits::default());
}
