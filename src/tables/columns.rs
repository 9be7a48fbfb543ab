//! Column builders: append values of one logical kind and turn them into an Arrow
//! array without per-value allocation.

use hashbrown::{DefaultHashBuilder, HashTable};
use polars::prelude::{CompatLevel, DataType, TimeUnit, TimeZone};
use polars_arrow::array::{
    ArrayRef, BooleanArray, DictionaryArray, MutableUtf8Array, MutableUtf8ValuesArray,
    PrimitiveArray, Utf8Array,
};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::ArrowDataType;
use std::hash::BuildHasher;

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

    /// The Arrow type the column is declared with in the Parquet file: strings as plain
    /// (large) UTF-8, which every reader takes, whatever the encoding of its pages.
    pub fn arrow_dtype(self) -> ArrowDataType {
        self.dtype().to_arrow(CompatLevel::oldest())
    }
}

/// Nullable text column, built as an Arrow dictionary while rows arrive: each distinct
/// value is stored once and every row holds its id. Log columns repeat few values (site,
/// verb, status text, the file's name), so this is the Parquet encoding they get, and
/// building it here saves the writer hashing every value again to find it.
///
/// A column whose values are nearly all distinct (client addresses, query strings)
/// gains nothing from a dictionary: a batch that shows that is handed on as plain
/// strings, and the column stores plain values from the next batch on.
pub struct StrCol {
    capacity: usize,
    /// Whether this batch stores plain values instead of ids.
    plain: bool,
    /// Dictionary mode: the id of each row (0 for a null) and whether it is valid.
    ids: Vec<u32>,
    valid: Vec<bool>,
    nulls: usize,
    /// Dictionary mode: the distinct values, in order of first appearance.
    values: MutableUtf8ValuesArray<i64>,
    /// Dictionary mode: the ids of `values`, found by the hash of their text.
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// Plain mode: every row's value.
    rows: MutableUtf8Array<i64>,
}

/// Share of distinct values above which a column is written without a dictionary (the
/// Parquet writer's own rule, applied to the exact count).
const PLAIN_ABOVE: f64 = 0.75;

/// Rows a batch needs before its share of distinct values decides anything.
const DECIDE_AFTER: usize = 128;

impl StrCol {
    /// Empty column with room for `capacity` values.
    pub fn with_capacity(capacity: usize) -> Self {
        StrCol {
            capacity,
            plain: false,
            ids: Vec::with_capacity(capacity),
            valid: Vec::with_capacity(capacity),
            nulls: 0,
            values: MutableUtf8ValuesArray::new(),
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            rows: MutableUtf8Array::new(),
        }
    }

    /// Appends a value or a null.
    #[inline]
    pub fn push(&mut self, v: Option<&str>) {
        if self.plain {
            self.rows.push(v);
            return;
        }
        match v {
            Some(s) => {
                let id = self.id_of(s);
                self.ids.push(id);
                self.valid.push(true);
            }
            None => {
                self.ids.push(0);
                self.valid.push(false);
                self.nulls += 1;
            }
        }
    }

    /// The id of `s`, added to the dictionary if new. Rows repeat the row before more
    /// often than not, so that is checked before hashing.
    #[inline]
    fn id_of(&mut self, s: &str) -> u32 {
        if let Some(&last) = self.ids.last() {
            let last_valid = self.valid.last().copied().unwrap_or(false);
            if last_valid && self.values.value(last as usize) == s {
                return last;
            }
        }
        let hash = self.hasher.hash_one(s);
        let values = &self.values;
        if let Some(&id) = self.index.find(hash, |&id| values.value(id as usize) == s) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(s);
        let (values, hasher) = (&self.values, &self.hasher);
        self.index
            .insert_unique(hash, id, |&id| hasher.hash_one(values.value(id as usize)));
        id
    }

    /// Moves the values out as an Arrow array (a dictionary of large UTF-8 strings, or
    /// plain large UTF-8 strings) and starts a new batch.
    pub fn take(&mut self) -> ArrayRef {
        if self.plain {
            // The next batch is sized like this one: growing a buffer of tens of MB by
            // doubling copied it about twice over.
            let (n, bytes) = (self.rows.len(), self.rows.values().len());
            let next = MutableUtf8Array::with_capacities(n, bytes);
            let rows = std::mem::replace(&mut self.rows, next);
            let rows: Utf8Array<i64> = rows.into();
            return rows.boxed();
        }
        let n = self.ids.len();
        let ids = std::mem::take(&mut self.ids);
        let valid = std::mem::take(&mut self.valid);
        let nulls = std::mem::take(&mut self.nulls);
        let values = std::mem::take(&mut self.values);
        if n > DECIDE_AFTER && values.len() as f64 > PLAIN_ABOVE * n as f64 {
            // Plain from now on: the dictionary's buffers are not kept.
            self.plain = true;
            self.index = HashTable::new();
            self.rows = MutableUtf8Array::with_capacities(n, values.values().len());
            let plain: MutableUtf8Array<i64> = ids
                .iter()
                .zip(&valid)
                .map(|(&id, &ok)| ok.then(|| values.value(id as usize)))
                .collect();
            let plain: Utf8Array<i64> = plain.into();
            return plain.boxed();
        }
        self.ids = Vec::with_capacity(self.capacity);
        self.valid = Vec::with_capacity(self.capacity);
        self.index.clear();
        let validity = (nulls > 0).then(|| Bitmap::from_iter(valid));
        let ids = PrimitiveArray::new(ArrowDataType::UInt32, ids.into(), validity);
        let values: Utf8Array<i64> = values.into();
        DictionaryArray::try_from_keys(ids, values.boxed(), false)
            .expect("every id indexes the dictionary it was made with")
            .boxed()
    }
}

