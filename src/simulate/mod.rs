//! The `simulate` command: plays a simulated IIS server forward in time and writes the
//! support bundle it would have produced (HTTPERR, W3C logs, System.evtx,
//! Application.evtx or their text/CSV/XML exports in the server's local time,
//! applicationHost.config) with the ground truth of what happened.
//!
//! Flow: [`scenario`] → [`model`] (the server) → [`plan`] (incidents, processes, pool
//! states, lifecycle events) → [`traffic`] (requests per site, in parallel) →
//! writers ([`httperr_out`], [`events`] through [`evtx_writer`] and [`exports`],
//! [`config`], [`zipout`]) →
//! [`truth`].

pub mod config;
pub mod events;
pub mod evtx_writer;
pub mod exports;
pub mod httperr_out;
pub mod lines;
pub mod model;
pub mod plan;
pub mod rng;
pub mod scenario;
pub mod traffic;
pub mod truth;
pub mod zipout;

use crate::domain::httpsys;
use crate::{Error, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Average bytes of a W3C line of the simulated sites (for `--size`).
const AVG_LINE_BYTES: f64 = 230.0;

/// What the simulation wrote.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The bundle.
    pub bundle: PathBuf,
    /// The ground truth file.
    pub truth_file: PathBuf,
    /// The truth.
    pub truth: truth::Truth,
}

/// The server and plan of a scenario (what `run` writes from).
pub fn prepare(sc: &scenario::Scenario) -> Result<(model::Server, plan::Plan)> {
    sc.validate()?;
    let mut server = model::Server::new(&sc.computer);
    server.clock = sc.clock()?;
    let requests_per_day = match sc.size {
        Some(bytes) => bytes as f64 / sc.days / AVG_LINE_BYTES,
        None => sc.requests_per_day as f64,
    };
    let plan = plan::make(&server, sc, requests_per_day)?;
    Ok((server, plan))
}

/// The records of System.evtx and Application.evtx, in time order.
pub fn event_logs(
    server: &model::Server,
    plan: &plan::Plan,
    seed: u64,
) -> Vec<(&'static str, Vec<evtx_writer::Event>)> {
    let mut ev_rng = rng::Rng::derive(seed, "events", 0);
    let (mut system, mut application) = events::noise(server, plan, &mut ev_rng);
    for e in &plan.events {
        for rec in events::records(server, e, &mut ev_rng) {
            if rec.channel == "System" {
                system.push((e.time, rec));
            } else {
                application.push((e.time, rec));
            }
        }
    }
    [("System", system), ("Application", application)]
        .into_iter()
        .map(|(name, mut list)| {
            list.sort_by_key(|(t, _)| *t);
            (name, list.into_iter().map(|(_, e)| e).collect())
        })
        .collect()
}

/// Runs a scenario into `out_dir`.
pub fn run(sc: &scenario::Scenario, out_dir: &Path) -> Result<Outcome> {
    let (server, mut plan) = prepare(sc)?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| Error::output(out_dir.display().to_string(), e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".corvid-sim-")
        .tempdir_in(out_dir)
        .map_err(|e| Error::output(out_dir.display().to_string(), e))?;
    let mut written = truth::Written::default();
    let (mut parts, httperr) = write_sites(&server, &mut plan, sc.seed, tmp.path(), &mut written)?;
    let part = tmp.path().join("logs.zip");
    let mut sink = zipout::MemberSink::create(&part).map_err(io_err(&part))?;
    let files = write_httperr(&server, &plan, sc.seed, httperr, &mut sink, &mut written)
        .map_err(io_err(&part))?;
    let logs =
        write_machine_files(&server, &plan, sc, &mut sink, &mut written).map_err(io_err(&part))?;
    parts.push(sink.finish().map_err(io_err(&part))?);

    let name = bundle_name(&server, &plan, sc.seed);
    let bundle = out_dir.join(&name);
    zipout::merge(&parts, &bundle).map_err(io_err(&bundle))?;
    // The event-log files and applicationHost.config.
    written.members = files as u64 + logs as u64 + 1 + count_members(&parts);
    let exported = truth::Exported {
        event_forms: sc.forms(),
        timezone: sc.timezone.clone(),
    };
    let t = truth::build(&server, &plan, sc.seed, &name, written).with_exports(exported);
    let truth_file = write_truth(&t, out_dir)?;
    Ok(Outcome {
        bundle,
        truth_file,
        truth: t,
    })
}

