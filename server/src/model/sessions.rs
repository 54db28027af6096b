//! Sessions: opening one at login, minting access tokens, and recognising the tokens a
//! request presents.
//!
//! A refresh token is the session; an access token is minted from a session and dies with
//! it, so removing the refresh token at logout also ends every access token minted from
//! it, and the presented access token is revoked explicitly as well (LO-27).

use std::time::{Duration, SystemTime};

use warp::http::HeaderMap;

use crate::model::cookies::{self, PresentedTokens, SessionCookie};
use crate::model::internal::InternalError;
use crate::model::token::{self, Token};
use crate::store::{AccessRecord, SessionRecord, StoreError, TokenHash, TokenStore};

/// Lifetime of an access token: 15 minutes.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
/// Lifetime of a session (its refresh token): 7 days.
pub const REFRESH_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The two tokens of a new session.
#[derive(Debug)]
pub struct IssuedTokens {
    /// The session's refresh token.
    pub refresh: Token,
    /// The first access token of the session.
    pub access: Token,
}

/// Opens a session for `user_key` and mints its first access token, with the given
/// expiries (the expired-session hook passes instants in the past).
pub async fn open(
    store: &dyn TokenStore,
    user_key: &str,
    refresh_expires_at: SystemTime,
    access_expires_at: SystemTime,
) -> Result<IssuedTokens, InternalError> {
    let refresh = new_token(store, user_key)?;
    let access = new_token(store, user_key)?;
    let session = SessionRecord {
        user_email: user_key.to_owned(),
        expires_at: refresh_expires_at,
    };
    let record = AccessRecord {
        user_email: user_key.to_owned(),
        session: refresh.hash(),
        expires_at: access_expires_at,
    };
    // One write (one round trip on Redis): the session never exists without its token.
    store
        .open_session(refresh.hash(), session, access.hash(), record)
        .await?;
    Ok(IssuedTokens { refresh, access })
}

/// A new access token for the session `session`.
pub async fn mint_access(
    store: &dyn TokenStore,
    session: TokenHash,
    user_key: &str,
    expires_at: SystemTime,
) -> Result<Token, InternalError> {
    let access = new_token(store, user_key)?;
    let record = AccessRecord {
        user_email: user_key.to_owned(),
        session,
        expires_at,
    };
    store.insert_access(access.hash(), record).await?;
    Ok(access)
}

/// What a rotating refresh issued: the session's new refresh token and a first access
/// token minted from it.
#[derive(Debug)]
pub struct Rotated {
    /// The new refresh token; the one presented is dead from now on.
    pub refresh: Token,
    /// An access token of the session, under its new refresh token.
    pub access: Token,
    /// When the session ends (rotation does not extend it).
    pub expires_at: SystemTime,
}

/// Rotates the session of the first presented refresh token that is live: a new refresh
/// token replaces it in one store step ([`TokenStore::rotate_refresh`]), and an access
/// token is minted under the new one. `None` when no presented token is live. A logout
/// racing it either comes first (nothing rotates) or follows the rotation to the new
/// token; an access token minted after that logout names a dead session and is refused.
pub async fn rotate(
    store: &dyn TokenStore,
    presented: &PresentedTokens,
    now: SystemTime,
    access_expires_at: SystemTime,
) -> Result<Option<(String, Rotated)>, InternalError> {
    for value in &presented.refresh {
        let old = token::hash_bytes(value);
        let Some(session) = store.refresh_session(&old, now).await? else {
            continue;
        };
        let refresh = new_token(store, &session.user_email)?;
        let Some(session) = store.rotate_refresh(&old, refresh.hash(), now).await? else {
            // Revoked (or rotated by another refresh) since it was read.
            return Ok(None);
        };
        let access = mint_access(
            store,
            refresh.hash(),
            &session.user_email,
            access_expires_at,
        )
        .await?;
        let rotated = Rotated {
            refresh,
            access,
            expires_at: session.expires_at,
        };
        return Ok(Some((session.user_email, rotated)));
    }
    Ok(None)
}

