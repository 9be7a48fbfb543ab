//! Column builders: append values of one logical kind and turn them into a polars
//! `Column` without per-value allocation.

use polars::prelude::*;

/// Logical column kinds of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Str,
    /// 64-bit signed integer.
    I64,
    /// 32-bit signed integer.
    I32,
    /// Boolean.
    Bool,
    /// Instant in UTC, microsecond precision.
    Time,
}

impl Kind {
    /// The Parquet/Arrow type name shown in the documentation.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::I64 => "int64",
            Kind::I32 => "int32",
            Kind::Bool => "bool",
            Kind::Time => "timestamp[us, UTC]",
        }
    }

    /// The polars data type of the column.
    pub fn dtype(self) -> DataType {
        match self {
            Kind::Str => DataType::String,
            Kind::I64 => DataType::Int64,
            Kind::I32 => DataType::Int32,
            Kind::Bool => DataType::Boolean,
            Kind::Time => DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        }
    }
}

/// Nullable text column.
pub struct StrCol {
    builder: StringChunkedBuilder,
    capacity: usize,
    bytes: usize,
}

impl StrCol {
    /// Empty column with room for `capacity` values.
    pub fn with_capacity(capacity: usize) -> Self {
        StrCol {
            builder: StringChunkedBuilder::new(PlSmallStr::EMPTY, capacity),
            capacity,
            bytes: 0,
        }
    }

    /// Appends a value or a null.
    #[inline]
    pub fn push(&mut self, v: Option<&str>) {
        match v {
            Some(s) => {
                self.bytes += s.len() + 16;
                self.builder.append_value(s)
            }
            None => {
                self.bytes += 16;
                self.builder.append_null()
            }
        }
    }

    /// Bytes held (approximate).
    pub fn heap_bytes(&self) -> usize {
        self.bytes
    }

    /// Moves the values out as a column named `name`.
    pub fn take(&mut self, name: &str) -> Column {
        let old = std::mem::replace(
            &mut self.builder,
            StringChunkedBuilder::new(PlSmallStr::EMPTY, self.capacity),
        );
        self.bytes = 0;
        old.finish().with_name(name.into()).into_column()
    }
}

macro_rules! primitive_col {
    ($name:ident, $native:ty, $chunked:ty, $doc:literal) => {
        #[doc = $doc]
        pub struct $name {
            values: Vec<$native>,
            valid: Vec<bool>,
            nulls: usize,
        }

        impl $name {
            /// Empty column with room for `capacity` values.
            pub fn with_capacity(capacity: usize) -> Self {
                $name {
                    values: Vec::with_capacity(capacity),
                    valid: Vec::with_capacity(capacity),
                    nulls: 0,
                }
            }

            /// Appends a value or a null.
            #[inline]
            pub fn push(&mut self, v: Option<$native>) {
                match v {
                    Some(v) => {
                        self.values.push(v);
                        self.valid.push(true);
                    }
                    None => {
                        self.values.push(Default::default());
                        self.valid.push(false);
                        self.nulls += 1;
                    }
                }
            }

            /// Bytes held (approximate).
            pub fn heap_bytes(&self) -> usize {
                self.values.len() * (std::mem::size_of::<$native>() + 1)
            }

            fn take_chunked(&mut self, name: &str) -> $chunked {
                let cap = self.values.capacity();
                let values = std::mem::replace(&mut self.values, Vec::with_capacity(cap));
                let valid = std::mem::replace(&mut self.valid, Vec::with_capacity(cap));
                let nulls = std::mem::take(&mut self.nulls);
                let validity = (nulls > 0).then(|| valid.into_iter().collect());
                <$chunked>::from_vec_validity(name.into(), values, validity)
            }
        }
    };
}

primitive_col!(I64Col, i64, Int64Chunked, "Nullable 64-bit integer column.");
primitive_col!(I32Col, i32, Int32Chunked, "Nullable 32-bit integer column.");
primitive_col!(
    TimeCol,
    i64,
    Int64Chunked,
    "Nullable UTC instant column, microseconds since the Unix epoch."
);

impl I64Col {
    /// Moves the values out as a column named `name`.
    pub fn take(&mut self, name: &str) -> Column {
        self.take_chunked(name).into_column()
    }
}

impl I32Col {
    /// Moves the values out as a column named `name`.
    pub fn take(&mut self, name: &str) -> Column {
        self.take_chunked(name).into_column()
    }
}

impl TimeCol {
    /// Moves the values out as a `Datetime(us, UTC)` column named `name`.
    pub fn take(&mut self, name: &str) -> Column {
        self.take_chunked(name)
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column()
    }
}

/// Nullable boolean column.
pub struct BoolCol {
    values: Vec<Option<bool>>,
}

impl BoolCol {
    /// Empty column with room for `capacity` values.
    pub fn with_capacity(capacity: usize) -> Self {
        BoolCol {
            values: Vec::with_capacity(capacity),
        }
    }

    /// Appends a value or a null.
    #[inline]
    pub fn push(&mut self, v: Option<bool>) {
        self.values.push(v);
    }

    /// Bytes held (approximate).
    pub fn heap_bytes(&self) -> usize {
        self.values.len()
    }

    /// Moves the values out as a column named `name`.
    pub fn take(&mut self, name: &str) -> Column {
        let values = std::mem::take(&mut self.values);
        BooleanChunked::from_iter_options(name.into(), values.into_iter()).into_column()
    }
}
