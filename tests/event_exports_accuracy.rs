//! Event logs exported in every form, in local time in three zones (one crossing a DST
//! change inside the bundle, one east of UTC, one west): accuracy per kind against the
//! simulator's ground truth, with the offset inferred and with `--tz`; the inferred
//! offset checked against the zone's; the rows of each form field by field against
//! the `.evtx` of the same events; and a bundle with no UTC evidence says so.

mod common;
use common::*;
use corvid::simulate::{self, scenario::Scenario};
use corvid::time::zone::Clock;
use std::path::Path;

/// Berlin crosses 2024-03-31 02:00 local inside the bundle; Kolkata is +05:30; Los
/// Angeles -07:00.
const ZONES: [&str; 3] = ["Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles"];

fn scenario(seed: u64, forms: &str, zone: &str) -> Scenario {
    let text = format!(
        "seed = {seed}\nstart = \"2024-03-30T00:00:00Z\"\ndays = 2.0\nrequests_per_day = 20000\nevent_log_gap_hours = 0.0\nevent_forms = [{forms}]\ntimezone = \"{zone}\"\n[rates]\ncrash = 3\nhang = 2\nrapid_fail = 1\nrecycle = 2\nshutdown_timeout = 1\nqueue_full = 1\noverload = 1\nunexplained = 1\nharmless_recycle = 2\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.toml");
    std::fs::write(&p, text).unwrap();
    Scenario::from_file(&p).unwrap()
}

/// Analyzes `bundle` (with `--tz zone` when given) into `out`.
fn run(bundle: &Path, out: &Path, tz: Option<&str>) -> serde_json::Value {
    let mut opts = options(&[bundle], out);
    opts.clock = tz.map(|z| Clock::from_tz_name(z).unwrap());
    corvid::analyze::run(&opts).expect("analyze succeeds");
    serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap()
}

/// Every events row of a local-time export carries the zone's offset at its time.
fn assert_zone_offsets(out: &Path, zone: &str, what: &str) {
    let clock = Clock::from_tz_name(zone).unwrap();
    let events = read_table(out, "events");
    let mut checked = 0;
    for r in 0..events.height() {
        let (Some(t), Some(off)) = (i(&events, "time", r), i(&events, "utc_offset_min", r)) else {
            continue;
        };
        assert_eq!(
            off * 60,
            i64::from(clock.offset_at(t)),
            "{what}: offset at {t} (row {r})"
        );
        checked += 1;
    }
    assert!(checked > 50, "{what}: {checked} local times checked");
}

#[test]
fn every_form_in_three_zones_is_as_accurate_as_the_evtx() {
    // (forms, local time): App Service keeps only the Application log, so its System
    // log comes as Event Viewer CSV here.
    let forms: [(&str, bool); 7] = [
        ("\"viewer_csv\"", true),
        ("\"viewer_text\"", true),
        ("\"powershell_csv\"", true),
        ("\"details_text\"", true),
        ("\"wevtutil_text\"", false),
        ("\"event_xml\"", false),
        ("\"app_service_xml\", \"viewer_csv\"", true),
    ];
    let mut report = Vec::new();
    for (form, local) in forms {
        let modes: &[bool] = if local { &[false, true] } else { &[false] };
        for &with_tz in modes {
            let (mut truth_all, mut found_all) = (Vec::new(), Vec::new());
            for (k, zone) in ZONES.iter().enumerate() {
                let dir = tempfile::tempdir().unwrap();
                let o = simulate::run(
                    &scenario(500 + k as u64, form, zone),
                    &dir.path().join("sim"),
                )
                .unwrap();
                let out = dir.path().join("out");
                let findings = run(&o.bundle, &out, with_tz.then_some(*zone));
                if local {
                    assert_zone_offsets(&out, zone, &format!("{form} {zone} tz={with_tz}"));
                }
                let shift = k as i64 * 1_000_000_000_000;
                let mut t = corvid::score::truth_items(&o.truth);
                let mut f = corvid::score::found_items(&findings, &o.truth.bundle).unwrap();
                for i in t.iter_mut().chain(f.iter_mut()) {
                    i.start += shift;
                    i.end += shift;
                }
                truth_all.extend(t);
                found_all.extend(f);
            }
            let s = corvid::score::score(&truth_all, &found_all);
            report.push(format!(
                "{form} tz={with_tz}\n{}",
                corvid::score::render(&s)
            ));
            for (kind, k) in &s.kinds {
                assert!(k.truth >= 3, "{form}: {kind} only {} injected", k.truth);
                assert!(
                    k.recall >= 0.98,
                    "{form} tz={with_tz}: {kind} recall {:.3}\n{}",
                    k.recall,
                    report.join("\n")
                );
                assert!(
                    k.precision >= 0.95,
                    "{form} tz={with_tz}: {kind} precision {:.3}\n{}",
                    k.precision,
                    report.join("\n")
                );
            }
        }
    }
    println!("{}", report.join("\n"));
}

