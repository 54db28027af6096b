//! A Redis [`TokenStore`] (`--store redis://HOST:PORT/DB`): sessions shared by every
//! server instance that names the same database.
//!
//! # Layout
//!
//! | Key | Type | Value | Expires |
//! |---|---|---|---|
//! | `lo:r:<hash>` | string | [`SessionRecord`], binary (below) | with the session |
//! | `lo:a:<hash>` | string | [`AccessRecord`], binary (below) | with the access token |
//! | `lo:u:<user>` | sorted set | the user's refresh hashes, scored by expiry (Unix ms) | with the user's last-expiring session |
//!
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
//! Removal is one `GETDEL` (refresh) or `DEL` (access): of concurrent logouts with one
//! token exactly one sees it there, and none fails (LO-10). A login writes the session
//! and its index entry in one `MULTI`/`EXEC`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use redis::{cmd, pipe};

use super::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};
use crate::redis_db::{RedisDb, RedisFailure};

/// The shortest TTL a record gets: see the module docs.
pub const MIN_TTL: Duration = Duration::from_secs(60);

const REFRESH_PREFIX: &[u8] = b"lo:r:";
const ACCESS_PREFIX: &[u8] = b"lo:a:";
const USER_PREFIX: &[u8] = b"lo:u:";
const FORMAT: u8 = 1;

/// Tokens in a Redis database, shared by every instance that uses it.
#[derive(Clone, Debug)]
pub struct RedisStore {
    db: RedisDb,
}

impl From<RedisFailure> for StoreError {
    fn from(failure: RedisFailure) -> Self {
        StoreError::Backend(Box::new(failure))
    }
}

impl RedisStore {
    /// A store over an open database.
    pub fn new(db: RedisDb) -> Self {
        Self { db }
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
                    .arg(user_index(user_key))
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
    /// transaction; returns how many were removed. A session opened meanwhile survives.
    pub async fn remove_sessions_of(
        &self,
        user_key: &str,
        now: SystemTime,
    ) -> Result<usize, StoreError> {
        let hashes = self.sessions_of(user_key, now).await?;
        if hashes.is_empty() {
            return Ok(0);
        }
        let keys: Vec<Vec<u8>> = hashes.iter().map(|h| key(REFRESH_PREFIX, h)).collect();
        let members: Vec<&[u8]> = hashes.iter().map(|h| &h.0[..]).collect();
        let (removed,): (usize,) = self
            .db
            .query_pipe(
                "remove sessions of user",
                pipe()
                    .atomic()
                    .cmd("DEL")
                    .arg(keys)
                    .cmd("ZREM")
                    .arg(user_index(user_key))
                    .arg(members)
                    .ignore(),
            )
            .await?;
        Ok(removed)
    }

    async fn get(&self, op: &'static str, key: Vec<u8>) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.query(op, cmd(op).arg(key)).await?)
    }
}

#[async_trait]
impl TokenStore for RedisStore {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        let now = SystemTime::now();
        let ttl = ttl_millis(session.expires_at, now);
        let index = user_index(&session.user_email);
        self.db
            .query_pipe::<()>(
                "insert session",
                pipe()
                    .atomic()
                    .cmd("SET")
                    .arg(key(REFRESH_PREFIX, &hash))
                    .arg(encode(session.expires_at, None, &session.user_email))
                    .arg("PX")
                    .arg(ttl)
                    .ignore()
                    .cmd("ZADD")
                    .arg(&index)
                    .arg(unix_millis(session.expires_at))
                    .arg(&hash.0[..])
                    .ignore()
                    .cmd("ZREMRANGEBYSCORE")
                    .arg(&index)
                    .arg("-inf")
                    .arg(unix_millis(now))
                    .ignore()
                    .cmd("PEXPIRE")
                    .arg(&index)
                    .arg(ttl)
                    .arg("NX")
                    .ignore()
                    .cmd("PEXPIRE")
                    .arg(&index)
                    .arg(ttl)
                    .arg("GT")
                    .ignore(),
            )
            .await?;
        Ok(())
    }

    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let Some(value) = self.get("GET", key(REFRESH_PREFIX, hash)).await? else {
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
        let Some(value) = self.get("GETDEL", key(REFRESH_PREFIX, hash)).await? else {
            return Ok(false);
        };
        // The session is gone, which is what the caller asked for. The index entry is
        // tidied up on a best-effort basis: a stale one is pruned at the user's next
        // login and never names a live session.
        match decode(&value, false) {
            Ok((_, _, user)) => {
                let tidy = cmd("ZREM").arg(user_index(&user)).arg(&hash.0[..]).clone();
                if let Err(error) = self.db.query::<()>("ZREM", &tidy).await {
                    tracing::warn!(%error, "session removed, its index entry left behind");
                }
            }
            Err(error) => tracing::warn!(%error, "removed an unreadable session record"),
        }
        Ok(true)
    }

    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        let ttl = ttl_millis(record.expires_at, SystemTime::now());
        let value = encode(record.expires_at, Some(&record.session), &record.user_email);
        self.db
            .query::<()>(
                "SET",
                cmd("SET")
                    .arg(key(ACCESS_PREFIX, &hash))
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
        let Some(value) = self.get("GET", key(ACCESS_PREFIX, hash)).await? else {
            return Ok(None);
        };
        let (expires_at, session, user_email) = decode(&value, true)?;
        let session = session.ok_or_else(|| corrupt("access record without a session"))?;
        Ok((expires_at > now).then_some(AccessRecord {
            user_email,
            session,
            expires_at,
        }))
    }

    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        let removed: usize = self
            .db
            .query("DEL", cmd("DEL").arg(key(ACCESS_PREFIX, hash)))
            .await?;
        Ok(removed > 0)
    }

    /// Nothing to do: Redis expires keys by their TTL, and index entries are pruned at
    /// each login of their user.
    async fn evict_expired(&self, _now: SystemTime) -> Result<usize, StoreError> {
        Ok(0)
    }
}

