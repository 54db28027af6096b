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
//! Records sit side by side in a vector (44 bytes a refresh record, 76 an access record),
//! found through a hash index of 4-byte positions; a removal moves the last record into
//! the hole. The index hashes with the first 8 bytes of the SHA-256 itself: those are
//! uniformly distributed, and the keys stored are hashes of server-made random tokens, so
//! no client can choose keys that pile into one bucket. About 130 bytes a session in all,
//! against about 470 for two `HashMap`s of records holding `String`s.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use hashbrown::HashTable;

use super::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};

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

#[derive(Default)]
struct Maps {
    refresh: Table<Session>,
    access: Table<Access>,
    users: Users,
}

/// A refresh token's record: 12 bytes, 4-aligned.
#[derive(Clone, Copy)]
struct Session {
    user: u32,
    expires: Nanos,
}

/// An access token's record: 44 bytes, 4-aligned.
#[derive(Clone, Copy)]
struct Access {
    user: u32,
    session: TokenHash,
    expires: Nanos,
}

/// A record's user id, for releasing it.
trait Record: Copy {
    fn user(&self) -> u32;
    fn expires(&self) -> Nanos;
}

impl Record for Session {
    fn user(&self) -> u32 {
        self.user
    }
    fn expires(&self) -> Nanos {
        self.expires
    }
}

impl Record for Access {
    fn user(&self) -> u32 {
        self.user
    }
    fn expires(&self) -> Nanos {
        self.expires
    }
}

/// An instant as nanoseconds since the Unix epoch, in two `u32` halves so that a record
/// needs 4-byte alignment only (no padding after the 32-byte key).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Nanos([u32; 2]);

impl Nanos {
    fn from_time(time: SystemTime) -> Self {
        let nanos = time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        // Most significant half first, so that the derived order is the numeric one.
        Self([(nanos >> 32) as u32, nanos as u32])
    }

    fn to_time(self) -> SystemTime {
        let nanos = (u64::from(self.0[0]) << 32) | u64::from(self.0[1]);
        UNIX_EPOCH + Duration::from_nanos(nanos)
    }
}

/// Records in a vector, found by key through an index of positions.
struct Table<V> {
    entries: Vec<(TokenHash, V)>,
    index: HashTable<u32>,
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
fn index_hash(key: &TokenHash) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&key.0[..8]);
    u64::from_le_bytes(first)
}

fn position(at: usize) -> u32 {
    u32::try_from(at).expect("fewer than 2^32 records in a memory store")
}

impl<V: Copy> Table<V> {
    fn len(&self) -> usize {
        self.entries.len()
    }

