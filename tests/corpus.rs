//! Every reader survives the real sample corpus (../shared/corpus), read as a folder and
//! as a zip: no panic, every line of every text log accounted for, and every damaged
//! event log gives at least the records SOURCES.md lists for it.

mod common;
use common::*;
use polars::prelude::*;
use std::path::Path;

/// (file name pattern, minimum records) from the "Corrupted / dirty EVTX samples" table
/// of SOURCES.md; a `...` in the name stands for any text.
fn expected_evtx_records(sources_md: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let mut in_table = false;
    for line in sources_md.lines() {
        if line.starts_with("## Corrupted / dirty EVTX samples") {
            in_table = true;
            continue;
        }
        if line.starts_with("## ") {
            in_table = false;
        }
        if !in_table || !line.starts_with("| `") {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`').to_string();
        let plain: i64 = cells[3].split('/').next().unwrap().trim().parse().unwrap();
        out.push((name, plain));
    }
    out.sort();
    out.dedup();
    out
}

fn matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once("...") {
        Some((pre, post)) => path.starts_with(pre) && path.ends_with(post),
        None => path == pattern,
    }
}

fn line_count(bytes: &[u8]) -> i64 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count() as i64;
    n + i64::from(!bytes.is_empty() && *bytes.last().unwrap() != b'\n')
}

fn check_run(out: &Path, corpus: &Path, prefix: &str) {
    let src = read_table(out, "sources");
    assert!(src.height() >= 70, "every corpus file is listed: {src}");
    let mut checked_lines = 0;
    for row in 0..src.height() {
        let path = s(&src, "source_file", row).unwrap();
        let Some(lines) = i(&src, "lines", row) else {
            continue;
        };
        let parts = [
            "data_lines",
            "directive_lines",
            "blank_lines",
            "error_lines",
        ]
        .iter()
        .map(|c| i(&src, c, row).unwrap())
        .sum::<i64>();
        assert_eq!(lines, parts, "{path}: line counts do not add up");
        let rel = path.strip_prefix(prefix).unwrap_or(&path);
        let bytes = std::fs::read(corpus.join(rel)).unwrap();
        assert_eq!(lines, line_count(&bytes), "{path}: not every line was read");
        checked_lines += 1;
    }
    assert!(checked_lines >= 40, "text logs were read: {checked_lines}");

    let md = std::fs::read_to_string(corpus.join("SOURCES.md")).unwrap();
    let expected = expected_evtx_records(&md);
    assert!(
        expected.len() >= 9,
        "SOURCES.md lists the damaged files: {expected:?}"
    );
    for (pattern, min) in expected {
        let row = (0..src.height())
            .find(|&r| {
                matches(
                    &pattern,
                    s(&src, "source_file", r)
                        .unwrap()
                        .strip_prefix(prefix)
                        .unwrap(),
                )
            })
            .unwrap_or_else(|| panic!("{pattern} not in the manifest"));
        let got = i(&src, "records", row).unwrap();
        assert!(
            got >= min,
            "{pattern}: {got} records, SOURCES.md lists {min}"
        );
    }

    // Rows in the tables agree with the manifest.
    let total: i64 = src.column("rows").unwrap().i64().unwrap().sum().unwrap();
    let tables: i64 = [
        "httperr",
        "requests",
        "events",
        "lifecycle",
        "sites",
        "app_pools",
    ]
    .iter()
    .map(|t| read_table(out, t).height() as i64)
    .sum();
    assert_eq!(total, tables);
}

#[test]
fn corpus_as_a_folder() {
    let corpus = corpus_dir();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let reports = analyze(&[&corpus], &out);
    assert_eq!(reports.len(), 1);
    check_run(&out, &corpus, "");
}

#[test]
fn corpus_as_a_zip_gives_the_same_rows_as_the_folder() {
    let corpus = corpus_dir();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("corpus.zip");
    std::fs::write(&zip, zip_dir(&corpus)).unwrap();
    let out_zip = dir.path().join("out-zip");
    analyze(&[&zip], &out_zip);
    check_run(&out_zip, &corpus, "");
    let out_dir = dir.path().join("out-dir");
    analyze(&[&corpus], &out_dir);
    for table in ["httperr", "requests", "events", "lifecycle", "parse_errors"] {
        let a = read_table(&out_zip, table).drop("bundle_id").unwrap();
        let b = read_table(&out_dir, table).drop("bundle_id").unwrap();
        assert!(
            a.equals_missing(&b),
            "{table} differs between zip and folder"
        );
    }
}

#[test]
fn corpus_files_one_by_one_never_abort_the_run() {
    // Each corpus file as its own input: a bad file must not stop the others.
    let corpus = corpus_dir();
    let dir = tempfile::tempdir().unwrap();
    let files = files_under(&corpus);
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let out = dir.path().join("out");
    let reports = analyze(&refs, &out);
    assert_eq!(reports.len(), 1, "loose files form one bundle");
    assert_eq!(reports[0].sources.len(), files.len());
    let ev = read_table(&out, "events");
    assert!(ev.height() > 18_000);
    let tz = ev.column("time").unwrap().dtype().clone();
    assert_eq!(
        tz,
        DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
}

#[test]
fn carved_records_are_complete_events_and_never_copies_of_live_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&[&corpus_dir()], &out);
    let ev = read_table(&out, "events");
    let recovered = ev.column("recovered").unwrap().bool().unwrap().clone();
    let carved = ev.filter(&recovered).unwrap();
    let live = ev.filter(&!&recovered).unwrap();
    for c in ["time", "provider", "event_id"] {
        assert_eq!(
            carved.column(c).unwrap().null_count(),
            0,
            "a carved record without {c}"
        );
    }
    let copies = carved
        .join(
            &live,
            ["source_file", "record_id"],
            ["source_file", "record_id"],
            JoinArgs::new(JoinType::Inner),
            None,
        )
        .unwrap();
    assert_eq!(
        copies.height(),
        0,
        "carved copies of live records: {copies}"
    );
    eprintln!("{} carved records kept", carved.height());
    // EVTX-ATTACK-SAMPLES' appcmd discovery log: 40 live records and 5 carved copies of
    // them (45 rows before).
    let m = read_table(&out, "sources");
    let row = (0..m.height())
        .find(|&r| {
            s(&m, "source_file", r)
                .unwrap()
                .ends_with("discovery_sysmon_1_iis_pwd_and_config_discovery_appcmd.evtx")
        })
        .unwrap();
    assert_eq!(i(&m, "rows", row), Some(40));
    assert_eq!(s(&m, "status", row).as_deref(), Some("parsed"));
    assert!(s(&m, "reason", row)
        .unwrap()
        .contains("5 carved record(s) dropped: copies"));
}
