//! The memory store's user interner: each user key held once and named by a `u32` id,
//! counted by the records that name it and dropped with the last of them.

use std::collections::HashMap;
use std::sync::Arc;

use super::table::position;

/// User keys, each held once and named by a `u32` id, counted by the records naming it.
#[derive(Default)]
pub(super) struct Users {
    pub(super) ids: HashMap<Arc<str>, u32>,
    pub(super) slots: Vec<UserSlot>,
    pub(super) free: Vec<u32>,
}

pub(super) struct UserSlot {
    pub(super) key: Arc<str>,
    pub(super) records: u64,
}

impl Users {
    /// The id of `key`, counting one more record that names it.
    pub(super) fn acquire(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            self.slots[id as usize].records += 1;
            return id;
        }
        let key: Arc<str> = Arc::from(key);
        let slot = UserSlot {
            key: Arc::clone(&key),
            records: 1,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = slot;
                id
            }
            None => {
                self.slots.push(slot);
                position(self.slots.len() - 1)
            }
        };
        self.ids.insert(key, id);
        id
    }

    /// One record fewer names `id`; the key goes with the last one.
    pub(super) fn release(&mut self, id: u32) {
        let slot = &mut self.slots[id as usize];
        slot.records -= 1;
        if slot.records == 0 {
            let key = std::mem::replace(&mut slot.key, Arc::from(""));
            self.ids.remove(&key);
            self.free.push(id);
        }
    }

    pub(super) fn key(&self, id: u32) -> String {
        self.slots[id as usize].key.to_string()
    }
}
