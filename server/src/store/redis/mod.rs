//! A Redis [`TokenStore`] (`--store redis://HOST:PORT/DB` or
//! `redis+cluster://HOST:PORT,…`): sessions shared by every server instance that names
//! the same database or cluster.
//!
//! Modules: [`url`] (the `--store` value), [`db`] (the connection and its bounds),
//! [`batch`] (concurrent requests' commands written together), [`bounds`] (its timeouts),
//! [`keys`] (key layout, slot tags, record format), [`scripts`] (login's and logout's
//! one-round-trip writes, and the wait for replicas), [`revoke`] (a logout's scripts, one
//! per slot tag), `users` (the user registry's records, [`RedisUsers`]).
//!
//! Built only with the `redis` cargo feature (on by default): the conformance CLI embeds
//! the in-memory server and leaves it, and the `redis` crate, out.
//!
//! # Layout
//!
//! | Key | Type | Value | Expires |
//! |---|---|---|---|
//! | `lo:r:[{xx}]<hash>` | string | [`SessionRecord`], binary (below) | with the session |
//! | `lo:a:[{xx}]<hash>` | string | [`AccessRecord`], binary (below) | with the access token |
//! | `lo:u:[{xx}]<user>` | sorted set | the user's refresh hashes, scored by expiry (Unix ms) | with the user's last-expiring session |
//!
//! `{xx}` is the slot tag, on a cluster only ([`keys`]): everything one login or logout
//! touches is in one hash slot.
//! `<hash>` is the token's SHA-256 as 32 raw bytes (keys are 37 bytes), never the token;
//! `<user>` is the user registry key (the lower-cased email). Values are one format byte
//! (`1`), the expiry as seconds (u64, big-endian) and nanoseconds (u32, big-endian) since
//! the Unix epoch, for an access record the 32-byte session hash, then the user key as
//! UTF-8: 13 to 45 bytes plus the email.
//!
//! # Expiry
//!
//! Redis expires every key itself (`SET … PX`, relative, so the server's and Redis's
//! clocks need not agree), which is why [`TokenStore::evict_expired`] has nothing to do
//! and returns 0. A record whose expiry is past or less than [`MIN_TTL`] away is kept for
//! [`MIN_TTL`], so that a logout with a just-expired token still finds it (as the memory
//! store keeps expired entries until its sweep); lookups compare the record's expiry
//! with the caller's clock, so such a record is never accepted.
//!
//! # The per-user index
//!
//! `lo:u:<user>` lists a user's live sessions for "log out everywhere"
//! ([`RedisStore::sessions_of`], [`RedisStore::remove_sessions_of`]). [`TokenStore`] has
//! no such operation today, so the API does not use it yet. A sorted set rather than a
//! plain set: members are scored by expiry, and every login prunes the expired ones, so
//! the index stays as small as the user's live sessions. Its TTL only ever grows
//! (`PEXPIRE … NX` then `… GT`), so it outlives every session it lists.
//!
//! # Atomicity
//!
//! A logout is one script ([`scripts`]): `GETDEL` of every presented session with the
//! removal of its index entry, and `DEL` of every presented access token, atomically, in
//! one round trip on the shared multiplexed connection. Of concurrent logouts with one
//! token exactly one sees it there, and none fails (LO-10). A login writes the session,
//! its index entry and its first access token in one script too. On a cluster, values
//! presented together whose slot tags differ (not one user's tokens: forged or mixed
//! cookies) are revoked by one script per tag, run concurrently.
//!
//! A validate-session reads the access record and its session's in one round trip too:
//! one `MGET` of both keys when the refresh token presented beside the access token is
//! the access record's session (as a browser sends them), else one script that follows
//! the access record to its session.
//!
//! # Durability
//!
//! With `?replicas=N` (the default on a cluster: 1) a login or logout is answered only
//! once `N` replicas hold its write (`WAIT`, see [`scripts`]), so a failover cannot undo
//! it; otherwise it fails and the request answers 500.

use std::time::SystemTime;

use async_trait::async_trait;
use redis::cmd;

use super::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};

mod batch;
mod bounds;
mod cluster;
mod db;
mod keys;
mod revoke;
mod scripts;
mod url;
mod users;

pub use bounds::{COMMAND_TIMEOUT, CONNECT_TIMEOUT};
pub use db::{ConnectError, RedisDb, RedisFailure};
pub use keys::MIN_TTL;
pub use scripts::REPLICA_WAIT;
pub use url::RedisUrl;
pub use users::RedisUsers;

