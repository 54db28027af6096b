//! The key layout and the record format of the Redis store (see the table in
//! [`super`]), for one server and for a cluster.
//!
//! # Slot tags (cluster only)
//!
//! A logout removes a session, its index entry and an access token in one atomic script,
//! and a Redis Cluster runs a script only if all its keys share one hash slot. So on a
//! cluster every key carries a hash tag `{xx}`: two hex digits of the *slot tag*, one
//! byte. A user's tag is the first byte of the SHA-256 of their registry key
//! ([`crate::token::user_tag`]); their tokens are drawn so that each token's SHA-256
//! starts with that byte ([`crate::token::Token::generate_tagged`]). So the key of any
//! presented token names its slot by itself, and the session, its access tokens and the
//! user's index all live in the slot of `{xx}`. 256 tags spread the users over at most
//! 256 of the 16384 slots: even enough for a few dozen primaries.
//!
//! On one server keys carry no tag (the layout of earlier versions, so sessions survive
//! an upgrade).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::store::TokenHash;
use crate::token;

use super::RedisFailure;

/// The shortest TTL a record gets: see the module docs of [`super`].
pub const MIN_TTL: Duration = Duration::from_secs(60);

const REFRESH_PREFIX: &[u8] = b"lo:r:";
const ACCESS_PREFIX: &[u8] = b"lo:a:";
const USER_PREFIX: &[u8] = b"lo:u:";
const FORMAT: u8 = 1;

/// Key names for one server (untagged) or a cluster (tagged).
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Whether keys carry a slot tag.
    pub tagged: bool,
}

impl Layout {
    /// `lo:r:[{xx}]<hash>`: a session.
    pub fn refresh(self, hash: &TokenHash) -> Key {
        Key::new(REFRESH_PREFIX, self.tag(hash.0[0]), &hash.0)
    }

    /// `lo:r:[{xx}]`: the session keys of slot tag `tag`, without the hash (the live
    /// access script appends the session it reads from an access record).
    pub fn refresh_prefix(self, tag: u8) -> Key {
        Key::new(REFRESH_PREFIX, self.tag(tag), b"")
    }

    /// `lo:a:[{xx}]<hash>`: an access token.
    pub fn access(self, hash: &TokenHash) -> Key {
        Key::new(ACCESS_PREFIX, self.tag(hash.0[0]), &hash.0)
    }

    /// `lo:u:[{xx}]<user>`: the user's sessions.
    pub fn index(self, user_key: &str) -> Vec<u8> {
        let prefix = Key::new(USER_PREFIX, self.tag(token::user_tag(user_key)), b"");
        [&prefix[..], user_key.as_bytes()].concat()
    }

    /// `lo:u:[{xx}]`: the index keys of the users whose tag is `tag`, without the user
    /// (the revocation script appends the user it reads from the session record).
    pub fn index_prefix(self, tag: u8) -> Key {
        Key::new(USER_PREFIX, self.tag(tag), b"")
    }

    /// The slot tag keys carry, if any.
    fn tag(self, tag: u8) -> Option<u8> {
        self.tagged.then_some(tag)
    }
}

/// A key of a token (or a key prefix), on the stack: every logout and validate-session
/// names one to three, and heap buffers for them were a tenth of a request's allocations.
#[derive(Clone, Copy)]
pub struct Key {
    bytes: [u8; Key::MAX_LEN],
    len: u8,
}

impl Key {
    /// The longest: a 5-byte prefix, a 4-byte slot tag and a 32-byte hash.
    pub const MAX_LEN: usize = 5 + 4 + 32;

    /// `prefix`, `{xx}` when `tag` is given, then `rest` (at most 32 bytes).
    fn new(prefix: &[u8], tag: Option<u8>, rest: &[u8]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut key = Self {
            bytes: [0; Self::MAX_LEN],
            len: 0,
        };
        let tag = tag.map(|tag| {
            [
                b'{',
                HEX[usize::from(tag >> 4)],
                HEX[usize::from(tag & 15)],
                b'}',
            ]
        });
        for part in [prefix, tag.as_ref().map_or(&[][..], |t| &t[..]), rest] {
            let at = usize::from(key.len);
            let end = (at + part.len()).min(Self::MAX_LEN);
            key.bytes[at..end].copy_from_slice(&part[..end - at]);
            key.len = u8::try_from(end).unwrap_or(u8::MAX);
        }
        key
    }
}

impl std::ops::Deref for Key {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.escape_ascii().to_string())
    }
}

/// Milliseconds since the Unix epoch (0 before it).
pub fn unix_millis(at: SystemTime) -> u64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// The TTL of a record expiring at `expires_at`, at least [`MIN_TTL`], in milliseconds.
pub fn ttl_millis(expires_at: SystemTime, now: SystemTime) -> u64 {
    let ttl = expires_at
        .duration_since(now)
        .unwrap_or_default()
        .max(MIN_TTL);
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)
}

pub fn encode(expires_at: SystemTime, session: Option<&TokenHash>, user: &str) -> Vec<u8> {
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

pub fn decode(
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

pub fn corrupt(why: &str) -> RedisFailure {
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
        let single = Layout { tagged: false };
        let k = single.refresh(&TokenHash([0xab; 32]));
        assert_eq!(k.len(), 37);
        assert_eq!(&k[5..], &[0xab; 32]);
        assert!(k.starts_with(b"lo:r:"));
        assert_eq!(single.index("u@x"), b"lo:u:u@x");
    }

    #[test]
    fn cluster_keys_of_one_user_share_a_slot_tag() {
        let cluster = Layout { tagged: true };
        let tag = token::user_tag("u@x");
        let mut hash = TokenHash([0x7d; 32]);
        hash.0[0] = tag;
        let hex = format!("{{{tag:02x}}}");
        for key in [
            cluster.refresh(&hash).to_vec(),
            cluster.access(&hash).to_vec(),
            cluster.index("u@x"),
            cluster.index_prefix(tag).to_vec(),
        ] {
            assert_eq!(&key[5..9], hex.as_bytes(), "{key:?}");
        }
        assert_eq!(cluster.refresh(&hash).len(), 41);
        assert_eq!(&cluster.refresh(&hash)[9..], &hash.0);
        assert_eq!(
            &*cluster.refresh_prefix(tag),
            format!("lo:r:{hex}").as_bytes()
        );
    }

    #[test]
    fn ttls_follow_the_expiry_but_never_go_below_the_minimum() {
        let now = SystemTime::now();
        assert_eq!(ttl_millis(now + Duration::from_secs(900), now), 900_000);
        assert_eq!(ttl_millis(now - Duration::from_secs(5), now), 60_000);
        assert_eq!(ttl_millis(now + Duration::from_secs(1), now), 60_000);
    }
}
