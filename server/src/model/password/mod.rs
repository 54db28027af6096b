//! Password hashing with Argon2id, off the async threads.
//!
//! Hashing costs tens of milliseconds of CPU by design, so it runs on tokio's blocking
//! pool, each thread reusing its Argon2 memory ([`memory`]). A login for an unknown email still verifies against a dummy hash, so the answer
//! takes as long as a wrong password and does not reveal which emails exist.
//!
//! The work is bounded: at most [`HashLimits::workers`] hashes run at once (one per core
//! by default), at most [`HashLimits::queue`] more wait for a turn, and any request beyond
//! that is refused at once with [`PasswordError::Busy`] (the handlers answer 503 with
//! `Retry-After`) instead of piling up memory and latency without end.

use argon2::Params;
use argon2::password_hash::{PasswordHash, Salt, SaltString};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

use crate::model::token::RandomError;

mod memory;

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordCost {
    /// Memory per hash, in KiB (at least 8 × `parallelism`).
    pub memory_kib: u32,
    /// Passes over the memory (at least 1).
    pub iterations: u32,
    /// Lanes (at least 1).
    pub parallelism: u32,
}

impl Default for PasswordCost {
    /// The OWASP Password Storage Cheat Sheet's Argon2id minimum: m=19456 KiB, t=2, p=1.
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordCost {
    /// The smallest parameters Argon2 accepts, so test suites stay fast. Never in production.
    pub fn fast_for_tests() -> Self {
        Self {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }

    /// The Argon2 parameters, or why these values are out of range.
    pub fn params(&self) -> Result<Params, PasswordError> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(PasswordError::Cost)
    }
}

/// How many password hashes may run at once, and how many more may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashLimits {
    /// Hashes computed at the same time (at least 1).
    pub workers: usize,
    /// Requests waiting for a worker; beyond them a request is refused as busy.
    pub queue: usize,
}

impl Default for HashLimits {
    /// A worker per core but one ([`std::thread::available_parallelism`] - 1, at least
    /// 1): hashing saturates its cores, and a core left to the async runtime keeps every
    /// other request fast while logins queue. Measured on 2 cores with 200 logins queued
    /// (`scripts/bench-hostile.sh`): logout p99 2.8 ms with 1 worker against 5.0 ms with
    /// 2, for half the logins answered (391 against 745 in 10 s). 64 waiters per core: a
    /// waiting request holds no Argon2 memory, and at the default cost (tens of
    /// milliseconds a hash) the last in the queue waits a few seconds at most.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            workers: cores.saturating_sub(1).max(1),
            queue: 64 * cores,
        }
    }
}

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The configured cost parameters are out of range.
    #[error("invalid password cost parameters: {0}")]
    Cost(argon2::Error),
    /// Hashing failed, or a stored hash could not be parsed.
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    /// No salt could be drawn.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Every worker is busy and the queue is full: try again later.
    #[error("password hashing is saturated")]
    Busy,
    /// The blocking task running the hash panicked or was cancelled.
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Hashes and verifies passwords with one cost setting.
#[derive(Debug)]
pub struct Passwords {
    cost: PasswordCost,
    dummy_hash: OnceCell<String>,
    /// Admission: a permit per worker and per queue place.
    admitted: Arc<Semaphore>,
    /// A permit per worker.
    workers: Arc<Semaphore>,
    dummy_verifications: AtomicU64,
}

impl Passwords {
    /// A hasher using `cost` for new hashes (verification uses each hash's own parameters).
    /// Bounded by [`HashLimits::default`].
    pub fn new(cost: PasswordCost) -> Self {
        Self::with_limits(cost, HashLimits::default())
    }

    /// A hasher using `cost`, running at most `limits.workers` hashes at once.
    pub fn with_limits(cost: PasswordCost, limits: HashLimits) -> Self {
        let workers = limits.workers.max(1);
        Self {
            cost,
            dummy_hash: OnceCell::new(),
            admitted: Arc::new(Semaphore::new(workers.saturating_add(limits.queue))),
            workers: Arc::new(Semaphore::new(workers)),
            dummy_verifications: AtomicU64::new(0),
        }
    }

    /// How many logins for unknown emails were verified against the dummy hash.
    pub fn dummy_verifications(&self) -> u64 {
        self.dummy_verifications.load(Ordering::Relaxed)
    }

    /// A worker's turn, waiting in the bounded queue; `Busy` when the queue is full.
    async fn turn(&self) -> Result<(OwnedSemaphorePermit, OwnedSemaphorePermit), PasswordError> {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| PasswordError::Busy)?;
        let worker = Arc::clone(&self.workers)
            .acquire_owned()
            .await
            .map_err(|_| PasswordError::Busy)?;
        Ok((admitted, worker))
    }

    /// A PHC string (`$argon2id$v=19$m=…`) with a fresh random salt.
    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        let params = self.cost.params()?;
        let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
        getrandom::fill(&mut salt).map_err(RandomError::from)?;
        let turn = self.turn().await?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let salt = SaltString::encode_b64(&salt).map_err(PasswordError::Hash)?;
            memory::hash(password.as_bytes(), salt.as_salt(), &params).map_err(PasswordError::Hash)
        })
        .await?
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown user) it spends the
    /// same time on a dummy hash and answers `false`.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        let (phc, known) = match stored {
            Some(phc) => (phc, true),
            None => {
                self.dummy_verifications.fetch_add(1, Ordering::Relaxed);
                (self.dummy_hash().await?, false)
            }
        };
        let turn = self.turn().await?;
        let matches = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let parsed = PasswordHash::new(&phc).map_err(PasswordError::Hash)?;
            memory::verify(password.as_bytes(), &parsed).map_err(PasswordError::Hash)
        })
        .await??;
        Ok(known && matches)
    }

    async fn dummy_hash(&self) -> Result<String, PasswordError> {
        self.dummy_hash
            .get_or_try_init(|| self.hash("not a password anyone has".to_owned()))
            .await
            .cloned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = Passwords::new(PasswordCost::fast_for_tests());
        let hash = passwords.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            passwords
                .verify("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!passwords.verify("wrong".into(), Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let passwords = Passwords::new(PasswordCost::fast_for_tests());
        assert!(
            !passwords
                .verify("not a password anyone has".into(), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn beyond_the_queue_a_hash_is_refused_as_busy() {
        let limits = HashLimits {
            workers: 1,
            queue: 0,
        };
        let passwords = Passwords::with_limits(PasswordCost::fast_for_tests(), limits);
        let held = passwords.turn().await.unwrap();
        assert!(matches!(
            passwords.hash("pw".into()).await,
            Err(PasswordError::Busy)
        ));
        drop(held);
        assert!(passwords.hash("pw".into()).await.is_ok());
    }

    #[test]
    fn out_of_range_costs_are_rejected() {
        let cost = PasswordCost {
            memory_kib: 1,
            ..PasswordCost::fast_for_tests()
        };
        assert!(cost.params().is_err());
        assert!(PasswordCost::default().params().is_ok());
    }
}
