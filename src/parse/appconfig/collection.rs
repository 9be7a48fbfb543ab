//! IIS configuration collections: ordered entries keyed case-insensitively, edited by
//! `<add>` / `<remove>` / `<clear/>` in document order, in O(1) per operation.

use std::collections::HashMap;

/// One recorded edit of a collection, applied later by [`KeyedList::apply`].
#[derive(Debug, Clone)]
pub(crate) enum CollOp<T> {
    /// `<add>`-like element with its key.
    Add(String, T),
    /// `<remove>` with the key it names.
    Remove(String),
    /// `<clear/>`.
    Clear,
}

/// Ordered entries with a case-insensitive unique key.
#[derive(Debug, Clone)]
pub(crate) struct KeyedList<T> {
    slots: Vec<Option<T>>,
    index: HashMap<String, usize>,
}

impl<T> Default for KeyedList<T> {
    fn default() -> Self {
        KeyedList {
            slots: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T> KeyedList<T> {
    /// Appends `item`; gives it back if the key is already present.
    pub(crate) fn add(&mut self, key: &str, item: T) -> Result<(), T> {
        let key = key.to_lowercase();
        if self.index.contains_key(&key) {
            return Err(item);
        }
        self.index.insert(key, self.slots.len());
        self.slots.push(Some(item));
        Ok(())
    }

    /// Removes the entry with `key`, if any.
    pub(crate) fn remove(&mut self, key: &str) {
        if let Some(i) = self.index.remove(&key.to_lowercase()) {
            self.slots[i] = None;
        }
    }

    /// Removes every entry.
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
    }

    /// Number of live entries.
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// Applies `ops` in order; `on_duplicate` receives each rejected `Add`.
    pub(crate) fn apply(&mut self, ops: Vec<CollOp<T>>, mut on_duplicate: impl FnMut(T)) {
        for op in ops {
            match op {
                CollOp::Add(key, item) => {
                    if let Err(item) = self.add(&key, item) {
                        on_duplicate(item);
                    }
                }
                CollOp::Remove(key) => self.remove(&key),
                CollOp::Clear => self.clear(),
            }
        }
    }

    /// Live entries in insertion order.
    pub(crate) fn into_values(self) -> Vec<T> {
        self.slots.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_remove_clear_in_order() {
        let mut l = KeyedList::default();
        let mut dups = Vec::new();
        l.apply(
            vec![
                CollOp::Add("A".into(), 1),
                CollOp::Add("b".into(), 2),
                CollOp::Add("a".into(), 3),
                CollOp::Remove("B".into()),
                CollOp::Add("c".into(), 4),
                CollOp::Add("b".into(), 5),
            ],
            |d| dups.push(d),
        );
        assert_eq!(dups, vec![3]);
        assert_eq!(l.len(), 3);
        assert_eq!(l.clone().into_values(), vec![1, 4, 5]);
        l.apply(vec![CollOp::Clear, CollOp::Add("z".into(), 9)], |_| {});
        assert_eq!(l.into_values(), vec![9]);
    }
}
