//! What users of a CLI expect around it: completions for four shells and man pages that
//! name every flag the clap definitions have, exit statuses in `--help`, and `--json`
//! whose figures are those of the dataset written.

mod common;
use clap::CommandFactory;
use common::*;
use std::path::Path;
use std::process::Command;

fn corvid(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_corvid"))
        .args(args)
        .output()
        .expect("corvid runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Every command's long flags, from the clap definitions: (command, `--flag`).
fn long_flags() -> Vec<(String, String)> {
    let cli = corvid::cli::Cli::command();
    let mut flags = Vec::new();
    for sub in cli.get_subcommands() {
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                flags.push((sub.get_name().to_string(), format!("--{long}")));
            }
        }
    }
    assert!(flags.len() > 20, "{flags:?}");
    flags
}

#[test]
fn completions_for_four_shells_offer_every_flag() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = corvid(&["completions", shell]);
        for (cmd, flag) in long_flags() {
            // fish writes `-l flag`, the others the flag itself.
            let plain = flag.trim_start_matches("--");
            let found = match shell {
                "fish" => script.contains(&format!("-l {plain}")),
                _ => script.contains(&flag),
            };
            assert!(found, "{shell}: {cmd} {flag} missing");
        }
        assert!(
            script.contains("analyze") && script.contains("simulate"),
            "{shell}"
        );
    }
}

#[test]
fn man_pages_name_every_flag_and_the_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let listed = corvid(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(
        listed.lines().count(),
        1 + corvid::cli::Cli::command().get_subcommands().count()
    );
    for (cmd, flag) in long_flags() {
        let page = std::fs::read_to_string(dir.path().join(format!("corvid-{cmd}.1"))).unwrap();
        // roff escapes each '-' as "\-".
        assert!(
            page.contains(&flag.replace('-', "\\-")),
            "corvid-{cmd}.1 lacks {flag}"
        );
    }
    let main = corvid(&["man"]);
    assert!(
        main.starts_with(".ie") || main.contains(".TH corvid"),
        "{}",
        &main[..200]
    );
    assert!(main.contains("Exit status"));
    assert!(corvid(&["--help"]).contains("130 interrupted"));
}

#[test]
fn json_summary_gives_the_figures_of_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/WEB01_20240304_seed7.zip");
    let text = corvid(&[
        "analyze",
        "--json",
        "-o",
        out.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON object");
    let b = &v["bundles"][0];
    for table in [
        "requests",
        "httperr",
        "events",
        "lifecycle",
        "incidents",
        "sources",
    ] {
        assert_eq!(
            b["rows"][table].as_u64().unwrap() as usize,
            read_table(&out, table).height(),
            "{table}"
        );
    }
    let findings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    assert_eq!(
        b["incidents"],
        findings["incidents"].as_array().unwrap().len()
    );
    assert_eq!(v["complete"], true);
    let read: u64 = b["entries"]["read"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(read as usize, read_table(&out, "sources").height());
}
