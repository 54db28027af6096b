//! The user registry: email → profile and password hash, in memory or in Redis.
//!
//! Users are not tokens, so they stay out of [`crate::store::TokenStore`] and its fault
//! switch. Emails are matched case-insensitively (the key is the lower-cased, trimmed
//! email); the profile keeps the email as registered.
//!
//! With `--store redis://…` users live in the same database as the tokens, under
//! `lo:user:<key>` (JSON, no expiry), so that every instance sharing the database knows
//! every user: register on one, log in on another. A user's record is written once
//! (`SET NX` at registration) and never changed or removed by any instance, so each
//! instance keeps the records it has read ([`Known`]): a validate-session is then one
//! round trip to Redis (its token), not two. A record removed from Redis by hand stays
//! known to a running instance until it restarts.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use redis::cmd;
use serde::{Deserialize, Serialize};

use crate::store::redis::{RedisDb, RedisFailure};

/// A registered user.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Display name.
    pub name: String,
    /// Email as registered.
    pub email: String,
    /// Argon2id PHC string; never leaves the server.
    pub password_hash: String,
    /// Always `user` for self-registered accounts.
    pub role: Role,
    /// Multi-factor login is out of scope; always `false`.
    pub mfa_enabled: bool,
}

/// A user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An ordinary account.
    User,
}

/// The profile the API shows: never the password or its hash.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Display name.
    pub name: String,
    /// Email as registered.
    pub email: String,
    /// The user's role.
    pub role: Role,
    /// Whether multi-factor login is on.
    pub mfa_enabled: bool,
}

impl User {
    /// What the API shows of this user.
    pub fn profile(&self) -> Profile {
        Profile {
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            mfa_enabled: self.mfa_enabled,
        }
    }

    /// The registry key of this user.
    pub fn key(&self) -> String {
        key(&self.email)
    }
}

/// The registry key of an email.
pub fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The registry's backend failed; the cause goes to the log only.
#[derive(Debug, thiserror::Error)]
#[error("user registry backend error: {0}")]
pub struct RegistryError(#[from] RedisFailure);

/// Why a user was not added.
#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// The email is already registered.
    #[error("email already in use")]
    EmailInUse,
    /// The backend failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

/// All registered users.
pub struct Users {
    backend: Backend,
}

enum Backend {
    Memory(RwLock<HashMap<String, User>>),
    Redis { db: RedisDb, known: Known },
}

/// The user records an instance has read from Redis, by registry key: bounded, and
/// emptied when full (a record is read again at its next use).
#[derive(Default)]
struct Known(RwLock<HashMap<String, Arc<User>>>);

impl Known {
    /// At most this many records (a few hundred bytes each).
    const LIMIT: usize = 100_000;

    fn get(&self, key: &str) -> Option<Arc<User>> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    fn keep(&self, key: String, user: Arc<User>) {
        let mut known = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if known.len() >= Self::LIMIT {
            known.clear();
        }
        known.insert(key, user);
    }
}

impl fmt::Debug for Users {
    /// Where users live, never who they are (profiles carry password hashes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Memory(_) => f.write_str("Users(memory)"),
            Backend::Redis { db, .. } => write!(f, "Users({})", db.url()),
        }
    }
}

impl Default for Users {
    /// An empty in-memory registry.
    fn default() -> Self {
        Self {
            backend: Backend::Memory(RwLock::default()),
        }
    }
}

impl Users {
    /// A registry in a Redis database, shared by every instance that uses it.
    pub fn redis(db: RedisDb) -> Self {
        Self {
            backend: Backend::Redis {
                db,
                known: Known::default(),
            },
        }
    }

    /// Whether an email is registered.
    pub async fn contains(&self, email: &str) -> Result<bool, RegistryError> {
        match &self.backend {
            Backend::Memory(users) => Ok(users
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains_key(&key(email))),
            Backend::Redis { db, .. } => Ok(db
                .query("EXISTS", cmd("EXISTS").arg(redis_key(&key(email))))
                .await?),
        }
    }

    /// Adds a user unless the email is taken; the check and the insert are one step.
    pub async fn insert(&self, user: User) -> Result<(), InsertError> {
        match &self.backend {
            Backend::Memory(users) => {
                let mut users = users.write().unwrap_or_else(PoisonError::into_inner);
                match users.entry(user.key()) {
                    std::collections::hash_map::Entry::Occupied(_) => Err(InsertError::EmailInUse),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(user);
                        Ok(())
                    }
                }
            }
            Backend::Redis { db, .. } => {
                let value = serde_json::to_vec(&user).map_err(|e| RedisFailure::Corrupt {
                    op: "encode user",
                    why: e.to_string(),
                });
                let value = value.map_err(RegistryError)?;
                // SET NX: answers OK if it wrote, nil if the key was there.
                let written: Option<String> = db
                    .query(
                        "SET NX",
                        cmd("SET").arg(redis_key(&user.key())).arg(value).arg("NX"),
                    )
                    .await
                    .map_err(RegistryError)?;
                written.map(drop).ok_or(InsertError::EmailInUse)
            }
        }
    }

    /// The user registered under `email` (any case).
    pub async fn get(&self, email: &str) -> Result<Option<User>, RegistryError> {
        match &self.backend {
            Backend::Memory(users) => Ok(users
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&key(email))
                .cloned()),
            Backend::Redis { db, known } => {
                let key = key(email);
                if let Some(user) = known.get(&key) {
                    return Ok(Some(User::clone(&user)));
                }
                let value: Option<Vec<u8>> =
                    db.query("GET", cmd("GET").arg(redis_key(&key))).await?;
                let Some(value) = value else {
                    return Ok(None);
                };
                let user: User =
                    serde_json::from_slice(&value).map_err(|e| RedisFailure::Corrupt {
                        op: "decode user",
                        why: e.to_string(),
                    })?;
                known.keep(key, Arc::new(user.clone()));
                Ok(Some(user))
            }
        }
    }
}

/// The Redis key of a user's record, from its registry key.
fn redis_key(key: &str) -> String {
    format!("lo:user:{key}")
}
