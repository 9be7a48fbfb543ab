//! Hostile bundles, second round: member counts, bundle ids, the output inside the
//! input, FIFOs, self-extracting zips, names that alias, logs a crash leaves, EVTX with
//! repeated chunks, reasons a megabyte long. Each test prints the figure that matters
//! (peak RSS, rows before and after, seconds).

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const W3C_HEAD: &str = "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2024-03-04 00:00:00\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n";

/// A W3C log of `rows` requests from server address `ip`, with the given line end.
fn w3c_log(rows: usize, ip: &str, eol: &str) -> String {
    let mut s = W3C_HEAD.replace("\r\n", eol);
    for i in 0..rows {
        s.push_str(&format!(
            "2024-03-04 {:02}:{:02}:{:02} {ip} GET /a{i} - 80 - 10.0.0.2 UA - 200 0 0 15{eol}",
            i / 3600 % 24,
            i / 60 % 60,
            i % 60
        ));
    }
    s
}

fn corvid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corvid"))
        .args(args)
        .output()
        .expect("corvid runs")
}

/// Exit code and peak RSS in MiB of `corvid analyze INPUT -o OUT --quiet`, as corvid
/// reports it (`--timings`: its own high-water mark; `wait4` would also count this
/// test process, which the child is spawned from).
fn analyze_measured(input: &Path, out: &Path) -> (i32, u64) {
    let o = Command::new(env!("CARGO_BIN_EXE_corvid"))
        .args(["analyze", "--quiet", "--timings", "-o"])
        .arg(out)
        .arg(input)
        .output()
        .unwrap();
    let mib = peak_rss_mib(&String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), mib)
}

/// The `sources` row of `path` (or of the loose file whose path ends in `/path`):
/// (status, reason, rows).
fn source(out: &Path, path: &str) -> (String, String, i64) {
    let df = read_table(out, "sources");
    let file = |r: usize| s(&df, "source_file", r).unwrap_or_default();
    let r = (0..df.height())
        .find(|&r| file(r) == path)
        .or_else(|| (0..df.height()).find(|&r| file(r).ends_with(&format!("/{path}"))))
        .unwrap_or_else(|| panic!("{path} not in sources: {df}"));
    (
        s(&df, "status", r).unwrap(),
        s(&df, "reason", r).unwrap_or_default(),
        i(&df, "rows", r).unwrap(),
    )
}

