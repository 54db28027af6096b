//! The memory store's table: records side by side in a vector, found through a hash
//! index of 4-byte positions. A removal leaves a hole that the next insert fills.
//!
//! Holes rather than moving the last record into the gap: a logout's removal then touches
//! only what its lookup already brought into the cache (the index's group and slot, the
//! record), where a move cost two more cache misses in a table of a million sessions (the
//! last record, and its index slot to repoint). Holes are listed in a stack, so an insert
//! reuses the most recent one, and marked in a bit set, so that a sweep skips them.

use hashbrown::HashTable;

use crate::store::TokenHash;

/// Records in a vector, found by key through an index of positions.
pub(super) struct Table<V> {
    pub(super) entries: Vec<(TokenHash, V)>,
    pub(super) index: HashTable<u32>,
    /// Positions of the holes, the most recent last.
    holes: Vec<u32>,
    /// One bit per position of `entries`, set for a hole.
    vacant: Vec<u64>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            index: HashTable::new(),
            holes: Vec::new(),
            vacant: Vec::new(),
        }
    }
}

/// The index's hash of a key: its first 8 bytes (see the module docs).
pub(super) fn index_hash(key: &TokenHash) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&key.0[..8]);
    u64::from_le_bytes(first)
}

/// Whether bit `at` of `bits` is set (bits past the end are not).
fn is_set(bits: &[u64], at: usize) -> bool {
    bits.get(at / 64)
        .is_some_and(|word| word & (1 << (at % 64)) != 0)
}

pub(super) fn position(at: usize) -> u32 {
    u32::try_from(at).expect("fewer than 2^32 records in a memory store")
}

impl<V: Copy> Table<V> {
    /// Records held (holes not counted).
    pub(super) fn len(&self) -> usize {
        self.entries.len() - self.holes.len()
    }

    /// Positions a sweep goes through: records and holes.
    pub(super) fn positions(&self) -> usize {
        self.entries.len()
    }

    fn is_hole(&self, at: usize) -> bool {
        is_set(&self.vacant, at)
    }

    fn set_hole(&mut self, at: usize, hole: bool) {
        let word = at / 64;
        if word >= self.vacant.len() {
            self.vacant.resize(word + 1, 0);
        }
        if hole {
            self.vacant[word] |= 1 << (at % 64);
        } else {
            self.vacant[word] &= !(1 << (at % 64));
        }
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
        let at = match self.holes.pop() {
            Some(hole) => {
                self.entries[hole as usize] = (key, value);
                self.set_hole(hole as usize, false);
                hole
            }
            None => {
                self.entries.push((key, value));
                position(self.entries.len() - 1)
            }
        };
        let entries = &self.entries;
        self.index.insert_unique(index_hash(&key), at, |&i| {
            index_hash(&entries[i as usize].0)
        });
        None
    }

    /// Removes the record under `key` in one lookup: the index entry found is the one
    /// erased, and the record's place becomes a hole.
    pub(super) fn remove(&mut self, key: &TokenHash) -> Option<V> {
        let entries = &self.entries;
        let found = self
            .index
            .find_entry(index_hash(key), |&at| entries[at as usize].0 == *key)
            .ok()?;
        let (at, _) = found.remove();
        Some(self.leave_hole(at as usize))
    }

    /// Removes the record at `at` (a record, not a hole).
    pub(super) fn remove_at(&mut self, at: usize) -> V {
        let hole = position(at);
        if let Ok(entry) = self
            .index
            .find_entry(index_hash(&self.entries[at].0), |&i| i == hole)
        {
            entry.remove();
        }
        self.leave_hole(at)
    }

    /// Marks the record at `at`, already out of the index, as a hole; returns it.
    fn leave_hole(&mut self, at: usize) -> V {
        self.holes.push(position(at));
        self.set_hole(at, true);
        self.entries[at].1
    }

    /// Looks at up to `count` positions from `from` and removes the records `keep`
    /// refuses; returns them and the position to go on from.
    pub(super) fn remove_unless(
        &mut self,
        from: usize,
        count: usize,
        mut keep: impl FnMut(&V) -> bool,
    ) -> (Vec<V>, usize) {
        let mut removed = Vec::new();
        let end = self.entries.len().min(from.saturating_add(count));
        for at in from..end {
            if !self.is_hole(at) && !keep(&self.entries[at].1) {
                removed.push(self.remove_at(at));
            }
        }
        (removed, end.max(from))
    }

    /// Gives memory back after a sweep emptied most of the table: the records close up
    /// (which renumbers them, so the index is rebuilt) and the spare room is released.
    pub(super) fn shrink_if_mostly_empty(&mut self) {
        let len = self.len();
        if self.entries.capacity() <= 4 * len + 1024 {
            return;
        }
        if !self.holes.is_empty() {
            let mut at = 0;
            let vacant = std::mem::take(&mut self.vacant);
            self.entries.retain(|_| {
                let hole = is_set(&vacant, at);
                at += 1;
                !hole
            });
            self.holes.clear();
            self.index.clear();
            let entries = &self.entries;
            for (at, (key, _)) in entries.iter().enumerate() {
                self.index
                    .insert_unique(index_hash(key), position(at), |&i| {
                        index_hash(&entries[i as usize].0)
                    });
            }
        }
        self.entries.shrink_to(2 * len);
        self.holes.shrink_to(len);
        self.vacant.shrink_to((2 * len).div_ceil(64));
        let entries = &self.entries;
        self.index
            .shrink_to(2 * len, |&i| index_hash(&entries[i as usize].0));
    }
}
