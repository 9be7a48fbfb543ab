//! The command line: the one place every command and flag is defined, with its help.

use crate::dataset::Codec;
use crate::domain::source::EventForm;
use crate::time::zone::Clock;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// corvid: why were connections dropped, and what happened to the worker processes?
///
/// Reads an IIS support bundle (HTTP.sys error logs, IIS W3C access logs, exported
/// event logs, applicationHost.config) into a typed Parquet dataset.
#[derive(Debug, Parser)]
#[command(
    name = "corvid",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = EXIT_STATUS
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The exit statuses, shown by `--help` and in the man page.
pub const EXIT_STATUS: &str = "Exit status: 0 done; 1 error (the message names the file and \
the reason); 2 usage (a bad flag or value); 3 `analyze --strict` and an entry was skipped, \
failed or read with errors; 130 interrupted (SIGINT or SIGTERM; no partial files are left).";

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read support bundles into OUT/dataset (Parquet).
    ///
    /// Each INPUT is a zip (nested zips are opened), a folder, or a file; loose files
    /// given together form one bundle. Every entry is classified by its content and
    /// either read or listed as skipped with the reason (see the `sources` table).
    Analyze(AnalyzeArgs),
    /// Write a simulated support bundle with known incidents, and its ground truth.
    ///
    /// Plays an IIS server forward in time (sites, app pools, worker processes,
    /// diurnal traffic, injected crashes, hangs, rapid-fail, recycles, overloads ...)
    /// and writes DIR/<bundle>.zip (HTTPERR, W3C logs, System.evtx, Application.evtx,
    /// applicationHost.config) and DIR/ground_truth.json. Same seed, same bytes.
    Simulate(SimulateArgs),
    /// Score findings against a simulator's ground truth.
    ///
    /// An incident matches when kind and app pool agree and the times overlap; prints
    /// precision and recall per kind and the error of the impact counts.
    Score(ScoreArgs),
    /// Print the dataset's tables and columns as Markdown.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// For example `corvid completions bash > /etc/bash_completion.d/corvid`, or
    /// `corvid completions zsh > "${fpath[1]}/_corvid"`.
    Completions {
        /// The shell.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one per command into DIR.
    ///
    /// `corvid man | man -l -` reads it; `corvid man --dir /usr/local/share/man/man1`
    /// installs corvid.1 and corvid-<command>.1.
    Man {
        /// Write corvid.1 and one page per command into this folder instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Options of `score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The output folder of `corvid analyze` (or its findings.json).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    /// The ground_truth.json `corvid simulate` wrote.
    #[arg(value_name = "TRUTH")]
    pub truth: PathBuf,
    /// Print the score as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Output folder for the bundle and ground_truth.json.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,

    /// Scenario file (TOML, or JSON if named .json): rates, placed incidents, duration.
    /// Options given on the command line override it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,

    /// Seed: the same seed and scenario give the same bytes.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Target uncompressed size of the bundle, e.g. 250M or 4G (sets the traffic).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size: Option<u64>,

    /// Simulated days.
    #[arg(long, value_name = "N")]
    pub days: Option<f64>,

    /// Requests per day over all sites (when --size is not given).
    #[arg(long, value_name = "N")]
    pub requests_per_day: Option<u64>,

    /// First simulated instant, RFC 3339 UTC (default 2024-03-04T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,

    /// Hours at the start the event logs do not cover (they wrapped).
    #[arg(long, value_name = "HOURS")]
    pub event_log_gap_hours: Option<f64>,

    /// Forms to write the event logs in, comma-separated (default evtx): evtx,
    /// viewer_csv, viewer_text, powershell_csv, details_text, wevtutil_text, event_xml,
    /// app_service_xml. Text, CSV and XML exports go under EventLogs/ (App Service's
    /// under LogFiles/), in the server's local time.
    #[arg(long, value_name = "FORMS", value_delimiter = ',', value_parser = parse_event_form)]
    pub event_forms: Option<Vec<EventForm>>,

    /// The server's time zone: an IANA name such as Europe/Berlin, or UTC (default).
    /// `--tz`, as `analyze` names it (`--timezone` is kept as an alias).
    #[arg(long = "tz", alias = "timezone", value_name = "ZONE")]
    pub timezone: Option<String>,
}

/// Options of `analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Support bundles: .zip files, folders or single log / .evtx / config files.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output folder; the dataset goes to OUT/dataset. Re-running a bundle replaces
    /// its own files; other bundles' files stay, so a fleet accumulates.
    #[arg(short, long, value_name = "OUT")]
    pub out: PathBuf,

    /// No progress bar (it is also off when stderr is not a terminal).
    #[arg(short, long)]
    pub quiet: bool,

    /// Fail (exit status 3) if any entry was skipped, failed or read with errors.
    #[arg(long)]
    pub strict: bool,

    /// Print the run summary as one JSON object on stdout instead of text (for
    /// scripts: bundles, entries by status, rows per table, time ranges, incidents).
    #[arg(long)]
    pub json: bool,

    /// Worker threads, 1 to 1024 (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS))]
    pub threads: Option<usize>,

    /// Largest uncompressed entry read, e.g. 64G (protects against zip bombs).
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_size)]
    pub max_entry_size: u64,

    /// Largest total uncompressed size of one bundle.
    #[arg(long, value_name = "SIZE", default_value = "256G", value_parser = parse_size)]
    pub max_total_size: u64,

    /// Largest compression ratio accepted for an entry over 1 MiB (1 or more).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_ratio: u64,

    /// Deepest zip-in-zip nesting opened, 0 to 32 (0: nested zips are not opened).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_DEPTH))]
    pub max_depth: usize,

    /// Longest text line read, 1 byte to 1G: a line of SIZE bytes (without its line
    /// end) is read, a longer one goes to parse_errors (its head kept). Each reading
    /// thread may hold one line of SIZE bytes.
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_max_line)]
    pub max_line: u64,

    /// Most rows per Parquet row group, 1024 to 16777216 (a group also ends at 64 MiB
    /// of column data).
    #[arg(long, value_name = "N", default_value_t = crate::parse::DEFAULT_BATCH_ROWS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(MIN_ROW_GROUP_ROWS..=MAX_ROW_GROUP_ROWS))]
    pub row_group_rows: usize,

    /// Compression of the Parquet files: lz4 is the fastest to write, zstd gives files
    /// about 40 % smaller, snappy suits old readers that do not know LZ4_RAW.
    #[arg(long, value_name = "CODEC", value_enum, default_value_t = Codec::Lz4)]
    pub compression: Codec,

    /// Print how long each phase took (classify, read, correlate, finish, report) and
    /// the peak resident memory on stderr.
    #[arg(long)]
    pub timings: bool,

    /// Correlation windows and thresholds to override (TOML; see the README for the
    /// names and defaults).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// The server's time zone (IANA name, e.g. Europe/Berlin; DST-aware): event logs
    /// exported as CSV or text carry local times, converted to UTC with it. Without it
    /// (or --utc-offset) the offset comes from a UTC time in the export, else from
    /// aligning its events with the bundle's UTC logs, else it is unknown (and said so).
    /// Legacy access logs in local time (the IIS log format, IIS Advanced Logging
    /// without UTC fields) are converted with it too; without it their times are taken
    /// as UTC, said so, and left out of correlation.
    #[arg(long, value_name = "ZONE", value_parser = parse_tz, conflicts_with = "utc_offset")]
    pub tz: Option<Clock>,

    /// The server's fixed offset from UTC (e.g. +02:00, -05:30), for exported event
    /// logs and legacy access logs in local time; prefer --tz when the bundle may span a
    /// DST change.
    #[arg(long, value_name = "OFFSET", value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub utc_offset: Option<Clock>,
}

