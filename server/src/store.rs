//! The token store: the only place where session and access tokens live.
//!
//! Handlers talk to [`TokenStore`] only, so another backend (a database, a cache) can be
//! added without touching them. A store keeps the SHA-256 hash of each token, never the
//! token itself: a leaked store cannot be replayed as cookies.
//!
//! Two backends: [`MemoryStore`] (the default: one process, lost on restart) and
//! `RedisStore` (`--store redis://…`: shared by every instance using that database),
//! the latter only with the `redis` cargo feature (on by default).

pub mod fault;
pub mod memory;
#[cfg(feature = "redis")]
pub mod redis;

use std::fmt;
use std::time::SystemTime;

use async_trait::async_trait;

pub use fault::{FaultSwitch, FaultSwitchHandle};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// The SHA-256 hash of a token's raw bytes: the key under which a store keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl fmt::Debug for TokenHash {
    /// Only a prefix: enough to tell hashes apart in a log, useless for anything else.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash(")?;
        for byte in &self.0[..4] {
            write!(f, "{byte:02x}")?;
        }
        write!(f, "…)")
    }
}

/// What a refresh token stands for: one login of one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// The user's email as the user registry keys it.
    pub user_email: String,
    /// After this instant the session is dead, whether or not it was evicted yet.
    pub expires_at: SystemTime,
}

/// What an access token stands for: a short-lived credential minted from a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRecord {
    /// The user's email as the user registry keys it.
    pub user_email: String,
    /// The refresh token hash of the session this access token was minted from; the
    /// access token dies with that session.
    pub session: TokenHash,
    /// After this instant the access token is dead, whether or not it was evicted yet.
    pub expires_at: SystemTime,
}

/// Why a store call failed. Its text goes to the log, never to a response body.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The fault switch is on (conformance hook `POST /__conformance/store/fail`).
    #[error("token store failure injected by the fault switch")]
    Injected,
    /// The backend could not be reached or refused the operation.
    #[error("token store backend error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A backend for refresh and access tokens, keyed by [`TokenHash`].
///
/// Object-safe (`Arc<dyn TokenStore>`) through `async_trait`: implement it with
/// `#[logout_server::async_trait]`. Removing a token that is not there is not an error
/// (`Ok(false)`), so concurrent logouts with one token all succeed.
#[async_trait]
pub trait TokenStore: Send + Sync + 'static {
    /// Stores a new session under the hash of its refresh token.
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError>;

    /// The session of a refresh token, or `None` if it is missing or expired at `now`.
    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// Removes a refresh token, and every token it was rotated into
    /// ([`TokenStore::rotate_refresh`]); `Ok(true)` if one was there (live or expired).
    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError>;

    /// Stores a new access token.
    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError>;

    /// The record of an access token, or `None` if it is missing or expired at `now` (or,
    /// where the backend tells it as cheaply, its session is gone: the in-memory store).
    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError>;

    /// The record of an access token whose session is live too at `now`, or `None`: what
    /// a validate-session asks (an access token dies with its session). By default
    /// [`TokenStore::access_session`] then [`TokenStore::refresh_session`]; a backend
    /// that can read both in one round trip overrides this.
    async fn live_access(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        let Some(record) = self.access_session(hash, now).await? else {
            return Ok(None);
        };
        let session = self.refresh_session(&record.session, now).await?;
        Ok(session.map(|_| record))
    }

    /// Whether [`TokenStore::live_access_beside`] makes use of the refresh token it is
    /// given: only then does a validate-session hash one for it. `false` by default.
    fn reads_beside(&self) -> bool {
        false
    }

    /// [`TokenStore::live_access`], told the refresh token presented beside the access
    /// token, if any. Browsers send both cookies (both `Path=/`), and when `beside` is the
    /// access token's session a backend may read the two records more cheaply than by
    /// following the access record to its session (Redis: one `MGET` instead of a
    /// script). The answer is [`TokenStore::live_access`]'s whatever `beside` is: a
    /// `beside` of another session, or of none, only loses the shortcut. By default
    /// [`TokenStore::live_access`]; a backend that overrides this says so in
    /// [`TokenStore::reads_beside`].
    async fn live_access_beside(
        &self,
        hash: &TokenHash,
        _beside: Option<&TokenHash>,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        self.live_access(hash, now).await
    }

    /// Removes an access token; `Ok(true)` if it was there (live or expired).
    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError>;

    /// Drops every entry expired at `now`; returns how many went.
    async fn evict_expired(&self, now: SystemTime) -> Result<usize, StoreError>;

    /// The byte the hash of every token of `user_key` must start with, if this store
    /// shards by it (a Redis Cluster: see `store::redis::keys`); `None` (the default)
    /// for any token.
    fn slot_tag(&self, _user_key: &str) -> Option<u8> {
        None
    }

    /// Stores a new session and its first access token: what a login writes. A backend
    /// that can do it in one step (one round trip) overrides this; by default it is
    /// [`TokenStore::insert_refresh`] then [`TokenStore::insert_access`].
    async fn open_session(
        &self,
        refresh: TokenHash,
        session: SessionRecord,
        access: TokenHash,
        record: AccessRecord,
    ) -> Result<(), StoreError> {
        self.insert_refresh(refresh, session).await?;
        self.insert_access(access, record).await
    }

    /// Replaces the live refresh token `old` by `new`, of the same session (a rotating
    /// refresh), in one atomic step with respect to [`TokenStore::remove_refresh`]:
    /// `None`, changing nothing, when `old` is not live at `now`. The store remembers
    /// that `old` was rotated into `new`, so that removing `old` afterwards (a logout
    /// that presented the token it had while a refresh rotated it) removes `new` too:
    /// the session ends, not one value of it (LO-14). A backend that cannot do both
    /// atomically does not rotate: by default this is an error.
    async fn rotate_refresh(
        &self,
        _old: &TokenHash,
        _new: TokenHash,
        _now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        Err(StoreError::Backend(
            "this token store does not rotate refresh tokens".into(),
        ))
    }

    /// Removes every refresh token in `refresh` and every access token in `access`: what
    /// a logout does. A backend that can do it atomically in one round trip overrides
    /// this; by default it is one [`TokenStore::remove_refresh`] or
    /// [`TokenStore::remove_access`] per token, stopping at the first failure.
    async fn revoke(&self, refresh: &[TokenHash], access: &[TokenHash]) -> Result<(), StoreError> {
        for hash in refresh {
            self.remove_refresh(hash).await?;
        }
        for hash in access {
            self.remove_access(hash).await?;
        }
        Ok(())
    }
}
