//! The memory store's tables, held under its one lock, and the lookups and removals its
//! calls are made of.

use std::collections::HashMap;
use std::time::SystemTime;

use super::records::{Access, Record, Rotated, Session};
use super::table::Table;
use super::users::Users;
use crate::store::{AccessRecord, TokenHash};

/// Everything the store holds.
#[derive(Default)]
pub(super) struct Maps {
    pub(super) refresh: Table<Session>,
    pub(super) access: Table<Access>,
    pub(super) users: Users,
    /// Each refresh token a rotating refresh replaced, with the token that replaced it
    /// and the session's expiry: a logout presenting the old token follows the chain and
    /// ends the session (LO-14). Only targets with rotation on ever fill it.
    pub(super) rotated: HashMap<TokenHash, Rotated>,
}

/// The record under `key` if it is live at `now`; an expired one is removed instead.
pub(super) fn live<V: Record>(
    table: &mut Table<V>,
    users: &mut Users,
    key: &TokenHash,
    now: SystemTime,
) -> Option<V> {
    let at = table.find(key)?;
    live_at(table, users, at, now)
}

/// [`live`] for the record at `at`.
pub(super) fn live_at<V: Record>(
    table: &mut Table<V>,
    users: &mut Users,
    at: usize,
    now: SystemTime,
) -> Option<V> {
    let record = table.entries[at].1;
    if record.expires().to_time() > now {
        Some(record)
    } else {
        table.remove_at(at);
        users.release(record.user());
        None
    }
}

/// Removes the record under `key`; whether it was there.
pub(super) fn remove<V: Record>(table: &mut Table<V>, users: &mut Users, key: &TokenHash) -> bool {
    match table.remove(key) {
        Some(record) => {
            users.release(record.user());
            true
        }
        None => false,
    }
}

/// Removes the session of a refresh token and follows its rotations (LO-14): the tokens
/// it was rotated into go too. Whether any was there.
pub(super) fn remove_session(maps: &mut Maps, hash: &TokenHash) -> bool {
    let found = maps.refresh.find(hash);
    remove_session_found(maps, hash, found)
}

/// [`remove_session`], the token already looked up: `found` is its position, if any.
pub(super) fn remove_session_found(
    maps: &mut Maps,
    hash: &TokenHash,
    found: Option<usize>,
) -> bool {
    let mut removed = found.is_some_and(|at| {
        let record = maps.refresh.remove_at(at);
        maps.users.release(record.user);
        true
    });
    if maps.rotated.is_empty() {
        return removed;
    }
    let mut at = *hash;
    while let Some(rotated) = maps.rotated.remove(&at) {
        at = rotated.next;
        removed |= remove(&mut maps.refresh, &mut maps.users, &at);
    }
    removed
}

/// The access record under `hash` if it is live at `now`, and the position of its session
/// if that is there (live or not).
pub(super) fn access_and_session(
    maps: &mut Maps,
    hash: &TokenHash,
    now: SystemTime,
) -> Option<(Access, usize)> {
    let access = live(&mut maps.access, &mut maps.users, hash, now)?;
    let at = maps.refresh.find_by_prefix(&access.session.0)?;
    Some((access, at))
}

/// What the store answers for `access`, whose session is at `at`.
pub(super) fn access_record(maps: &Maps, access: Access, at: usize) -> AccessRecord {
    AccessRecord {
        user_email: maps.users.key(access.user),
        session: maps.refresh.entries[at].0,
        expires_at: access.expires.to_time(),
    }
}
