"""Loads findings.html in a real headless Chromium (Playwright driving the Debian
package's binary) and checks what it renders against findings.json: the incident rows,
the charts, sorting by a click on a column header, and that the page makes no request
but for itself.

Usage: python3 tests/browser/check_findings_html.py OUT [--screenshot PNG]
The browser: $CORVID_CHROMIUM, else chromium-headless-shell or chromium on PATH
(.ci/run installs chromium-headless-shell with apt-get).
"""
import json
import os
import re
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def browser_path() -> str:
    for cand in [os.environ.get("CORVID_CHROMIUM"), shutil.which("chromium-headless-shell"),
                 shutil.which("chromium")]:
        if cand:
            return cand
    sys.exit("no Chromium: install the Debian package chromium-headless-shell (see .ci/run) "
             "or set CORVID_CHROMIUM")


def column(page, table, n):
    return [c.strip() for c in table.locator(f"tbody tr td:nth-child({n})").all_inner_texts()]


def check_sort(page, table, header, n, key):
    table.locator("thead th").nth(n - 1).click()
    got = column(page, table, n)
    assert got == sorted(got, key=key), f"{header}: not ascending after a click: {got}"
    table.locator("thead th").nth(n - 1).click()
    got = column(page, table, n)
    assert got == sorted(got, key=key, reverse=True), f"{header}: not descending: {got}"


def main(out: Path, shot: Path | None) -> None:
    findings = json.loads((out / "findings.json").read_text())
    incidents = findings["incidents"]
    md = (out / "findings.md").read_text()
    timelines = md.count('"incident timeline")')
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser_path(), args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1280, "height": 900})
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        url = (out / "findings.html").resolve().as_uri()
        page.goto(url)
        page.wait_for_load_state("load")
        # The incident table: one row per incident of findings.json, in its order.
        table = page.locator("table").first
        headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        assert headers[:4] == ["incident", "kind", "pool", "when (UTC)"], headers
        ids = column(page, table, 1)
        assert ids == [i["id"] for i in incidents], f"{ids} vs findings.json"
        kinds = column(page, table, 2)
        assert kinds == [i["kind"] for i in incidents]
        # Each incident's chart is drawn open inside its section; the timelines list
        # holds every chart folded.
        open_charts = page.locator("details.chart[open] svg")
        assert open_charts.count() == timelines > 0, (open_charts.count(), timelines)
        assert open_charts.first.bounding_box()["height"] > 100, "the chart is not drawn"
        charts = len(list((out / "charts").glob("*.svg")))
        assert page.locator("details.chart:not([open]) svg").count() == charts
        assert page.locator("script").count() == 1, "a script that is not the sorter"
        if shot:
            page.screenshot(path=str(shot))
        # Sorting: text columns as text, the impact as a number, times in order.
        check_sort(page, table, "kind", 2, str)
        check_sort(page, table, "pool", 3, str)
        check_sort(page, table, "when", 4, str)
        check_sort(page, table, "failed requests", 5, lambda s: float(s.replace(",", "")))
        b.close()
    assert requests == [url], f"requests beyond the page itself: {requests}"
    assert not errors, f"errors in the page: {errors}"
    print(f"findings.html checked: {len(ids)} incidents, {timelines} incident charts, "
          f"{charts} timelines, sorted by 4 columns, no request")


if __name__ == "__main__":
    args = sys.argv[1:]
    shot = None
    if "--screenshot" in args:
        i = args.index("--screenshot")
        shot = Path(args[i + 1])
        del args[i:i + 2]
    main(Path(args[0]), shot)
