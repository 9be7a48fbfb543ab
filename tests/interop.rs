//! The dataset loads in the tools people use: polars, pyarrow and DuckDB (Python) read
//! every table, timestamps come back as UTC instants, row counts match the manifest.
//! Needs `pip install -r tests/interop/requirements.txt` (done by .ci/run).

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn python_check(out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check_dataset.py");
    let res = Command::new("python3")
        .arg(&script)
        .arg(out)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "Python packages missing: run `python3 -m pip install -r tests/interop/requirements.txt`\n{stderr}"
    );
    assert!(
        res.status.success(),
        "{}\n{stderr}",
        String::from_utf8_lossy(&res.stdout)
    );
}

#[test]
fn python_tools_read_the_corpus_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&corpus_dir()], &out);
    python_check(&out);
}

#[test]
fn python_tools_read_the_sample_bundle_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/WEB01_20240304_seed7.zip");
    analyze(&[&sample], &out);
    python_check(&out);
}

#[test]
fn the_queries_run_on_the_sample_dataset_in_duckdb_and_polars() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    analyze(&[&samples.join("WEB01_20240304_seed7.zip")], &out);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check_queries.py");
    let res = Command::new("python3")
        .arg(&script)
        .arg(&out)
        .arg(samples.join("ground_truth.json"))
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        res.status.success(),
        "{}\n{stderr}",
        String::from_utf8_lossy(&res.stdout)
    );
    assert!(String::from_utf8_lossy(&res.stdout).contains("all queries checked"));
}

#[test]
fn the_iis_query_library_agrees_in_duckdb_polars_and_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/WEB01_20240304_seed7.zip");
    analyze(&[&sample], &out);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check_iis_library.py");
    let res = Command::new("python3")
        .arg(&script)
        .arg(&out)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        res.status.success(),
        "{}\n{stderr}",
        String::from_utf8_lossy(&res.stdout)
    );
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some("all IIS library queries checked"),
        "{stdout}"
    );
}

#[test]
fn corpus_rows_agree_with_the_expected_outputs_elastic_and_plaso_publish() {
    // Filebeat's and the Elastic integration's pipeline-test outputs and plaso's parser
    // tests for the corpus files, field by field (tests/fixtures/expected/); formatting
    // choices are documented in the checker, anything else fails.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&corpus_dir()], &out);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let res = Command::new("python3")
        .arg(root.join("tests/interop/check_expected_outputs.py"))
        .arg(&out)
        .arg(root.join("tests/fixtures/expected"))
        .env("CORVID_CORPUS", corpus_dir())
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&res.stderr);
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(res.status.success(), "{stdout}\n{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("expected outputs: ") && last.ends_with(", 0 other differences"),
        "{stdout}"
    );
}
