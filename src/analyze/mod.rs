//! The `analyze` command: reads every bundle named on the command line into the
//! dataset. Entries are classified, grouped into tasks, and the tasks run in parallel
//! on one rayon pool; each task writes its own part files; the manifest (`sources`)
//! and the summary say what was read, skipped or failed and why.

mod entry;
mod exports;
mod incident_tables;
mod plan;
mod schedule;
pub mod summary;

use crate::bundle::{self, Bundle, Limits};
use crate::correlate::collect::{Collected, Tee};
use crate::correlate::coverage::SourceRef;
use crate::correlate::model::Findings;
use crate::correlate::rules::Rules;
use crate::correlate::timeline::PoolDay;
use crate::dataset::Staging;
use crate::domain::{ReadStatus, SourceKind};
use crate::parse::classify::{self, Classified};
use crate::parse::Carry;
use crate::progress::{self, Progress};
use crate::tables::sources::{SourcesRow, SourcesTable};
use crate::tables::{BatchSink, TableId};
use crate::{Error, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

pub use entry::SourceInfo;

/// What `analyze` needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    /// Zip files, folders or loose files.
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    /// Limits against hostile archives.
    pub limits: Limits,
    /// Longest text line read.
    pub max_line: usize,
    /// Rows per Parquet row group.
    pub batch_rows: usize,
    /// Compression of the Parquet pages.
    pub compression: crate::dataset::Codec,
    /// Draw a progress bar (when stderr is a terminal).
    pub progress: bool,
    /// Correlation windows and thresholds.
    pub rules: Rules,
    /// The server's clock, when the user gave it (`--tz`, `--utc-offset`): local times
    /// of event log exports are converted with it.
    pub clock: Option<crate::time::zone::Clock>,
}

/// What happened to one bundle.
pub struct BundleReport {
    /// Bundle id.
    pub id: String,
    /// The input.
    pub label: String,
    /// Host the bundle's rows were filed under.
    pub host: String,
    /// One entry per bundle entry, in path order.
    pub sources: Vec<SourceInfo>,
    /// Files written to the dataset.
    pub files: Vec<PathBuf>,
    /// Rows written per table.
    pub rows: BTreeMap<TableId, u64>,
    /// What correlation found.
    pub findings: Findings,
    /// Per pool and day timelines (for the charts).
    pub days: Vec<PoolDay>,
    /// Seconds spent per phase: classify, read (parse and write), correlate, finish.
    pub timings: Vec<(&'static str, f64)>,
}

/// Reads all inputs into `OUT/dataset`.
pub fn run(opts: &Options) -> Result<Vec<BundleReport>> {
    std::fs::create_dir_all(&opts.out)
        .map_err(|e| Error::output(opts.out.display().to_string(), e))?;
    let bundles = bundle::open_inputs(&opts.inputs, &opts.limits, &opts.out)?;
    let mut reports = Vec::new();
    for b in bundles {
        reports.push(run_bundle(opts, b)?);
    }
    let findings: Vec<Findings> = reports.iter().map(|r| r.findings.clone()).collect();
    let days: Vec<(String, Vec<PoolDay>)> = reports
        .iter()
        .map(|r| (r.id.clone(), r.days.clone()))
        .collect();
    crate::report::write(&opts.out, &findings, &days)?;
    Ok(reports)
}

fn run_bundle(opts: &Options, mut bundle: Bundle) -> Result<BundleReport> {
    let mut laps = Laps::start();
    let classes = classify_entries(&bundle, &opts.limits);
    let tasks = plan::tasks(&bundle.entries, &classes);
    laps.lap("classify");
    let exported = exports::planned(&classes);
    let total: u64 = tasks
        .iter()
        .flat_map(|t| t.iter())
        .chain(exported.iter().map(|(i, _)| i))
        .map(|&i| bundle.entries[i].size)
        .sum();
    let progress = Progress::new(total, opts.progress, &bundle.label);
    let staging = Staging::begin(&opts.out.join("dataset"), &bundle.id, opts.compression)?;
    // On an error, `staging` removes what it staged when dropped.
    let keep_keys = !exported.is_empty();
    let infos = Mutex::new(manifest_slots(&bundle));
    let results = run_tasks(
        opts, &bundle, &classes, &tasks, &staging, &progress, keep_keys, &infos,
    );
    let mut read = gather(results, infos)?;
    let collected = Collected::merge_all(std::mem::take(&mut read.parts));
    let part = tasks.len() + 1;
    let (infos, rows, from_exports) = exports::run(
        opts, &bundle, &classes, &staging, part, &collected, &progress,
    )?;
    progress.finish();
    laps.lap("read");
    for (i, info) in infos {
        read.infos[i] = Some(info);
    }
    for (t, n) in rows {
        *read.rows.entry(t).or_default() += n;
    }
    if progress::interrupted() {
        return Err(Error::Interrupted);
    }
    let collected = Collected::merge_all([collected, from_exports]);
    let mut sources = manifest(&bundle, &classes, read.infos);
    drop(classes);
    bundle.release_entries();
    sort_manifest(&mut sources);
    let mut rows = read.rows;
    let host = summary::host_of(&sources);
    let mut writer = staging.part_writer(tasks.len());
    writer.put(sources_table(&sources, &bundle).take())?;
    let (findings, days) = correlate_bundle(&collected, &sources, &bundle, &host, &opts.rules);
    drop(collected);
    laps.lap("correlate");
    incident_tables::write(&findings, &mut writer)?;
    for (t, n) in writer.finish()? {
        *rows.entry(t).or_default() += n;
    }
    if progress::interrupted() {
        return Err(Error::Interrupted);
    }
    let files = staging.commit(&host)?;
    laps.lap("finish");
    Ok(BundleReport {
        id: bundle.id.clone(),
        label: bundle.label.clone(),
        host,
        sources,
        files,
        rows,
        findings,
        days,
        timings: laps.timings,
    })
}

/// Seconds spent per phase.
struct Laps {
    timings: Vec<(&'static str, f64)>,
    clock: Instant,
}

impl Laps {
    fn start() -> Laps {
        Laps {
            timings: Vec::new(),
            clock: Instant::now(),
        }
    }

