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
    fn the_hash_is_the_hash_of_the_cookie_bytes() {
        let token = Token::generate().unwrap();
        assert_eq!(token.hash(), hash_bytes(token.as_str().as_bytes()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
