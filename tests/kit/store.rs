//! A token store that misbehaves in one way: the reference [`MemoryStore`] with its
//! `remove_refresh` replaced. Everything else forwards unchanged, and the reference
//! [`AppState::with_store`](logout_server::AppState::with_store) still wraps it in the
//! fault switch, so the conformance hooks work as usual.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use logout_server::{
    AccessRecord, MemoryStore, SessionRecord, StoreError, TokenHash, TokenStore, async_trait,
};

/// How `remove_refresh` misbehaves.
#[derive(Debug, Clone, Copy)]
pub enum Removal {
    /// Removes the token, as the reference does (for defects that live elsewhere).
    Honest,
    /// Says it removed the token and leaves it in the store.
    Forgets,
    /// Removes every refresh token of the token's user ("log out everywhere").
    EveryTokenOfTheUser,
    /// Looks the token up, waits `window` (a slow database round trip), then deletes it
    /// and fails when the delete found nothing: a read-then-delete race.
    ReadThenDelete { window: Duration },
}

/// The reference memory store with a misbehaving `remove_refresh`.
#[derive(Debug)]
pub struct MisbehavingStore {
    inner: MemoryStore,
    removal: Removal,
    /// Which user each refresh token was issued to (for [`Removal::EveryTokenOfTheUser`]).
    issued: Mutex<HashMap<TokenHash, String>>,
}

impl MisbehavingStore {
    pub fn new(removal: Removal) -> Self {
        Self {
            inner: MemoryStore::new(),
            removal,
            issued: Mutex::default(),
        }
    }

    fn issued(&self) -> std::sync::MutexGuard<'_, HashMap<TokenHash, String>> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Removes every refresh token issued to the user of `hash` ("log out everywhere").
    pub async fn remove_every_session_of(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        let siblings: Vec<TokenHash> = {
            let issued = self.issued();
            let Some(user) = issued.get(hash) else {
                return Ok(false);
            };
            issued
                .iter()
                .filter(|(_, u)| *u == user)
                .map(|(h, _)| *h)
                .collect()
        };
        let mut removed = false;
        for sibling in siblings {
            removed |= self.inner.remove_refresh(&sibling).await?;
        }
        Ok(removed)
    }
}

#[async_trait]
impl TokenStore for MisbehavingStore {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        self.issued().insert(hash, session.user_email.clone());
        self.inner.insert_refresh(hash, session).await
    }

    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.refresh_session(hash, now).await
    }

    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        match self.removal {
            Removal::Honest => self.inner.remove_refresh(hash).await,
            Removal::Forgets => Ok(true),
            Removal::EveryTokenOfTheUser => self.remove_every_session_of(hash).await,
            Removal::ReadThenDelete { window } => {
                if self
                    .inner
                    .refresh_session(hash, SystemTime::now())
                    .await?
                    .is_none()
                {
                    return Ok(false);
                }
                tokio::time::sleep(window).await;
                if self.inner.remove_refresh(hash).await? {
                    Ok(true)
                } else {
                    Err(StoreError::Backend(
                        "DELETE FROM refresh_tokens affected 0 rows".into(),
                    ))
                }
            }
        }
    }

    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        self.inner.insert_access(hash, record).await
    }

    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        self.inner.access_session(hash, now).await
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        self.inner.remove_access(hash).await
    }

    async fn evict_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        self.inner.evict_expired(now).await
    }
}
