//! Reports: `findings.md` for people, `findings.html` (the same, one self-contained
//! page with the charts inside), `findings.json` for machines, and SVG timelines next
//! to them. Every file is written under a temporary name and renamed when
//! complete, so a report on disk is never half written.

pub mod chart;
pub mod escape;
pub mod html;
pub mod markdown;

use crate::correlate::model::{Coverage, CrashSignature, Findings, Incident, Pattern, Recycle};
use crate::correlate::timeline::PoolDay;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A bundle in findings.json.
#[derive(Serialize)]
struct BundleJson<'a> {
    bundle_id: &'a str,
    bundle: &'a str,
    host: &'a str,
    summary: &'a BTreeMap<String, u64>,
}

/// Coverage with its bundle.
#[derive(Serialize)]
struct CoverageJson<'a> {
    bundle_id: &'a str,
    #[serde(flatten)]
    coverage: &'a Coverage,
}

/// A crash signature with its bundle.
#[derive(Serialize)]
struct SignatureJson<'a> {
    bundle_id: &'a str,
    #[serde(flatten)]
    signature: &'a CrashSignature,
}

/// A recurring pattern with its bundle.
#[derive(Serialize)]
struct PatternJson<'a> {
    bundle_id: &'a str,
    #[serde(flatten)]
    pattern: &'a Pattern,
}

/// A recycle with its bundle.
#[derive(Serialize)]
struct RecycleJson<'a> {
    bundle_id: &'a str,
    #[serde(flatten)]
    recycle: &'a Recycle,
}

/// findings.json (schema version 1).
#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    generator: String,
    bundles: Vec<BundleJson<'a>>,
    coverage: Vec<CoverageJson<'a>>,
    incidents: Vec<&'a Incident>,
    patterns: Vec<PatternJson<'a>>,
    crash_signatures: Vec<SignatureJson<'a>>,
    recycles: Vec<RecycleJson<'a>>,
}

/// The findings.json text.
pub fn json(all: &[Findings]) -> String {
    let r = Report {
        schema_version: 1,
        generator: format!("corvid {}", env!("CARGO_PKG_VERSION")),
        bundles: all
            .iter()
            .map(|f| BundleJson {
                bundle_id: &f.bundle_id,
                bundle: &f.bundle,
                host: &f.host,
                summary: &f.summary,
            })
            .collect(),
        coverage: all
            .iter()
            .flat_map(|f| {
                f.coverage.iter().map(|c| CoverageJson {
                    bundle_id: &f.bundle_id,
                    coverage: c,
                })
            })
            .collect(),
        incidents: all.iter().flat_map(|f| f.incidents.iter()).collect(),
        patterns: all
            .iter()
            .flat_map(|f| {
                f.patterns.iter().map(|p| PatternJson {
                    bundle_id: &f.bundle_id,
                    pattern: p,
                })
            })
            .collect(),
        crash_signatures: all
            .iter()
            .flat_map(|f| {
                f.crash_signatures.iter().map(|s| SignatureJson {
                    bundle_id: &f.bundle_id,
                    signature: s,
                })
            })
            .collect(),
        recycles: all
            .iter()
            .flat_map(|f| {
                f.recycles.iter().map(|r| RecycleJson {
                    bundle_id: &f.bundle_id,
                    recycle: r,
                })
            })
            .collect(),
    };
    serde_json::to_string_pretty(&r).expect("findings serialize") + "\n"
}

/// Writes `path` atomically.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&tmp, data).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::output(tmp.display().to_string(), e)
    })?;
    std::fs::rename(&tmp, path).map_err(|e| Error::output(path.display().to_string(), e))
}

/// Writes findings.md, findings.html, findings.json and the charts into `out`; returns
/// the files.
pub fn write(
    out: &Path,
    all: &[Findings],
    days: &[(String, Vec<PoolDay>)],
) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let charts_dir = out.join("charts");
    let mut charts = Vec::new();
    let mut svgs = BTreeMap::new();
    for (bundle_id, list) in days {
        for d in list {
            let (y, m, dd) = crate::time::civil_from_days(d.day);
            let date = format!("{y:04}-{m:02}-{dd:02}");
            let name = format!(
                "{}-{}-{date}.svg",
                &bundle_id[..bundle_id.len().min(8)],
                escape::file_name(&d.pool)
            );
            std::fs::create_dir_all(&charts_dir)
                .map_err(|e| Error::output(charts_dir.display().to_string(), e))?;
            let path = charts_dir.join(&name);
            let svg = chart::svg(d, &date);
            write_atomic(&path, svg.as_bytes())?;
            svgs.insert(format!("charts/{name}"), svg);
            charts.push((
                bundle_id.clone(),
                d.pool.clone(),
                date,
                format!("charts/{name}"),
            ));
            files.push(path);
        }
    }
    let md = out.join("findings.md");
    let text = markdown::render(all, &charts);
    write_atomic(&md, text.as_bytes())?;
    files.push(md);
    let page = out.join("findings.html");
    let html = html::render(&text, &svgs, markdown::INCIDENT_CHART);
    write_atomic(&page, html.as_bytes())?;
    files.push(page);
    let js = out.join("findings.json");
    write_atomic(&js, json(all).as_bytes())?;
    files.push(js);
    Ok(files)
}
