//! The dataset's tables: the one place that defines each table's columns, types and
//! meaning. Parsers fill a table through its `*Row` struct and `*Table` builder; the
//! dataset writer and the documentation read the same [`TableDef`].
//!
//! Every table is declared once with [`define_table!`]; the macro generates the
//! borrowed row struct (no per-field allocation), the column builder that turns rows
//! into a [`Batch`] of Arrow arrays, and the static description used by `corvid schema`
//! and the README.

mod batch;
mod columns;

pub mod app_pools;
pub mod events;
pub mod httperr;
pub mod incident_evidence;
pub mod incidents;
pub mod lifecycle;
pub mod parse_errors;
pub mod requests;
pub mod sites;
pub mod sources;

pub use batch::{Batch, Ints, Strs};

use crate::domain::lifecycle::{Lifecycle, Origin};
pub use columns::{BoolCol, I32Col, I64Col, Kind, StrCol, TimeCol};

/// Description of one column: its name, logical kind and meaning.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    /// Column name as written to Parquet.
    pub name: &'static str,
    /// Logical type.
    pub kind: Kind,
    /// One-line meaning, for the README and `corvid schema`.
    pub doc: &'static str,
}

/// Description of one table of the dataset.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    /// Table (folder) name.
    pub name: &'static str,
    /// What one row is.
    pub doc: &'static str,
    /// Columns in order.
    pub columns: &'static [ColumnDef],
}

/// Identifies a table; used by sinks to route batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableId {
    /// HTTP.sys error log lines.
    Httperr,
    /// W3C access log requests.
    Requests,
    /// Event log records.
    Events,
    /// App-pool lifecycle events derived from `events`.
    Lifecycle,
    /// Sites and applications from applicationHost.config.
    Sites,
    /// Application pools from applicationHost.config.
    AppPools,
    /// The manifest: one row per bundle entry.
    Sources,
    /// Lines and records that could not be parsed.
    ParseErrors,
    /// Incidents found by correlation.
    Incidents,
    /// Evidence of each incident.
    IncidentEvidence,
}

impl TableId {
    /// Every table, in a fixed order.
    pub const ALL: [TableId; 10] = [
        TableId::Httperr,
        TableId::Requests,
        TableId::Events,
        TableId::Lifecycle,
        TableId::Sites,
        TableId::AppPools,
        TableId::Sources,
        TableId::ParseErrors,
        TableId::Incidents,
        TableId::IncidentEvidence,
    ];

    /// The table's definition.
    pub fn def(self) -> &'static TableDef {
        match self {
            TableId::Httperr => &httperr::HttperrTable::DEF,
            TableId::Requests => &requests::RequestsTable::DEF,
            TableId::Events => &events::EventsTable::DEF,
            TableId::Lifecycle => &lifecycle::LifecycleTable::DEF,
            TableId::Sites => &sites::SitesTable::DEF,
            TableId::AppPools => &app_pools::AppPoolsTable::DEF,
            TableId::Sources => &sources::SourcesTable::DEF,
            TableId::ParseErrors => &parse_errors::ParseErrorsTable::DEF,
            TableId::Incidents => &incidents::IncidentsTable::DEF,
            TableId::IncidentEvidence => &incident_evidence::IncidentEvidenceTable::DEF,
        }
    }

    /// The table's folder name in the dataset.
    pub fn name(self) -> &'static str {
        self.def().name
    }
}

/// What every table builder offers, so batching code can be written once.
pub trait Builder {
    /// The table this builder fills.
    const ID: TableId;
    /// Rows buffered.
    fn len(&self) -> usize;
    /// Whether no row is buffered.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bytes buffered (approximate).
    fn heap_bytes(&self) -> usize;
    /// Moves the buffered rows out as a batch.
    fn take(&mut self) -> Batch;
}

/// What one value adds to a table builder at most. A text value: its length, plus in a
/// dictionary column its id, validity, offset and hash slot (24 bytes with the table at
/// its lowest load), or in a plain column its offset and validity. A number: its width
/// and validity. (A batch a text column hands on plain is copied once at the end, so for
/// that moment the column holds up to twice as much.)
pub trait ValueBytes {
    /// Bytes, at most.
    fn value_bytes(&self) -> usize;
}

impl ValueBytes for Option<&str> {
    #[inline]
    fn value_bytes(&self) -> usize {
        24 + self.map_or(0, str::len)
    }
}

macro_rules! fixed_value_bytes {
    ($($t:ty),*) => {
        $(impl ValueBytes for Option<$t> {
            #[inline]
            fn value_bytes(&self) -> usize {
                1 + std::mem::size_of::<$t>()
            }
        })*
    };
}
fixed_value_bytes!(i64, i32, bool);

/// Receives finished batches of a table. Implemented by the dataset writer (and by
/// anything else that consumes rows, such as the correlator's digest).
///
/// The contract: `put` takes every batch of every table in the order the rows were
/// read; an error stops the reader. `lifecycle` also receives each lifecycle event as
/// the typed value its `lifecycle` row was written from, as soon as it is read (the
/// row itself arrives later, in a batch): the correlator reasons on typed values and
/// never reads the table's text back. A sink that wraps another passes both on; one
/// that only writes rows says so with an empty `lifecycle`.
pub trait BatchSink {
    /// Takes one batch of rows.
    fn put(&mut self, batch: Batch) -> crate::Result<()>;

    /// Takes one lifecycle event, typed.
    fn lifecycle(&mut self, origin: &Origin<'_>, event: &Lifecycle);
}

/// A sink that discards every batch (the fuzz targets read into it).
pub struct NullSink;

impl BatchSink for NullSink {
    fn put(&mut self, _: Batch) -> crate::Result<()> {
        Ok(())
    }

