//! The `corvid` binary: parses the command line, runs the command, prints the summary
//! and maps the outcome to an exit status (0 done, 1 error, 2 usage, 3 `--strict` and
//! something was not read completely, 130 interrupted).

use clap::Parser;
use corvid::analyze::{self, summary};
use corvid::bundle::Limits;
use corvid::cli::{AnalyzeArgs, Cli, Command, ScoreArgs, SimulateArgs};
use corvid::text::terminal_safe;
use corvid::{tables, Error};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Asks Linux for small pages only. With transparent huge pages ("always", as on the
/// machines we measured), the kernel zeroed about ten times the process's peak memory
/// in 2 MiB pages (huge pages of freed batches are split and faulted in again): a fifth
/// of the CPU time of a W3C-heavy run went to `clear_page_erms` (`perf record`;
/// scripts/bench.sh measures the effect). Small pages are zeroed once each.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only changes this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    corvid::progress::install_signal_handlers();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Simulate(args) => run_simulate(args),
        Command::Score(args) => run_score(args),
        Command::Schema => {
            print!("{}", tables::schema_markdown());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            corvid::manual::completions(shell, &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir: None } => {
            corvid::manual::man_page(&mut std::io::stdout()).map(|_| ExitCode::SUCCESS)
        }
        Command::Man { dir: Some(dir) } => corvid::manual::man_pages(&dir).map(|pages| {
            for p in pages {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(Error::Interrupted) => {
            eprintln!("corvid: interrupted; no partial files were left in the dataset");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("corvid: error: {}", terminal_safe(&e.to_string()));
            ExitCode::from(1)
        }
    }
}

fn run_analyze(args: AnalyzeArgs) -> corvid::Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| Error::Usage(format!("--threads: {e}")))?;
    }
    let opts = analyze::Options {
        inputs: args.inputs,
        out: args.out.clone(),
        limits: Limits {
            max_entry_bytes: args.max_entry_size,
            max_total_bytes: args.max_total_size,
            max_ratio: args.max_ratio,
            max_depth: args.max_depth,
        },
        // The parser bounds both (see `cli`): used as given.
        max_line: usize::try_from(args.max_line).unwrap_or(usize::MAX),
        batch_rows: args.row_group_rows,
        compression: args.compression,
        progress: !args.quiet,
        rules: match &args.rules {
            Some(p) => corvid::correlate::rules::Rules::from_file(p)?,
            None => Default::default(),
        },
        clock: args.tz.or(args.utc_offset),
    };
    let started = std::time::Instant::now();
    let reports = analyze::run(&opts)?;
    if args.timings {
        let mut parts: Vec<String> = Vec::new();
        let mut bundles = 0.0;
        for r in &reports {
            for (name, s) in &r.timings {
                parts.push(format!("{name}={s:.3}"));
                bundles += s;
            }
        }
        let total = started.elapsed().as_secs_f64();
        eprintln!(
            "timings: {} report={:.3} total={total:.3}{}",
            parts.join(" "),
            (total - bundles).max(0.0),
            peak_rss_mib().map_or(String::new(), |m| format!(" peak_rss_mib={m}"))
        );
        print_fast_path(&reports);
    }
    let dataset = opts.out.join("dataset").display().to_string();
    let findings = opts.out.join("findings.md").display().to_string();
    let incomplete = reports.iter().any(|r| {
        r.sources
            .iter()
            .any(|s| s.status != corvid::domain::ReadStatus::Parsed)
    });
    if args.json {
        println!("{}", summary::json(&reports, &dataset, &findings));
    } else {
        for r in &reports {
            print!("{}", summary::render(r, &dataset));
        }
        println!("findings: {findings}");
    }
    if args.strict && incomplete {
        eprintln!(
            "corvid: --strict: some entries were skipped, failed or read with errors (see above)"
        );
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

fn run_simulate(args: SimulateArgs) -> corvid::Result<ExitCode> {
    use corvid::simulate::{self, scenario::Scenario};
    let mut sc = match &args.scenario {
        Some(p) => Scenario::from_file(p)?,
        None => Scenario::default(),
    };
    if let Some(v) = args.seed {
        sc.seed = v;
    }
    if let Some(v) = args.size {
        sc.size = Some(v);
    }
    if let Some(v) = args.days {
        sc.days = v;
    }
    if let Some(v) = args.requests_per_day {
        sc.requests_per_day = v;
        sc.size = None;
    }
    if let Some(v) = args.start {
        sc.start = v;
    }
    if let Some(v) = args.event_log_gap_hours {
        sc.event_log_gap_hours = v;
    }
    if let Some(v) = args.event_forms {
        sc.event_forms = v;
    }
    if let Some(v) = args.timezone {
        sc.timezone = v;
    }
    let started = std::time::Instant::now();
    let o = simulate::run(&sc, &args.out)?;
    let secs = started.elapsed().as_secs_f64();
    let w = &o.truth.written;
    println!("bundle {}", o.bundle.display());
    println!("ground truth {}", o.truth_file.display());
    println!(
        "  {} W3C lines, {} HTTPERR lines, {} events, {} incidents",
        w.w3c_lines,
        w.httperr_lines,
        w.events.values().sum::<u64>(),
        o.truth.incidents.len()
    );
    println!(
        "  {:.1} MB uncompressed in {:.1} s ({:.1} MB/s)",
        w.uncompressed_bytes as f64 / 1e6,
        secs,
        w.uncompressed_bytes as f64 / 1e6 / secs.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

fn run_score(args: ScoreArgs) -> corvid::Result<ExitCode> {
    let s = corvid::score::score_files(&args.out, &args.truth)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).expect("score serializes")
        );
    } else {
        print!("{}", corvid::score::render(&s));
    }
    Ok(ExitCode::SUCCESS)
}

/// This process's peak resident memory in MiB (Linux `VmHWM`: the high-water mark of
/// its own address space, unlike `getrusage`, which also counts the parent it was
/// spawned from).
/// `--timings`: the share of each `.evtx` file's records read on the fast path.
fn print_fast_path(reports: &[analyze::BundleReport]) {
    for s in reports.iter().flat_map(|r| &r.sources) {
        if let (Some(fast), Some(records)) = (s.fast_records, s.records) {
            let share = 100.0 * fast as f64 / records.max(1) as f64;
            eprintln!(
                "timings: evtx fast path {fast}/{records} records ({share:.1} %) {}",
                s.path
            );
        }
    }
}

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.div_ceil(1024))
}
