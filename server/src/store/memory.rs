//! An in-memory [`TokenStore`]: two hash maps behind one mutex.
//!
//! Every operation is a few map lookups, so a std mutex held for microseconds is simpler
//! and faster than an async lock. Expired entries are never returned; a lookup that meets
//! one removes it, and [`TokenStore::evict_expired`] (called by the server's sweeper)
//! removes the ones nobody asks for.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use async_trait::async_trait;

use super::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};

/// The default store: tokens live as long as the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    maps: Mutex<Maps>,
}

#[derive(Debug, Default)]
struct Maps {
    refresh: HashMap<TokenHash, SessionRecord>,
    access: HashMap<TokenHash, AccessRecord>,
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

/// Looks a key up, removing the entry instead if it expired at `now`.
fn live<V: Clone>(
    map: &mut HashMap<TokenHash, V>,
    hash: &TokenHash,
    now: SystemTime,
    expires_at: impl Fn(&V) -> SystemTime,
) -> Option<V> {
    let value = map.get(hash)?;
    if expires_at(value) > now {
        Some(value.clone())
    } else {
        map.remove(hash);
        None
    }
}

#[async_trait]
impl TokenStore for MemoryStore {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        self.maps().refresh.insert(hash, session);
        Ok(())
    }

    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        Ok(live(&mut self.maps().refresh, hash, now, |s| s.expires_at))
    }

    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        Ok(self.maps().refresh.remove(hash).is_some())
    }

    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        self.maps().access.insert(hash, record);
        Ok(())
    }

    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        Ok(live(&mut self.maps().access, hash, now, |a| a.expires_at))
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        Ok(self.maps().access.remove(hash).is_some())
    }

    async fn evict_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        let mut maps = self.maps();
        let before = maps.refresh.len() + maps.access.len();
        maps.refresh.retain(|_, s| s.expires_at > now);
        // An access token whose session is gone can never be accepted again either.
        let Maps { refresh, access } = &mut *maps;
        access.retain(|_, a| a.expires_at > now && refresh.contains_key(&a.session));
        Ok(before - (maps.refresh.len() + maps.access.len()))
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
}
