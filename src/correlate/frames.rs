//! Reading columns of the collected frames into plain vectors for the rules.

use polars::prelude::*;

/// A column as optional i64 (times as microseconds); all-null if missing.
pub fn i64s(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    match df.column(name) {
        Ok(c) => {
            let s = c.as_materialized_series().to_physical_repr();
            match s.cast(&DataType::Int64) {
                Ok(s) => s
                    .i64()
                    .map(|ca| ca.iter().collect())
                    .unwrap_or_else(|_| vec![None; df.height()]),
                Err(_) => vec![None; df.height()],
            }
        }
        Err(_) => vec![None; df.height()],
    }
}

/// A column as optional strings; all-null if missing.
pub fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    match df.column(name).ok().and_then(|c| c.str().ok()) {
        Some(ca) => ca.iter().map(|v| v.map(str::to_string)).collect(),
        None => vec![None; df.height()],
    }
}

/// A column as optional booleans; all-null if missing.
pub fn bools(df: &DataFrame, name: &str) -> Vec<Option<bool>> {
    match df.column(name).ok().and_then(|c| c.bool().ok()) {
        Some(ca) => ca.iter().collect(),
        None => vec![None; df.height()],
    }
}
