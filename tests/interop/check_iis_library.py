"""Runs the IIS query library of queries/ (requests and HTTP.sys errors per hour, top
URLs, slowest URLs, statuses, win32 statuses, clients, user agents, bytes) over a corvid
dataset in DuckDB and in polars SQL, checks that the engines agree row for row (in the
queries' order), and checks every result against an independent computation written
with polars DataFrame expressions and, for the percentiles, plain Python.

DuckDB runs each query twice, with the session TimeZone at UTC and at Asia/Kolkata
(UTC+05:30): hour buckets must not follow the session's zone.

Usage: python3 tests/interop/check_iis_library.py OUT   (run by tests/interop.rs)
"""
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["requests", "httperr"]
ZONES = ["UTC", "Asia/Kolkata"]
HOUR_US = 3_600_000_000


# Independent computations --------------------------------------------------------------

def hour_utc(col: str) -> pl.Expr:
    """Start of the UTC hour as a naive timestamp, by integer arithmetic on the instant."""
    return (pl.col(col).dt.epoch("us") // HOUR_US * HOUR_US).cast(pl.Datetime("us"))


def count_if(cond: pl.Expr) -> pl.Expr:
    """SQL count(CASE WHEN cond THEN 1 END): a null condition does not count."""
    return cond.fill_null(False).sum().cast(pl.Int64)


def sql_sum(col: str) -> pl.Expr:
    """SQL sum(): null when every value is null (polars' sum gives 0)."""
    return pl.when(pl.col(col).count() > 0).then(pl.col(col).sum()).otherwise(None)


def ordered(df: pl.DataFrame, keys: list[tuple[str, bool]]) -> pl.DataFrame:
    """ORDER BY keys ((column, descending) pairs), nulls last as the queries say."""
    return df.sort([k for k, _ in keys], descending=[d for _, d in keys], nulls_last=True,
                   maintain_order=True)


def top_per_bundle(df: pl.DataFrame, n: int, keys: list[tuple[str, bool]]) -> pl.DataFrame:
    """The first n rows of each bundle in the order of keys (which start with bundle_id)."""
    return ordered(df, keys).group_by("bundle_id", maintain_order=True).head(n)


def nearest_rank(values: list[int], q: Fraction) -> int:
    """PERCENTILE_DISC: the smallest value whose cumulative share reaches q."""
    values = sorted(values)
    k = math.ceil(q * len(values))
    return values[max(k, 1) - 1]


def status_between(lo: int, hi: int) -> pl.Expr:
    return pl.col("sc_status").is_between(lo, hi)


def expect_requests_per_hour(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.with_columns(hour_utc=hour_utc("time")).group_by("bundle_id", "hour_utc").agg(
        requests=pl.len().cast(pl.Int64),
        http_4xx=count_if(status_between(400, 499)),
        http_5xx=count_if(status_between(500, 599)),
        broken=count_if(pl.col("sc_win32_status").is_in([64, 995, 1236])),
    )
    assert int(df["requests"].sum()) == r.height
    return ordered(df, [("bundle_id", False), ("hour_utc", False)])


def expect_top_urls_by_requests(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.group_by("bundle_id", "cs_uri_stem").agg(
        requests=pl.len().cast(pl.Int64),
        http_4xx=count_if(status_between(400, 499)),
        http_5xx=count_if(status_between(500, 599)),
        avg_time_taken_ms=pl.col("time_taken_ms").mean(),
    )
    return top_per_bundle(df, 20, [("bundle_id", False), ("requests", True), ("cs_uri_stem", False)])


def expect_top_urls_by_time_taken(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.filter(pl.col("time_taken_ms").is_not_null()).group_by("bundle_id", "cs_uri_stem").agg(
        total_time_taken_ms=pl.col("time_taken_ms").sum(),
        requests=pl.len().cast(pl.Int64),
        avg_time_taken_ms=pl.col("time_taken_ms").mean(),
        max_time_taken_ms=pl.col("time_taken_ms").max(),
    )
    return top_per_bundle(df, 20, [("bundle_id", False), ("total_time_taken_ms", True), ("cs_uri_stem", False)])


def expect_slowest_urls(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    # Plain Python: the time-taken of each URL, then nearest-rank percentiles.
    times: dict[tuple, list[int]] = {}
    for b, u, t in r.select("bundle_id", "cs_uri_stem", "time_taken_ms").iter_rows():
        if t is not None:
            times.setdefault((b, u), []).append(t)
    rows = []
    for (b, u), ts in times.items():
        if len(ts) >= 10:
            rows.append({"bundle_id": b, "cs_uri_stem": u, "requests": len(ts),
                         "p50_ms": nearest_rank(ts, Fraction(1, 2)),
                         "p95_ms": nearest_rank(ts, Fraction(95, 100)),
                         "p99_ms": nearest_rank(ts, Fraction(99, 100)),
                         "max_ms": max(ts)})
    schema = {"bundle_id": pl.String, "cs_uri_stem": pl.String, "requests": pl.Int64, "p50_ms": pl.Int64,
              "p95_ms": pl.Int64, "p99_ms": pl.Int64, "max_ms": pl.Int64}
    df = pl.DataFrame(rows, schema=schema)
    return top_per_bundle(df, 20, [("bundle_id", False), ("p95_ms", True), ("p99_ms", True),
                                   ("requests", True), ("cs_uri_stem", False)])


def expect_status_distribution(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    totals = r.group_by("bundle_id").agg(total=pl.len())
    df = (r.group_by("bundle_id", "sc_status", "sc_substatus").agg(requests=pl.len().cast(pl.Int64))
          .join(totals, on="bundle_id")
          .with_columns(percent=100.0 * pl.col("requests") / pl.col("total"))
          .drop("total"))
    for s in df.group_by("bundle_id").agg(pl.col("percent").sum())["percent"]:
        assert abs(s - 100.0) < 1e-6, f"status percentages add up to {s}"
    return ordered(df, [("bundle_id", False), ("requests", True), ("sc_status", False), ("sc_substatus", False)])


def expect_server_errors_per_url_hour(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = (r.filter(status_between(500, 599)).with_columns(hour_utc=hour_utc("time"))
          .group_by("bundle_id", "hour_utc", "cs_uri_stem", "sc_status", "sc_substatus")
          .agg(requests=pl.len().cast(pl.Int64)))
    assert int(df["requests"].sum()) == r.filter(status_between(500, 599)).height
    return ordered(df, [("bundle_id", False), ("hour_utc", False), ("requests", True), ("cs_uri_stem", False),
                        ("sc_status", False), ("sc_substatus", False)])


def expect_win32_status_per_url(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.filter(pl.col("sc_win32_status") != 0).group_by("bundle_id", "sc_win32_status", "cs_uri_stem").agg(
        requests=pl.len().cast(pl.Int64),
        first_seen=pl.col("time").min(),
        last_seen=pl.col("time").max(),
    )
    return top_per_bundle(df, 50, [("bundle_id", False), ("requests", True), ("sc_win32_status", False),
                                   ("cs_uri_stem", False)])


def expect_top_clients(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.group_by("bundle_id", "c_ip").agg(
        requests=pl.len().cast(pl.Int64),
        errors=count_if(status_between(400, 599)),
        sc_bytes_total=sql_sum("sc_bytes"),
        first_seen=pl.col("time").min(),
        last_seen=pl.col("time").max(),
    )
    return top_per_bundle(df, 20, [("bundle_id", False), ("requests", True), ("c_ip", False)])


def expect_top_user_agents(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.group_by("bundle_id", "user_agent").agg(
        requests=pl.len().cast(pl.Int64),
        clients=pl.col("c_ip").drop_nulls().n_unique().cast(pl.Int64),  # count(DISTINCT) skips nulls
        errors=count_if(status_between(400, 599)),
    )
    return top_per_bundle(df, 20, [("bundle_id", False), ("requests", True), ("user_agent", False)])


def expect_httperr_reasons_per_queue_hour(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = (h.with_columns(hour_utc=hour_utc("time")).group_by("bundle_id", "hour_utc", "queue", "reason")
          .agg(lines=pl.len().cast(pl.Int64)))
    assert int(df["lines"].sum()) == h.height
    return ordered(df, [("bundle_id", False), ("hour_utc", False), ("queue", False), ("lines", True),
                        ("reason", False)])


def expect_bytes_per_url(r: pl.DataFrame, h: pl.DataFrame) -> pl.DataFrame:
    df = r.filter(pl.col("sc_bytes").is_not_null()).group_by("bundle_id", "cs_uri_stem").agg(
        requests=pl.len().cast(pl.Int64),
        sc_bytes_total=pl.col("sc_bytes").sum(),
        sc_bytes_avg=pl.col("sc_bytes").mean(),
        sc_bytes_max=pl.col("sc_bytes").max(),
        cs_bytes_total=sql_sum("cs_bytes"),
    )
    return top_per_bundle(df, 20, [("bundle_id", False), ("sc_bytes_total", True), ("cs_uri_stem", False)])


LIBRARY = {
    "requests_per_hour": expect_requests_per_hour,
    "top_urls_by_requests": expect_top_urls_by_requests,
    "top_urls_by_time_taken": expect_top_urls_by_time_taken,
    "slowest_urls": expect_slowest_urls,
    "status_distribution": expect_status_distribution,
    "server_errors_per_url_hour": expect_server_errors_per_url_hour,
    "win32_status_per_url": expect_win32_status_per_url,
    "top_clients": expect_top_clients,
    "top_user_agents": expect_top_user_agents,
    "httperr_reasons_per_queue_hour": expect_httperr_reasons_per_queue_hour,
    "bytes_per_url": expect_bytes_per_url,
}


# Comparison ------------------------------------------------------------------------------

def values(s: pl.Series) -> list:
    """Python values; instants as UTC microseconds, naive timestamps as their microseconds."""
    if isinstance(s.dtype, pl.Datetime):
        return s.dt.epoch("us").to_list()
    return s.to_list()


def same_type(a: pl.DataType, b: pl.DataType) -> bool:
    """Equal types; for timestamps, the same unit and both with or both without a zone
    (DuckDB names the session's zone, polars says UTC)."""
    if isinstance(a, pl.Datetime) and isinstance(b, pl.Datetime):
        return a.time_unit == b.time_unit and (a.time_zone is None) == (b.time_zone is None)
    return a == b


def equal(x, y) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if isinstance(x, float) or isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return x == y


def assert_same(a: pl.DataFrame, b: pl.DataFrame, what: str, strict_types: bool) -> None:
    assert a.columns == b.columns, f"{what}: columns {a.columns} vs {b.columns}"
    assert a.height == b.height, f"{what}: {a.height} rows vs {b.height}"
    for c in a.columns:
        if strict_types:
            assert same_type(a[c].dtype, b[c].dtype), f"{what}: column {c} is {a[c].dtype} vs {b[c].dtype}"
        else:
            assert isinstance(a[c].dtype, pl.Datetime) == isinstance(b[c].dtype, pl.Datetime), \
                f"{what}: column {c} is {a[c].dtype} vs {b[c].dtype}"
            if isinstance(a[c].dtype, pl.Datetime):
                assert same_type(a[c].dtype, b[c].dtype), f"{what}: column {c} is {a[c].dtype} vs {b[c].dtype}"
        for i, (x, y) in enumerate(zip(values(a[c]), values(b[c]))):
            assert equal(x, y), f"{what}: row {i} column {c}: {x!r} vs {y!r}\n{a[i]}\n{b[i]}"


def main(out: Path) -> None:
    dataset = out / "dataset"
    views = (ROOT / "queries" / "_views.sql").read_text().replace("out/dataset", str(dataset))
    cons = {}
    for zone in ZONES:
        con = duckdb.connect()
        con.execute(f"SET TimeZone = '{zone}'")
        con.execute(views)
        cons[zone] = con
    frames = {t: pl.read_parquet(str(dataset / t / "*" / "*.parquet"), hive_partitioning=True) for t in TABLES}
    ctx = pl.SQLContext(frames=frames, eager=True)
    r, h = frames["requests"], frames["httperr"]
    for name, expect in LIBRARY.items():
        q = ROOT / "queries" / f"{name}.sql"
        sql = q.read_text()
        engines = re.search(r"engines:\s*([a-z, ]+)", sql)
        assert engines and {"duckdb", "polars"} <= {e.strip() for e in engines.group(1).split(",")}, \
            f"{q.name}: the header does not say `engines: duckdb, polars`"
        results = {f"duckdb ({zone})": pl.from_arrow(con.sql(sql).to_arrow_table()) for zone, con in cons.items()}
        results["polars SQL"] = ctx.execute(sql)
        first_name, first = next(iter(results.items()))
        for other_name, other in results.items():
            assert_same(first, other, f"{q.name}: {first_name} vs {other_name}", strict_types=True)
        expected = expect(r, h)
        for engine, got in results.items():
            assert_same(got, expected, f"{q.name}: {engine} vs the independent computation", strict_types=False)
        print(f"ok {q.name}: {first.height} rows, {', '.join(results)} and the independent computation agree")
    print("all IIS library queries checked")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