    fn lifecycle(&mut self, _: &Origin<'_>, _: &Lifecycle) {}
}

/// Declares a table: its row struct, its builder and its [`TableDef`].
///
/// ```ignore
/// define_table! {
///     /// doc of the table
///     FooTable, FooRow, Foo, "foo", "one row per foo", {
///         time: Time = "when",
///         name: Str = "what",
///     }
/// }
/// ```
macro_rules! define_table {
    (
        $(#[$meta:meta])*
        $table:ident, $row:ident, $id:ident, $name:literal, $doc:literal, {
            $( $col:ident : $kind:ident = $cdoc:literal ),* $(,)?
        }
    ) => {
        /// One row; strings are borrowed so filling a row allocates nothing.
        #[derive(Debug, Clone, Default)]
        pub struct $row<'a> {
            $( #[doc = $cdoc] pub $col: $crate::tables::row_type!($kind), )*
        }

        $(#[$meta])*
        pub struct $table {
            len: usize,
            batch_bytes: usize,
            $( $col: $crate::tables::builder_type!($kind), )*
        }

        impl $table {
            /// The table's description.
            pub const DEF: $crate::tables::TableDef = $crate::tables::TableDef {
                name: $name,
                doc: $doc,
                columns: &[ $( $crate::tables::ColumnDef {
                    name: stringify!($col),
                    kind: $crate::tables::Kind::$kind,
                    doc: $cdoc,
                } ),* ],
            };

            /// An empty builder with room for `capacity` rows.
            pub fn with_capacity(capacity: usize) -> Self {
                Self { len: 0, batch_bytes: 0, $( $col: <$crate::tables::builder_type!($kind)>::with_capacity(capacity), )* }
            }

            /// Appends one row.
            #[inline]
            pub fn push(&mut self, row: &$row<'_>) {
                $( self.$col.push(row.$col); )*
                self.len += 1;
                self.batch_bytes += 0 $( + $crate::tables::ValueBytes::value_bytes(&row.$col) )*;
            }

            /// Rows buffered since the last [`Self::take`].
            pub fn len(&self) -> usize {
                self.len
            }

            /// Whether no row is buffered.
            pub fn is_empty(&self) -> bool {
                self.len == 0
            }

            /// Bytes of the rows buffered, to bound memory: at least what the column
            /// builders hold (see [`crate::tables::ValueBytes`]; a text value repeated in a dictionary
            /// column is counted each time).
            pub fn heap_bytes(&self) -> usize {
                self.batch_bytes
            }

            /// Moves the buffered rows out as a [`Batch`] and starts a new one.
            pub fn take(&mut self) -> $crate::tables::Batch {
                let columns = vec![ $( self.$col.take(), )* ];
                let len = std::mem::take(&mut self.len);
                self.batch_bytes = 0;
                $crate::tables::Batch::new($crate::tables::TableId::$id, len, columns)
            }
        }

        impl $crate::tables::Builder for $table {
            const ID: $crate::tables::TableId = $crate::tables::TableId::$id;
            fn len(&self) -> usize {
                self.len
            }
            fn heap_bytes(&self) -> usize {
                $table::heap_bytes(self)
            }
            fn take(&mut self) -> $crate::tables::Batch {
                $table::take(self)
            }
        }
    };
}
pub(crate) use define_table;

macro_rules! row_type {
    (Str) => { Option<&'a str> };
    (I64) => { Option<i64> };
    (I32) => { Option<i32> };
    (Bool) => { Option<bool> };
    (Time) => { Option<i64> };
}
pub(crate) use row_type;

macro_rules! builder_type {
    (Str) => {
        $crate::tables::StrCol
    };
    (I64) => {
        $crate::tables::I64Col
    };
    (I32) => {
        $crate::tables::I32Col
    };
    (Bool) => {
        $crate::tables::BoolCol
    };
    (Time) => {
        $crate::tables::TimeCol
    };
}
pub(crate) use builder_type;

/// Renders the schema of every table as Markdown (used by `corvid schema` and kept in
/// the README by a test).
pub fn schema_markdown() -> String {
    let mut out = String::new();
    for id in TableId::ALL {
        let def = id.def();
        out.push_str(&format!("### `{}`\n\n{}\n\n", def.name, def.doc));
        out.push_str("| column | type | meaning |\n|---|---|---|\n");
        for c in def.columns {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.name,
                c.kind.type_name(),
                c.doc
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builder_counts_the_bytes_of_its_rows_until_taken() {
        use httperr::{HttperrRow, HttperrTable};
        let mut t = HttperrTable::with_capacity(2);
        let long = "x".repeat(100_000);
        for _ in 0..3 {
            t.push(&HttperrRow {
                cs_uri: Some(&long),
                reason: Some("Timer_ConnectionIdle"),
                ..Default::default()
            });
        }
        assert!(
            t.heap_bytes() >= 300_000,
            "a repeated long value counts each time: {}",
            t.heap_bytes()
        );
        assert!(t.heap_bytes() < 310_000, "{}", t.heap_bytes());
        let batch = t.take();
        assert_eq!(batch.len(), 3);
        assert_eq!(t.heap_bytes(), 0);
    }

    #[test]
    fn no_column_collides_with_the_partition_key_or_repeats() {
        for id in TableId::ALL {
            let def = id.def();
            let mut names: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
            assert!(
                !names.contains(&"host"),
                "{}: `host` is the hive partition key",
                def.name
            );
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                def.columns.len(),
                "{}: repeated column",
                def.name
            );
        }
    }
}
