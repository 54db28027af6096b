//! An in-memory [`TokenStore`]: two compact tables behind one mutex.
//!
//! Every operation is a few table lookups, so a std mutex held for microseconds is simpler
//! and faster than an async lock. Expired entries are never returned; a lookup that meets
//! one removes it, and [`TokenStore::evict_expired`] (called by the server's sweeper)
//! removes the ones nobody asks for, a few thousand at a time so that requests go on
//! meanwhile.
//!
//! # Layout
//!
//! A session is two records, its refresh token's and its access token's, each stored
//! without a heap allocation of its own:
//!
//! - the key is the token's full SHA-256 ([`TokenHash`], 32 bytes);
//! - the user is a `u32` id into an interner holding each user key once, counted by the
//!   records that name it and dropped with the last of them;
//! - the expiry is a `u64` of nanoseconds since the Unix epoch, exact for every instant
//!   from 1970 to 2554 (an earlier one is stored as the epoch: expired either way).
//!
//! - an access record names its session by the first 12 bytes of the session's hash
//!   ([`SessionRef`]): 96 random bits, so two live sessions share them with a chance of
//!   about n² / 2⁹⁷ (below 10⁻¹⁷ for a million sessions).
//!
//! Records sit side by side in a vector (44 bytes a refresh record, 56 an access record),
//! found through a hash index of 4-byte positions; a removal leaves a hole that the next
//! insert fills (see [`table`]). The index hashes with the first 8 bytes of the SHA-256 itself: those are
//! uniformly distributed, and the keys stored are hashes of server-made random tokens, so
//! no client can choose keys that pile into one bucket. About 120 bytes a session in all,
//! against about 470 for two `HashMap`s of records holding `String`s.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use super::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};
use async_trait::async_trait;

mod maps;
mod records;
mod table;
mod users;

use maps::{
    Maps, access_and_session, access_record, live, live_at, remove, remove_session,
    remove_session_found,
};
use records::{Access, Nanos, Rotated, Session, SessionRef};

/// Records a sweep looks at per hold of the lock (a fraction of a millisecond's work).
const SWEEP_STEP: usize = 1024;

/// The default store: tokens live as long as the process.
#[derive(Default)]
pub struct MemoryStore {
    maps: Mutex<Maps>,
}

