//! The dataset loads in the tools people use: polars, pyarrow and DuckDB (Python) read
//! every table, timestamps come back as UTC instants, row counts match the manifest; the
//! queries run in DuckDB and polars SQL; the corpus rows agree with other readers'
//! published outputs. Needs `scripts/test-deps.sh` (done by .ci/run).

mod common;
use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sample bundle analyzed into `dir/out`.
fn sample_out(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    analyze(&[&root().join("samples/WEB01_20240304_seed7.zip")], &out);
    out
}

/// Runs `tests/interop/<script>` with `args` (`CORVID_CORPUS` set), asserts that it
/// succeeded, and returns its standard output.
fn run_script(script: &str, args: &[&OsStr]) -> String {
    let res = Command::new("python3")
        .arg(root().join("tests/interop").join(script))
        .args(args)
        .env("CORVID_CORPUS", corpus_dir())
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&res.stderr);
    let stdout = String::from_utf8_lossy(&res.stdout).into_owned();
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "Python packages missing: run `scripts/test-deps.sh`\n{stderr}"
    );
    assert!(res.status.success(), "{script}: {stdout}\n{stderr}");
    stdout
}

#[test]
fn python_tools_read_the_corpus_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&corpus_dir()], &out);
    run_script("check_dataset.py", &[out.as_os_str()]);
}

#[test]
fn python_tools_read_the_sample_bundle_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = sample_out(dir.path());
    run_script("check_dataset.py", &[out.as_os_str()]);
}

#[test]
fn the_queries_run_on_the_sample_dataset_in_duckdb_and_polars() {
    let dir = tempfile::tempdir().unwrap();
    let out = sample_out(dir.path());
    let truth = root().join("samples/ground_truth.json");
    let stdout = run_script("check_queries.py", &[out.as_os_str(), truth.as_os_str()]);
    assert!(stdout.contains("all queries checked"), "{stdout}");
}

#[test]
fn the_iis_query_library_agrees_in_duckdb_polars_and_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let out = sample_out(dir.path());
    let stdout = run_script("check_iis_library.py", &[out.as_os_str()]);
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
    let fixtures = root().join("tests/fixtures/expected");
    let stdout = run_script(
        "check_expected_outputs.py",
        &[out.as_os_str(), fixtures.as_os_str()],
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("expected outputs: ") && last.ends_with(", 0 other differences"),
        "{stdout}"
    );
}