    /// Ends phase `name`, and starts the next.
    fn lap(&mut self, name: &'static str) {
        self.timings
            .push((name, self.clock.elapsed().as_secs_f64()));
        self.clock = Instant::now();
    }
}

/// Classifies every entry by its first bytes (in parallel: zip members inflate).
fn classify_entries(
    bundle: &Bundle,
    limits: &Limits,
) -> Vec<std::result::Result<Classified, String>> {
    bundle
        .entries
        .par_iter()
        .map(|e| {
            e.head(classify::SNIFF_BYTES, limits)
                .map(|head| classify::classify(&e.path, &head))
                .map_err(|err| err.to_string())
        })
        .collect()
}

/// What one task read: rows written per table, and what correlation needs.
type TaskResult = Result<(BTreeMap<TableId, u64>, Collected)>;

/// A slot for each entry's manifest row, with room for the whole manifest: it is made
/// in this allocation (see `manifest`).
fn manifest_slots(bundle: &Bundle) -> Vec<Option<SourceInfo>> {
    let rows = bundle.entries.len() + bundle.unreadable.len() + bundle.archives.len();
    let mut infos = Vec::with_capacity(rows);
    infos.resize_with(bundle.entries.len(), || None);
    infos
}

/// Reads the planned entries, one part file per task, the tasks in parallel (keeping
/// every event's key when exports will need them); each entry's manifest row goes to
/// its slot in `infos`.
#[allow(clippy::too_many_arguments)]
fn run_tasks(
    opts: &Options,
    bundle: &Bundle,
    classes: &[std::result::Result<Classified, String>],
    tasks: &[Vec<usize>],
    staging: &Staging,
    progress: &Progress,
    keep_event_keys: bool,
    infos: &Mutex<Vec<Option<SourceInfo>>>,
) -> Vec<TaskResult> {
    let run_task = |n: usize, task: &Vec<usize>| -> TaskResult {
        let mut writer = staging.part_writer(n);
        let mut tee = Tee {
            inner: &mut writer,
            collected: Collected::keeping_event_keys(keep_event_keys),
        };
        let mut carry = Carry::default();
        for &i in task {
            if progress::interrupted() {
                return Err(Error::Interrupted);
            }
            let class = classes[i]
                .as_ref()
                .expect("planned entries were classified");
            let entry = &bundle.entries[i];
            let info =
                entry::read_entry(bundle, entry, class, opts, &mut tee, &mut carry, progress)?;
            infos.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(info);
        }
        carry.drain(&mut tee)?;
        let collected = tee.collected;
        let rows = writer.finish()?;
        Ok((rows, collected))
    };
    schedule::largest_first(tasks, run_task)
}

/// What the tasks of a bundle read, gathered.
struct Gathered {
    /// Manifest row of each entry read, by entry index.
    infos: Vec<Option<SourceInfo>>,
    /// Rows written per table.
    rows: BTreeMap<TableId, u64>,
    /// What correlation needs, one part per task.
    parts: Vec<Collected>,
}

/// Gathers what the tasks read (manifest rows in `infos`); the first error, if a task
/// failed.
fn gather(results: Vec<TaskResult>, infos: Mutex<Vec<Option<SourceInfo>>>) -> Result<Gathered> {
    let mut g = Gathered {
        infos: infos.into_inner().unwrap_or_else(|p| p.into_inner()),
        rows: BTreeMap::new(),
        parts: Vec::with_capacity(results.len()),
    };
    for r in results {
        let (task_rows, task_collected) = r?;
        g.parts.push(task_collected);
        for (t, n) in task_rows {
            *g.rows.entry(t).or_default() += n;
        }
    }
    Ok(g)
}

/// The manifest: every entry (read, skipped or failed), every entry that cannot be
/// read, and every archive opened; sort it with [`sort_manifest`]. Made in `read`'s
/// allocation: a bundle of 200,000 small files would otherwise hold every row twice.
fn manifest(
    bundle: &Bundle,
    classes: &[std::result::Result<Classified, String>],
    read: Vec<Option<SourceInfo>>,
) -> Vec<SourceInfo> {
    let mut sources: Vec<SourceInfo> = read
        .into_iter()
        .enumerate()
        .map(|(i, info)| {
            let e = &bundle.entries[i];
            match (info, &classes[i]) {
                (Some(info), _) => info,
                (None, Ok(c)) => SourceInfo::skipped(
                    &e.path,
                    c.kind.source_kind(),
                    e.size,
                    c.reason.clone().unwrap_or_default(),
                ),
                (None, Err(reason)) => {
                    SourceInfo::failed(&e.path, SourceKind::Other, e.size, reason.clone())
                }
            }
        })
        .collect();
    for u in &bundle.unreadable {
        let kind = if u.archive {
            SourceKind::Archive
        } else {
            SourceKind::Other
        };
        let mut info = SourceInfo::skipped(&u.path, kind, u.size, u.reason.clone());
        // An unreadable entry that shares its path with an opened archive (possible with
        // a repeated name in a salvaged zip) is listed as parsed: unchanged behaviour,
        // though likely unintended.
        if bundle.archives.iter().any(|a| a.path == u.path) {
            info.status = ReadStatus::Parsed;
        }
        sources.push(info);
    }
    for a in &bundle.archives {
        let mut info = SourceInfo::skipped(&a.path, SourceKind::Archive, a.size, a.note.clone());
        info.status = if a.damaged {
            ReadStatus::Partial
        } else {
            ReadStatus::Parsed
        };
        sources.push(info);
    }
    sources
}

/// Sorts the manifest by path (stable). Call it once the bundle's entries are released:
/// the sort's buffer is then the only other large allocation.
fn sort_manifest(sources: &mut [SourceInfo]) {
    if !sources.is_sorted_by(|a, b| a.path <= b.path) {
        sources.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// The `sources` table of the bundle.
fn sources_table(sources: &[SourceInfo], bundle: &Bundle) -> SourcesTable {
    let mut table = SourcesTable::with_capacity(sources.len());
    for s in sources {
        table.push(&s.row(&bundle.id, &bundle.label));
    }
    table
}

/// Correlates what was read, with the manifest for coverage.
fn correlate_bundle(
    collected: &Collected,
    sources: &[SourceInfo],
    bundle: &Bundle,
    host: &str,
    rules: &Rules,
) -> (Findings, Vec<PoolDay>) {
    let refs: Vec<SourceRef> = sources
        .iter()
        .map(|s| SourceRef {
            path: &s.path,
            kind: s.kind,
            status: s.status,
            reason: &s.reason,
            first: s.first_time,
            last: s.last_time,
            rows: s.records.unwrap_or(s.rows),
            clock: s.time_basis.zip(s.clock.as_deref()),
        })
        .collect();
    let meta = crate::correlate::BundleMeta {
        id: bundle.id.clone(),
        label: bundle.label.clone(),
        host: host.to_string(),
    };
    crate::correlate::correlate(collected, &refs, &meta, rules)
}

impl SourceInfo {
    fn row<'a>(&'a self, bundle_id: &'a str, bundle: &'a str) -> SourcesRow<'a> {
        SourcesRow {
            bundle_id: Some(bundle_id),
            bundle: Some(bundle),
            source_file: Some(&self.path),
            kind: Some(self.kind.name()),
            status: Some(self.status.name()),
            reason: (!self.reason.is_empty()).then_some(self.reason.as_str()),
            bytes: Some(self.bytes as i64),
            lines: self.lines.map(|v| v as i64),
            data_lines: self.data_lines.map(|v| v as i64),
            directive_lines: self.directive_lines.map(|v| v as i64),
            blank_lines: self.blank_lines.map(|v| v as i64),
            error_lines: self.error_lines.map(|v| v as i64),
            records: self.records.map(|v| v as i64),
            record_failures: self.record_failures.map(|v| v as i64),
            rows: Some(self.rows as i64),
            first_time: self.first_time,
            last_time: self.last_time,
            computer: self.computer.as_deref(),
            form: self.form.map(|f| f.name()),
            time_basis: self.time_basis.map(|b| b.name()),
            clock: self.clock.as_deref(),
        }
    }
}
