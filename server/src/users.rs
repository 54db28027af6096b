//! The user registry: email → profile and password hash, in memory.
//!
//! Users are not tokens, so they stay out of [`crate::store::TokenStore`]. Emails are
//! matched case-insensitively (the key is the lower-cased, trimmed email); the profile
//! keeps the email as registered.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use serde::Serialize;

/// A registered user.
#[derive(Clone, Debug)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

/// The email is already registered.
#[derive(Debug, thiserror::Error)]
#[error("email already in use")]
pub struct EmailInUse;

/// All registered users.
#[derive(Debug, Default)]
pub struct Users {
    by_key: RwLock<HashMap<String, User>>,
}

impl Users {
    /// Whether an email is registered.
    pub fn contains(&self, email: &str) -> bool {
        self.by_key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&key(email))
    }

    /// Adds a user unless the email is taken; the check and the insert are one step.
    pub fn insert(&self, user: User) -> Result<(), EmailInUse> {
        let mut users = self.by_key.write().unwrap_or_else(PoisonError::into_inner);
        match users.entry(user.key()) {
            std::collections::hash_map::Entry::Occupied(_) => Err(EmailInUse),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(user);
                Ok(())
            }
        }
    }

    /// The user registered under `email` (any case).
    pub fn get(&self, email: &str) -> Option<User> {
        self.by_key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key(email))
            .cloned()
    }
}