use keys::{Key, Layout, decode, encode, ttl_millis, unix_millis};
use scripts::Scripts;

/// Tokens in a Redis database or cluster, shared by every instance that uses it.
#[derive(Clone, Debug)]
pub struct RedisStore {
    db: RedisDb,
    layout: Layout,
    scripts: std::sync::Arc<Scripts>,
}

impl From<RedisFailure> for StoreError {
    fn from(failure: RedisFailure) -> Self {
        StoreError::Backend(Box::new(failure))
    }
}

impl RedisStore {
    /// A store over an open database (keys tagged by slot on a cluster).
    pub fn new(db: RedisDb) -> Self {
        let layout = Layout {
            tagged: db.url().is_cluster(),
        };
        Self {
            db,
            layout,
            scripts: std::sync::Arc::default(),
        }
    }

    /// The refresh hashes of `user_key`'s sessions that are live at `now`, per the index.
    pub async fn sessions_of(
        &self,
        user_key: &str,
        now: SystemTime,
    ) -> Result<Vec<TokenHash>, StoreError> {
        let members: Vec<Vec<u8>> = self
            .db
            .query(
                "ZRANGE BYSCORE",
                cmd("ZRANGE")
                    .arg(self.layout.index(user_key))
                    .arg(format!("({}", unix_millis(now)))
                    .arg("+inf")
                    .arg("BYSCORE"),
            )
            .await?;
        Ok(members
            .into_iter()
            .filter_map(|m| m.try_into().ok().map(TokenHash))
            .collect())
    }

    /// Removes every session of `user_key` live at `now` ("log out everywhere"), in one
    /// script (the user's sessions and index share a slot); returns how many were
    /// removed. A session opened meanwhile survives.
    pub async fn remove_sessions_of(
        &self,
        user_key: &str,
        now: SystemTime,
    ) -> Result<usize, StoreError> {
        let hashes = self.sessions_of(user_key, now).await?;
        if hashes.is_empty() {
            return Ok(0);
        }
        let tag = crate::token::user_tag(user_key);
        let keys: Vec<Key> = hashes.iter().map(|h| self.layout.refresh(h)).collect();
        let prefix = self.layout.index_prefix(tag);
        Ok(self.scripts.revoke(&self.db, &keys, &[], prefix).await?)
    }

    async fn get(&self, op: &'static str, key: Key) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.query(op, cmd(op).arg(&key[..])).await?)
    }
}

/// An access record as stored.
fn decode_access(value: &[u8]) -> Result<AccessRecord, StoreError> {
    let (expires_at, session, user_email) = decode(value, true)?;
    let session = session.ok_or_else(|| keys::corrupt("access record without a session"))?;
    Ok(AccessRecord {
        user_email,
        session,
        expires_at,
    })
}

/// What a validate-session learns from an access record and its session's record as
/// stored (`None`: gone): the access record if both are live at `now`. Redis may not have
/// expired either yet (MIN_TTL, or clocks that disagree), so both expiries are compared.
fn live_record(
    access: AccessRecord,
    session_value: Option<&[u8]>,
    now: SystemTime,
) -> Result<Option<AccessRecord>, StoreError> {
    let Some(session_value) = session_value else {
        return Ok(None);
    };
    let (session_expires_at, _, _) = decode(session_value, false)?;
    Ok((access.expires_at > now && session_expires_at > now).then_some(access))
}

