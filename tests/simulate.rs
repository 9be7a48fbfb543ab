//! `corvid simulate`: deterministic bundles whose event logs both EVTX parsers read,
//! whose text logs corvid reads with no parse error and counts matching what the
//! simulator says it wrote, and whose incidents leave the traces domain.md §5 describes.

mod common;
mod evtx_common;
use common::*;
use corvid::simulate::{self, scenario::Scenario, truth::Truth};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Two days with one incident of every kind placed by hand, and enough crashes and
/// harmless recycles that every event kind appears.
const EVERY_KIND: &str = r#"
seed = 42
days = 2
requests_per_day = 60000
event_log_gap_hours = 2
[rates]
crash = 3
hang = 0
rapid_fail = 0
recycle = 0
shutdown_timeout = 0
queue_full = 0
overload = 0
unexplained = 0.5
harmless_recycle = 24
[[incidents]]
kind = "crash"
pool = "ShopPool"
at = "2024-03-04T10:15:00Z"
[[incidents]]
kind = "hang"
pool = "ApiPool"
at = "2024-03-04T11:30:00Z"
[[incidents]]
kind = "rapid_fail"
pool = "ShopPool"
at = "2024-03-04T14:00:00Z"
[[incidents]]
kind = "recycle"
pool = "ApiPool"
at = "2024-03-05T10:00:00Z"
[[incidents]]
kind = "shutdown_timeout"
pool = "ReportsPool"
at = "2024-03-05T11:00:00Z"
[[incidents]]
kind = "queue_full"
pool = "ShopPool"
at = "2024-03-05T12:00:00Z"
[[incidents]]
kind = "overload"
pool = "ApiPool"
at = "2024-03-05T15:00:00Z"
[[incidents]]
kind = "unexplained"
pool = "ShopPool"
at = "2024-03-04T00:40:00Z"
"#;

fn scenario(dir: &Path) -> Scenario {
    let p = dir.join("every-kind.toml");
    std::fs::write(&p, EVERY_KIND).unwrap();
    Scenario::from_file(&p).unwrap()
}

fn member(zip: &Path, name: &str) -> Vec<u8> {
    let mut z = ::zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut v = Vec::new();
    f.read_to_end(&mut v).unwrap();
    v
}

#[test]
fn every_generated_evtx_parses_with_both_parsers() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let outcome = simulate::run(&sc, &dir.path().join("sim")).unwrap();
    let (server, plan) = simulate::prepare(&sc).unwrap();
    let logs = simulate::event_logs(&server, &plan, sc.seed);
    let check_dir = dir.path().join("evtx");
    std::fs::create_dir_all(&check_dir).unwrap();
    let mut expected = serde_json::Map::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (name, events) in &logs {
        let bytes = member(&outcome.bundle, &format!("{name}.evtx"));
        // The evtx crate, checksums validated: every record, every field.
        let parsed = evtx_common::parse(&bytes);
        assert_eq!(parsed.len(), events.len(), "{name}");
        for (i, (p, e)) in parsed.iter().zip(events).enumerate() {
            evtx_common::check(p, e, i as u64 + 1);
            let mut k = format!("{} {}", e.provider_name, e.event_id);
            if e.event_id == 1001 {
                if let corvid::simulate::evtx_writer::EventData::Positional { values, .. } = &e.data
                {
                    k = format!("{k} {}", values[2]);
                }
            }
            kinds.insert(k);
        }
        std::fs::write(check_dir.join(format!("{name}.evtx")), &bytes).unwrap();
        let described: Vec<serde_json::Value> = events
            .iter()
            .enumerate()
            .map(|(i, e)| evtx_common::describe(e, i as u64 + 1))
            .collect();
        expected.insert(format!("{name}.evtx"), serde_json::Value::Array(described));
        assert_eq!(outcome.truth.written.events[*name], events.len() as u64);
    }
    for k in [
        "Microsoft-Windows-WAS 5002",
        "Microsoft-Windows-WAS 5009",
        "Microsoft-Windows-WAS 5010",
        "Microsoft-Windows-WAS 5011",
        "Microsoft-Windows-WAS 5013",
        "Microsoft-Windows-WAS 5074",
        "Microsoft-Windows-WAS 5075",
        "Microsoft-Windows-WAS 5076",
        "Microsoft-Windows-WAS 5077",
        "Microsoft-Windows-WAS 5078",
        "Microsoft-Windows-WAS 5079",
        "Microsoft-Windows-WAS 5080",
        "Microsoft-Windows-WAS 5117",
        "Microsoft-Windows-WAS 5186",
        "Application Error 1000",
        "Windows Error Reporting 1001 APPCRASH",
        "Windows Error Reporting 1001 CLR20r3",
        ".NET Runtime 1026",
        "ASP.NET 4.0.30319.0 1309",
        "Service Control Manager 7036",
    ] {
        assert!(
            kinds.contains(k),
            "no {k} event in the simulated logs: {kinds:?}"
        );
    }
    std::fs::write(
        check_dir.join("expected.json"),
        serde_json::to_string(&expected).unwrap(),
    )
    .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/python_evtx_check.py");
    let res = std::process::Command::new("python3")
        .arg(&script)
        .arg("--dir")
        .arg(&check_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(!stderr.contains("ModuleNotFoundError"), "python-evtx missing: run `python3 -m pip install -r tests/interop/requirements.txt`\n{stderr}");
    assert!(
        res.status.success() && stdout.contains("2 passed, 0 failed"),
        "{stdout}\n{stderr}"
    );
}