impl fmt::Debug for MemoryStore {
    /// Counts only: never a token hash or a user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let maps = self.maps();
        f.debug_struct("MemoryStore")
            .field("refresh", &maps.refresh.len())
            .field("access", &maps.access.len())
            .field("users", &maps.users.ids.len())
            .finish()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The maps are plain data that no operation leaves half-updated, so a panic in
    /// another thread while holding the lock cannot corrupt them: recover from poisoning.
    fn maps(&self) -> MutexGuard<'_, Maps> {
        self.maps.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl TokenStore for MemoryStore {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        let maps = &mut *self.maps();
        let record = Session {
            user: maps.users.acquire(&session.user_email),
            expires: Nanos::from_time(session.expires_at),
        };
        if let Some(old) = maps.refresh.insert(hash, record) {
            maps.users.release(old.user);
        }
        Ok(())
    }

    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let maps = &mut *self.maps();
        Ok(
            live(&mut maps.refresh, &mut maps.users, hash, now).map(|s| SessionRecord {
                user_email: maps.users.key(s.user),
                expires_at: s.expires.to_time(),
            }),
        )
    }

    /// Follows the rotations from `hash` under the one lock that rotation takes too, so
    /// a refresh racing this removal either rotated before it (and its new token is
    /// removed here) or finds the old token gone (and mints nothing).
    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        Ok(remove_session(&mut self.maps(), hash))
    }

    async fn rotate_refresh(
        &self,
        old: &TokenHash,
        new: TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let maps = &mut *self.maps();
        let Some(session) = live(&mut maps.refresh, &mut maps.users, old, now) else {
            return Ok(None);
        };
        let user_email = maps.users.key(session.user);
        // The new record takes the old one's user reference over: acquire before release.
        let record = Session {
            user: maps.users.acquire(&user_email),
            expires: session.expires,
        };
        remove(&mut maps.refresh, &mut maps.users, old);
        if let Some(replaced) = maps.refresh.insert(new, record) {
            maps.users.release(replaced.user);
        }
        let rotated = Rotated {
            next: new,
            expires: session.expires,
        };
        maps.rotated.insert(*old, rotated);
        Ok(Some(SessionRecord {
            user_email,
            expires_at: session.expires.to_time(),
        }))
    }

    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        let maps = &mut *self.maps();
        let record = Access {
            user: maps.users.acquire(&record.user_email),
            session: SessionRef::of(&record.session),
            expires: Nanos::from_time(record.expires_at),
        };
        if let Some(old) = maps.access.insert(hash, record) {
            maps.users.release(old.user);
        }
        Ok(())
    }

    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        let maps = &mut *self.maps();
        // An access token whose session is gone is dead: no session to name.
        Ok(access_and_session(maps, hash, now).map(|(access, at)| access_record(maps, access, at)))
    }

    /// One hold of the lock for a validate-session, the session found through the access
    /// record's reference to it: the default reads the two records in two calls, each a
    /// boxed future, and looks the session up twice.
    async fn live_access(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        let maps = &mut *self.maps();
        let Some((access, at)) = access_and_session(maps, hash, now) else {
            return Ok(None);
        };
        let record = access_record(maps, access, at);
        Ok(live_at(&mut maps.refresh, &mut maps.users, at, now).map(|_| record))
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        let maps = &mut *self.maps();
        Ok(remove(&mut maps.access, &mut maps.users, hash))
    }

    /// One hold of the lock for the whole logout: the default takes it once per token,
    /// each time through a boxed future of its own.
    async fn revoke(&self, refresh: &[TokenHash], access: &[TokenHash]) -> Result<(), StoreError> {
        let maps = &mut *self.maps();
        // A logout names a session's two tokens, and in a store of a million sessions each
        // lookup waits on memory: the first of each kind is looked up before anything is
        // removed, so that the two lookups' cache misses overlap instead of queueing.
        let first_refresh = refresh.first().map(|hash| (hash, maps.refresh.find(hash)));
        let first_access = access.first().and_then(|hash| maps.access.find(hash));
        if let Some((hash, found)) = first_refresh {
            remove_session_found(maps, hash, found);
        }
        for hash in refresh.iter().skip(1) {
            remove_session(maps, hash);
        }
        if let Some(at) = first_access {
            let record = maps.access.remove_at(at);
            maps.users.release(record.user);
        }
        for hash in access.iter().skip(1) {
            remove(&mut maps.access, &mut maps.users, hash);
        }
        Ok(())
    }

    /// Sweeps in steps of [`SWEEP_STEP`] records, releasing the lock and yielding to
    /// other tasks between steps: a sweep of millions of records takes a few hundred
    /// milliseconds, which must not stall every request for that long. A record inserted
    /// meanwhile into a hole behind the sweep is left for the next one (lookups never
    /// return an expired record anyway).
    async fn evict_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        let now = Nanos::from_time(now);
        let mut evicted = 0;
        // Sessions first: access tokens of the sessions swept now are orphans below.
        let mut at = 0;
        loop {
            let (count, next, done) = {
                let maps = &mut *self.maps();
                let (removed, next) = maps
                    .refresh
                    .remove_unless(at, SWEEP_STEP, |s| s.expires > now);
                for session in &removed {
                    maps.users.release(session.user);
                }
                (removed.len(), next, next >= maps.refresh.positions())
            };
            evicted += count;
            at = next;
            if done {
                break;
            }
            tokio::task::yield_now().await;
        }
        at = 0;
        loop {
            let (count, next, done) = {
                let maps = &mut *self.maps();
                let Maps {
                    refresh,
                    access,
                    users,
                    ..
                } = maps;
                // An access token whose session is gone can never be accepted again either.
                let (removed, next) = access.remove_unless(at, SWEEP_STEP, |a| {
                    a.expires > now && refresh.find_by_prefix(&a.session.0).is_some()
                });
                for record in &removed {
                    users.release(record.user);
                }
                (removed.len(), next, next >= access.positions())
            };
            evicted += count;
            at = next;
            if done {
                break;
            }
            tokio::task::yield_now().await;
        }
        let maps = &mut *self.maps();
        let before = maps.rotated.len();
        maps.rotated.retain(|_, r| r.expires > now);
        evicted += before - maps.rotated.len();
        maps.refresh.shrink_if_mostly_empty();
        maps.access.shrink_if_mostly_empty();
        Ok(evicted)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod table_tests;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
