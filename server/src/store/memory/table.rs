//! The memory store's table: records side by side in a vector, found through a hash
//! index of 4-byte positions; a removal moves the last record into the hole.

use hashbrown::HashTable;

use crate::store::TokenHash;

/// Records in a vector, found by key through an index of positions.
pub(super) struct Table<V> {
    pub(super) entries: Vec<(TokenHash, V)>,
    pub(super) index: HashTable<u32>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            index: HashTable::new(),
        }
    }
}

/// The index's hash of a key: its first 8 bytes (see the module docs).
pub(super) fn index_hash(key: &TokenHash) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&key.0[..8]);
    u64::from_le_bytes(first)
}

pub(super) fn position(at: usize) -> u32 {
    u32::try_from(at).expect("fewer than 2^32 records in a memory store")
}

impl<V: Copy> Table<V> {
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn find(&self, key: &TokenHash) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(index_hash(key), |&at| entries[at as usize].0 == *key)
            .map(|&at| at as usize)
    }

    /// The record whose key starts with `prefix` (at least the 8 bytes the index hashes).
    pub(super) fn find_by_prefix(&self, prefix: &[u8]) -> Option<usize> {
        let mut first = [0u8; 8];
        first.copy_from_slice(&prefix[..8]);
        let entries = &self.entries;
        self.index
            .find(u64::from_le_bytes(first), |&at| {
                entries[at as usize].0.0.starts_with(prefix)
            })
            .map(|&at| at as usize)
    }

    /// Stores `value` under `key`; returns the record it replaced.
    pub(super) fn insert(&mut self, key: TokenHash, value: V) -> Option<V> {
        if let Some(at) = self.find(&key) {
            return Some(std::mem::replace(&mut self.entries[at].1, value));
        }
        let at = position(self.entries.len());
        self.entries.push((key, value));
        let entries = &self.entries;
        self.index.insert_unique(index_hash(&key), at, |&i| {
            index_hash(&entries[i as usize].0)
        });
        None
    }

    pub(super) fn remove(&mut self, key: &TokenHash) -> Option<V> {
        let at = self.find(key)?;
        Some(self.remove_at(at))
    }

    /// Removes the record at `at`, moving the last record into its place.
    pub(super) fn remove_at(&mut self, at: usize) -> V {
        let Table { entries, index } = self;
        let hole = position(at);
        if let Ok(entry) = index.find_entry(index_hash(&entries[at].0), |&i| i == hole) {
            entry.remove();
        }
        let last = entries.len() - 1;
        if at != last {
            let moved = position(last);
            if let Some(slot) = index.find_mut(index_hash(&entries[last].0), |&i| i == moved) {
                *slot = hole;
            }
        }
        entries.swap_remove(at).1
    }

    /// Looks at up to `count` records from position `from` and removes those `keep`
    /// refuses; returns them and the position to go on from. A removal moves the last
    /// record into the hole, which is then looked at in turn.
    pub(super) fn remove_unless(
        &mut self,
        from: usize,
        count: usize,
        mut keep: impl FnMut(&V) -> bool,
    ) -> (Vec<V>, usize) {
        let mut removed = Vec::new();
        let mut at = from;
        for _ in 0..count {
            if at >= self.entries.len() {
                break;
            }
            if keep(&self.entries[at].1) {
                at += 1;
            } else {
                removed.push(self.remove_at(at));
            }
        }
        (removed, at)
    }

    /// Gives memory back after a sweep emptied most of the table.
    pub(super) fn shrink_if_mostly_empty(&mut self) {
        let len = self.entries.len();
        if self.entries.capacity() > 4 * len + 1024 {
            self.entries.shrink_to(2 * len);
            let entries = &self.entries;
            self.index
                .shrink_to(2 * len, |&i| index_hash(&entries[i as usize].0));
        }
    }
}
