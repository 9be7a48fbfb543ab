//! Scores findings against a simulator's ground truth: an incident matches when kind
//! and app pool agree and the times overlap (within the 1-second resolution of the
//! logs). Prints precision and recall per kind and the error of the impact counts.

use crate::domain::IncidentKind;
use crate::simulate::truth::Truth;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Slack on time overlap, for the 1-second resolution of the text logs.
const SLACK: i64 = 2_000_000;

/// A found or true incident, reduced to what matching uses.
#[derive(Debug, Clone)]
pub struct Item {
    /// Kind.
    pub kind: IncidentKind,
    /// Pool (lower case).
    pub pool: String,
    /// Start.
    pub start: i64,
    /// End.
    pub end: i64,
    /// Abandoned connections.
    pub abandoned: u64,
    /// Dropped connections.
    pub dropped: u64,
    /// Failed requests.
    pub failed: u64,
}

/// Precision and recall of one kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindScore {
    /// Injected.
    pub truth: usize,
    /// Found.
    pub found: usize,
    /// Matched pairs.
    pub matched: usize,
    /// matched / found.
    pub precision: f64,
    /// matched / truth.
    pub recall: f64,
}

/// The whole score.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    /// Per kind.
    pub kinds: BTreeMap<String, KindScore>,
    /// Mean absolute error of abandoned counts over matched pairs.
    pub abandoned_mae: f64,
    /// Mean absolute error of dropped counts.
    pub dropped_mae: f64,
    /// Mean absolute error of failed-request counts.
    pub failed_mae: f64,
    /// Sum of |found - true| failed requests over the sum of true ones.
    pub failed_relative_error: f64,
    /// Matched pairs.
    pub pairs: usize,
}

fn t(s: &str) -> i64 {
    crate::time::parse_rfc3339(s).unwrap_or(0)
}

/// Items of a ground truth.
pub fn truth_items(truth: &Truth) -> Vec<Item> {
    truth
        .incidents
        .iter()
        .map(|i| Item {
            kind: i.kind,
            pool: i.app_pool.to_ascii_lowercase(),
            start: t(&i.start),
            end: t(&i.end),
            abandoned: i.impact.abandoned,
            dropped: i.impact.dropped,
            failed: i.impact.failed_requests,
        })
        .collect()
}

/// Items of a findings.json for the bundle whose input file is named `bundle`
/// (all incidents when the findings hold one bundle).
pub fn found_items(findings: &serde_json::Value, bundle: &str) -> Result<Vec<Item>> {
    let bundles = findings["bundles"].as_array().cloned().unwrap_or_default();
    let id = if bundles.len() <= 1 {
        None
    } else {
        bundles
            .iter()
            .find(|b| b["bundle"].as_str().is_some_and(|p| p.ends_with(bundle)))
            .and_then(|b| b["bundle_id"].as_str().map(str::to_string))
    };
    findings["incidents"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|i| {
            id.as_deref()
                .is_none_or(|id| i["bundle_id"].as_str() == Some(id))
        })
        .map(|i| {
            let kind = i["kind"].as_str().unwrap_or_default();
            Ok(Item {
                kind: IncidentKind::from_name(kind).ok_or_else(|| {
                    Error::Usage(format!(
                        "findings: incident {} has kind '{kind}', which this corvid does not know",
                        i["id"]
                    ))
                })?,
                pool: i["app_pool"].as_str().unwrap_or("").to_ascii_lowercase(),
                start: t(i["start"].as_str().unwrap_or("")),
                end: t(i["end"].as_str().unwrap_or("")),
                abandoned: i["impact"]["abandoned"].as_u64().unwrap_or(0),
                dropped: i["impact"]["dropped"].as_u64().unwrap_or(0),
                failed: i["impact"]["failed_requests"].as_u64().unwrap_or(0),
            })
        })
        .collect()
}

