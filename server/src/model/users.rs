//! The user registry: email → profile and password hash, in memory or in Redis.
//!
//! Users are not tokens, so they stay out of [`crate::store::TokenStore`] and its fault
//! switch. Emails are matched case-insensitively (the key is the lower-cased, trimmed
//! email); the profile keeps the email as registered.
//!
//! With `--store redis://…` users live in the same database as the tokens, under
//! `lo:user:<key>` (JSON, no expiry), so that every instance sharing the database knows
//! every user: register on one, log in on another.

use std::collections::HashMap;
use std::fmt;
use std::sync::{PoisonError, RwLock};

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
    Redis(RedisDb),
}

impl fmt::Debug for Users {
    /// Where users live, never who they are (profiles carry password hashes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Memory(_) => f.write_str("Users(memory)"),
            Backend::Redis(db) => write!(f, "Users({})", db.url()),
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
            backend: Backend::Redis(db),
        }
    }

    /// Whether an email is registered.
    pub async fn contains(&self, email: &str) -> Result<bool, RegistryError> {
        match &self.backend {
            Backend::Memory(users) => Ok(users
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains_key(&key(email))),
            Backend::Redis(db) => Ok(db
                .query("EXISTS", cmd("EXISTS").arg(redis_key(email)))
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
            Backend::Redis(db) => {
                let value = serde_json::to_vec(&user).map_err(|e| RedisFailure::Corrupt {
                    op: "encode user",
                    why: e.to_string(),
                });
                let value = value.map_err(RegistryError)?;
                // SET NX: answers OK if it wrote, nil if the key was there.
                let written: Option<String> = db
                    .query(
                        "SET NX",
                        cmd("SET").arg(redis_key(&user.email)).arg(value).arg("NX"),
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
            Backend::Redis(db) => {
                let value: Option<Vec<u8>> =
                    db.query("GET", cmd("GET").arg(redis_key(email))).await?;
                let Some(value) = value else {
                    return Ok(None);
                };
                let user = serde_json::from_slice(&value).map_err(|e| RedisFailure::Corrupt {
                    op: "decode user",
                    why: e.to_string(),
                })?;
                Ok(Some(user))
            }
        }
    }
}

/// The Redis key of an email's user.
fn redis_key(email: &str) -> String {
    format!("lo:user:{}", key(email))
}