#[test]
fn memory_does_not_grow_with_the_number_of_members_or_files() {
    let dir = tempfile::tempdir().unwrap();
    let log = w3c_log(1, "10.0.0.1", "\r\n");
    // 200,000 members of one request each.
    let zip = dir.path().join("many.zip");
    {
        let mut z = ::zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Stored);
        for n in 0..200_000 {
            z.start_file(format!("LogFiles/W3SVC1/u_ex{n:06}.log"), opts)
                .unwrap();
            z.write_all(log.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    let out = dir.path().join("out-zip");
    let t = Instant::now();
    let (code, mib) = analyze_measured(&zip, &out);
    eprintln!(
        "200,000 members: {mib} MiB peak RSS, {:.1} s",
        t.elapsed().as_secs_f64()
    );
    assert_eq!(code, 0);
    assert!(mib < 256, "peak RSS {mib} MiB");
    assert_eq!(read_table(&out, "requests").height(), 200_000);
    // Rows shared batches, yet each file is credited with its own.
    assert_eq!(source(&out, "LogFiles/W3SVC1/u_ex123456.log").2, 1);
    // 10,000 files in a folder.
    let folder = dir.path().join("folder");
    std::fs::create_dir_all(folder.join("W3SVC1")).unwrap();
    for n in 0..10_000 {
        std::fs::write(folder.join(format!("W3SVC1/u_ex{n:05}.log")), &log).unwrap();
    }
    let out = dir.path().join("out-folder");
    let (code, mib) = analyze_measured(&folder, &out);
    eprintln!("10,000 files: {mib} MiB peak RSS");
    assert_eq!(code, 0);
    assert!(mib < 256, "peak RSS {mib} MiB");
    assert_eq!(read_table(&out, "requests").height(), 10_000);
    // A few row groups, not one per file.
    let groups: usize = table_files(&out, "requests")
        .iter()
        .map(|f| {
            let file = std::fs::File::open(f).unwrap();
            use polars::prelude::SerReader;
            polars::prelude::ParquetReader::new(file)
                .get_metadata()
                .unwrap()
                .row_groups
                .len()
        })
        .sum();
    assert!(groups <= 4, "{groups} row groups for 10,000 one-row files");
}

#[test]
fn two_servers_folders_with_the_same_names_and_sizes_keep_their_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Over 320 KiB each: the id digests five samples of every file.
    let rows = 5_000;
    for (host, ip) in [("WEB01", "10.0.0.1"), ("WEB02", "10.0.0.9")] {
        let b = dir.path().join(host).join("bundle");
        write_tree(
            &b,
            &[(
                "W3SVC1/u_ex240304.log",
                w3c_log(rows, ip, "\r\n").as_bytes(),
            )],
        );
        analyze(&[&b], &out);
    }
    let req = read_table(&out, "requests");
    assert_eq!(
        req.height(),
        2 * rows,
        "the second folder replaced the first"
    );
    let ids = req.column("bundle_id").unwrap().n_unique().unwrap();
    assert_eq!(ids, 2);
    // Loose files too.
    let out = dir.path().join("out-loose");
    for host in ["WEB01", "WEB02"] {
        let f = dir.path().join(host).join("bundle/W3SVC1/u_ex240304.log");
        analyze(&[&f], &out);
    }
    assert_eq!(read_table(&out, "requests").height(), 2 * rows);
}

#[test]
fn the_output_folder_inside_the_input_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("bundle");
    write_tree(
        &b,
        &[(
            "W3SVC1/u_ex240304.log",
            w3c_log(50, "10.0.0.1", "\r\n").as_bytes(),
        )],
    );
    let out = b.join("out");
    for run in 1..=2 {
        let o = corvid(&[
            "analyze",
            "--quiet",
            "-o",
            out.to_str().unwrap(),
            b.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "run {run}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(read_table(&out, "requests").height(), 50, "run {run}");
    }
    let (status, reason, _) = source(&out, "out/");
    assert_eq!(status, "skipped");
    assert!(reason.contains("output folder"), "{reason}");
}

#[test]
fn a_fifo_named_on_the_command_line_is_listed_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("httperr1.log");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let log = dir.path().join("u_ex240304.log");
    std::fs::write(&log, w3c_log(5, "10.0.0.1", "\r\n")).unwrap();
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_corvid"))
        .args(["analyze", "--quiet", "-o"])
        .arg(&out)
        .args([&fifo, &log])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("corvid blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    eprintln!("FIFO: ended in {:.2} s", t.elapsed().as_secs_f64());
    assert!(status.success());
    assert_eq!(read_table(&out, "requests").height(), 5);
    let df = read_table(&out, "sources");
    let r = (0..df.height())
        .find(|&r| s(&df, "source_file", r).unwrap().ends_with("httperr1.log"))
        .unwrap();
    assert_eq!(s(&df, "status", r).as_deref(), Some("skipped"));
    assert!(s(&df, "reason", r).unwrap().contains("not a regular file"));
}

#[test]
fn a_self_extracting_zip_is_opened_as_the_zip_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_bytes(&[(
        "LogFiles/W3SVC1/u_ex240304.log",
        w3c_log(30, "10.0.0.1", "\r\n").as_bytes(),
    )]);
    let mut sfx = b"MZ\x90\x00".to_vec();
    sfx.extend((0..40_000u32).map(|i| (i * 7 % 251) as u8));
    sfx.extend(&zip);
    // Given on the command line, and found in a folder.
    let exe = dir.path().join("collect.exe");
    std::fs::write(&exe, &sfx).unwrap();
    let out = dir.path().join("out");
    analyze(&[&exe], &out);
    assert_eq!(read_table(&out, "requests").height(), 30);
    let b = dir.path().join("bundle");
    write_tree(&b, &[("tools/collect.exe", &sfx)]);
    let out = dir.path().join("out-folder");
    analyze(&[&b], &out);
    assert_eq!(read_table(&out, "requests").height(), 30);
    assert_eq!(
        source(&out, "tools/collect.exe/LogFiles/W3SVC1/u_ex240304.log").0,
        "parsed"
    );
}

#[test]
fn names_that_alias_keep_their_own_source_file() {
    let dir = tempfile::tempdir().unwrap();
    let one = w3c_log(20, "10.0.0.1", "\r\n");
    let two = w3c_log(30, "10.0.0.2", "\r\n");
    let zip = zip_bytes(&[
        ("LogFiles/W3SVC1/u_ex240304.log", one.as_bytes()),
        ("LogFiles\\W3SVC1\\u_ex240304.log", two.as_bytes()),
        ("LogFiles/HTTPERR/httperr1.log/", b"data in a folder's name"),
    ]);
    let z = dir.path().join("alias.zip");
    std::fs::write(&z, zip).unwrap();
    let out = dir.path().join("out");
    analyze(&[&z], &out);
    let req = read_table(&out, "requests");
    assert_eq!(req.height(), 50);
    let pairs = req
        .select(["source_file", "source_line"])
        .unwrap()
        .unique::<String, String>(None, polars::prelude::UniqueKeepStrategy::First, None)
        .unwrap()
        .height();
    assert_eq!(pairs, 50, "rows share (source_file, source_line)");
    let (status, reason, _) = source(&out, "LogFiles/HTTPERR/httperr1.log/");
    assert_eq!(status, "skipped");
    assert!(reason.contains("named like a folder"), "{reason}");
    // File names that differ only in bytes that are not UTF-8.
    use std::os::unix::ffi::OsStrExt;
    let b = dir.path().join("bundle/W3SVC1");
    std::fs::create_dir_all(&b).unwrap();
    for (byte, log) in [(0xffu8, &one), (0xfe, &two)] {
        let raw = [b'u', b'_', byte, b'.', b'l', b'o', b'g'];
        std::fs::write(b.join(std::ffi::OsStr::from_bytes(&raw)), log).unwrap();
    }
    let out = dir.path().join("out-bytes");
    analyze(&[&dir.path().join("bundle")], &out);
    let files = read_table(&out, "requests")
        .column("source_file")
        .unwrap()
        .n_unique()
        .unwrap();
    assert_eq!(files, 2);
    assert_eq!(source(&out, "W3SVC1/u_\\xff.log").2, 20);
}

#[test]
fn logs_a_crash_leaves_are_read_with_the_damage_reported() {
    let dir = tempfile::tempdir().unwrap();
    // 512 NUL bytes within the first 4 KiB of a 2,000-line log.
    let log = w3c_log(2000, "10.0.0.1", "\r\n").into_bytes();
    let cut = log[1500..].windows(2).position(|w| w == b"\r\n").unwrap() + 1502;
    let mut nul = log[..cut].to_vec();
    nul.extend([0u8; 512]);
    nul.extend(&log[cut..]);
    // Old Mac line ends: CR only.
    let cr = w3c_log(500, "10.0.0.1", "\r");
    let b = dir.path().join("bundle");
    write_tree(
        &b,
        &[
            ("W3SVC1/u_ex240304.log", &nul),
            ("W3SVC2/u_ex240304.log", cr.as_bytes()),
        ],
    );
    let out = dir.path().join("out");
    analyze(&[&b], &out);
    let (status, reason, rows) = source(&out, "W3SVC1/u_ex240304.log");
    eprintln!("NUL run: {rows} of 2000 rows, {status}: {reason}");
    assert_eq!((rows, status.as_str()), (2000, "partial"));
    assert!(reason.contains("NUL"), "{reason}");
    let pe = read_table(&out, "parse_errors");
    assert_eq!(pe.height(), 1);
    assert!(s(&pe, "reason", 0).unwrap().starts_with("512 NUL bytes"));
    let (status, _, rows) = source(&out, "W3SVC2/u_ex240304.log");
    eprintln!("CR only: {rows} of 500 rows, {status}");
    assert_eq!((rows, status.as_str()), (500, "parsed"));
}

#[test]
fn evtx_with_repeated_chunks_reads_each_record_once_and_says_so() {
    let full = std::fs::read(corpus_dir().join("plaso/System.evtx")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let chunk = &full[4096..4096 + 65536];
    let mut doubled = full[..4096 + 65536].to_vec();
    for _ in 0..59 {
        doubled.extend_from_slice(chunk);
    }
    let b = dir.path().join("bundle");
    write_tree(
        &b,
        &[
            ("System.evtx", &doubled),
            ("Once/System.evtx", &full[..4096 + 65536]),
        ],
    );
    let out = dir.path().join("out");
    analyze(&[&b], &out);
    let (_, _, once) = source(&out, "Once/System.evtx");
    let (status, reason, rows) = source(&out, "System.evtx");
    eprintln!("60 copies of one chunk: {rows} events (one copy: {once}); {reason}");
    assert_eq!(rows, once);
    assert_eq!(status, "partial");
    assert!(
        reason.contains(&format!("{} record(s) dropped", once * 59)),
        "{reason}"
    );
}

#[test]
fn a_reason_a_megabyte_long_is_cut_in_the_summary_and_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let pools: String = (0..20_000)
        .map(|i| format!("<add name=\"Pool{i}&bogus{i};\" />"))
        .collect();
    let config = format!("<?xml version=\"1.0\"?><configuration><system.applicationHost><applicationPools>{pools}</applicationPools></system.applicationHost></configuration>");
    let f = dir.path().join("applicationHost.config");
    std::fs::write(&f, config).unwrap();
    let out = dir.path().join("out");
    let o = corvid(&["analyze", "-o", out.to_str().unwrap(), f.to_str().unwrap()]);
    assert!(o.status.success());
    let longest = o
        .stdout
        .split(|&b| b == b'\n')
        .map(<[u8]>::len)
        .max()
        .unwrap();
    eprintln!("summary: {} bytes, longest line {longest}", o.stdout.len());
    assert!(longest < 1000, "a summary line of {longest} bytes");
    assert!(String::from_utf8_lossy(&o.stdout).contains("bytes in all"));
    // The sources table keeps the whole reason.
    assert!(source(&out, "applicationHost.config").1.len() > 1_000_000);
    let md = std::fs::read_to_string(out.join("findings.md")).unwrap();
    assert!(md.len() < 20_000, "findings.md {} bytes", md.len());
}
