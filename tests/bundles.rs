//! Bundles: a zip, a zip nested in a zip, a folder and loose files give the same rows;
//! re-running a bundle replaces its own files, another bundle adds its own; output is
//! byte-for-byte deterministic; no temporary file is left behind.

mod common;
use common::*;
use std::path::Path;

const HTTPERR: &[u8] = b"#Software: Microsoft HTTP API 2.0\r\n#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename\r\n2024-05-01 08:00:00 10.0.0.9 40000 10.0.0.1 80 HTTP/1.1 GET /api - 1 Connection_Abandoned_By_ReqQueue DefaultAppPool\r\n";
const ACCESS: &[u8] = b"#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n2024-05-01 07:59:59 10.0.0.1 GET /api - 80 - 10.0.0.9 UA - 200 0 0 31\r\n";
const CONFIG: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="DefaultAppPool" queueLength="2000">
        <recycling disallowOverlappingRotation="true"><periodicRestart time="00:00:00"><schedule><add value="03:00:00" /></schedule></periodicRestart></recycling>
      </add>
      <applicationPoolDefaults managedRuntimeVersion="v4.0"><processModel identityType="ApplicationPoolIdentity" /></applicationPoolDefaults>
    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/" applicationPool="DefaultAppPool"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" /></application>
        <bindings><binding protocol="http" bindingInformation="*:80:" /></bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
"#;

fn members() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("LogFiles/HTTPERR/httperr1.log", HTTPERR),
        ("LogFiles/W3SVC1/u_ex240501.log", ACCESS),
        ("config/applicationHost.config", CONFIG),
    ]
}

fn rows_without_origin(out: &Path, table: &str) -> polars::prelude::DataFrame {
    let df = read_table(out, table);
    let mut drop = vec!["bundle_id"];
    if df.schema().contains("source_file") {
        drop.push("source_file");
    }
    df.drop_many(drop)
}

#[test]
fn zip_nested_zip_folder_and_loose_files_agree() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    write_tree(&folder, &members());
    let zip = dir.path().join("bundle.zip");
    std::fs::write(&zip, zip_bytes(&members())).unwrap();
    let inner = zip_bytes(&members());
    let nested = dir.path().join("outer.zip");
    std::fs::write(
        &nested,
        zip_bytes(&[
            ("support/logs.zip", &inner),
            ("readme.txt", b"from the customer\n"),
        ]),
    )
    .unwrap();

    let runs = [
        ("folder", vec![folder.clone()]),
        ("zip", vec![zip]),
        ("nested", vec![nested]),
        (
            "loose",
            members().iter().map(|(p, _)| folder.join(p)).collect(),
        ),
    ];
    let mut outs = Vec::new();
    for (name, inputs) in runs {
        let out = dir.path().join(format!("out-{name}"));
        let refs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
        analyze(&refs, &out);
        outs.push((name, out));
    }
    let (_, first) = &outs[0];
    for table in ["httperr", "requests", "sites", "app_pools"] {
        let a = rows_without_origin(first, table);
        assert_eq!(a.height(), 1, "{table}");
        for (name, out) in &outs[1..] {
            let b = rows_without_origin(out, table);
            assert!(
                a.equals_missing(&b),
                "{table}: {name} differs from the folder\n{a}\n{b}"
            );
        }
    }
    // The nested zip's members carry its path; the zip itself is listed as an archive.
    let src = read_table(&outs[2].1, "sources");
    let paths: Vec<String> = (0..src.height())
        .map(|r| s(&src, "source_file", r).unwrap())
        .collect();
    assert!(
        paths.contains(&"support/logs.zip/LogFiles/HTTPERR/httperr1.log".to_string()),
        "{paths:?}"
    );
    let archive = rows_where(&src, "source_file", "support/logs.zip");
    assert_eq!(s(&archive, "kind", 0).as_deref(), Some("archive"));
    let readme = rows_where(&src, "source_file", "readme.txt");
    assert_eq!(s(&readme, "status", 0).as_deref(), Some("skipped"));
}

#[test]
fn config_becomes_sites_and_app_pools() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    write_tree(&folder, &members());
    let out = dir.path().join("out");
    analyze(&[&folder], &out);
    let sites = read_table(&out, "sites");
    assert_eq!(i(&sites, "site_id", 0), Some(1));
    assert_eq!(
        s(&sites, "site_name", 0).as_deref(),
        Some("Default Web Site")
    );
    assert_eq!(s(&sites, "bindings", 0).as_deref(), Some("http/*:80:"));
    assert_eq!(s(&sites, "app_pool", 0).as_deref(), Some("DefaultAppPool"));
    let pools = read_table(&out, "app_pools");
    assert_eq!(s(&pools, "name", 0).as_deref(), Some("DefaultAppPool"));
    assert_eq!(i(&pools, "queue_length", 0), Some(2000));
    assert_eq!(b(&pools, "disallow_overlapping_rotation", 0), Some(true));
    assert_eq!(i(&pools, "periodic_restart_time_s", 0), Some(0));
    assert_eq!(
        s(&pools, "periodic_restart_schedule", 0).as_deref(),
        Some("03:00:00")
    );
    assert_eq!(i(&pools, "shutdown_time_limit_s", 0), Some(90));
    assert_eq!(b(&pools, "rapid_fail_protection", 0), Some(true));
    assert_eq!(i(&pools, "rapid_fail_interval_s", 0), Some(300));
    assert_eq!(i(&pools, "rapid_fail_max_crashes", 0), Some(5));
    assert_eq!(
        s(&pools, "managed_runtime_version", 0).as_deref(),
        Some("v4.0")
    );
}

