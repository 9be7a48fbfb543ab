"""Loads every table of a corvid dataset with polars, pyarrow, DuckDB and pandas and checks
that timestamps come back as UTC instants and row counts match the manifest.

Usage: python3 tests/interop/check_dataset.py OUT   (OUT is corvid analyze's -o folder)
Run by tests/interop.rs (cargo test) after `pip install -r tests/interop/requirements.txt`.
"""
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

TABLES = ["httperr", "requests", "events", "lifecycle", "sites", "app_pools", "sources", "parse_errors"]
TIME_COLUMNS = {"httperr": ["time"], "requests": ["time", "start_time"], "events": ["time"],
                "lifecycle": ["time"], "sources": ["first_time", "last_time"]}


def one(query: str):
    """First row of a DuckDB query (None when empty)."""
    rows = duckdb.sql(query).fetchall()
    return rows[0] if rows else None


def main(out: Path) -> None:
    root = out / "dataset"
    counts = {}
    for t in TABLES:
        glob = str(root / t / "*" / "*.parquet")
        p = pl.read_parquet(glob, hive_partitioning=True)
        a = ds.dataset(str(root / t), format="parquet", partitioning="hive").to_table()
        d = one(f"select count(*) from read_parquet('{glob}', hive_partitioning=true)")[0]
        pdf = pd.read_parquet(str(root / t))
        assert p.height == a.num_rows == d == len(pdf), f"{t}: polars {p.height}, pyarrow {a.num_rows}, duckdb {d}, pandas {len(pdf)}"
        assert "host" in p.columns, f"{t}: hive partition column missing"
        for c in TIME_COLUMNS.get(t, []):
            assert p.schema[c] == pl.Datetime("us", "UTC"), f"{t}.{c}: polars {p.schema[c]}"
            at = a.schema.field(c).type
            assert pa.types.is_timestamp(at) and at.unit == "us" and at.tz == "UTC", f"{t}.{c}: pyarrow {at}"
            dt = one(f"select typeof({c}) from read_parquet('{glob}') limit 1")
            assert dt is None or dt[0] == "TIMESTAMP WITH TIME ZONE", f"{t}.{c}: duckdb {dt}"
            # The same instant through all three readers.
            if p.height:
                pmin = p[c].min()
                amin = pa.compute.min(a[c]).as_py()
                dmin = one(f"select min({c}) from read_parquet('{glob}')")[0]
                if pmin is not None:
                    assert pmin == amin == dmin, f"{t}.{c}: {pmin} / {amin} / {dmin}"
                    assert pmin.utcoffset().total_seconds() == 0
                    assert str(pdf[c].dt.tz) == "UTC", f"{t}.{c}: pandas {pdf[c].dtype}"
        counts[t] = p.height

    src = pl.read_parquet(str(root / "sources" / "*" / "*.parquet"))
    def total(kind, col):
        return int(src.filter(pl.col("kind") == kind)[col].fill_null(0).sum())
    assert counts["httperr"] == total("httperr", "rows"), "httperr rows differ from the manifest"
    assert counts["requests"] == total("w3c", "rows"), "requests rows differ from the manifest"
    assert counts["events"] == total("evtx", "records"), "events rows differ from the manifest"
    assert counts["events"] + counts["lifecycle"] == total("evtx", "rows")
    assert counts["sites"] + counts["app_pools"] == total("appconfig", "rows")
    errors = int(src["error_lines"].fill_null(0).sum() + src["record_failures"].fill_null(0).sum())
    assert counts["parse_errors"] == errors, f"parse_errors {counts['parse_errors']} != manifest {errors}"
    assert counts["sources"] == src.height
    print("ok", counts)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
