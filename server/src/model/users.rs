//! The user registry: email → profile and password hash, in memory or in Redis.
//!
//! Users are not tokens, so they stay out of [`crate::store::TokenStore`] and its fault
//! switch. Emails are matched case-insensitively (the key is the lower-cased, trimmed
//! email); the profile keeps the email as registered.
//!
//! With `--store redis://…` users live in the same database as the tokens, shared by
//! every instance that names it: the backend is `store::redis::RedisUsers`, built only
//! with the `redis` cargo feature.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

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

/// [`key`], borrowed when `email` is a key already (as the sessions' user keys are):
/// most lookups allocate nothing.
pub(crate) fn lookup_key(email: &str) -> Cow<'_, str> {
    let is_key = email
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        && email.trim().len() == email.len();
    if is_key {
        Cow::Borrowed(email)
    } else {
        Cow::Owned(key(email))
    }
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
    /// Shared rather than cloned on each read: a validate-session reads its user.
    Memory(RwLock<HashMap<String, Arc<User>>>),
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
                .contains_key(lookup_key(email).as_ref())),
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
                        slot.insert(Arc::new(user));
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
    pub async fn get(&self, email: &str) -> Result<Option<Arc<User>>, RegistryError> {
        match &self.backend {
            Backend::Memory(users) => Ok(users
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .get(lookup_key(email).as_ref())
                .cloned()),
            #[cfg(feature = "redis")]
            Backend::Redis(users) => users.get(email).await,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The borrowed shortcut is taken only where the key would be the same string.
    #[test]
    fn a_lookup_key_is_the_key() {
        for email in [
            "a@example.com",
            "A@Example.com",
            " a@example.com",
            "a@example.com\t",
            "Ä@example.com",
            "ä@example.com",
            "ǅ@example.com",
            "",
        ] {
            assert_eq!(lookup_key(email), key(email), "{email:?}");
        }
        assert!(matches!(lookup_key("a@example.com"), Cow::Borrowed(_)));
    }

    #[tokio::test]
    async fn a_user_is_found_by_any_case_of_the_email() {
        let users = Users::default();
        let user = User {
            name: "A".into(),
            email: "Ann@Example.com".into(),
            password_hash: "hash".into(),
            role: Role::User,
            mfa_enabled: false,
        };
        users.insert(user).await.unwrap();
        for email in ["ann@example.com", "ANN@example.COM", " Ann@Example.com "] {
            let found = users.get(email).await.unwrap().unwrap();
            assert_eq!(found.email, "Ann@Example.com", "{email:?}");
            assert!(users.contains(email).await.unwrap());
        }
        assert!(users.get("bob@example.com").await.unwrap().is_none());
    }
}