fn key(prefix: &[u8], hash: &TokenHash) -> Vec<u8> {
    [prefix, &hash.0[..]].concat()
}

fn user_index(user_key: &str) -> Vec<u8> {
    [USER_PREFIX, user_key.as_bytes()].concat()
}

/// Milliseconds since the Unix epoch (0 before it).
fn unix_millis(at: SystemTime) -> u64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// The TTL of a record expiring at `expires_at`, at least [`MIN_TTL`], in milliseconds.
fn ttl_millis(expires_at: SystemTime, now: SystemTime) -> u64 {
    let ttl = expires_at
        .duration_since(now)
        .unwrap_or_default()
        .max(MIN_TTL);
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)
}

fn encode(expires_at: SystemTime, session: Option<&TokenHash>, user: &str) -> Vec<u8> {
    let since = expires_at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut value = Vec::with_capacity(13 + 32 + user.len());
    value.push(FORMAT);
    value.extend_from_slice(&since.as_secs().to_be_bytes());
    value.extend_from_slice(&since.subsec_nanos().to_be_bytes());
    if let Some(session) = session {
        value.extend_from_slice(&session.0);
    }
    value.extend_from_slice(user.as_bytes());
    value
}

fn decode(
    value: &[u8],
    with_session: bool,
) -> Result<(SystemTime, Option<TokenHash>, String), RedisFailure> {
    let (&format, rest) = value.split_first().ok_or_else(|| corrupt("empty"))?;
    if format != FORMAT {
        return Err(corrupt(&format!("unknown format {format}")));
    }
    let (secs, rest) = rest
        .split_first_chunk::<8>()
        .ok_or_else(|| corrupt("short"))?;
    let (nanos, rest) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| corrupt("short"))?;
    let expires_at = Duration::from_secs(u64::from_be_bytes(*secs))
        .checked_add(Duration::from_nanos(u32::from_be_bytes(*nanos).into()))
        .and_then(|since| UNIX_EPOCH.checked_add(since))
        .ok_or_else(|| corrupt("expiry out of range"))?;
    let (session, rest) = if with_session {
        let (session, rest) = rest
            .split_first_chunk::<32>()
            .ok_or_else(|| corrupt("short"))?;
        (Some(TokenHash(*session)), rest)
    } else {
        (None, rest)
    };
    let user = String::from_utf8(rest.to_vec()).map_err(|_| corrupt("user is not UTF-8"))?;
    Ok((expires_at, session, user))
}

fn corrupt(why: &str) -> RedisFailure {
    RedisFailure::Corrupt {
        op: "decode",
        why: why.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_exactly_and_compactly() {
        let at = UNIX_EPOCH + Duration::new(1_900_000_000, 123_456_789);
        let session = TokenHash([9; 32]);
        let value = encode(at, Some(&session), "a@example.com");
        assert_eq!(value.len(), 1 + 8 + 4 + 32 + "a@example.com".len());
        assert_eq!(
            decode(&value, true).unwrap(),
            (at, Some(session), "a@example.com".to_owned())
        );
        let value = encode(at, None, "a@example.com");
        assert_eq!(
            decode(&value, false).unwrap(),
            (at, None, "a@example.com".to_owned())
        );
    }

    #[test]
    fn unreadable_values_are_errors_not_panics() {
        for bad in [&b""[..], b"\x02rest", b"\x01short", &[1; 12]] {
            assert!(decode(bad, false).is_err(), "{bad:?}");
        }
        assert!(decode(&encode(SystemTime::now(), None, "u"), true).is_err());
    }

    #[test]
    fn keys_are_a_short_prefix_and_the_raw_hash() {
        let k = key(REFRESH_PREFIX, &TokenHash([0xab; 32]));
        assert_eq!(k.len(), 37);
        assert!(k.starts_with(b"lo:r:"));
    }

    #[test]
    fn ttls_follow_the_expiry_but_never_go_below_the_minimum() {
        let now = SystemTime::now();
        assert_eq!(ttl_millis(now + Duration::from_secs(900), now), 900_000);
        assert_eq!(ttl_millis(now - Duration::from_secs(5), now), 60_000);
        assert_eq!(ttl_millis(now + Duration::from_secs(1), now), 60_000);
    }
}