macro_rules! primitive_col {
    ($name:ident, $native:ty, $kind:ident, $doc:literal) => {
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

            /// Moves the values out as an Arrow array of the column's type and starts a
            /// new batch.
            pub fn take(&mut self) -> ArrayRef {
                let cap = self.values.capacity();
                let values = std::mem::replace(&mut self.values, Vec::with_capacity(cap));
                let valid = std::mem::replace(&mut self.valid, Vec::with_capacity(cap));
                let nulls = std::mem::take(&mut self.nulls);
                let validity = (nulls > 0).then(|| Bitmap::from_iter(valid));
                PrimitiveArray::<$native>::new(Kind::$kind.arrow_dtype(), values.into(), validity)
                    .boxed()
            }
        }
    };
}

primitive_col!(I64Col, i64, I64, "Nullable 64-bit integer column.");
primitive_col!(I32Col, i32, I32, "Nullable 32-bit integer column.");
primitive_col!(
    TimeCol,
    i64,
    Time,
    "Nullable UTC instant column (Arrow timestamp, microseconds since the Unix epoch)."
);

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

    /// Moves the values out as an Arrow array and starts a new batch.
    pub fn take(&mut self) -> ArrayRef {
        let values = std::mem::take(&mut self.values);
        BooleanArray::from_iter(values).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars_arrow::array::Array;

    fn strings(a: &ArrayRef) -> Vec<Option<String>> {
        if let Some(d) = a.as_any().downcast_ref::<DictionaryArray<u32>>() {
            let values = d
                .values()
                .as_any()
                .downcast_ref::<Utf8Array<i64>>()
                .unwrap();
            (0..d.len())
                .map(|i| {
                    d.keys()
                        .is_valid(i)
                        .then(|| values.value(d.keys().value(i) as usize).to_string())
                })
                .collect()
        } else {
            let v = a.as_any().downcast_ref::<Utf8Array<i64>>().unwrap();
            v.iter().map(|s| s.map(str::to_string)).collect()
        }
    }

    fn is_dict(a: &ArrayRef) -> bool {
        a.as_any().is::<DictionaryArray<u32>>()
    }

    #[test]
    fn repeated_text_becomes_a_dictionary_of_its_distinct_values() {
        let mut c = StrCol::with_capacity(4);
        let input = [
            Some("GET"),
            Some("GET"),
            None,
            Some("POST"),
            Some("GET"),
            Some(""),
        ];
        for v in input {
            c.push(v);
        }
        let a = c.take();
        assert!(is_dict(&a));
        let d = a.as_any().downcast_ref::<DictionaryArray<u32>>().unwrap();
        assert_eq!(
            d.values().len(),
            3,
            "GET, POST and the empty string once each"
        );
        assert_eq!(d.null_count(), 1);
        let want: Vec<Option<String>> = input.iter().map(|v| v.map(str::to_string)).collect();
        assert_eq!(strings(&a), want);
    }

    #[test]
    fn nearly_distinct_text_is_handed_on_plain_and_stays_plain() {
        let mut c = StrCol::with_capacity(16);
        let input: Vec<Option<String>> = (0..500)
            .map(|i| (i % 50 != 0).then(|| format!("10.0.{}.{}", i / 256, i % 256)))
            .collect();
        for v in &input {
            c.push(v.as_deref());
        }
        let a = c.take();
        assert!(!is_dict(&a), "490 distinct values in 500 rows");
        assert_eq!(strings(&a), input);
        for _ in 0..10 {
            c.push(Some("same"));
        }
        let b = c.take();
        assert!(!is_dict(&b), "the column stays plain after such a batch");
        assert_eq!(strings(&b), vec![Some("same".to_string()); 10]);
    }

    #[test]
    fn a_small_batch_of_distinct_values_keeps_its_dictionary() {
        let mut c = StrCol::with_capacity(16);
        for i in 0..100 {
            c.push(Some(&format!("v{i}")));
        }
        assert!(is_dict(&c.take()), "too few rows to judge");
        for _ in 0..200 {
            c.push(Some("x"));
        }
        let a = c.take();
        assert!(is_dict(&a));
        assert_eq!(
            a.as_any()
                .downcast_ref::<DictionaryArray<u32>>()
                .unwrap()
                .values()
                .len(),
            1,
            "a new batch starts a new dictionary"
        );
    }

    #[test]
    fn an_all_null_column_takes_as_nulls() {
        let mut c = StrCol::with_capacity(2);
        c.push(None);
        c.push(None);
        let a = c.take();
        assert_eq!(a.len(), 2);
        assert_eq!(a.null_count(), 2);
        assert_eq!(strings(&a), vec![None, None]);
    }

    #[test]
    fn instants_are_utc_microsecond_timestamps() {
        let mut t = TimeCol::with_capacity(2);
        t.push(Some(1_700_000_000_000_000));
        t.push(None);
        let a = t.take();
        assert_eq!(a.dtype(), &Kind::Time.arrow_dtype());
        assert_eq!(a.null_count(), 1);
    }
}