#[async_trait]
impl TokenStore for RedisStore {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        let (keys, args) = self.session_write(&hash, &session, SystemTime::now());
        let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        Ok(self.scripts.open(&self.db, &keys, &args).await?)
    }

    fn slot_tag(&self, user_key: &str) -> Option<u8> {
        self.layout.tagged.then(|| crate::token::user_tag(user_key))
    }

    async fn open_session(
        &self,
        refresh: TokenHash,
        session: SessionRecord,
        access: TokenHash,
        record: AccessRecord,
    ) -> Result<(), StoreError> {
        let now = SystemTime::now();
        let (mut keys, mut args) = self.session_write(&refresh, &session, now);
        keys.push(self.layout.access(&access).to_vec());
        args.push(encode(
            record.expires_at,
            Some(&record.session),
            &record.user_email,
        ));
        args.push(ttl_millis(record.expires_at, now).to_string().into_bytes());
        let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        Ok(self.scripts.open(&self.db, &keys, &args).await?)
    }

    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let Some(value) = self.get("GET", self.layout.refresh(hash)).await? else {
            return Ok(None);
        };
        let (expires_at, _, user_email) = decode(&value, false)?;
        // Redis may not have expired it yet (MIN_TTL, or clocks that disagree).
        Ok((expires_at > now).then_some(SessionRecord {
            user_email,
            expires_at,
        }))
    }

    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        Ok(self.revoke_all(std::slice::from_ref(hash), &[]).await? > 0)
    }

    /// Not waited for by replicas: an access token lost in a failover only makes its
    /// client refresh (a 401), it cannot bring back a revoked session.
    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        let ttl = ttl_millis(record.expires_at, SystemTime::now());
        let value = encode(record.expires_at, Some(&record.session), &record.user_email);
        self.db
            .query::<()>(
                "SET",
                cmd("SET")
                    .arg(&self.layout.access(&hash)[..])
                    .arg(value)
                    .arg("PX")
                    .arg(ttl),
            )
            .await?;
        Ok(())
    }

    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        let Some(value) = self.get("GET", self.layout.access(hash)).await? else {
            return Ok(None);
        };
        let record = decode_access(&value)?;
        Ok((record.expires_at > now).then_some(record))
    }

    /// One script: the access record and its session's, read together.
    async fn live_access(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        let key = self.layout.access(hash);
        let prefix = self.layout.refresh_prefix(hash.0[0]);
        let Some((access, session)) = self.scripts.live_access(&self.db, key, prefix).await? else {
            return Ok(None);
        };
        live_record(decode_access(&access)?, session.as_deref(), now)
    }

    fn reads_beside(&self) -> bool {
        true
    }

    /// One `MGET` of the access record and the session of `beside`: a plain read costs
    /// Redis about a quarter of the script's CPU. When the access record names another
    /// session, the script. On a cluster a `beside` of another slot tag cannot be the
    /// access token's session (a session's tokens share its user's tag): the script at
    /// once, rather than a read split over two nodes.
    async fn live_access_beside(
        &self,
        hash: &TokenHash,
        beside: Option<&TokenHash>,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        let Some(beside) = beside.filter(|b| !self.layout.tagged || b.0[0] == hash.0[0]) else {
            return self.live_access(hash, now).await;
        };
        let mut values: Vec<Option<Vec<u8>>> = self
            .db
            .query(
                "MGET",
                cmd("MGET")
                    .arg(&self.layout.access(hash)[..])
                    .arg(&self.layout.refresh(beside)[..]),
            )
            .await?;
        let (Some(session), Some(access), None) = (values.pop(), values.pop(), values.pop()) else {
            return Err(keys::corrupt("MGET of two keys answered another count").into());
        };
        let Some(access) = access else {
            return Ok(None);
        };
        let access = decode_access(&access)?;
        if access.session != *beside {
            return self.live_access(hash, now).await;
        }
        live_record(access, session.as_deref(), now)
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        Ok(self.revoke_all(&[], std::slice::from_ref(hash)).await? > 0)
    }

    /// Nothing to do: Redis expires keys by their TTL, and index entries are pruned at
    /// each login of their user.
    async fn evict_expired(&self, _now: SystemTime) -> Result<usize, StoreError> {
        Ok(0)
    }

    async fn revoke(&self, refresh: &[TokenHash], access: &[TokenHash]) -> Result<(), StoreError> {
        if refresh.is_empty() && access.is_empty() {
            return Ok(());
        }
        self.revoke_all(refresh, access).await?;
        Ok(())
    }
}

impl RedisStore {
    /// The keys and arguments of the [`scripts`] `OPEN` call for one session.
    fn session_write(
        &self,
        hash: &TokenHash,
        session: &SessionRecord,
        now: SystemTime,
    ) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let ttl = ttl_millis(session.expires_at, now);
        let keys = vec![
            self.layout.refresh(hash).to_vec(),
            self.layout.index(&session.user_email),
        ];
        let args = vec![
            encode(session.expires_at, None, &session.user_email),
            ttl.to_string().into_bytes(),
            unix_millis(session.expires_at).to_string().into_bytes(),
            unix_millis(now).to_string().into_bytes(),
            hash.0.to_vec(),
        ];
        (keys, args)
    }
}
