//! findings.html: findings.md as one self-contained page to mail or attach to a ticket.
//! The Markdown is rendered as it is (so log text is escaped exactly as there), each
//! chart link becomes the SVG itself (open in an incident, folded in the timelines
//! list), every table sorts by a click on its header, and a content security policy
//! forbids the page any request: no network, no external script, style or font.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// No request of any kind: inline styles and the inline sorter only.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}\
th{background:#f2f2f2;cursor:pointer;user-select:none}th[data-order=asc]::after{content:' \\25B2'}th[data-order=desc]::after{content:' \\25BC'}\
h4{border-top:1px solid #ddd;padding-top:.8em}details.chart{margin:.3em 0}details.chart svg{display:block;max-width:100%;height:auto}\
code{background:#f4f4f4;padding:0 3px}";

/// Sorts a table by the clicked column: numbers as numbers, other text as text.
const SORTER: &str = "document.querySelectorAll('table').forEach(function(t){\
var hs=t.querySelectorAll('thead th');hs.forEach(function(h,i){h.addEventListener('click',function(){\
var asc=h.getAttribute('data-order')!=='asc';hs.forEach(function(o){o.removeAttribute('data-order')});\
h.setAttribute('data-order',asc?'asc':'desc');var b=t.tBodies[0];var rows=Array.prototype.slice.call(b.rows);\
function key(r){var s=(r.cells[i]||{}).textContent||'';var n=parseFloat(s.replace(/,/g,''));\
return /^\\s*-?[\\d,.]+/.test(s)&&!/^\\d{4}-\\d\\d-\\d\\d/.test(s)?n:s}\
rows.sort(function(a,c){var x=key(a),y=key(c);var r=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));return asc?r:-r});\
rows.forEach(function(r){b.appendChild(r)})})})});";

/// The page for `markdown` (findings.md's text); `charts` maps a chart's link target
/// (`charts/<name>.svg`) to its SVG text.
pub fn render(markdown: &str, charts: &BTreeMap<String, String>, incident_chart: &str) -> String {
    let mut body = String::with_capacity(markdown.len() * 2);
    html::push_html(
        &mut body,
        inline_charts(markdown, charts, incident_chart).into_iter(),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>corvid findings</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\
         <script>{SORTER}</script>\n</body>\n</html>\n"
    )
}

/// The Markdown's events with each chart link replaced by a `<details>` holding the
/// chart (its link text the summary; open when the link's title is `incident_chart`).
fn inline_charts<'a>(
    markdown: &'a str,
    charts: &'a BTreeMap<String, String>,
    incident_chart: &str,
) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut open: Vec<Option<&'a String>> = Vec::new();
    for e in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match e {
            Event::Start(Tag::Link {
                ref dest_url,
                ref title,
                ..
            }) => match charts.get(dest_url.as_ref()) {
                Some(svg) => {
                    let opened = if title.as_ref() == incident_chart {
                        " open"
                    } else {
                        ""
                    };
                    events.push(Event::Html(CowStr::from(format!(
                        "<details class=\"chart\"{opened}><summary>"
                    ))));
                    open.push(Some(svg));
                }
                None => {
                    open.push(None);
                    events.push(e);
                }
            },
            Event::End(TagEnd::Link) => match open.pop().flatten() {
                Some(svg) => {
                    events.push(Event::Html(CowStr::from(format!(
                        "</summary>{svg}</details>"
                    ))));
                }
                None => events.push(e),
            },
            e => events.push(e),
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_links_become_the_svg_and_log_text_stays_escaped() {
        let md = "| kind | pool |\n|---|---|\n| crash | A&lt;script&gt; |\n\n\
                  **Timeline.** [A 2024-03-04](charts/a.svg \"incident timeline\")\n\n\
                  - A: [2024-03-04](charts/a.svg) · [gone](charts/none.svg)\n";
        let charts = BTreeMap::from([(
            "charts/a.svg".to_string(),
            "<svg id=\"x\"></svg>".to_string(),
        )]);
        let page = render(md, &charts, "incident timeline");
        assert_eq!(page.matches("<svg id=\"x\"></svg>").count(), 2);
        assert!(page.contains("<details class=\"chart\" open><summary>A 2024-03-04</summary>"));
        assert!(page.contains("<details class=\"chart\"><summary>2024-03-04</summary>"));
        assert!(page.contains("<a href=\"charts/none.svg\">gone</a>"));
        assert!(page.contains("A&lt;script&gt;") && !page.contains("A<script>"));
        assert!(page.contains("<th>kind</th>"));
    }
}
