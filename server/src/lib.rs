//! The reference server of the cookie-based auth API, and of its `POST /auth/logout`
//! contract done right.
//!
//! - `POST /auth/register`, `POST /auth/login`, `GET /auth/validate-session` and
//!   `POST /auth/logout`, as `shared/spec` describes them ([`handlers`]);
//! - the `/__conformance/*` hooks when enabled ([`handlers::hooks`]);
//! - tokens only in a [`TokenStore`], as SHA-256 hashes ([`store`]): in memory, or in
//!   Redis or a Redis Cluster (`RedisStore`, shared by several instances, users included;
//!   only with the `redis` cargo feature, on by default).
//!
//! [`spawn`] runs it in a tokio task; [`routes()`] gives the filter for embedding or for
//! wrapping in deliberately broken variants ([`spawn_routes`] serves those).
//!
//! The source is in layers, each using only those below it: `process` (command line,
//! serving connections, shutdown, the log) → `http` (routes, handlers, CORS, errors,
//! bodies) → `app` (settings, shared state) → `model` (tokens, sessions, users,
//! passwords, cookies) → [`store`]. The modules keep the flat public paths they have
//! always had (`logout_server::cookies`, `logout_server::handlers`, ...): each has that
//! one path, the layer folders being private.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod app;
mod http;
mod model;
mod process;
pub mod store;

pub use app::{config, state};
pub use http::{body, cors, error, handlers, limits, recover, request_log, respond, routes};
pub use model::{cookies, internal, password, sessions, token, users};
pub use process::{args, connection, idle, logging, serve, shutdown};

pub use async_trait::async_trait;

pub use app::config::{Config, StoreConfig};
pub use app::state::AppState;
pub use http::error::ApiError;
pub use http::routes::routes;
pub use model::internal::InternalError;
pub use model::password::{HashLimits, PasswordCost};
pub use process::args::Args;
pub use process::serve::{RunningServer, spawn, spawn_routes};
#[cfg(feature = "redis")]
pub use store::RedisStore;
pub use store::{
    AccessRecord, FaultSwitch, FaultSwitchHandle, MemoryStore, SessionRecord, StoreError,
    TokenHash, TokenStore,
};