fn all_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(root)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn same_input_same_bytes_and_reruns_replace() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bundle.zip");
    std::fs::write(&zip, zip_bytes(&members())).unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    analyze(&[&zip], &a);
    analyze(&[&zip], &b);
    let files_a = all_files(&a);
    assert_eq!(
        files_a,
        all_files(&b),
        "two runs over the same input differ"
    );
    assert!(
        files_a.iter().all(|(p, _)| p.ends_with(".parquet")
            || p == "findings.md"
            || p == "findings.html"
            || p == "findings.json"
            || p.starts_with("charts/") && p.ends_with(".svg")),
        "only finished files remain: {:?}",
        files_a.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(files_a.iter().any(|(p, _)| p == "findings.md"));
    for table in [
        "httperr",
        "requests",
        "events",
        "lifecycle",
        "incidents",
        "incident_evidence",
        "sites",
        "app_pools",
        "sources",
        "parse_errors",
    ] {
        assert!(
            !table_files(&a, table).is_empty(),
            "table {table} exists even when empty"
        );
    }

    // Re-running the same bundle into the same folder replaces, not duplicates.
    analyze(&[&zip], &a);
    assert_eq!(files_a, all_files(&a));
    assert_eq!(read_table(&a, "httperr").height(), 1);

    // Another bundle adds its own files next to the first one's.
    let other = dir.path().join("other.zip");
    std::fs::write(
        &other,
        zip_bytes(&[("LogFiles/HTTPERR/httperr2.log", HTTPERR)]),
    )
    .unwrap();
    let reports = analyze(&[&other], &a);
    assert_ne!(reports[0].id, "");
    assert_eq!(read_table(&a, "httperr").height(), 2);
    let ids = read_table(&a, "httperr")
        .column("bundle_id")
        .unwrap()
        .n_unique()
        .unwrap();
    assert_eq!(ids, 2);
}

#[test]
fn the_cli_reports_an_unreadable_input_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.zip");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corvid"))
        .args(["analyze", missing.to_str().unwrap(), "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope.zip"), "{err}");

    let bad = dir.path().join("broken.zip");
    std::fs::write(&bad, b"PK\x03\x04 this is not really a zip").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corvid"))
        .args(["analyze", bad.to_str().unwrap(), "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.zip"));
}

#[test]
fn the_cli_summary_names_what_was_skipped_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    let mut m = members();
    m.push(("misc/notes.txt", b"nothing to see\n"));
    write_tree(&folder, &m);
    let run = |strict: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_corvid"));
        c.args(["analyze", folder.to_str().unwrap(), "--quiet", "-o"])
            .arg(dir.path().join("out"));
        if strict {
            c.arg("--strict");
        }
        c.output().unwrap()
    };
    let out = run(false);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("misc/notes.txt"), "{text}");
    assert!(text.contains("1 skipped"), "{text}");
    assert!(text.contains("requests 1"), "{text}");
    assert!(out.stderr.is_empty(), "quiet run prints nothing on stderr");
    assert_eq!(run(true).status.code(), Some(3));
}

#[test]
fn zip64_members_are_read() {
    // Members written with zip64 headers (as collectors do for entries over 4 GiB).
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut z = ::zip::ZipWriter::new(&mut buf);
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, data) in members() {
            z.start_file(name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    let bytes = buf.into_inner();
    // The first local header carries the zip64 extra field (header id 0x0001).
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    let name_len = u16::from_le_bytes([bytes[26], bytes[27]]) as usize;
    let extra_len = u16::from_le_bytes([bytes[28], bytes[29]]) as usize;
    assert!(extra_len >= 4);
    assert_eq!(&bytes[30 + name_len..32 + name_len], &[0x01, 0x00]);
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("zip64.zip");
    std::fs::write(&zip, bytes).unwrap();
    let out = dir.path().join("out");
    analyze(&[&zip], &out);
    assert_eq!(read_table(&out, "httperr").height(), 1);
    assert_eq!(read_table(&out, "requests").height(), 1);
    assert_eq!(read_table(&out, "app_pools").height(), 1);
}

#[test]
fn two_zips_of_the_same_name_and_size_are_two_bundles() {
    // Same name, same size, same first and last 64 KiB: only the middle differs.
    let filler = "#Remark: padding\r\n".repeat(20_000);
    let make = |reason: &str| {
        let log = format!(
            "#Software: Microsoft HTTP API 2.0\r\n#Fields: date time s-reason s-queuename\r\n{filler}2024-03-04 10:00:00 {reason} ShopPool\r\n{filler}"
        );
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = ::zip::ZipWriter::new(&mut buf);
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Stored);
        z.start_file("LogFiles/HTTPERR/httperr1.log", opts).unwrap();
        std::io::Write::write_all(&mut z, log.as_bytes()).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        dir.path().join("a/bundle.zip"),
        dir.path().join("b/bundle.zip"),
    );
    for (p, reason) in [(&a, "AppOffline"), (&b, "QueueFull1")] {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, make(reason)).unwrap();
    }
    assert_eq!(
        std::fs::metadata(&a).unwrap().len(),
        std::fs::metadata(&b).unwrap().len()
    );
    let out = dir.path().join("out");
    let ra = analyze(&[&a], &out);
    let rb = analyze(&[&b], &out);
    assert_ne!(ra[0].id, rb[0].id);
    assert_eq!(
        read_table(&out, "httperr").height(),
        2,
        "the second did not replace the first"
    );
}