fn counts(df: &DataFrame, col: &str) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    let c = df
        .column(col)
        .unwrap()
        .as_materialized_series()
        .cast(&DataType::String)
        .unwrap();
    for v in c.str().unwrap().iter() {
        *m.entry(v.unwrap_or("null").to_string()).or_default() += 1;
    }
    m
}

fn in_window(df: &DataFrame, r: usize, from: i64, to: i64) -> bool {
    i(df, "time", r).is_some_and(|x| x >= from && x <= to)
}

#[test]
fn logs_read_back_cleanly_and_incidents_leave_their_traces() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let outcome = simulate::run(&sc, &dir.path().join("sim")).unwrap();
    let truth: Truth =
        serde_json::from_str(&std::fs::read_to_string(&outcome.truth_file).unwrap()).unwrap();
    let out = dir.path().join("out");
    analyze(&[&outcome.bundle], &out);

    // corvid's own readers: no parse error, every entry read.
    assert_eq!(read_table(&out, "parse_errors").height(), 0);
    let src = read_table(&out, "sources");
    for r in 0..src.height() {
        assert_eq!(
            s(&src, "status", r).as_deref(),
            Some("parsed"),
            "{:?}",
            s(&src, "source_file", r)
        );
    }
    let w = &truth.written;
    let req = read_table(&out, "requests");
    assert_eq!(req.height() as u64, w.w3c_lines);
    assert_eq!(counts(&req, "sc_status"), w.w3c_by_status);
    let h = read_table(&out, "httperr");
    assert_eq!(h.height() as u64, w.httperr_lines);
    assert_eq!(counts(&h, "reason"), w.httperr_by_reason);
    assert_eq!(
        read_table(&out, "events").height() as u64,
        w.events.values().sum::<u64>()
    );
    assert_eq!(read_table(&out, "app_pools").height(), 4);
    assert_eq!(read_table(&out, "sites").height(), 5);

    // Each incident's traces, per domain.md §5.
    let life = read_table(&out, "lifecycle");
    let life_of = |pool: &str, kind: &str, from: i64, to: i64| {
        (0..life.height())
            .filter(|&r| {
                s(&life, "app_pool", r).as_deref() == Some(pool)
                    && s(&life, "kind", r).as_deref() == Some(kind)
                    && in_window(&life, r, from, to)
            })
            .count()
    };
    let lines_of = |pool: &str, reason: &str, from: i64, to: i64| {
        (0..h.height())
            .filter(|&r| {
                s(&h, "queue", r).as_deref() == Some(pool)
                    && s(&h, "reason", r).as_deref() == Some(reason)
                    && in_window(&h, r, from, to)
            })
            .count() as u64
    };
    let kinds: std::collections::BTreeSet<&str> =
        truth.incidents.iter().map(|x| x.kind.name()).collect();
    for k in [
        "crash",
        "hang",
        "rapid_fail",
        "recycle",
        "shutdown_timeout",
        "queue_full",
        "overload",
        "unexplained",
    ] {
        assert!(kinds.contains(k), "no {k} incident in the truth");
    }
    for inc in &truth.incidents {
        let (s0, e0) = (t(&inc.start), t(&inc.end));
        let sec = 1_000_000;
        let pool = inc.app_pool.as_str();
        let abandoned = lines_of(
            pool,
            "Connection_Abandoned_By_ReqQueue",
            s0 - 2 * sec,
            e0 + 130 * sec,
        );
        use corvid::domain::IncidentKind as K;
        match inc.kind {
            K::Crash => {
                assert!(
                    life_of(pool, "crash", s0 - sec, s0 + 20 * sec) >= 1,
                    "crash {} has a WAS event",
                    inc.id
                );
                assert_eq!(abandoned, inc.impact.abandoned, "crash {}", inc.id);
                assert!(
                    inc.impact.abandoned >= 1,
                    "the crashing request is abandoned"
                );
            }
            K::Hang => {
                assert_eq!(
                    life_of(pool, "hang", s0, e0),
                    1,
                    "hang {} has its 5010",
                    inc.id
                );
                assert_eq!(abandoned, inc.impact.abandoned);
            }
            K::RapidFail => {
                assert_eq!(life_of(pool, "disable", s0, e0), 1);
                assert!(life_of(pool, "crash", s0 - sec, e0) >= 5);
                assert_eq!(
                    lines_of(pool, "AppOffline", s0, e0),
                    inc.impact.http_503["AppOffline"]
                );
            }
            K::Recycle => {
                assert_eq!(life_of(pool, "recycle", s0 - sec, s0 + sec), 1);
                assert_eq!(
                    lines_of(pool, "AppShutdown", s0, e0),
                    inc.impact.http_503["AppShutdown"]
                );
            }
            K::ShutdownTimeout => {
                assert_eq!(life_of(pool, "shutdown_timeout", s0, e0 + 3 * sec), 1);
                assert!(abandoned >= 1 && abandoned == inc.impact.abandoned);
            }
            K::QueueFull => {
                assert_eq!(
                    life_of(pool, "crash", s0, e0) + life_of(pool, "hang", s0, e0),
                    0
                );
                assert_eq!(
                    lines_of(pool, "QueueFull", s0, e0),
                    inc.impact.http_503["QueueFull"]
                );
            }
            K::Overload => {
                // Clients also go away on their own now and then: a few more lines.
                let seen = lines_of(pool, "Connection_Dropped", s0, e0 + 31 * sec);
                assert!(
                    seen >= inc.impact.dropped && seen <= inc.impact.dropped + 3,
                    "overload {}: {seen} dropped lines, {} injected",
                    inc.id,
                    inc.impact.dropped
                );
                assert!(inc.impact.dropped > 0);
            }
            K::Unexplained => {
                let any = (0..life.height())
                    .filter(|&r| {
                        s(&life, "app_pool", r).as_deref() == Some(pool)
                            && in_window(&life, r, s0 - 60 * sec, e0 + 60 * sec)
                    })
                    .count();
                assert_eq!(any, 0, "unexplained {} has no lifecycle event", inc.id);
                assert!(inc.impact.failed_requests > 0);
            }
            K::PoolDisabled => panic!("{}: the simulator does not place pool_disabled", inc.id),
        }
    }
}