/// A new token for `user_key`, with the slot tag the store asks for (a Redis Cluster
/// keeps a user's tokens in one hash slot), else plain random.
fn new_token(store: &dyn TokenStore, user_key: &str) -> Result<Token, token::RandomError> {
    match store.slot_tag(user_key) {
        Some(tag) => Token::generate_tagged(tag),
        None => Token::generate(),
    }
}

/// Who a request is, according to the tokens it presented.
#[derive(Debug, PartialEq, Eq)]
pub enum Recognised {
    /// A live access token of a live session.
    Access {
        /// The user's registry key.
        user_key: String,
    },
    /// No live access token, but a live refresh token.
    Refresh {
        /// The user's registry key.
        user_key: String,
        /// The session's key, to mint a new access token from.
        session: TokenHash,
    },
}

/// The first live access token, else the first live refresh token, among those presented.
pub async fn recognise(
    store: &dyn TokenStore,
    presented: &PresentedTokens,
    now: SystemTime,
) -> Result<Option<Recognised>, StoreError> {
    // The refresh token beside the access token, for a store that reads both at once.
    let beside = match presented.refresh.first() {
        Some(value) if !presented.access.is_empty() && store.reads_beside() => {
            Some(token::hash_bytes(value))
        }
        _ => None,
    };
    for value in &presented.access {
        let hash = token::hash_bytes(value);
        // An access token dies with its session.
        let record = match &beside {
            Some(beside) => store.live_access_beside(&hash, Some(beside), now).await?,
            None => store.live_access(&hash, now).await?,
        };
        if let Some(record) = record {
            return Ok(Some(Recognised::Access {
                user_key: record.user_email,
            }));
        }
    }
    for (i, value) in presented.refresh.iter().enumerate() {
        // The first one's hash was taken already if the store reads beside.
        let hash = match beside {
            Some(hash) if i == 0 => hash,
            _ => token::hash_bytes(value),
        };
        if let Some(session) = store.refresh_session(&hash, now).await? {
            return Ok(Some(Recognised::Refresh {
                user_key: session.user_email,
                session: hash,
            }));
        }
    }
    Ok(None)
}

/// Removes every presented refresh token and revokes every presented access token, in
/// one store call (one atomic round trip on Redis). Tokens that are not there are not an
/// error: logout is idempotent.
pub async fn revoke(store: &dyn TokenStore, presented: &PresentedTokens) -> Result<(), StoreError> {
    let hashes = |values: &[Vec<u8>]| -> Vec<TokenHash> {
        values
            .iter()
            .map(|value| token::hash_bytes(value))
            .collect()
    };
    let (refresh, access) = (hashes(&presented.refresh), hashes(&presented.access));
    if refresh.is_empty() && access.is_empty() {
        // Nothing presented, nothing to ask the store: 200 even while it fails.
        return Ok(());
    }
    store.revoke(&refresh, &access).await
}

/// What [`revoke`] does with `PresentedTokens::from_headers(headers)`, without copying a
/// value: each is hashed where it lies in the header, and a usual logout's hashes (one or
/// two of each cookie) stay on the stack. The logout endpoint's path.
pub async fn revoke_cookies(store: &dyn TokenStore, headers: &HeaderMap) -> Result<(), StoreError> {
    let (mut refresh, mut access) = (Hashes::default(), Hashes::default());
    cookies::each_token(headers, |cookie, value| {
        let hash = token::hash_bytes(value);
        match cookie {
            SessionCookie::Refresh => refresh.push(hash),
            SessionCookie::Access => access.push(hash),
        }
    });
    let (refresh, access) = (refresh.as_slice(), access.as_slice());
    if refresh.is_empty() && access.is_empty() {
        return Ok(());
    }
    store.revoke(refresh, access).await
}