/// An output error about `p`.
fn io_err(p: &Path) -> impl Fn(std::io::Error) -> Error {
    let shown = p.display().to_string();
    move |e: std::io::Error| Error::output(shown.clone(), e)
}

/// Generates the sites in parallel, each into its own part archive in `tmp`, and adds
/// what they wrote to `written` and their impact to the plan's incidents. Returns the
/// parts and the sites' HTTP.sys lines.
fn write_sites(
    server: &model::Server,
    plan: &mut plan::Plan,
    seed: u64,
    tmp: &Path,
    written: &mut truth::Written,
) -> Result<(Vec<PathBuf>, Vec<httperr_out::HttpErr>)> {
    let shared: &plan::Plan = plan;
    let site_results: Vec<Result<(PathBuf, traffic::SiteOutput)>> = (0..server.sites.len())
        .into_par_iter()
        .map(|i| {
            let part = tmp.join(format!("site-{i}.zip"));
            let mut sink = zipout::MemberSink::create(&part).map_err(io_err(&part))?;
            let out =
                traffic::generate(server, shared, seed, i, &mut sink).map_err(io_err(&part))?;
            let part = sink.finish().map_err(io_err(&part))?;
            Ok((part, out))
        })
        .collect();
    let mut parts = Vec::new();
    let mut httperr = Vec::new();
    for r in site_results {
        let (part, out) = r?;
        parts.push(part);
        written.w3c_lines += out.w3c_lines;
        written.uncompressed_bytes += out.w3c_bytes;
        for (s, n) in out.w3c_by_status {
            *written.w3c_by_status.entry(s.to_string()).or_default() += n;
        }
        for (i, imp) in out.impacts {
            add_impact(&mut plan.incidents[i].impact, imp);
        }
        httperr.extend(out.httperr);
    }
    Ok((parts, httperr))
}

/// Adds what one site did to an incident.
fn add_impact(m: &mut plan::Impact, imp: plan::Impact) {
    m.abandoned += imp.abandoned;
    m.dropped += imp.dropped;
    m.dropped_at.extend(imp.dropped_at);
    m.timer_app_pool += imp.timer_app_pool;
    m.failed_w3c += imp.failed_w3c;
    for (k, v) in imp.http_503 {
        *m.http_503.entry(k).or_default() += v;
    }
}

/// HTTP.sys: one stream for the machine, in time order, plus scanner noise. Returns the
/// number of HTTPERR files.
fn write_httperr(
    server: &model::Server,
    plan: &plan::Plan,
    seed: u64,
    mut httperr: Vec<httperr_out::HttpErr>,
    sink: &mut zipout::MemberSink,
    written: &mut truth::Written,
) -> std::io::Result<usize> {
    let mut noise_rng = rng::Rng::derive(seed, "noise", 0);
    httperr.extend(scanner_noise(server, plan, &mut noise_rng));
    httperr.sort_by_key(|r| r.time);
    let (files, by_reason) = httperr_out::render(&httperr, &plan.service_restarts);
    for (name, data) in &files {
        sink.member(&format!("LogFiles/HTTPERR/{name}"), plan.end, data)?;
        written.uncompressed_bytes += data.len() as u64;
    }
    written.httperr_lines = by_reason.values().sum();
    written.httperr_by_reason = by_reason;
    Ok(files.len())
}

/// The event logs in each of the scenario's forms, and applicationHost.config. Returns
/// the number of event-log files.
fn write_machine_files(
    server: &model::Server,
    plan: &plan::Plan,
    sc: &scenario::Scenario,
    sink: &mut zipout::MemberSink,
    written: &mut truth::Written,
) -> std::io::Result<usize> {
    let forms = sc.forms();
    let mut files = 0;
    for (log, list) in event_logs(server, plan, sc.seed) {
        written.events.insert(log.into(), list.len() as u64);
        for &form in &forms {
            let out = exports::write(form, log, &list, &server.clock, &server.computer);
            for (name, bytes) in out {
                written.uncompressed_bytes += bytes.len() as u64;
                let path = format!("{}{name}", exports::folder(form));
                sink.member(&path, plan.end, &bytes)?;
                files += 1;
            }
        }
    }
    let config = config::render(server);
    written.uncompressed_bytes += config.len() as u64;
    sink.member("applicationHost.config", plan.start, config.as_bytes())?;
    Ok(files)
}

