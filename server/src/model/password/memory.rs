//! Argon2id with its working memory reused: each hashing thread keeps one block buffer
//! (19 MiB at the default cost) for all its hashes, instead of allocating and freeing
//! that much per login. Under a flood of logins the allocator otherwise fragments: the
//! freed buffers end up below the mmap threshold, interleaved with small allocations, and
//! are never returned (200 concurrent logins took the server past 360 MB RSS).
//!
//! The PHC strings are the same as argon2's own `PasswordHasher` produces and accepts.

use std::cell::RefCell;

use argon2::password_hash::ParamsString;
use argon2::password_hash::{Error, Output, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

thread_local! {
    /// This thread's Argon2 blocks, grown to the largest cost it has computed.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// A PHC string (`$argon2id$v=19$m=…`) of `password` with `salt` at cost `params`.
pub fn hash(password: &[u8], salt: Salt<'_>, params: &Params) -> Result<String, Error> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = compute(&argon, params, password, salt, Params::DEFAULT_OUTPUT_LEN)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params)?,
        salt: Some(salt),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC hash `stored` (with the stored hash's own
/// algorithm, version and cost); the comparison takes constant time.
pub fn verify(password: &[u8], stored: &PasswordHash<'_>) -> Result<bool, Error> {
    let (Some(salt), Some(expected)) = (stored.salt, &stored.hash) else {
        return Err(Error::PhcStringField);
    };
    let algorithm = Algorithm::try_from(stored.algorithm)?;
    let version = stored
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(stored)?;
    let argon = Argon2::new(algorithm, version, params.clone());
    let computed = compute(&argon, &params, password, salt, expected.len())?;
    // `Output`'s equality is constant-time.
    Ok(&computed == expected)
}

fn compute(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: Salt<'_>,
    output_len: usize,
) -> Result<Output, Error> {
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let blocks = params.block_count();
    BLOCKS.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        Output::init_with(output_len, |out| {
            Ok(argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])?)
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};

    use super::*;

    fn params() -> Params {
        Params::new(64, 1, 1, None).unwrap()
    }

    #[test]
    fn agrees_with_argon2s_own_hasher_both_ways() {
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let ours = hash(b"secret", salt.as_salt(), &params()).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"secret", &salt)
            .unwrap()
            .to_string();
        assert_eq!(ours, theirs);
        let parsed = PasswordHash::new(&theirs).unwrap();
        assert!(verify(b"secret", &parsed).unwrap());
        assert!(!verify(b"Secret", &parsed).unwrap());
        Argon2::default()
            .verify_password(b"secret", &PasswordHash::new(&ours).unwrap())
            .unwrap();
    }

    #[test]
    fn a_buffer_grown_for_a_larger_cost_still_hashes_a_smaller_one_right() {
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let big = Params::new(256, 1, 1, None).unwrap();
        let first = hash(b"pw", salt.as_salt(), &params()).unwrap();
        hash(b"pw", salt.as_salt(), &big).unwrap();
        assert_eq!(hash(b"pw", salt.as_salt(), &params()).unwrap(), first);
    }
}
