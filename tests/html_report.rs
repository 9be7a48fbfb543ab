//! findings.html in a real browser: headless Chromium (the Debian package, installed by
//! .ci/run) loads the sample's report; tests/browser/check_findings_html.py checks the
//! incident rows and charts against findings.json, sorts by a click, and sees no
//! request but the page's own.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn the_sample_report_renders_in_chromium_without_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    analyze(&[&root.join("samples/WEB01_20240304_seed7.zip")], &out);
    let res = Command::new("python3")
        .arg(root.join("tests/browser/check_findings_html.py"))
        .arg(&out)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&res.stdout);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "Python packages missing: run `scripts/test-deps.sh`\n{stderr}"
    );
    assert!(res.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("findings.html checked: 12 incidents"),
        "{stdout}"
    );
}
