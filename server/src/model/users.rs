//! The user registry: email → profile and password hash, in memory or in Redis.
//!
//! Users are not tokens, so they stay out of [`crate::store::TokenStore`] and its fault
//! switch. Emails are matched case-insensitively (the key is the lower-cased, trimmed
//! email); the profile keeps the email as registered.
//!
//! With `--store redis://…` users live in the same database as the tokens, shared by
//! every instance that names it: the backend is `store::redis::RedisUsers`, built only
//! with the `redis` cargo feature.

use std::collections::HashMap;
use std::fmt;
use std::sync::{PoisonError, RwLock};

use serde::{Deserialize, Serialize};

#[cfg(feature = "redis")]
use crate::store::redis::{RedisDb, RedisUsers};

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
pub struct RegistryError(#[source] Box<dyn std::error::Error + Send + Sync>);

impl RegistryError {
    /// A failure of the backend, `cause`.
    pub fn backend(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(cause))
    }
}

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
    #[cfg(feature = "redis")]
    Redis(RedisUsers),
}

impl fmt::Debug for Users {
    /// Where users live, never who they are (profiles carry password hashes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Memory(_) => f.write_str("Users(memory)"),
            #[cfg(feature = "redis")]
            Backend::Redis(users) => users.fmt(f),
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
    #[cfg(feature = "redis")]
    pub fn redis(db: RedisDb) -> Self {
        Self {
            backend: Backend::Redis(RedisUsers::new(db)),
        }
    }

    /// Whether an email is registered.
    pub async fn contains(&self, email: &str) -> Result<bool, RegistryError> {
        match &self.backend {
            Backend::Memory(users) => Ok(users
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains_key(&key(email))),
            #[cfg(feature = "redis")]
            Backend::Redis(users) => users.contains(email).await,
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
            #[cfg(feature = "redis")]
            Backend::Redis(users) => {
                if users.insert(&user).await? {
                    Ok(())
                } else {
                    Err(InsertError::EmailInUse)
                }
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
            #[cfg(feature = "redis")]
            Backend::Redis(users) => users.get(email).await,
        }
    }
}
