//! The user registry's Redis backend (`--store redis://…`): users live in the same
//! database as the tokens, under `lo:user:<key>` (JSON, no expiry), so that every
//! instance sharing the database knows every user: register on one, log in on another.
//!
//! A user's record is written once (`SET NX` at registration) and never changed or
//! removed by any instance, so each instance keeps the records it has read ([`Known`]):
//! a validate-session is then one round trip to Redis (its token), not two. A record
//! removed from Redis by hand stays known to a running instance until it restarts.
//!
//! It lives beside the token store rather than in `model::users` so that the whole of
//! Redis sits behind the `redis` cargo feature in one folder.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use redis::cmd;

use super::{RedisDb, RedisFailure};
use crate::model::users::{RegistryError, User, key, lookup_key};

/// Users in a Redis database, shared by every instance that uses it.
pub struct RedisUsers {
    db: RedisDb,
    known: Known,
}

impl From<RedisFailure> for RegistryError {
    fn from(failure: RedisFailure) -> Self {
        RegistryError::backend(failure)
    }
}

impl fmt::Debug for RedisUsers {
    /// The database, password hidden; never who the users are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Users({})", self.db.url())
    }
}

impl RedisUsers {
    /// A registry in `db`.
    pub fn new(db: RedisDb) -> Self {
        Self {
            db,
            known: Known::default(),
        }
    }

    /// Whether an email is registered.
    pub async fn contains(&self, email: &str) -> Result<bool, RegistryError> {
        Ok(self
            .db
            .query("EXISTS", cmd("EXISTS").arg(redis_key(&key(email))))
            .await?)
    }

    /// Adds a user unless the email is taken (`SET NX`): `Ok(false)` if it was.
    pub async fn insert(&self, user: &User) -> Result<bool, RegistryError> {
        let value = serde_json::to_vec(user).map_err(|e| RedisFailure::Corrupt {
            op: "encode user",
            why: e.to_string(),
        })?;
        // SET NX: answers OK if it wrote, nil if the key was there.
        let written: Option<String> = self
            .db
            .query(
                "SET NX",
                cmd("SET").arg(redis_key(&user.key())).arg(value).arg("NX"),
            )
            .await?;
        Ok(written.is_some())
    }

    /// The user registered under `email` (any case).
    pub async fn get(&self, email: &str) -> Result<Option<Arc<User>>, RegistryError> {
        let key = lookup_key(email);
        if let Some(user) = self.known.get(&key) {
            return Ok(Some(user));
        }
        let value: Option<Vec<u8>> = self
            .db
            .query("GET", cmd("GET").arg(redis_key(&key)))
            .await?;
        let Some(value) = value else {
            return Ok(None);
        };
        let user: User = serde_json::from_slice(&value).map_err(|e| RedisFailure::Corrupt {
            op: "decode user",
            why: e.to_string(),
        })?;
        let user = Arc::new(user);
        self.known.keep(key.into_owned(), Arc::clone(&user));
        Ok(Some(user))
    }
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

/// The Redis key of a user's record, from its registry key.
fn redis_key(key: &str) -> String {
    format!("lo:user:{key}")
}
