#!/usr/bin/env python3
"""corvid's benchmark: corvid against the tools a user would run instead, measured in
one run with the commands alternating, written to BENCHMARKS.md.

For each size it generates a W3C-heavy bundle with `corvid simulate`, then measures wall
time, CPU time and peak RSS of
  - `unzip -p BUNDLE > /dev/null`             (the floor for a zipped bundle)
  - `corvid analyze BUNDLE`                   (end to end: dataset + findings)
  - DuckDB `COPY (SELECT * FROM read_csv(...)) TO '...parquet'` on the W3C files unzipped
  - `corvid analyze` on the same unzipped W3C files
and, on an event-log-heavy simulated bundle, `evtx_dump -o jsonl` against corvid on the
same .evtx files (records per second). The machine is shared: only ratios measured in
the same run mean much. Run it through scripts/bench.sh, which installs the tools.
"""
import argparse
import csv
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "e2e": 1.5,          # corvid on the zip / unzip -p, at most
    "duckdb": 2.0,       # DuckDB time / corvid time on the W3C files, at least
    "rss_mb": 1024.0,    # peak RSS at the largest size, below
    "rss_growth": 0.20,  # RSS growth from 1 GB to the largest size, below
    "flat": 0.15,        # spread of seconds per GB over the sizes, within
    "correlate": 0.10,   # correlation + report share of the total, at most
}


def run(cmd, capture=True):
    """Runs `cmd`; returns wall seconds, CPU seconds and peak RSS (MB) of the process
    (os.wait4's rusage), and its stdout and stderr (through files, so the child never
    waits on a pipe)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out if capture else subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text_out, text_err = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if code != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({code}):\n{text_err}")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024,
            "stdout": text_out, "stderr": text_err}


def median(rs, key):
    return statistics.median(r[key] for r in rs)


def fresh(path: Path):
    shutil.rmtree(path, ignore_errors=True)


def corvid_timings(stderr: str):
    m = re.search(r"^timings: (.*)$", stderr, re.M)
    return {k: float(v) for k, v in (p.split("=") for p in m.group(1).split())} if m else {}


def fast_path_share(stderr: str):
    """The share of .evtx records corvid read on its fast path (`--timings`)."""
    pairs = re.findall(r"^timings: evtx fast path (\d+)/(\d+) records", stderr, re.M)
    fast, records = sum(int(f) for f, _ in pairs), sum(int(r) for _, r in pairs)
    return fast / records if records else 0.0


DUCKDB_COPY = """
import json, sys, time, duckdb
groups = json.loads(sys.argv[1])  # [[files, {column: type}, out], ...]: one COPY per layout
con = duckdb.connect()
t = time.perf_counter()
for files, columns, out in groups:
    con.sql(f\"\"\"COPY (SELECT * FROM read_csv({files!r}, delim=' ', header=false, quote='', escape='',
        columns={columns!r}, auto_detect=false, ignore_errors=true, nullstr='-'))
        TO '{out}' (FORMAT parquet, COMPRESSION lz4_raw)\"\"\")