/// Matches found to true items one to one (largest overlap first) and scores.
pub fn score(truth: &[Item], found: &[Item]) -> Score {
    let mut pairs: Vec<(i64, usize, usize)> = Vec::new();
    for (ti, a) in truth.iter().enumerate() {
        for (fi, b) in found.iter().enumerate() {
            if a.kind != b.kind || a.pool != b.pool {
                continue;
            }
            let overlap = a.end.min(b.end) + SLACK - a.start.max(b.start);
            if overlap >= 0 {
                pairs.push((overlap, ti, fi));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let (mut tu, mut fu) = (vec![false; truth.len()], vec![false; found.len()]);
    let mut matched = Vec::new();
    for (_, ti, fi) in pairs {
        if !tu[ti] && !fu[fi] {
            tu[ti] = true;
            fu[fi] = true;
            matched.push((ti, fi));
        }
    }
    let mut s = Score::default();
    for i in truth {
        s.kinds.entry(i.kind.name().to_string()).or_default().truth += 1;
    }
    for i in found {
        s.kinds.entry(i.kind.name().to_string()).or_default().found += 1;
    }
    for &(ti, _) in &matched {
        s.kinds
            .entry(truth[ti].kind.name().to_string())
            .or_default()
            .matched += 1;
    }
    for k in s.kinds.values_mut() {
        k.precision = if k.found == 0 {
            1.0
        } else {
            k.matched as f64 / k.found as f64
        };
        k.recall = if k.truth == 0 {
            1.0
        } else {
            k.matched as f64 / k.truth as f64
        };
    }
    let n = matched.len().max(1) as f64;
    let diff = |f: &dyn Fn(&Item) -> u64| {
        matched
            .iter()
            .map(|&(ti, fi)| (f(&truth[ti]) as f64 - f(&found[fi]) as f64).abs())
            .sum::<f64>()
    };
    s.abandoned_mae = diff(&|i| i.abandoned) / n;
    s.dropped_mae = diff(&|i| i.dropped) / n;
    s.failed_mae = diff(&|i| i.failed) / n;
    let true_failed: u64 = matched.iter().map(|&(ti, _)| truth[ti].failed).sum();
    s.failed_relative_error = diff(&|i| i.failed) / (true_failed.max(1) as f64);
    s.pairs = matched.len();
    s
}

/// Scores an output folder against a ground truth file.
pub fn score_files(out: &Path, truth_file: &Path) -> Result<Score> {
    let truth: Truth = serde_json::from_str(
        &std::fs::read_to_string(truth_file)
            .map_err(|e| Error::io(truth_file.display().to_string(), e))?,
    )
    .map_err(|e| {
        Error::Usage(format!(
            "{}: not a ground truth file: {e}",
            truth_file.display()
        ))
    })?;
    let fpath = if out.is_dir() {
        out.join("findings.json")
    } else {
        out.to_path_buf()
    };
    let findings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&fpath).map_err(|e| Error::io(fpath.display().to_string(), e))?,
    )
    .map_err(|e| Error::Usage(format!("{}: not a findings file: {e}", fpath.display())))?;
    Ok(score(
        &truth_items(&truth),
        &found_items(&findings, &truth.bundle)?,
    ))
}

/// The score as a table.
pub fn render(s: &Score) -> String {
    let mut o = String::from("kind              truth  found  matched  precision  recall\n");
    for (k, v) in &s.kinds {
        o.push_str(&format!(
            "{k:<17} {:>5}  {:>5}  {:>7}  {:>9.3}  {:>6.3}\n",
            v.truth, v.found, v.matched, v.precision, v.recall
        ));
    }
    let (t, f, m): (usize, usize, usize) = s.kinds.values().fold((0, 0, 0), |a, v| {
        (a.0 + v.truth, a.1 + v.found, a.2 + v.matched)
    });
    o.push_str(&format!("{:<17} {t:>5}  {f:>5}  {m:>7}\n", "all"));
    o.push_str(&format!(
        "impact error over {} matched incidents: abandoned MAE {:.2}, dropped MAE {:.2}, failed requests MAE {:.2} ({:.1}% of the true total)\n",
        s.pairs,
        s.abandoned_mae,
        s.dropped_mae,
        s.failed_mae,
        100.0 * s.failed_relative_error
    ));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: &str, pool: &str, start: i64, end: i64, failed: u64) -> Item {
        Item {
            kind: IncidentKind::from_name(kind).unwrap(),
            pool: pool.into(),
            start,
            end,
            abandoned: 0,
            dropped: 0,
            failed,
        }
    }

    #[test]
    fn matches_need_kind_pool_and_overlap() {
        let truth = vec![
            item("crash", "a", 0, 10_000_000, 5),
            item("crash", "b", 0, 10_000_000, 1),
            item("hang", "a", 100_000_000, 200_000_000, 3),
        ];
        let found = vec![
            item("crash", "a", 9_000_000, 12_000_000, 4),
            item("crash", "b", 50_000_000, 60_000_000, 1),
            item("crash", "a", 100_000_000, 200_000_000, 3),
        ];
        let s = score(&truth, &found);
        let c = &s.kinds["crash"];
        assert_eq!((c.truth, c.found, c.matched), (2, 3, 1));
        assert!((c.precision - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.kinds["hang"].recall, 0.0);
        assert_eq!(s.failed_mae, 1.0);
    }

    #[test]
    fn one_found_incident_matches_one_true_one() {
        let truth = vec![item("crash", "a", 0, 10, 1), item("crash", "a", 5, 15, 1)];
        let found = vec![item("crash", "a", 0, 15, 1)];
        let s = score(&truth, &found);
        assert_eq!(s.kinds["crash"].matched, 1);
        assert_eq!(s.kinds["crash"].recall, 0.5);
    }
}