/// Parses `--tz`.
fn parse_tz(s: &str) -> Result<Clock, String> {
    Clock::from_tz_name(s)
}

/// Parses `--utc-offset`.
fn parse_utc_offset(s: &str) -> Result<Clock, String> {
    Clock::from_offset(s)
}

/// `--compression` takes the dataset's codecs by their lower-case names.
impl ValueEnum for Codec {
    fn value_variants<'a>() -> &'a [Self] {
        &[Codec::Lz4, Codec::Zstd, Codec::Snappy, Codec::None]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            Codec::Lz4 => PossibleValue::new("lz4").help("LZ4 (Parquet LZ4_RAW)"),
            Codec::Zstd => PossibleValue::new("zstd").help("Zstandard, default level"),
            Codec::Snappy => PossibleValue::new("snappy").help("Snappy"),
            Codec::None => PossibleValue::new("none").help("uncompressed"),
        })
    }
}

/// Most worker threads (`--threads`).
const MAX_THREADS: u64 = 1024;
/// Deepest nesting `--max-depth` accepts: each level is a copy on disk and a level of
/// recursion.
const MAX_DEPTH: u64 = 32;
/// Longest `--max-line`.
const MAX_LINE_LIMIT: u64 = 1 << 30;
/// Fewest rows per row group: each group costs metadata kept until its file is closed,
/// and one-row groups took gigabytes.
const MIN_ROW_GROUP_ROWS: u64 = 1024;
/// Most rows per row group.
const MAX_ROW_GROUP_ROWS: u64 = 1 << 24;

