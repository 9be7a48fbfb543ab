//! One batch of a table's rows as Arrow arrays, in the order of the table's columns:
//! what builders hand on to sinks. Readers of a batch see strings and integers whatever
//! the arrays' encoding (dictionary or plain strings, 32- or 64-bit integers).

use super::TableId;
use polars_arrow::array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, PrimitiveArray, Utf8Array,
};

/// Rows of one table, one Arrow array per column of its [`super::TableDef`].
pub struct Batch {
    table: TableId,
    len: usize,
    columns: Vec<ArrayRef>,
}

impl Batch {
    /// A batch of `len` rows of `table`; `columns` follow the table's definition.
    pub fn new(table: TableId, len: usize, columns: Vec<ArrayRef>) -> Self {
        debug_assert_eq!(columns.len(), table.def().columns.len());
        debug_assert!(columns.iter().all(|c| c.len() == len));
        Batch {
            table,
            len,
            columns,
        }
    }

    /// The table the rows belong to.
    pub fn table(&self) -> TableId {
        self.table
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The arrays, in column order.
    pub fn arrays(&self) -> &[ArrayRef] {
        &self.columns
    }

    /// The array of column `name`.
    ///
    /// # Panics
    /// If the table has no such column: callers name columns of the table they handle.
    fn column(&self, name: &str) -> &dyn Array {
        let def = self.table.def();
        let at = def
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("table {} has no column {name}", def.name));
        self.columns[at].as_ref()
    }

    /// The text column `name`.
    pub fn strs(&self, name: &str) -> Strs<'_> {
        Strs::of(self.column(name)).unwrap_or_else(|| panic!("column {name} is not text"))
    }

    /// The integer (or instant, in microseconds) column `name`.
    pub fn ints(&self, name: &str) -> Ints<'_> {
        let a = self.column(name).as_any();
        if let Some(v) = a.downcast_ref::<PrimitiveArray<i64>>() {
            Ints::I64(v)
        } else {
            let v = a.downcast_ref::<PrimitiveArray<i32>>();
            Ints::I32(v.unwrap_or_else(|| panic!("column {name} is not an integer")))
        }
    }

    /// The boolean column `name`, row by row (`None` for a null).
    pub fn bools(&self, name: &str) -> impl Fn(usize) -> Option<bool> + '_ {
        let a = self.column(name).as_any().downcast_ref::<BooleanArray>();
        let a = a.unwrap_or_else(|| panic!("column {name} is not boolean"));
        move |i| a.is_valid(i).then(|| a.value(i))
    }
}

/// A text column of a batch.
pub enum Strs<'a> {
    /// Row ids into distinct values.
    Dict(&'a PrimitiveArray<u32>, &'a Utf8Array<i64>),
    /// One value per row.
    Plain(&'a Utf8Array<i64>),
}

impl<'a> Strs<'a> {
    /// `a` read as text, if it is a dictionary of large UTF-8 strings or such strings.
    fn of(a: &'a dyn Array) -> Option<Self> {
        if let Some(d) = a.as_any().downcast_ref::<DictionaryArray<u32>>() {
            let values = d.values().as_any().downcast_ref::<Utf8Array<i64>>()?;
            Some(Strs::Dict(d.keys(), values))
        } else {
            a.as_any().downcast_ref::<Utf8Array<i64>>().map(Strs::Plain)
        }
    }

    /// Row `i`'s value (`None` for a null).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Dict(ids, values) => ids.is_valid(i).then(|| values.value(ids.value(i) as usize)),
            Strs::Plain(v) => v.is_valid(i).then(|| v.value(i)),
        }
    }

    /// Every row's value in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&'a str>> + '_ {
        let n = match self {
            Strs::Dict(ids, _) => ids.len(),
            Strs::Plain(v) => v.len(),
        };
        (0..n).map(|i| self.get(i))
    }
}

/// An integer column of a batch, read as `i64`.
pub enum Ints<'a> {
    /// 64-bit values (also instants, in microseconds).
    I64(&'a PrimitiveArray<i64>),
    /// 32-bit values.
    I32(&'a PrimitiveArray<i32>),
}

impl Ints<'_> {
    /// Row `i`'s value (`None` for a null).
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        match self {
            Ints::I64(v) => v.is_valid(i).then(|| v.value(i)),
            Ints::I32(v) => v.is_valid(i).then(|| i64::from(v.value(i))),
        }
    }

    /// Every row's value in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<i64>> + '_ {
        let n = match self {
            Ints::I64(v) => v.len(),
            Ints::I32(v) => v.len(),
        };
        (0..n).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use crate::tables::httperr::{HttperrRow, HttperrTable};

    fn batch() -> super::Batch {
        let mut t = HttperrTable::with_capacity(4);
        for (i, reason) in ["Timer_ConnectionIdle", "Connection_Dropped"]
            .iter()
            .enumerate()
        {
            t.push(&HttperrRow {
                time: Some(1_000_000 * i as i64),
                reason: Some(reason),
                s_port: Some(443),
                source_line: Some(i as i64 + 5),
                ..Default::default()
            });
        }
        t.take()
    }

    #[test]
    fn columns_read_by_name_whatever_their_arrays() {
        let b = batch();
        assert_eq!(b.len(), 2);
        let reason: Vec<_> = b.strs("reason").iter().collect();
        assert_eq!(
            reason,
            vec![Some("Timer_ConnectionIdle"), Some("Connection_Dropped")]
        );
        assert_eq!(b.strs("queue").get(0), None);
        assert_eq!(b.ints("s_port").get(1), Some(443), "an int32 column");
        assert_eq!(
            b.ints("source_line").iter().collect::<Vec<_>>(),
            [Some(5), Some(6)]
        );
        assert_eq!(b.ints("time").get(1), Some(1_000_000));
    }
}
