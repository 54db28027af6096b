//! Server settings: everything a running server needs to know, whoever sets it (the
//! command line, `process::args`, or an embedding program).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::model::password::{HashLimits, PasswordCost};
#[cfg(feature = "redis")]
use crate::store::redis::RedisUrl;

/// Everything a running server needs to know. `Default` is the documented local setup.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Adds `Secure` to the login cookies and to the clearing cookies alike.
    pub secure_cookies: bool,
    /// Browser origins allowed to call the API with credentials (LO-26), compared exactly.
    pub cors_origins: Vec<String>,
    /// Enables the `/__conformance/*` hooks (see [`crate::http::handlers::hooks`]).
    pub conformance_hooks: bool,
    /// Argon2id cost of new password hashes.
    pub password_cost: PasswordCost,
    /// How many password hashes run at once and how many more wait (beyond: 503).
    pub password_limits: HashLimits,
    /// Largest JSON body accepted by register and login, in bytes.
    pub body_limit: u64,
    /// On SIGTERM/SIGINT or [`crate::RunningServer::shutdown`], how long in-flight
    /// requests may take before open connections are dropped.
    pub shutdown_timeout: Duration,
    /// How long a client may take to send a request's headers before its connection is
    /// closed (slowloris).
    pub header_read_timeout: Duration,
    /// Connections served at once; a client beyond it sheds the connection that has
    /// waited longest for a request head, or waits while every one has a request in flight.
    pub max_connections: usize,
    /// Offers `POST /auth/refresh`, a refresh that rotates the session (a new refresh
    /// token each time), atomic with logout. Off by default: the documented API has no
    /// such endpoint. Memory store only (the Redis store does not rotate yet).
    pub rotate_refresh: bool,
    /// Where tokens and users live. Honoured by [`crate::spawn`] and
    /// [`crate::AppState::connect`]; [`crate::AppState::new`] is always in memory.
    pub store: StoreConfig,
}

/// Where the server keeps tokens and users.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StoreConfig {
    /// In this process: lost on restart, private to one instance.
    #[default]
    Memory,
    /// In a Redis database, shared by every instance that names it: sessions opened on
    /// one instance can be used and revoked on any other, and users are shared too.
    #[cfg(feature = "redis")]
    Redis(RedisUrl),
}

/// What a build without the `redis` feature answers to a Redis URL.
#[cfg(not(feature = "redis"))]
pub const NO_REDIS: &str =
    "this build has no Redis support: build logout-server with the `redis` feature";

impl StoreConfig {
    /// `memory`, or a `redis://` URL (`RedisUrl::parse`; a build without the `redis`
    /// feature refuses it with `NO_REDIS`'s message).
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.trim().eq_ignore_ascii_case("memory") {
            Ok(Self::Memory)
        } else {
            Self::parse_url(value)
        }
    }

    #[cfg(feature = "redis")]
    fn parse_url(value: &str) -> Result<Self, String> {
        RedisUrl::parse(value).map(Self::Redis)
    }

    /// No Redis in this build: a Redis URL is refused with a message saying why, and
    /// anything else is an unknown store (named by its scheme only: the rest may hold a
    /// password).
    #[cfg(not(feature = "redis"))]
    fn parse_url(value: &str) -> Result<Self, String> {
        let scheme = value.trim().split("://").next().unwrap_or_default();
        if matches!(
            scheme.to_ascii_lowercase().as_str(),
            "redis" | "rediss" | "redis+cluster" | "rediss+cluster"
        ) {
            Err(NO_REDIS.to_owned())
        } else {
            Err(format!(
                "unknown store {scheme:?}: expected `memory` ({NO_REDIS})"
            ))
        }
    }
}

impl fmt::Display for StoreConfig {
    /// `memory`, or the Redis URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("memory"),
            #[cfg(feature = "redis")]
            Self::Redis(url) => url.fmt(f),
        }
    }
}

/// The default port of the documented API (`http://localhost:3000`).
pub const DEFAULT_PORT: u16 = 3000;
/// The default body limit: 16 KiB, far above any register or login body.
pub const DEFAULT_BODY_LIMIT: u64 = 16 * 1024;

/// The default shutdown deadline, in seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// The default time allowed to send a request's headers, in seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 30;
/// The default cap on connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
            secure_cookies: false,
            cors_origins: Vec::new(),
            conformance_hooks: false,
            password_cost: PasswordCost::default(),
            password_limits: HashLimits::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            shutdown_timeout: Duration::from_secs(DEFAULT_SHUTDOWN_TIMEOUT_SECS),
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_READ_TIMEOUT_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            rotate_refresh: false,
            store: StoreConfig::Memory,
        }
    }
}

impl Config {
    /// What the conformance suite runs against: an ephemeral port on loopback, hooks on,
    /// fast password hashing, `http://localhost:5173` (Vite's dev server) as the one
    /// allowed browser origin, and the rotating refresh on (so that LO-14 is judged).
    pub fn for_conformance() -> Self {
        Self {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            conformance_hooks: true,
            password_cost: PasswordCost::fast_for_tests(),
            cors_origins: vec!["http://localhost:5173".to_owned()],
            rotate_refresh: true,
            ..Self::default()
        }
    }
}
