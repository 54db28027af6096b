//! Token generation and hashing.
//!
//! A token is 32 bytes from the operating system's CSPRNG, base64url-encoded without
//! padding (43 characters, all valid in a cookie value). Stores see only its SHA-256 hash,
//! computed over the raw cookie bytes, so a malformed or non-UTF-8 cookie simply hashes to
//! something no store holds.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::store::TokenHash;

/// Bytes of entropy in every token.
const TOKEN_BYTES: usize = 32;

/// A freshly minted token. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// The operating system could not provide random bytes.
#[derive(Debug, thiserror::Error)]
#[error("the OS random number generator failed: {0}")]
pub struct RandomError(getrandom::Error);

impl From<getrandom::Error> for RandomError {
    fn from(error: getrandom::Error) -> Self {
        Self(error)
    }
}

impl Token {
    /// A new random token.
    pub fn generate() -> Result<Self, RandomError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A new random token whose hash starts with the byte `tag`, for stores that shard by
    /// it (a Redis Cluster keeps every token of one user in one hash slot: see
    /// `store::redis::keys`). Found by drawing candidates until one fits: 256 tries on
    /// average (tens of microseconds). 240 of the 256 bits stay secret and uniform: the
    /// last two bytes are varied from a random start, and a fitting value is no easier to
    /// guess than any other.
    pub fn generate_tagged(tag: u8) -> Result<Self, RandomError> {
        loop {
            let mut bytes = [0u8; TOKEN_BYTES];
            getrandom::fill(&mut bytes)?;
            let start = u16::from_le_bytes([bytes[30], bytes[31]]);
            let mut text = String::with_capacity(43);
            for step in 0..=u16::MAX {
                bytes[30..].copy_from_slice(&start.wrapping_add(step).to_le_bytes());
                text.clear();
                URL_SAFE_NO_PAD.encode_string(bytes, &mut text);
                if Sha256::digest(text.as_bytes())[0] == tag {
                    return Ok(Self(text));
                }
            }
        }
    }

    /// The cookie value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key a store keeps this token under.
    pub fn hash(&self) -> TokenHash {
        hash_bytes(self.0.as_bytes())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// The slot tag of a user's tokens ([`Token::generate_tagged`]): the first byte of the
/// SHA-256 of the user's registry key, so every instance computes the same.
pub fn user_tag(user_key: &str) -> u8 {
    Sha256::digest(user_key.as_bytes())[0]
}

/// The store key of a presented cookie value, whatever bytes it holds.
pub fn hash_bytes(value: &[u8]) -> TokenHash {
    TokenHash(Sha256::digest(value).into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_distinct() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_eq!(a.as_str().len(), 43);
        assert!(
            a.as_str()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
    }

    #[test]
    fn tagged_tokens_hash_to_their_tag_and_stay_random() {
        for tag in [0, 0x7b, 0xff] {
            let a = Token::generate_tagged(tag).unwrap();
            let b = Token::generate_tagged(tag).unwrap();
            assert_eq!((a.hash().0[0], b.hash().0[0]), (tag, tag));
            assert_eq!(a.as_str().len(), 43);
            assert_ne!(a, b);
        }
        assert_eq!(user_tag("a@example.com"), user_tag("a@example.com"));
    }

    #[test]
    fn the_hash_is_the_hash_of_the_cookie_bytes() {
        let token = Token::generate().unwrap();
        assert_eq!(token.hash(), hash_bytes(token.as_str().as_bytes()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