#[test]
fn the_sample_bundle_regenerates_byte_for_byte() {
    // The command in samples/README.md.
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let readme = std::fs::read_to_string(samples.join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.contains("corvid simulate"))
        .expect("samples/README.md has the command");
    let args: Vec<&str> = line
        .split_whitespace()
        .skip_while(|w| *w != "simulate")
        .skip(1)
        .take_while(|w| *w != "-o")
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corvid"))
        .arg("simulate")
        .args(&args)
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: Truth = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("ground_truth.json")).unwrap(),
    )
    .unwrap();
    for name in [truth.bundle.as_str(), "ground_truth.json"] {
        let fresh = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(samples.join(name))
            .unwrap_or_else(|_| panic!("samples/{name} is committed"));
        assert!(
            fresh == committed,
            "samples/{name} differs from what `corvid simulate {}` writes",
            args.join(" ")
        );
    }
}

#[test]
fn size_sets_the_traffic() {
    let dir = tempfile::tempdir().unwrap();
    let sc = Scenario {
        size: Some(6 << 20),
        days: 1.0,
        ..Scenario::default()
    };
    let o = simulate::run(&sc, dir.path()).unwrap();
    let got = o.truth.written.uncompressed_bytes as f64;
    let want = (6 << 20) as f64;
    assert!(
        (got / want - 1.0).abs() < 0.2,
        "asked {want} bytes, wrote {got}"
    );
}
