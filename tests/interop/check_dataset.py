"""Loads every table of a corvid dataset with polars, pyarrow, DuckDB and pandas and checks
that timestamps come back as UTC instants, text as plain strings (not dictionaries or
categoricals, whatever the pages hold), and row counts match the manifest.

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
import pyarrow.parquet as pq

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
        # Text pages are dictionary-encoded where values repeat; readers still get strings.
        for f in a.schema:
            if pa.types.is_dictionary(f.type):
                raise AssertionError(f"{t}.{f.name}: pyarrow reads a dictionary ({f.type})")
            if f.name != "host" and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
                assert p.schema[f.name] == pl.String, f"{t}.{f.name}: polars {p.schema[f.name]}"
                assert str(pdf[f.name].dtype) != "category", f"{t}.{f.name}: pandas {pdf[f.name].dtype}"
        counts[t] = p.height

    src = pl.read_parquet(str(root / "sources" / "*" / "*.parquet"))
    def total(kind, col):
        return int(src.filter(pl.col("kind") == kind)[col].fill_null(0).sum())
    assert counts["httperr"] == total("httperr", "rows"), "httperr rows differ from the manifest"
    # W3C and the legacy access log formats (IIS log format, NCSA, Advanced Logging).
    access = sum(total(k, "rows") for k in ("w3c", "iis_native", "ncsa", "iis_advanced"))
    assert counts["requests"] == access, "requests rows differ from the manifest"
    logs = total("evtx", "records") + total("event_export", "records")
    assert counts["events"] == logs, "events rows differ from the manifest"
    assert counts["events"] + counts["lifecycle"] == total("evtx", "rows") + total("event_export", "rows")
    assert counts["sites"] + counts["app_pools"] == total("appconfig", "rows")
    errors = int(src["error_lines"].fill_null(0).sum() + src["record_failures"].fill_null(0).sum())
    assert counts["parse_errors"] == errors, f"parse_errors {counts['parse_errors']} != manifest {errors}"
    assert counts["sources"] == src.height

    # A column of few distinct values is stored as a dictionary (the file stays small).
    if counts["requests"] >= 1000:
        encodings = set()
        for f in sorted((root / "requests").glob("*/*.parquet")):
            meta = pq.ParquetFile(f).metadata
            at = meta.schema.names.index("cs_method")
            for g in range(meta.num_row_groups):
                encodings.update(meta.row_group(g).column(at).encodings)
        assert "RLE_DICTIONARY" in encodings, f"requests.cs_method pages: {encodings}"
    print("ok", counts)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
