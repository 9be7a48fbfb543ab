"""Runs every query in queries/ over a corvid dataset with DuckDB (and with polars SQL
for the queries whose header lists `polars`), and checks each result against an
independent computation, and the two engines against each other.

Usage: python3 tests/interop/check_queries.py OUT GROUND_TRUTH   (run by tests/interop.rs)
"""
import json
import re
import sys
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["httperr", "requests", "events", "lifecycle", "sites", "app_pools", "sources",
          "parse_errors", "incidents", "incident_evidence"]


def main(out: Path, truth_file: Path) -> None:
    dataset = out / "dataset"
    con = duckdb.connect()
    views = (ROOT / "queries" / "_views.sql").read_text().replace("out/dataset", str(dataset))
    con.execute(views)
    frames = {t: pl.read_parquet(str(dataset / t / "*" / "*.parquet"), hive_partitioning=True) for t in TABLES}
    ctx = pl.SQLContext(frames=frames, eager=True)
    truth = json.loads(truth_file.read_text())
    findings = json.loads((out / "findings.json").read_text())
    results = {}
    for q in sorted((ROOT / "queries").glob("*.sql")):
        if q.name.startswith("_"):
            continue
        sql = q.read_text()
        d = pl.from_arrow(con.sql(sql).to_arrow_table())
        results[q.stem] = d
        engines = re.search(r"engines:\s*([a-z, ]+)", sql)
        if engines and "polars" in engines.group(1):
            p = ctx.execute(sql)
            assert p.height == d.height, f"{q.name}: polars {p.height} rows, duckdb {d.height}"
            a = d.sort(d.columns, nulls_last=True)
            b = p.sort(p.columns, nulls_last=True)
            for c in d.columns:
                assert a[c].cast(pl.String).to_list() == b[c].cast(pl.String).to_list() or \
                    a[c].cast(pl.Float64, strict=False).round(6).to_list() == b[c].cast(pl.Float64, strict=False).round(6).to_list(), \
                    f"{q.name}: column {c} differs between DuckDB and polars"
        print(f"ok {q.name}: {d.height} rows")

    h = frames["httperr"]
    abandoned = h.filter(pl.col("reason").is_in(["Connection_Abandoned_By_ReqQueue", "Connection_Abandoned_By_AppPool"]))
    r = results["abandons_per_pool_per_minute"]
    assert int(r["abandoned"].sum()) == abandoned.height
    assert abandoned.height == sum(i["impact"]["abandoned"] for i in truth["incidents"])

    r = results["crash_signatures"]
    expected = sum(1 for i in truth["incidents"] if i["kind"] == "crash") + \
        5 * sum(1 for i in truth["incidents"] if i["kind"] == "rapid_fail")
    assert int(r["crashes"].sum()) == expected, f"{int(r['crashes'].sum())} crashes, truth {expected}"

    r = results["incidents_with_evidence"]
    assert r.height == sum(len(i["evidence"]) for i in findings["incidents"])
    assert r["incident_id"].n_unique() == len(findings["incidents"])

    life = frames["lifecycle"]
    assert results["recycle_history"].height == life.filter(pl.col("kind").is_in(["recycle", "shutdown"])).height
    assert int(results["failed_requests_per_site_minute"]["requests"].sum()) == frames["requests"].height
    assert int(results["coverage_per_source"]["files"].sum()) == frames["sources"].height

    # Requests in flight at a death, computed again in Python.
    req = frames["requests"]
    sites = frames["sites"].filter(pl.col("app_path") == "/")
    deaths = life.filter((pl.col("kind") == "crash") & pl.col("app_pool").is_not_null())
    n = 0
    for d in deaths.iter_rows(named=True):
        ids = sites.filter(pl.col("app_pool").str.to_lowercase() == d["app_pool"].lower())["site_id"].to_list()
        n += req.filter(pl.col("site_id").is_in(ids) & (pl.col("start_time") <= d["time"]) & (pl.col("time") >= d["time"])).height
    assert results["requests_in_flight_at_crash"].height == n
    print("all queries checked")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