/// Token hashes in order: the first [`INLINE`] in place, more on the heap.
enum Hashes {
    Inline([TokenHash; INLINE], usize),
    Heap(Vec<TokenHash>),
}

/// Hashes a [`Hashes`] holds without allocating.
const INLINE: usize = 2;

impl Default for Hashes {
    fn default() -> Self {
        Self::Inline([TokenHash([0; 32]); INLINE], 0)
    }
}

impl Hashes {
    fn push(&mut self, hash: TokenHash) {
        match self {
            Self::Inline(held, len) if *len < INLINE => {
                held[*len] = hash;
                *len += 1;
            }
            Self::Inline(held, len) => {
                let mut all = Vec::with_capacity(INLINE * 4);
                all.extend_from_slice(&held[..*len]);
                all.push(hash);
                *self = Self::Heap(all);
            }
            Self::Heap(all) => all.push(hash),
        }
    }

    fn as_slice(&self) -> &[TokenHash] {
        match self {
            Self::Inline(held, len) => &held[..*len],
            Self::Heap(all) => all,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use warp::http::HeaderValue;
    use warp::http::header::COOKIE;

    use super::*;
    use crate::store::{AccessRecord, SessionRecord};

    /// Records what `revoke` is asked to remove; nothing else is called.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<(Vec<TokenHash>, Vec<TokenHash>)>>);

    #[async_trait]
    impl TokenStore for Recorder {
        async fn insert_refresh(&self, _: TokenHash, _: SessionRecord) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn refresh_session(
            &self,
            _: &TokenHash,
            _: SystemTime,
        ) -> Result<Option<SessionRecord>, StoreError> {
            unreachable!()
        }
        async fn remove_refresh(&self, _: &TokenHash) -> Result<bool, StoreError> {
            unreachable!()
        }
        async fn insert_access(&self, _: TokenHash, _: AccessRecord) -> Result<(), StoreError> {
            unreachable!()
        }
        async fn access_session(
            &self,
            _: &TokenHash,
            _: SystemTime,
        ) -> Result<Option<AccessRecord>, StoreError> {
            unreachable!()
        }
        async fn remove_access(&self, _: &TokenHash) -> Result<bool, StoreError> {
            unreachable!()
        }
        async fn evict_expired(&self, _: SystemTime) -> Result<usize, StoreError> {
            unreachable!()
        }
        async fn revoke(
            &self,
            refresh: &[TokenHash],
            access: &[TokenHash],
        ) -> Result<(), StoreError> {
            self.0
                .lock()
                .unwrap()
                .push((refresh.to_vec(), access.to_vec()));
            Ok(())
        }
    }

    #[tokio::test]
    async fn revoking_the_cookies_asks_the_store_what_revoking_the_presented_tokens_does() {
        let many = "refreshToken=r; accessToken=a; ".repeat(5);
        for raw in [
            &[][..],
            &["theme=dark"],
            &["refreshToken=r1"],
            &["accessToken=a1; refreshToken=r1"],
            &[
                "refreshToken=r1; refreshToken=r2; refreshToken=r3",
                "accessToken=a1",
            ],
            &["accessToken=a1; accessToken=; accessToken=\"a2\"; accessToken=a3"],
            &[many.as_str(), "refreshToken=last"],
        ] {
            let mut headers = HeaderMap::new();
            for value in raw {
                headers.append(COOKIE, HeaderValue::from_str(value).unwrap());
            }
            let (by_value, by_cookie) = (Recorder::default(), Recorder::default());
            revoke(&by_value, &PresentedTokens::from_headers(&headers))
                .await
                .unwrap();
            revoke_cookies(&by_cookie, &headers).await.unwrap();
            let by_value = by_value.0.into_inner().unwrap();
            let by_cookie = by_cookie.0.into_inner().unwrap();
            assert_eq!(by_value, by_cookie, "{raw:?}");
            assert_eq!(
                by_value.is_empty(),
                raw.iter().all(|v| !v.contains("Token=")),
                "{raw:?}"
            );
        }
    }
}
