//! The `corvid` binary: parses the command line, runs the command, prints the summary
//! and maps the outcome to an exit status (0 done, 1 error, 2 usage, 3 `--strict` and
//! something was not read completely, 130 interrupted).

use clap::Parser;
use corvid::analyze::{self, summary};
use corvid::bundle::Limits;
use corvid::cli::{AnalyzeArgs, Cli, Command};
use corvid::text::terminal_safe;
use corvid::{tables, Error};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Schema => {
            print!("{}", tables::schema_markdown());
            Ok(ExitCode::SUCCESS)
        }
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
            .num_threads(n.max(1))
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
        max_line: usize::try_from(args.max_line)
            .unwrap_or(usize::MAX)
            .max(1024),
        batch_rows: args.row_group_rows.max(1),
        progress: !args.quiet,
    };
    let reports = analyze::run(&opts)?;
    let dataset = opts.out.join("dataset");
    let mut incomplete = false;
    for r in &reports {
        print!("{}", summary::render(r, &dataset.display().to_string()));
        incomplete |= r.sources.iter().any(|s| s.status != "parsed");
    }
    if args.strict && incomplete {
        eprintln!(
            "corvid: --strict: some entries were skipped, failed or read with errors (see above)"
        );
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