    fn find(&self, key: &TokenHash) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(index_hash(key), |&at| entries[at as usize].0 == *key)
            .map(|&at| at as usize)
    }

    /// Stores `value` under `key`; returns the record it replaced.
    fn insert(&mut self, key: TokenHash, value: V) -> Option<V> {
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

    fn remove(&mut self, key: &TokenHash) -> Option<V> {
        let at = self.find(key)?;
        Some(self.remove_at(at))
    }

    /// Removes the record at `at`, moving the last record into its place.
    fn remove_at(&mut self, at: usize) -> V {
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
    fn remove_unless(
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
    fn shrink_if_mostly_empty(&mut self) {
        let len = self.entries.len();
        if self.entries.capacity() > 4 * len + 1024 {
            self.entries.shrink_to(2 * len);
            let entries = &self.entries;
            self.index
                .shrink_to(2 * len, |&i| index_hash(&entries[i as usize].0));
        }
    }
}

/// User keys, each held once and named by a `u32` id, counted by the records naming it.
#[derive(Default)]
struct Users {
    ids: HashMap<Arc<str>, u32>,
    slots: Vec<UserSlot>,
    free: Vec<u32>,
}

struct UserSlot {
    key: Arc<str>,
    records: u64,
}

impl Users {
    /// The id of `key`, counting one more record that names it.
    fn acquire(&mut self, key: &str) -> u32 {
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
    fn release(&mut self, id: u32) {
        let slot = &mut self.slots[id as usize];
        slot.records -= 1;
        if slot.records == 0 {
            let key = std::mem::replace(&mut slot.key, Arc::from(""));
            self.ids.remove(&key);
            self.free.push(id);
        }
    }

    fn key(&self, id: u32) -> String {
        self.slots[id as usize].key.to_string()
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

/// The record under `key` if it is live at `now`; an expired one is removed instead.
fn live<V: Record>(
    table: &mut Table<V>,
    users: &mut Users,
    key: &TokenHash,
    now: SystemTime,
) -> Option<V> {
    let at = table.find(key)?;
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
fn remove<V: Record>(table: &mut Table<V>, users: &mut Users, key: &TokenHash) -> bool {
    match table.remove(key) {
        Some(record) => {
            users.release(record.user());
            true
        }
        None => false,
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

    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        let maps = &mut *self.maps();
        Ok(remove(&mut maps.refresh, &mut maps.users, hash))
    }

    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        let maps = &mut *self.maps();
        let record = Access {
            user: maps.users.acquire(&record.user_email),
            session: record.session,
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
        Ok(
            live(&mut maps.access, &mut maps.users, hash, now).map(|a| AccessRecord {
                user_email: maps.users.key(a.user),
                session: a.session,
                expires_at: a.expires.to_time(),
            }),
        )
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        let maps = &mut *self.maps();
        Ok(remove(&mut maps.access, &mut maps.users, hash))
    }

    /// Sweeps in steps of [`SWEEP_STEP`] records, releasing the lock and yielding to
    /// other tasks between steps: a sweep of millions of records takes a few hundred
    /// milliseconds, which must not stall every request for that long. A record that a
    /// concurrent removal moves behind the sweep is left for the next one (lookups never
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
                (removed.len(), next, next >= maps.refresh.len())
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
                } = maps;
                // An access token whose session is gone can never be accepted again either.
                let (removed, next) = access.remove_unless(at, SWEEP_STEP, |a| {
                    a.expires > now && refresh.find(&a.session).is_some()
                });
                for record in &removed {
                    users.release(record.user);
                }
                (removed.len(), next, next >= access.len())
            };
            evicted += count;
            at = next;
            if done {
                break;
            }
            tokio::task::yield_now().await;
        }
        let maps = &mut *self.maps();
        maps.refresh.shrink_if_mostly_empty();
        maps.access.shrink_if_mostly_empty();
        Ok(evicted)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn hash(n: u8) -> TokenHash {
        TokenHash([n; 32])
    }

    fn session(expires_at: SystemTime) -> SessionRecord {
        SessionRecord {
            user_email: "a@example.com".into(),
            expires_at,
        }
    }

    #[tokio::test]
    async fn expired_sessions_are_never_live_and_are_removed_on_lookup() {
        let store = MemoryStore::new();
        let now = SystemTime::now();
        store
            .insert_refresh(hash(1), session(now - Duration::from_secs(1)))
            .await
            .unwrap();
        store
            .insert_refresh(hash(2), session(now + Duration::from_secs(60)))
            .await
            .unwrap();

        assert_eq!(store.refresh_session(&hash(1), now).await.unwrap(), None);
        assert!(
            !store.remove_refresh(&hash(1)).await.unwrap(),
            "lookup evicted it"
        );
        assert!(
            store
                .refresh_session(&hash(2), now)
                .await
                .unwrap()
                .is_some()
        );
    }

    #[tokio::test]
    async fn removing_twice_is_not_an_error() {
        let store = MemoryStore::new();
        let later = SystemTime::now() + Duration::from_secs(60);
        store.insert_refresh(hash(1), session(later)).await.unwrap();
        assert!(store.remove_refresh(&hash(1)).await.unwrap());
        assert!(!store.remove_refresh(&hash(1)).await.unwrap());
    }

    #[tokio::test]
    async fn eviction_drops_expired_entries_and_orphaned_access_tokens() {
        let store = MemoryStore::new();
        let now = SystemTime::now();
        let later = now + Duration::from_secs(60);
        store.insert_refresh(hash(1), session(now)).await.unwrap();
        store.insert_refresh(hash(2), session(later)).await.unwrap();
        let access = |session, expires_at| AccessRecord {
            user_email: "a@example.com".into(),
            session,
            expires_at,
        };
        store
            .insert_access(hash(3), access(hash(1), later))
            .await
            .unwrap();
        store
            .insert_access(hash(4), access(hash(2), later))
            .await
            .unwrap();

        assert_eq!(store.evict_expired(now).await.unwrap(), 2);
        assert!(store.access_session(&hash(4), now).await.unwrap().is_some());
        assert!(
            store
                .refresh_session(&hash(2), now)
                .await
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn records_are_compact() {
        assert_eq!(std::mem::size_of::<(TokenHash, Session)>(), 44);
        assert_eq!(std::mem::size_of::<(TokenHash, Access)>(), 76);
    }

    #[test]
    fn expiries_round_trip_to_the_nanosecond() {
        let now = SystemTime::now();
        for time in [
            now,
            now + REFRESH,
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::new(1, 1),
        ] {
            assert_eq!(Nanos::from_time(time).to_time(), time);
        }
        assert!(Nanos::from_time(now) < Nanos::from_time(now + Duration::from_nanos(1)));
        let before_epoch = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(Nanos::from_time(before_epoch).to_time(), UNIX_EPOCH);
    }

    const REFRESH: Duration = Duration::from_secs(7 * 24 * 3600);

    #[tokio::test]
    async fn records_come_back_as_stored_and_users_are_dropped_with_their_last_record() {
        let store = MemoryStore::new();
        let now = SystemTime::now();
        let later = now + REFRESH;
        let session = |user: &str| SessionRecord {
            user_email: user.into(),
            expires_at: later,
        };
        store.insert_refresh(hash(1), session("a")).await.unwrap();
        store.insert_refresh(hash(2), session("b")).await.unwrap();
        let access = AccessRecord {
            user_email: "a".into(),
            session: hash(1),
            expires_at: later,
        };
        store.insert_access(hash(3), access.clone()).await.unwrap();
        assert_eq!(
            store.refresh_session(&hash(1), now).await.unwrap(),
            Some(session("a"))
        );
        assert_eq!(
            store.access_session(&hash(3), now).await.unwrap(),
            Some(access)
        );
        assert_eq!(store.maps().users.ids.len(), 2);

        // Replacing a record releases the user it named.
        store.insert_refresh(hash(2), session("a")).await.unwrap();
        assert_eq!(store.maps().users.ids.len(), 1);
        for key in [1, 2] {
            assert!(store.remove_refresh(&hash(key)).await.unwrap());
        }
        assert_eq!(store.maps().users.ids.len(), 1, "the access record names a");
        assert!(store.remove_access(&hash(3)).await.unwrap());
        assert!(store.maps().users.ids.is_empty());
        // A freed id is reused.
        store.insert_refresh(hash(4), session("c")).await.unwrap();
        assert_eq!(store.maps().users.slots.len(), 2);
        assert_eq!(
            store.refresh_session(&hash(4), now).await.unwrap(),
            Some(session("c"))
        );
    }

    /// Many inserts and removals in a scrambled order against a `HashMap` model: every
    /// removal moves a record, so every position in the index must follow.
    #[tokio::test]
    async fn the_index_follows_every_moved_record() {
        let store = MemoryStore::new();
        let now = SystemTime::now();
        let mut model = std::collections::HashMap::new();
        let key = |n: u32| {
            let mut bytes = [0u8; 32];
            // Keys that share their first 8 bytes too: same index hash, told apart by eq.
            bytes[8..12].copy_from_slice(&n.to_le_bytes());
            bytes[0] = (n % 3) as u8;
            TokenHash(bytes)
        };
        let mut x: u32 = 7;
        for step in 0..20_000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let n = (x >> 8) % 500;
            let expires_at = now + Duration::from_secs(u64::from(n) + 1);
            if x.is_multiple_of(3) {
                let removed = store.remove_refresh(&key(n)).await.unwrap();
                assert_eq!(removed, model.remove(&n).is_some(), "step {step}");
            } else {
                let user_email = format!("user{}", n % 7);
                let record = SessionRecord {
                    user_email,
                    expires_at,
                };
                store.insert_refresh(key(n), record.clone()).await.unwrap();
                model.insert(n, record);
            }
        }
        for n in 0..500 {
            assert_eq!(
                store.refresh_session(&key(n), now).await.unwrap().as_ref(),
                model.get(&n),
                "key {n}"
            );
        }
        let users: std::collections::HashSet<_> =
            model.values().map(|r| r.user_email.clone()).collect();
        assert_eq!(store.maps().users.ids.len(), users.len());
        // Expire the first half by time: the sweep removes exactly those.
        let cut = now + Duration::from_secs(251);
        let expected = model.values().filter(|r| r.expires_at <= cut).count();
        assert_eq!(store.evict_expired(cut).await.unwrap(), expected);
        assert_eq!(store.maps().refresh.len(), model.len() - expected);
    }

    #[tokio::test]
    async fn a_sweep_of_many_steps_evicts_exactly_the_dead() {
        let store = MemoryStore::new();
        let now = SystemTime::now();
        let n = 3 * SWEEP_STEP as u32 + 17;
        let key = |tag: u8, i: u32| {
            let mut bytes = [tag; 32];
            bytes[..4].copy_from_slice(&i.to_le_bytes());
            TokenHash(bytes)
        };
        for i in 0..n {
            // Every third session expired; every session has an access token, live.
            let expires_at = if i % 3 == 0 { now } else { now + REFRESH };
            let record = SessionRecord {
                user_email: format!("u{}", i % 5),
                expires_at,
            };
            store.insert_refresh(key(1, i), record).await.unwrap();
            let access = AccessRecord {
                user_email: format!("u{}", i % 5),
                session: key(1, i),
                expires_at: now + REFRESH,
            };
            store.insert_access(key(2, i), access).await.unwrap();
        }
        let dead = n.div_ceil(3) as usize;
        // The dead sessions, and their access tokens as orphans.
        assert_eq!(store.evict_expired(now).await.unwrap(), 2 * dead);
        for i in 0..n {
            let live = i % 3 != 0;
            assert_eq!(
                store
                    .refresh_session(&key(1, i), now)
                    .await
                    .unwrap()
                    .is_some(),
                live
            );
            assert_eq!(
                store
                    .access_session(&key(2, i), now)
                    .await
                    .unwrap()
                    .is_some(),
                live
            );
        }
        assert_eq!(store.evict_expired(now).await.unwrap(), 0);
    }
}
