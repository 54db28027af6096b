//! A fault-switch decorator: makes every call of the wrapped store fail on demand.
//!
//! The conformance hooks flip it so that the 500 path of logout (LO-09) can be observed
//! against the real handlers. Faults live here, around the store, rather than as a flag in
//! the handlers, so handlers see exactly what a broken backend would give them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use async_trait::async_trait;

use super::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};

/// A store call's future as `async_trait` boxes it, handed on as the inner store made it.
type Passed<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A [`TokenStore`] that forwards to another one unless its switch is on.
pub struct FaultSwitch {
    inner: Arc<dyn TokenStore>,
    failing: Arc<AtomicBool>,
}

/// Flips the switch of one [`FaultSwitch`]; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct FaultSwitchHandle {
    failing: Arc<AtomicBool>,
}

impl FaultSwitch {
    /// Wraps `inner`, switch off; the handle turns it on and off.
    pub fn wrap(inner: Arc<dyn TokenStore>) -> (Self, FaultSwitchHandle) {
        let handle = FaultSwitchHandle::default();
        let switch = Self {
            inner,
            failing: Arc::clone(&handle.failing),
        };
        (switch, handle)
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            Err(StoreError::Injected)
        } else {
            Ok(())
        }
    }
}

impl FaultSwitchHandle {
    /// From now on every store call fails (`true`) or goes through (`false`).
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Whether store calls fail now.
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl TokenStore for FaultSwitch {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.insert_refresh(hash, session).await
    }

    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.check()?;
        self.inner.refresh_session(hash, now).await
    }

    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.remove_refresh(hash).await
    }

    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        self.check()?;
        self.inner.insert_access(hash, record).await
    }

    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        self.check()?;
        self.inner.access_session(hash, now).await
    }

    /// The inner store's own future, not one boxed around it: a validate-session's call.
    fn live_access<'s, 'h, 'async_trait>(
        &'s self,
        hash: &'h TokenHash,
        now: SystemTime,
    ) -> Passed<'async_trait, Option<AccessRecord>>
    where
        's: 'async_trait,
        'h: 'async_trait,
    {
        match self.check() {
            Ok(()) => self.inner.live_access(hash, now),
            Err(fault) => Box::pin(std::future::ready(Err(fault))),
        }
    }

    fn reads_beside(&self) -> bool {
        self.inner.reads_beside()
    }

    /// The inner store's own future, as [`TokenStore::live_access`]'s.
    fn live_access_beside<'s, 'h, 'b, 'async_trait>(
        &'s self,
        hash: &'h TokenHash,
        beside: Option<&'b TokenHash>,
        now: SystemTime,
    ) -> Passed<'async_trait, Option<AccessRecord>>
    where
        's: 'async_trait,
        'h: 'async_trait,
        'b: 'async_trait,
    {
        match self.check() {
            Ok(()) => self.inner.live_access_beside(hash, beside, now),
            Err(fault) => Box::pin(std::future::ready(Err(fault))),
        }
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.remove_access(hash).await
    }

    async fn evict_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        self.check()?;
        self.inner.evict_expired(now).await
    }

    fn slot_tag(&self, user_key: &str) -> Option<u8> {
        self.inner.slot_tag(user_key)
    }

    async fn open_session(
        &self,
        refresh: TokenHash,
        session: SessionRecord,
        access: TokenHash,
        record: AccessRecord,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner
            .open_session(refresh, session, access, record)
            .await
    }

    async fn rotate_refresh(
        &self,
        old: &TokenHash,
        new: TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.check()?;
        self.inner.rotate_refresh(old, new, now).await
    }

    /// The inner store's own future, not one boxed around it: a logout's call.
    fn revoke<'s, 'r, 'a, 'async_trait>(
        &'s self,
        refresh: &'r [TokenHash],
        access: &'a [TokenHash],
    ) -> Passed<'async_trait, ()>
    where
        's: 'async_trait,
        'r: 'async_trait,
        'a: 'async_trait,
    {
        match self.check() {
            Ok(()) => self.inner.revoke(refresh, access),
            Err(fault) => Box::pin(std::future::ready(Err(fault))),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[tokio::test]
    async fn the_switch_fails_every_call_until_turned_off() {
        let (store, handle) = FaultSwitch::wrap(Arc::new(MemoryStore::new()));
        let hash = TokenHash([7; 32]);
        assert!(!store.remove_refresh(&hash).await.unwrap());

        handle.set_failing(true);
        assert!(matches!(
            store.remove_refresh(&hash).await,
            Err(StoreError::Injected)
        ));
        assert!(matches!(
            store.evict_expired(SystemTime::now()).await,
            Err(StoreError::Injected)
        ));
        // The two calls handed on without a box of their own fail alike.
        assert!(matches!(
            store.revoke(&[hash], &[hash]).await,
            Err(StoreError::Injected)
        ));
        assert!(matches!(
            store.live_access(&hash, SystemTime::now()).await,
            Err(StoreError::Injected)
        ));
        assert!(matches!(
            store
                .live_access_beside(&hash, Some(&hash), SystemTime::now())
                .await,
            Err(StoreError::Injected)
        ));

        handle.set_failing(false);
        assert!(!store.remove_refresh(&hash).await.unwrap());
        store.revoke(&[hash], &[hash]).await.unwrap();
        assert_eq!(
            store.live_access(&hash, SystemTime::now()).await.unwrap(),
            None
        );
        assert_eq!(
            store
                .live_access_beside(&hash, Some(&hash), SystemTime::now())
                .await
                .unwrap(),
            None
        );
    }
}
