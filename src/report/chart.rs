//! One SVG timeline per pool and day: requests per minute (line), HTTP.sys lines per
//! minute by class (bars), lifecycle events (markers with their label on hover).

use super::escape::xml;
use crate::correlate::timeline::PoolDay;
use crate::domain::{LifecycleKind, ReasonClass};
use std::fmt::Write;

const W: f64 = 1440.0;
const H: f64 = 220.0;
const TOP: f64 = 20.0;
const LEFT: f64 = 50.0;

fn class_color(class: ReasonClass) -> &'static str {
    match class {
        ReasonClass::AppPool => "#d62728",
        ReasonClass::Capacity => "#ff7f0e",
        ReasonClass::Client => "#7f7f7f",
        ReasonClass::Benign | ReasonClass::Protocol | ReasonClass::Unknown => "#9467bd",
    }
}

fn event_color(kind: LifecycleKind) -> &'static str {
    use LifecycleKind as K;
    match kind {
        K::Crash | K::CrashReport | K::UnhandledException => "#d62728",
        K::Hang | K::ShutdownTimeout | K::StartupTimeout => "#9467bd",
        K::Disable(_) => "#000000",
        K::Recycle | K::Shutdown => "#1f77b4",
        K::RequestError | K::ListenerFailure | K::StartFailure | K::ServiceCrash => "#8c564b",
    }
}

/// A coordinate with one decimal, formatted through integers: `{:.1}` on `f64` takes
/// core's exact (bignum) path, which made charts most of the report's time.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = (self.0 * 10.0).round() as i64;
        let sign = if t < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{}", t.abs() / 10, t.abs() % 10)
    }
}

/// The SVG of a pool's day.
pub fn svg(d: &PoolDay, date: &str) -> String {
    let max_req = d.requests.iter().copied().max().unwrap_or(0).max(1) as f64;
    let stacked: Vec<u32> = (0..1440)
        .map(|m| d.httperr.values().map(|v| v[m]).sum())
        .collect();
    let max_err = stacked.iter().copied().max().unwrap_or(0).max(1) as f64;
    let mut o = String::new();
    frame(&mut o, d, date);
    error_bars(&mut o, d, max_err);
    request_line(&mut o, d, max_req);
    event_markers(&mut o, d);
    legend(&mut o, d, date, max_req, max_err);
    o.push_str("</svg>\n");
    o
}

/// The opening tag, title, plot area and hour grid.
fn frame(o: &mut String, d: &PoolDay, date: &str) {
    let (w, h) = (W + LEFT + 100.0, H + TOP + 60.0);
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(o, "<title>{} {}</title>", xml(&d.pool), date);
    let _ = writeln!(o, "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{W}\" height=\"{H}\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
    for h in 0..=24 {
        let x = LEFT + h as f64 * 60.0;
        let _ = writeln!(
            o,
            "<line x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{}\" stroke=\"#eee\"/>",
            TOP + H
        );
        if h % 3 == 0 {
            let _ = writeln!(
                o,
                "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{h:02}:00</text>",
                TOP + H + 14.0
            );
        }
    }
}

/// HTTP.sys lines per minute, stacked by class (right axis).
fn error_bars(o: &mut String, d: &PoolDay, max_err: f64) {
    let mut base = vec![0u32; 1440];
    for (class, v) in &d.httperr {
        let color = class_color(*class);
        for m in 0..1440 {
            if v[m] == 0 {
                continue;
            }
            let y0 = TOP + H - (base[m] as f64 / max_err) * H;
            let h = (v[m] as f64 / max_err) * H;
            let _ = writeln!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"{}\" fill=\"{color}\"><title>{:02}:{:02} {} {}</title></rect>",
                LEFT as usize + m,
                Tenths(y0 - h),
                Tenths(h),
                m / 60,
                m % 60,
                v[m],
                xml(class.name())
            );
            base[m] += v[m];
        }
    }
}

/// Requests per minute (left axis).
fn request_line(o: &mut String, d: &PoolDay, max_req: f64) {
    if !d.requests.iter().any(|&r| r > 0) {
        return;
    }
    let mut pts = String::with_capacity(d.requests.len() * 10);
    for (m, r) in d.requests.iter().enumerate() {
        let _ = write!(
            pts,
            "{},{} ",
            LEFT as usize + m,
            Tenths(TOP + H - (*r as f64 / max_req) * H)
        );
    }
    let _ = writeln!(
        o,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"1\"/>",
        pts.trim_end()
    );
}

/// Lifecycle events: a dashed line and a dot, the label on hover.
fn event_markers(o: &mut String, d: &PoolDay) {
    for (m, kind, label) in &d.events {
        let x = LEFT + *m as f64 + 0.5;
        let c = event_color(*kind);
        let _ = writeln!(
            o,
            "<g><title>{:02}:{:02} {}</title><line x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{}\" stroke=\"{c}\" stroke-dasharray=\"3,2\"/><circle cx=\"{x}\" cy=\"{}\" r=\"4\" fill=\"{c}\"/></g>",
            m / 60,
            m % 60,
            xml(label),
            TOP + H,
            TOP + 6.0
        );
    }
}

/// Axis maxima and the caption.
fn legend(o: &mut String, d: &PoolDay, date: &str, max_req: f64, max_err: f64) {
    let _ = writeln!(
        o,
        "<text x=\"{}\" y=\"{}\" fill=\"#2ca02c\">{} req/min</text>",
        4,
        TOP + 10.0,
        max_req as u64
    );
    let _ = writeln!(
        o,
        "<text x=\"{}\" y=\"{}\" fill=\"#d62728\">{} err/min</text>",
        LEFT + W + 4.0,
        TOP + 10.0,
        max_err as u64
    );
    let _ = writeln!(
        o,
        "<text x=\"{LEFT}\" y=\"{}\">{} — {} UTC · green: requests/min (W3C) · bars: HTTP.sys lines/min (red app pool, orange capacity, grey client) · dashed: lifecycle events</text>",
        TOP + H + 34.0,
        xml(&d.pool),
        date
    );
}

#[cfg(test)]
mod tests {
    use super::Tenths;

    #[test]
    fn tenths_round_to_one_decimal() {
        let f = |v: f64| Tenths(v).to_string();
        assert_eq!(f(0.0), "0.0");
        assert_eq!(f(12.34), "12.3");
        assert_eq!(f(12.36), "12.4");
        assert_eq!(f(239.99), "240.0");
        assert_eq!(f(-1.25), "-1.3");
        assert_eq!(f(-0.04), "0.0");
    }
}