/// Parses `--max-line`: a size from 1 byte to [`MAX_LINE_LIMIT`].
fn parse_max_line(s: &str) -> Result<u64, String> {
    match parse_size(s)? {
        n @ 1..=MAX_LINE_LIMIT => Ok(n),
        n => Err(format!(
            "{n} bytes is not in the accepted range, 1 byte to 1G ({MAX_LINE_LIMIT} bytes)"
        )),
    }
}

/// Parses an `--event-forms` item: the name of an [`EventForm`].
fn parse_event_form(s: &str) -> Result<EventForm, String> {
    EventForm::from_name(s.trim()).ok_or_else(|| {
        let names: Vec<&str> = EventForm::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown event form '{s}': expected one of {}",
            names.join(", ")
        )
    })
}

/// Parses a size: bytes, or with a K/M/G/T suffix (powers of 1024; `B`, `iB` allowed).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    let digits_end = upper
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(upper.len());
    let (num, unit) = upper.split_at(digits_end);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (examples: 1048576, 512M, 4G)"))?;
    let mult: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("'{s}': unknown unit (use K, M, G or T)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("'{s}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64G"), Ok(64 << 30));
        assert_eq!(parse_size("1GB"), Ok(1 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert!(parse_size("x").is_err());
        assert!(parse_size("5Q").is_err());
    }

    #[test]
    fn nonsense_option_values_are_refused_with_the_option_and_the_range() {
        let parse = |args: &[&str]| {
            let mut v = vec!["corvid", "analyze", "in", "-o", "out"];
            v.extend_from_slice(args);
            Cli::try_parse_from(v).map_err(|e| e.to_string())
        };
        for (args, range) in [
            (&["--max-line", "0"][..], "1 byte to 1G"),
            (&["--max-line", "18446744073709551615"], "1 byte to 1G"),
            (&["--max-line", "2G"], "1 byte to 1G"),
            (&["--row-group-rows", "0"], "1024..=16777216"),
            (&["--row-group-rows", "100000000"], "1024..=16777216"),
            (&["--threads", "0"], "1..=1024"),
            (&["--max-depth", "1000"], "0..=32"),
            (&["--max-ratio", "0"], "1.."),
        ] {
            let e = parse(args).expect_err(args[0]);
            assert!(e.contains(args[0]) && e.contains(range), "{args:?}: {e}");
        }
        let ok = parse(&[
            "--max-line",
            "1",
            "--row-group-rows",
            "1024",
            "--max-depth",
            "0",
        ]);
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
