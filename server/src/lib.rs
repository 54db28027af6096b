//! The reference server of the cookie-based auth API, and of its `POST /auth/logout`
//! contract done right.
//!
//! - `POST /auth/register`, `POST /auth/login`, `GET /auth/validate-session` and
//!   `POST /auth/logout`, as `shared/spec` describes them ([`handlers`]);
//! - the `/__conformance/*` hooks when enabled ([`handlers::hooks`]);
//! - tokens only in a [`TokenStore`], as SHA-256 hashes ([`store`]): in memory, or in
//!   Redis or a Redis Cluster ([`RedisStore`], shared by several instances, users included).
//!
//! [`spawn`] runs it in a tokio task; [`routes()`] gives the filter for embedding or for
//! wrapping in deliberately broken variants ([`spawn_routes`] serves those).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod body;
pub mod config;
pub mod cookies;
pub mod cors;
pub mod error;
pub mod handlers;
pub mod idle;
pub mod logging;
pub mod password;
pub mod recover;
pub mod respond;
pub mod routes;
pub mod serve;
pub mod sessions;
pub mod state;
pub mod store;
pub mod token;
pub mod users;

pub use async_trait::async_trait;

pub use config::{Args, Config, StoreConfig};
pub use error::ApiError;
pub use password::{HashLimits, PasswordCost};
pub use routes::routes;
pub use serve::{RunningServer, spawn, spawn_routes};
pub use state::AppState;
pub use store::{
    AccessRecord, FaultSwitch, FaultSwitchHandle, MemoryStore, RedisStore, SessionRecord,
    StoreError, TokenHash, TokenStore,
};