elapsed = time.perf_counter() - t
rows = sum(con.sql(f"SELECT count(*) FROM '{out}'").fetchall()[0][0] for _, _, out in groups)
print(rows, elapsed, file=sys.stderr)
"""

W3C_INTEGERS = {"s-port", "sc-status", "sc-substatus", "sc-win32-status", "sc-bytes", "cs-bytes", "time-taken"}


def duckdb_columns(names):
    """The W3C fields typed as corvid types them (DuckDB's sniffer is not used: with
    `#` directives mid-file it needs `comment='#'`, which takes DuckDB 2.0 off its
    parallel reader and made it 40x slower than this)."""
    return {n: "DATE" if n == "date" else "TIME" if n == "time" else
            "BIGINT" if n in W3C_INTEGERS else "VARCHAR" for n in names}


def fields_of(log: Path):
    for line in log.open(encoding="utf-8", errors="replace"):
        if line.startswith("#Fields:"):
            return line.split()[1:]
    sys.exit(f"bench: no #Fields in {log}")


def simulate(args, out: Path, extra):
    fresh(out)
    r = run([args.corvid, "simulate", "-o", str(out), *extra])
    bundle = Path(glob.glob(str(out / "*.zip"))[0])
    with zipfile.ZipFile(bundle) as z:
        raw = sum(i.file_size for i in z.infolist())
    return bundle, raw, r


def bench_size(args, gb: float):
    work = Path(args.work) / f"size-{gb:g}"
    bundle, raw, sim = simulate(args, work / "sim", ["--seed", "7", "--size", f"{int(gb * 1024)}M"])
    # The W3C files unzipped, for the text -> Parquet comparison.
    unz = work / "unzipped"
    fresh(unz)
    with zipfile.ZipFile(bundle) as z:
        members = [n for n in z.namelist() if re.match(r"LogFiles/W3SVC\d+/", n)]
        z.extractall(unz, members)
    w3c_bytes = sum((unz / m).stat().st_size for m in members)
    layouts = {}
    for m in members:
        layouts.setdefault(tuple(fields_of(unz / m)), []).append(str(unz / m))
    out_zip, out_dir, duck_out = work / "out-zip", work / "out-dir", work / "duckdb"
    groups = [[files, duckdb_columns(names), str(duck_out / f"layout{i}.parquet")]
              for i, (names, files) in enumerate(sorted(layouts.items()))]
    res = {"unzip": [], "corvid": [], "duckdb": [], "corvid_dir": []}
    for _ in range(args.runs):
        res["unzip"].append(run(["unzip", "-p", str(bundle)], capture=False))
        fresh(out_zip)
        res["corvid"].append(run([args.corvid, "analyze", str(bundle), "-o", str(out_zip), "--quiet", "--timings"]))
        fresh(duck_out)
        duck_out.mkdir(parents=True)
        d = run([sys.executable, "-c", DUCKDB_COPY, json.dumps(groups)])
        rows, inner = d["stderr"].strip().splitlines()[-1].split()
        d["wall_inner"], d["rows"] = float(inner), int(rows)
        res["duckdb"].append(d)
        fresh(out_dir)
        c = run([args.corvid, "analyze", str(unz), "-o", str(out_dir), "--quiet"])
        c["rows"] = int(re.search(r"requests ([\d,]+)", c["stdout"]).group(1).replace(",", ""))
        res["corvid_dir"].append(c)
    t = [corvid_timings(r["stderr"]) for r in res["corvid"]]
    share = statistics.median((x.get("correlate", 0) + x.get("report", 0)) / x["total"] for x in t if x)
    row = {
        "gb": gb, "raw": raw, "zip": bundle.stat().st_size, "w3c_bytes": w3c_bytes,
        "sim_s": sim["wall"],
        "unzip": median(res["unzip"], "wall"),
        "corvid": median(res["corvid"], "wall"), "corvid_cpu": median(res["corvid"], "cpu"),
        "corvid_rss": max(r["rss"] for r in res["corvid"]),
        "duckdb": statistics.median(r["wall_inner"] for r in res["duckdb"]),
        "duckdb_rss": max(r["rss"] for r in res["duckdb"]),
        "corvid_dir": median(res["corvid_dir"], "wall"),
        "corvid_dir_rss": max(r["rss"] for r in res["corvid_dir"]),
        "duckdb_rows": res["duckdb"][0]["rows"], "corvid_rows": res["corvid_dir"][0]["rows"],
        "share": share,
    }
    if not args.keep:
        fresh(work)
    return row


def count_records(evtx_dump, f: Path):
    p = subprocess.run([evtx_dump, "-o", "jsonl", str(f)], capture_output=True, check=True)
    return p.stdout.count(b"\n")


def bench_evtx(args):
    """Rows for the event logs together, for the larger one alone (one file: corvid
    keeps more than one core busy only by decoding its chunks in parallel, as evtx_dump
    does by default), and for a large Security-style log (examples/security_log.rs)."""
    work = Path(args.work) / "evtx"
    bundle, _, _ = simulate(args, work / "sim", ["--scenario", str(REPO / "scripts/bench-evtx.toml")])
    files = []
    with zipfile.ZipFile(bundle) as z:
        for n in z.namelist():
            if n.endswith(".evtx"):
                z.extract(n, work)
                files.append(work / n)
    largest = max(files, key=lambda f: f.stat().st_size)
    rows = []
    out = work / "out"
    groups = [("all", files)] + ([(f"{largest.name} alone", [largest])] if len(files) > 1 else [])
    if args.security_log_writer and args.security_records > 0:
        security = work / "Security.evtx"
        run([args.security_log_writer, str(security), str(args.security_records)])
        groups.append((f"Security.evtx ({args.security_records:,} records)", [security]))
    for label, group in groups:
        records = sum(count_records(args.evtx_dump, f) for f in group)
        size = sum(f.stat().st_size for f in group)
        dump, corv = [], []
        for _ in range(args.runs):
            one = [run([args.evtx_dump, "-o", "jsonl", str(f)], capture=False) for f in group]
            dump.append({"wall": sum(r["wall"] for r in one), "cpu": sum(r["cpu"] for r in one),
                         "rss": max(r["rss"] for r in one)})
            fresh(out)
            r = run([args.corvid, "analyze", *map(str, group), "-o", str(out), "--quiet", "--timings"])
            r["read"] = corvid_timings(r["stderr"]).get("read", r["wall"])
            r["fast"] = fast_path_share(r["stderr"])
            corv.append(r)
        rows.append({"files": label, "records": records, "bytes": size,
                     "dump": median(dump, "wall"), "dump_cpu": median(dump, "cpu"),
                     "corvid": median(corv, "wall"), "corvid_cpu": median(corv, "cpu"),
                     "corvid_read": median(corv, "read"), "fast": median(corv, "fast")})
    if not args.keep:
        fresh(work)
    return rows


def duckdb_csv(files, out: Path, runs: int):
    """DuckDB reading event-log CSV exports into Parquet, in-process (median seconds):
    every value as text (no date guessing), quotes and multi-line values as RFC 4180."""
    import duckdb
    times = []
    for _ in range(runs):
        con = duckdb.connect()
        t = time.perf_counter()
        for i, (f, header, delim) in enumerate(files):
            # Event Viewer's CSV names five columns and writes six values (the message
            # last, unnamed): its six columns are given.
            shape = ("header=true" if header else
                     "header=false, skip=1, columns={'level': 'VARCHAR', 'time': 'VARCHAR', 'source': 'VARCHAR', "
                     "'id': 'VARCHAR', 'task': 'VARCHAR', 'message': 'VARCHAR'}")
            src = (f"read_csv('{f}', delim='{delim}', quote='\"', escape='\"', all_varchar=true, {shape})")
            con.execute(f"COPY (SELECT * FROM {src}) TO '{out}/d{i}.parquet' (FORMAT parquet, COMPRESSION lz4_raw)")
        times.append(time.perf_counter() - t)
        con.close()
    times.sort()
    return times[len(times) // 2]


def bench_exports(args):
    """Event logs exported as CSV (Event Viewer's and PowerShell's), read by DuckDB's
    read_csv and by corvid (which also reads the messages back into fields, places the
    local times and writes events and lifecycle)."""
    work = Path(args.work) / "exports"
    bundle, _, _ = simulate(args, work / "sim", ["--scenario", str(REPO / "scripts/bench-evtx.toml"),
                                                  "--event-forms", "viewer_csv,powershell_csv",
                                                  "--tz", "America/New_York"])
    rows = []
    with zipfile.ZipFile(bundle) as z:
        names = [n for n in z.namelist() if n.startswith("EventLogs/") and n.endswith(".csv")]
        for n in names:
            z.extract(n, work)
    for form, pick in [("Event Viewer CSV", lambda n: "-" not in Path(n).name),
                       ("PowerShell Export-Csv", lambda n: "-" in Path(n).name)]:
        group = [work / n for n in names if pick(n)]
        size = sum(f.stat().st_size for f in group)
        records = sum(sum(1 for _ in csv.reader(f.open(encoding="utf-8-sig", newline=""))) - 1 for f in group)
        out = work / "out"
        fresh(out)
        out.mkdir(parents=True, exist_ok=True)
        duck = duckdb_csv([(f, form.startswith("PowerShell"), ",") for f in group], out, args.runs)
        corv = []
        for _ in range(args.runs):
            fresh(out)
            r = run([args.corvid, "analyze", *map(str, group), "-o", str(out), "--quiet", "--timings",
                     "--tz", "America/New_York"])
            r["read"] = corvid_timings(r["stderr"]).get("read", r["wall"])
            corv.append(r)
        rows.append({"form": form, "files": len(group), "records": records, "bytes": size, "duckdb": duck,
                     "corvid": median(corv, "wall"), "corvid_read": median(corv, "read")})
    if not args.keep:
        fresh(work)
    return rows


def profile(args, gb: float):
    """perf samples (cpu-clock) of corvid on one bundle, by where the time goes."""
    if not shutil.which("perf"):
        return None
    work = Path(args.work) / "profile"
    bundle, _, _ = simulate(args, work / "sim", ["--seed", "7", "--size", f"{int(gb * 1024)}M"])
    data = work / "perf.data"
    fresh(work / "out")
    p = subprocess.run(["perf", "record", "-e", "cpu-clock", "-F", "499", "-o", str(data), "--",
                        args.corvid, "analyze", str(bundle), "-o", str(work / "out"), "--quiet"],
                       capture_output=True)
    if p.returncode != 0:
        return None
    rep = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "symbol",
                          "--stdio", "--percent-limit", "0.05"], capture_output=True, text=True).stdout
    cats = [
        ("inflate (zlib-rs)", r"zlib_rs|inflate|crc32"),
        ("Parquet encoding and compression", r"ZSTD|zstd|LZ4|lz4|polars_parquet|parquet|HUF_|FSE_"),
        ("column builders and dictionaries (corvid::tables)", r"corvid::tables::"),
        ("Arrow arrays (polars: arrays, dictionaries, statistics)", r"polars_arrow|polars_core|polars_compute|binview|hashbrown|foldhash|ValueMap"),
        ("W3C reading and typing (corvid)", r"corvid::|memchr|core::str|from_utf8|parse_num"),
        ("copies and allocation", r"memmove|memcpy|memset|mi_|_mi_|malloc|free|realloc"),
        ("kernel (page faults, I/O)", r"\[k\]"),
    ]
    sums = {c: 0.0 for c, _ in cats}
    sums["other"] = 0.0
    top = []
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\[.\])\s+(.*\S)", line)
        if not m:
            continue
        pct, kind, sym = float(m.group(1)), m.group(2), m.group(3)
        text = f"{kind} {sym}"
        for c, rx in cats:
            if re.search(rx, text):
                sums[c] += pct
                break
        else:
            sums["other"] += pct
        if len(top) < 15:
            top.append((pct, sym[:90]))
    if not args.keep:
        fresh(work)
    return {"gb": gb, "cats": sums, "top": top}


def verdict(ok):
    return "met" if ok else "**missed**"


def report(args, rows, ev, prof, exports=None):
    mb = 1e6
    L = []
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    L += ["# corvid benchmarks", "",
          f"Produced by `scripts/bench.sh` in one run ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"corvid {rev}, {os.cpu_count()} cores, {cpu}, page cache warm). Each figure is the median of "
          f"{args.runs} runs; the commands alternate within each run, so the ratios compare like with like on "
          "this shared machine even when absolute times drift.", "",
          "Inputs: `corvid simulate --seed 7 --size N` (W3C-heavy bundles: five sites, two days, HTTPERR, "
          "two event logs, applicationHost.config). Sizes are uncompressed.", ""]
    L += ["## End to end: zipped bundle to dataset and findings", "",
          "| size | bundle MB (zip) | `unzip -p` s | corvid s | ratio | corvid MB/s | corvid CPU s | peak RSS MB | s per GB | correlate + report |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        L.append(f"| {r['raw']/mb:,.0f} MB | {r['zip']/mb:,.0f} | {r['unzip']:.2f} | {r['corvid']:.2f} | "
                 f"{r['corvid']/r['unzip']:.2f}x | {r['raw']/mb/r['corvid']:,.0f} | {r['corvid_cpu']:.2f} | "
                 f"{r['corvid_rss']:,.0f} | {r['corvid']/(r['raw']/1e9):.2f} | {100*r['share']:.1f} % |")
    L += ["", "## W3C text to Parquet: DuckDB against corvid on the same unzipped files", "",
          "DuckDB: `COPY (SELECT * FROM read_csv([files], delim=' ', header=false, columns={the #Fields, typed}, "
          "auto_detect=false, ignore_errors=true, nullstr='-')) TO '...parquet' (FORMAT parquet, COMPRESSION lz4_raw)` (the codec corvid writes by default), "
          "one statement per `#Fields` layout, timed inside the Python process around the statements (interpreter "
          "start and import excluded). `ignore_errors` is how DuckDB skips the `#` directives; it drops bad lines "
          "silently, where corvid accounts for every line. (With `comment='#'` instead, DuckDB 2.0 leaves its "
          "parallel reader and is about 40x slower, which would make the comparison meaningless.) corvid: "
          "`corvid analyze DIR` on the same files (typed columns, line accounting, correlation, findings).", "",
          "| size | W3C MB | rows (DuckDB / corvid) | DuckDB s | DuckDB RSS MB | corvid s | corvid RSS MB | corvid MB/s | DuckDB / corvid |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        L.append(f"| {r['raw']/mb:,.0f} MB | {r['w3c_bytes']/mb:,.0f} | {r['duckdb_rows']:,} / {r['corvid_rows']:,} | {r['duckdb']:.2f} | {r['duckdb_rss']:,.0f} | "
                 f"{r['corvid_dir']:.2f} | {r['corvid_dir_rss']:,.0f} | {r['w3c_bytes']/mb/r['corvid_dir']:,.0f} | "
                 f"{r['duckdb']/r['corvid_dir']:.2f}x |")
    if ev:
        L += ["", "## EVTX: `evtx_dump -o jsonl` against corvid on the same .evtx files", "",
              "The event logs of `corvid simulate --scenario scripts/bench-evtx.toml` (System.evtx and "
              "Application.evtx). evtx_dump runs once per file with its default threads; corvid reads the files "
              "into `events` and `lifecycle` (Parquet) and correlates. *corvid read s* is the reading phase alone "
              "(`--timings`: records to Parquet, without correlation and report); *fast* is the share of "
              "records it read from their typed template values rather than through XML. The second row is "
              "the larger file alone, whose chunks both tools decode on all threads; the third a Security-style "
              "log of `examples/security_log.rs` (logons, logoffs, privileges, process creations with their "
              "real EventData names, laid out as Windows writes them: the EventData a nested template instance, "
              "which corvid reads as a second template). The target is read records/s against "
              "evtx_dump's records/s (*read ratio*); *ratio* is the whole run's.", "",
              "| files | records | MB | evtx_dump s | evtx_dump CPU s | evtx_dump records/s | corvid s | corvid CPU s | corvid records/s | corvid read s | read records/s | fast | ratio | read ratio |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for e in ev:
            L.append(f"| {e['files']} | {e['records']:,} | {e['bytes']/mb:.1f} | {e['dump']:.2f} | {e['dump_cpu']:.2f} | "
                     f"{e['records']/e['dump']:,.0f} | {e['corvid']:.2f} | {e['corvid_cpu']:.2f} | "
                     f"{e['records']/e['corvid']:,.0f} | {e['corvid_read']:.2f} | {e['records']/e['corvid_read']:,.0f} | "
                     f"{100*e['fast']:.1f} % | {e['dump']/e['corvid']:.2f}x | {e['dump']/e['corvid_read']:.2f}x |")
    if exports:
        L += ["", "## Event logs exported as CSV: DuckDB `read_csv` against corvid on the same files", "",
              "The System and Application logs of `scripts/bench-evtx.toml` exported as Event Viewer CSV and as "
              "PowerShell `Export-Csv` (`corvid simulate --event-forms viewer_csv,powershell_csv --tz "
              "America/New_York`). DuckDB: `COPY (SELECT * FROM read_csv(file, all_varchar=true, ...)) TO "
              "'...parquet'` in-process (quoted multi-line messages; no date parsing, no fields read from the "
              "messages). corvid: `corvid analyze FILES --tz America/New_York` (messages read back into fields "
              "with the event templates, local times to UTC, `events` and `lifecycle` in Parquet, correlation "
              "and report); *corvid read s* is its reading phase (`--timings`).", "",
              "| form | files | records | MB | DuckDB s | DuckDB records/s | corvid s | corvid read s | corvid read records/s | DuckDB / corvid read |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for e in exports:
            L.append(f"| {e['form']} | {e['files']} | {e['records']:,} | {e['bytes']/mb:.1f} | {e['duckdb']:.2f} | "
                     f"{e['records']/e['duckdb']:,.0f} | {e['corvid']:.2f} | {e['corvid_read']:.2f} | "
                     f"{e['records']/e['corvid_read']:,.0f} | {e['duckdb']/e['corvid_read']:.2f}x |")
    # Targets.
    e2e = max(r["corvid"] / r["unzip"] for r in rows)
    duck = min(r["duckdb"] / r["corvid_dir"] for r in rows)
    big = max(rows, key=lambda r: r["gb"])
    one = next((r for r in rows if r["gb"] == 1), None)
    per_gb = [r["corvid"] / (r["raw"] / 1e9) for r in rows]
    spread = max(per_gb) / min(per_gb) - 1
    share = max(r["share"] for r in rows)
    L += ["", "## Targets", "", "| target | measured | |", "|---|---|---|",
          f"| end to end at most {TARGETS['e2e']}x `unzip -p` | worst {e2e:.2f}x | {verdict(e2e <= TARGETS['e2e'])} |",
          f"| W3C to Parquet at least {TARGETS['duckdb']:.0f}x faster than DuckDB | worst {duck:.2f}x | {verdict(duck >= TARGETS['duckdb'])} |"]
    if ev:
        rate = min(e["dump"] / e["corvid_read"] for e in ev)
        L.append(f"| EVTX read records/s at least evtx_dump's | worst {rate:.2f}x | {verdict(rate >= 1)} |")
    if exports:
        worst = min(e["duckdb"] / e["corvid_read"] for e in exports)
        L.append(f"| event-log CSV read at least as fast as DuckDB's read_csv | worst {worst:.2f}x | {verdict(worst >= 1)} |")
    L.append(f"| peak RSS under {TARGETS['rss_mb']:.0f} MB at {big['raw']/1e9:.1f} GB | {big['corvid_rss']:,.0f} MB | {verdict(big['corvid_rss'] < TARGETS['rss_mb'])} |")
    if one and one is not big:
        g = big["corvid_rss"] / one["corvid_rss"] - 1
        L.append(f"| RSS growth from 1 GB to {big['raw']/1e9:.1f} GB under {100*TARGETS['rss_growth']:.0f} % | {100*g:+.1f} % | {verdict(g < TARGETS['rss_growth'])} |")
    L.append(f"| time per GB flat within {100*TARGETS['flat']:.0f} % over the sizes | spread {100*spread:.1f} % ({min(per_gb):.2f} to {max(per_gb):.2f} s/GB) | {verdict(spread <= TARGETS['flat'])} |")
    L.append(f"| correlation and report at most {100*TARGETS['correlate']:.0f} % of the time | worst {100*share:.1f} % | {verdict(share <= TARGETS['correlate'])} |")
    L += ["", "Generation: " + ", ".join(f"{r['raw']/mb:,.0f} MB in {r['sim_s']:.1f} s ({r['raw']/mb/r['sim_s']:,.0f} MB/s)" for r in rows) + "."]
    if prof:
        L += ["", f"## Where the time goes ({prof['gb']:g} GB bundle, `perf record -e cpu-clock`, both threads)", "",
              "| phase | share of samples |", "|---|---|"]
        for c, v in sorted(prof["cats"].items(), key=lambda kv: -kv[1]):
            L.append(f"| {c} | {v:.1f} % |")
        L += ["", "Top symbols:", "", "| % | symbol |", "|---|---|"]
        for pct, sym in prof["top"]:
            L.append(f"| {pct:.1f} | `{sym.replace('|', '/')}` |")
    L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corvid", required=True, help="the corvid binary (release build)")
    ap.add_argument("--evtx-dump", required=True, help="evtx_dump (cargo install evtx)")
    ap.add_argument("--security-log-writer", help="examples/security_log (release build): writes the large Security-style log")
    ap.add_argument("--security-records", type=int, default=1_000_000, help="records of the Security-style log (0: none)")
    ap.add_argument("--work", required=True, help="folder for generated inputs and outputs")
    ap.add_argument("--sizes", nargs="+", type=float, default=[0.25, 0.5, 1, 2, 4], help="sizes in GB")
    ap.add_argument("--runs", type=int, default=3, help="runs of each command per size")
    ap.add_argument("--out", default=str(REPO / "BENCHMARKS.md"), help="where to write the table")
    ap.add_argument("--no-profile", action="store_true", help="skip the perf profile")
    ap.add_argument("--keep", action="store_true", help="keep generated inputs")
    args = ap.parse_args()
    rows = []
    for gb in args.sizes:
        print(f"bench: {gb:g} GB", file=sys.stderr, flush=True)
        rows.append(bench_size(args, gb))
    print("bench: evtx", file=sys.stderr, flush=True)
    ev = bench_evtx(args)
    print("bench: event-log exports", file=sys.stderr, flush=True)
    exports = bench_exports(args)
    prof = None if args.no_profile else profile(args, min(1.0, max(args.sizes)))
    text = report(args, rows, ev, prof, exports)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
