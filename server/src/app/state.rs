//! What every handler shares: settings, the token store, users and the password hasher.

use std::fmt;
use std::sync::Arc;

use crate::app::config::{Config, StoreConfig};
use crate::model::password::Passwords;
use crate::model::users::Users;
#[cfg(feature = "redis")]
use crate::store::redis::{ConnectError, RedisDb, RedisStore};
use crate::store::{FaultSwitch, FaultSwitchHandle, MemoryStore, TokenStore};
/// Without the `redis` feature the only store is in memory: opening it cannot fail.
#[cfg(not(feature = "redis"))]
use std::convert::Infallible as ConnectError;

/// The server's shared state; cloning it is cheap.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Arc<dyn TokenStore>,
    faults: FaultSwitchHandle,
    users: Users,
    passwords: Passwords,
}

impl AppState {
    /// State over a fresh in-memory token store and user registry, whatever
    /// `config.store` says (use [`AppState::connect`] to honour it).
    pub fn new(config: Config) -> Self {
        Self::with_store(config, Arc::new(MemoryStore::new()))
    }

    /// State over the backend `config.store` names: memory, or a Redis database (which
    /// must answer now, see `RedisDb::connect`) holding both tokens and users.
    pub async fn connect(config: Config) -> Result<Self, ConnectError> {
        match &config.store {
            StoreConfig::Memory => Ok(Self::new(config)),
            #[cfg(feature = "redis")]
            StoreConfig::Redis(url) => {
                let db = RedisDb::connect(url).await?;
                let store = Arc::new(RedisStore::new(db.clone()));
                Ok(Self::with_backends(config, store, Users::redis(db)))
            }
        }
    }

    /// State over any token store and a fresh in-memory user registry. The store is
    /// wrapped in a [`FaultSwitch`] so that the conformance hooks can make it fail
    /// whatever it is.
    pub fn with_store(config: Config, store: Arc<dyn TokenStore>) -> Self {
        Self::with_backends(config, store, Users::default())
    }

    /// State over any token store (behind a [`FaultSwitch`]) and user registry.
    pub fn with_backends(config: Config, store: Arc<dyn TokenStore>, users: Users) -> Self {
        let (store, faults) = FaultSwitch::wrap(store);
        let passwords = Passwords::with_limits(config.password_cost, config.password_limits);
        Self {
            inner: Arc::new(Inner {
                config,
                store: Arc::new(store),
                faults,
                users,
                passwords,
            }),
        }
    }

    /// The settings this server runs with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The token store, behind its fault switch.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// The switch that makes the token store fail.
    pub fn faults(&self) -> &FaultSwitchHandle {
        &self.inner.faults
    }

    /// Registered users.
    pub fn users(&self) -> &Users {
        &self.inner.users
    }

    /// The password hasher.
    pub fn passwords(&self) -> &Passwords {
        &self.inner.passwords
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.inner.config)
            .field("store_failing", &self.inner.faults.is_failing())
            .finish_non_exhaustive()
    }
}