/// `<computer>_<yyyymmdd of the start>_seed<seed>.zip`.
fn bundle_name(server: &model::Server, plan: &plan::Plan, seed: u64) -> String {
    let (y, m, d) =
        crate::time::civil_from_days(plan.start.div_euclid(crate::time::MICROS_PER_DAY));
    format!("{}_{y:04}{m:02}{d:02}_seed{seed}.zip", server.computer)
}

/// Writes `ground_truth.json` into `out_dir` (through a temporary file) and returns its
/// path.
fn write_truth(t: &truth::Truth, out_dir: &Path) -> Result<PathBuf> {
    let truth_file = out_dir.join("ground_truth.json");
    let text = serde_json::to_string_pretty(t).expect("truth serializes") + "\n";
    let tmp_truth = out_dir.join("ground_truth.json.tmp");
    std::fs::write(&tmp_truth, text).map_err(io_err(&tmp_truth))?;
    std::fs::rename(&tmp_truth, &truth_file).map_err(io_err(&truth_file))?;
    Ok(truth_file)
}

fn count_members(parts: &[PathBuf]) -> u64 {
    // Site parts hold the W3C files.
    parts
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("site-"))
        })
        .filter_map(|p| std::fs::File::open(p).ok())
        .filter_map(|f| zip::ZipArchive::new(f).ok())
        .map(|z| z.len() as u64)
        .sum()
}

/// Scanners and broken clients that HTTP.sys rejects before any site sees them.
fn scanner_noise(
    server: &model::Server,
    plan: &plan::Plan,
    rng: &mut rng::Rng,
) -> Vec<httperr_out::HttpErr> {
    let mut out = Vec::new();
    let mut t = plan.start;
    let reasons: [(&str, Option<u16>, &str); 6] = [
        (httpsys::BAD_REQUEST, Some(400), "/"),
        (httpsys::URL, Some(400), "/..%5c..%5cwindows%5cwin.ini"),
        (httpsys::HOSTNAME, Some(400), "/"),
        (
            httpsys::FORBIDDEN,
            Some(403),
            "/scripts/..%c1%1c../winnt/system32/cmd.exe",
        ),
        (httpsys::NOT_FOUND, Some(404), "/cgi-bin/test.cgi"),
        (httpsys::VERB, Some(400), "/"),
    ];
    loop {
        t += rng.exp(3.0 * 3600.0 * 1e6) as i64;
        if t >= plan.end {
            break;
        }
        let ip = format!(
            "185.{}.{}.{}",
            rng.range(1, 254),
            rng.range(1, 254),
            rng.range(1, 254)
        );
        let n = rng.range(20, 150);
        let mut at = t;
        for _ in 0..n {
            at += rng.range(100, 4000) * 1000;
            let (reason, status, uri) = reasons[rng.below(reasons.len() as u64) as usize];
            out.push(httperr_out::HttpErr {
                time: at,
                c_ip: ip.clone(),
                c_port: rng.range(30_000, 65_000) as u16,
                s_ip: server.ip,
                s_port: 443,
                version: "HTTP/1.1",
                method: if reason == httpsys::VERB {
                    "PROPFIND"
                } else {
                    "GET"
                },
                uri: uri.into(),
                streamid: None,
                status,
                site: None,
                reason,
                queue: None,
            });
        }
        // A client reset or two now and then.
        if rng.chance(0.5) {
            out.push(httperr_out::HttpErr {
                time: at + 7_000_000,
                c_ip: ip.clone(),
                c_port: rng.range(30_000, 65_000) as u16,
                s_ip: server.ip,
                s_port: 443,
                version: "",
                method: "",
                uri: String::new(),
                streamid: None,
                status: None,
                site: None,
                reason: httpsys::CLIENT_RESET,
                queue: None,
            });
        }
    }
    out
}