/// The lifecycle rows as comparable tuples, in time order: (second or minute, provider, event
/// id, kind, pool, pid, exit code, exception code, module, exception type, site).
type LifeRow = (
    i64,
    String,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn life_rows(out: &Path, minute: bool) -> Vec<(i64, LifeRow)> {
    let df = read_table(out, "lifecycle");
    let mut rows: Vec<(i64, LifeRow)> = (0..df.height())
        .map(|r| {
            let t = i(&df, "time", r).unwrap();
            // Exports write whole seconds (or minutes); the .evtx has sub-seconds.
            let unit = if minute { 60_000_000 } else { 1_000_000 };
            let key = t - t.rem_euclid(unit);
            (
                t,
                (
                    key,
                    s(&df, "provider", r).unwrap(),
                    i(&df, "event_id", r).unwrap(),
                    s(&df, "kind", r).unwrap(),
                    s(&df, "app_pool", r),
                    i(&df, "pid", r),
                    s(&df, "exit_code", r),
                    s(&df, "exception_code", r),
                    s(&df, "faulting_module", r),
                    s(&df, "exception_type", r),
                    i(&df, "site_id", r),
                ),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    rows
}

#[test]
fn each_form_gives_the_rows_of_the_evtx_field_by_field() {
    let zone = "Europe/Berlin";
    let base_dir = tempfile::tempdir().unwrap();
    let base = simulate::run(
        &scenario(77, "\"evtx\"", zone),
        &base_dir.path().join("sim"),
    )
    .unwrap();
    let base_out = base_dir.path().join("out");
    run(&base.bundle, &base_out, None);
    let base_events = read_table(&base_out, "events").height();
    for (form, minute) in [
        ("viewer_csv", false),
        ("viewer_text", true),
        ("powershell_csv", false),
        ("details_text", false),
        ("wevtutil_text", false),
        ("event_xml", false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let o = simulate::run(
            &scenario(77, &format!("\"{form}\""), zone),
            &dir.path().join("sim"),
        )
        .unwrap();
        let out = dir.path().join("out");
        run(&o.bundle, &out, Some(zone));
        assert_eq!(
            read_table(&out, "events").height(),
            base_events,
            "{form}: every event is a row"
        );
        let want = life_rows(&base_out, minute);
        let got = life_rows(&out, minute);
        assert_eq!(got.len(), want.len(), "{form}: lifecycle rows");
        for ((_, g), (_, w)) in got.iter().zip(&want) {
            assert_eq!(g, w, "{form}");
        }
    }
}

#[test]
fn an_export_with_no_utc_evidence_says_its_offset_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let o = simulate::run(
        &scenario(9, "\"viewer_text\"", "Asia/Kolkata"),
        &dir.path().join("sim"),
    )
    .unwrap();
    // Only the System log, without the HTTP.sys and W3C logs.
    let file = std::fs::File::open(&o.bundle).unwrap();
    let mut zip = ::zip::ZipArchive::new(file).unwrap();
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("EventLogs/System.txt").unwrap(), &mut text)
        .unwrap();
    let input = dir.path().join("only");
    write_tree(&input, &[("System.txt", &text)]);
    let out = dir.path().join("out");
    let findings = run(&input, &out, None);
    let src = read_table(&out, "sources");
    assert_eq!(s(&src, "time_basis", 0).as_deref(), Some("unknown"));
    assert!(
        s(&src, "clock", 0).unwrap().contains("no UTC evidence"),
        "{src}"
    );
    let incidents = findings["incidents"].as_array().unwrap();
    assert!(!incidents.is_empty());
    for inc in incidents.iter().filter(|i| i.get("time_basis").is_some()) {
        assert_eq!(inc["time_basis"], "unknown");
    }
    // With the zone given, the same file is on its clock.
    let out2 = dir.path().join("out2");
    run(&input, &out2, Some("Asia/Kolkata"));
    assert_zone_offsets(&out2, "Asia/Kolkata", "given");
}
