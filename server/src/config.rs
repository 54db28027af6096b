//! Server settings and the command line that sets them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use clap::builder::BoolishValueParser;

use crate::password::{HashLimits, PasswordCost};
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
    /// Enables the `/__conformance/*` hooks (see [`crate::handlers::hooks`]).
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
    Redis(RedisUrl),
}

impl StoreConfig {
    /// `memory`, or a `redis://` URL ([`RedisUrl::parse`]).
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.trim().eq_ignore_ascii_case("memory") {
            Ok(Self::Memory)
        } else {
            RedisUrl::parse(value).map(Self::Redis)
        }
    }
}

impl fmt::Display for StoreConfig {
    /// `memory`, or the Redis URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("memory"),
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
            store: StoreConfig::Memory,
        }
    }
}

impl Config {
    /// What the conformance suite runs against: an ephemeral port on loopback, hooks on,
    /// fast password hashing, and `http://localhost:5173` (Vite's dev server) as the one
    /// allowed browser origin.
    pub fn for_conformance() -> Self {
        Self {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            conformance_hooks: true,
            password_cost: PasswordCost::fast_for_tests(),
            cors_origins: vec!["http://localhost:5173".to_owned()],
            ..Self::default()
        }
    }
}

/// Command line of the `logout-server` binary; every flag can also come from the
/// environment (switches take true/false, yes/no, on/off or 1/0 there). The log level
/// comes from `RUST_LOG` (default `info`).
#[derive(Debug, Parser)]
#[command(
    name = "logout-server",
    version,
    about = "Reference server of the cookie-based auth API and its POST /auth/logout contract",
    after_help = "Switches set through the environment take true/false, yes/no, on/off or 1/0.\n\
                  Log level: RUST_LOG (default \"info\"), e.g. RUST_LOG=logout_server=debug."
)]
pub struct Args {
    /// IP address to listen on.
    #[arg(long, env = "LOGOUT_SERVER_ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub addr: IpAddr,

    /// TCP port to listen on (0 picks a free port).
    #[arg(long, env = "LOGOUT_SERVER_PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,

    /// Mark every cookie `Secure` (login and clearing cookies); use it behind HTTPS.
    #[arg(long, env = "LOGOUT_SERVER_SECURE_COOKIES", value_parser = BoolishValueParser::new())]
    pub secure_cookies: bool,

    /// A browser origin (`scheme://host[:port]`) allowed to call the API with credentials;
    /// repeat the flag for several (comma-separated in the environment variable).
    #[arg(
        long = "cors-origin",
        value_name = "ORIGIN",
        env = "LOGOUT_SERVER_CORS_ORIGINS",
        value_delimiter = ',',
        value_parser = parse_origin
    )]
    pub cors_origins: Vec<String>,

    /// Serve the /__conformance/* test hooks (store fault switch, expired sessions).
    /// Anyone who can reach the server can then break it: never in production.
    #[arg(long, env = "LOGOUT_SERVER_CONFORMANCE_HOOKS", value_parser = BoolishValueParser::new())]
    pub enable_conformance_hooks: bool,

    /// Argon2id memory cost per password hash, in KiB (at least 8).
    #[arg(
        long,
        env = "LOGOUT_SERVER_PASSWORD_MEMORY_KIB",
        default_value_t = PasswordCost::default().memory_kib,
        value_parser = clap::value_parser!(u32).range(8..)
    )]
    pub password_memory_kib: u32,

    /// Argon2id iterations per password hash (at least 1).
    #[arg(
        long,
        env = "LOGOUT_SERVER_PASSWORD_ITERATIONS",
        default_value_t = PasswordCost::default().iterations,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub password_iterations: u32,

    /// Password hashes computed at once. The default leaves one core to the async runtime
    /// (cores - 1, at least 1), so that logout stays fast while logins queue.
    #[arg(
        long,
        env = "LOGOUT_SERVER_PASSWORD_WORKERS",
        default_value_t = HashLimits::default().workers,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub password_workers: usize,

    /// Register and login requests allowed to wait for a password-hashing worker; beyond
    /// them register and login answer 503 with `Retry-After`.
    #[arg(
        long,
        env = "LOGOUT_SERVER_PASSWORD_QUEUE",
        default_value_t = HashLimits::default().queue
    )]
    pub password_queue: usize,

    /// Largest request body accepted by register and login, in bytes (larger: 413).
    #[arg(long, env = "LOGOUT_SERVER_BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: u64,

    /// On SIGTERM or SIGINT: stop accepting, wait at most this many seconds for in-flight
    /// requests, then drop the connections still open and exit 0.
    #[arg(
        long,
        value_name = "SECS",
        env = "LOGOUT_SERVER_SHUTDOWN_TIMEOUT",
        default_value_t = DEFAULT_SHUTDOWN_TIMEOUT_SECS
    )]
    pub shutdown_timeout: u64,

    /// Seconds a client may take to send a request's headers; past it the connection is
    /// closed (slowloris protection).
    #[arg(
        long,
        value_name = "SECS",
        env = "LOGOUT_SERVER_HEADER_READ_TIMEOUT",
        default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub header_read_timeout: u64,

    /// Connections served at once. Beyond it, a new client takes the slot of the
    /// connection that has waited longest for a request head (half-open or idle clients
    /// cannot lock others out); while every connection has a request in flight, it waits.
    #[arg(
        long,
        env = "LOGOUT_SERVER_MAX_CONNECTIONS",
        default_value_t = DEFAULT_MAX_CONNECTIONS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub max_connections: usize,

    /// Where tokens and users live: `memory` (one process, lost on restart),
    /// `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (Redis 7.0 or later, no TLS) or a Redis
    /// Cluster `redis+cluster://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT…]` (seed nodes),
    /// shared by every instance that names it. `?replicas=N`: a login or logout answers 200
    /// only once N replicas hold it (WAIT ≤ 0.5 s; else 500), so no failover undoes it;
    /// default 0 on redis://, 1 on a cluster. The server does not start unless Redis
    /// answers within 3 s; an outage makes requests answer 500 within 2 s until it is back.
    #[arg(
        long,
        value_name = "memory|redis://HOST:PORT/DB",
        env = "LOGOUT_SERVER_STORE",
        default_value = "memory",
        hide_env_values = true,
        value_parser = StoreConfig::parse
    )]
    pub store: StoreConfig,
}

impl Args {
    /// The server settings these arguments describe.
    pub fn into_config(self) -> Config {
        Config {
            addr: SocketAddr::new(self.addr, self.port),
            secure_cookies: self.secure_cookies,
            cors_origins: self.cors_origins,
            conformance_hooks: self.enable_conformance_hooks,
            password_cost: PasswordCost {
                memory_kib: self.password_memory_kib,
                iterations: self.password_iterations,
                parallelism: PasswordCost::default().parallelism,
            },
            password_limits: HashLimits {
                workers: self.password_workers,
                queue: self.password_queue,
            },
            body_limit: self.body_limit,
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout),
            header_read_timeout: Duration::from_secs(self.header_read_timeout),
            max_connections: self.max_connections,
            store: self.store,
        }
    }
}

/// An origin as browsers send it: `http` or `https`, a host, maybe a port, no path. A
/// trailing `/` is dropped; `*` and `null` are refused, since credentials need an exact
/// origin.
fn parse_origin(value: &str) -> Result<String, String> {
    let origin = value.trim().strip_suffix('/').unwrap_or(value.trim());
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| {
            format!(
                "{value:?} is not an origin: expected http://host[:port] or https://host[:port]"
            )
        })?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '*', ' ', ',']) {
        return Err(format!(
            "{value:?} is not an origin: expected scheme://host[:port] with no path"
        ));
    }
    Ok(origin.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Args::try_parse_from(std::iter::once("logout-server").chain(args.iter().copied()))
            .map(Args::into_config)
    }

    #[test]
    fn defaults_match_the_documented_setup() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.addr, "127.0.0.1:3000".parse().unwrap());
        assert!(
            !config.secure_cookies && !config.conformance_hooks && config.cors_origins.is_empty()
        );
        assert_eq!(config.password_cost, PasswordCost::default());
        assert_eq!(config.body_limit, 16 * 1024);
        assert_eq!(config.store, StoreConfig::Memory);
    }

    #[test]
    fn the_store_is_memory_or_a_redis_url() {
        assert_eq!(
            parse(&["--store=memory"]).unwrap().store,
            StoreConfig::Memory
        );
        let config = parse(&["--store", "redis://:pw@127.0.0.1:6380/3"]).unwrap();
        assert_eq!(config.store.to_string(), "redis://127.0.0.1:6380/3");
        assert!(!format!("{config:?}").contains("pw"), "{config:?}");
        for bad in ["rediss://127.0.0.1", "postgres://db", "memroy", ""] {
            assert!(parse(&["--store", bad]).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn every_flag_is_read() {
        let config = parse(&[
            "--addr=0.0.0.0",
            "--port=0",
            "--secure-cookies",
            "--cors-origin=http://localhost:5173/",
            "--cors-origin",
            "https://app.example.com",
            "--enable-conformance-hooks",
            "--password-memory-kib=64",
            "--password-iterations=3",
            "--body-limit=100",
            "--password-queue=3",
            "--shutdown-timeout=2",
            "--header-read-timeout=5",
            "--max-connections=7",
            "--password-workers=2",
            "--store=redis://127.0.0.1:6379/1",
        ])
        .unwrap();
        assert_eq!(config.addr, "0.0.0.0:0".parse().unwrap());
        assert!(config.secure_cookies && config.conformance_hooks);
        assert_eq!(
            config.cors_origins,
            ["http://localhost:5173", "https://app.example.com"]
        );
        assert_eq!(
            config.password_cost,
            PasswordCost {
                memory_kib: 64,
                iterations: 3,
                parallelism: 1
            }
        );
        assert_eq!(config.body_limit, 100);
        assert_eq!(config.password_limits.queue, 3);
        assert_eq!(config.password_limits.workers, 2);
        assert_eq!(config.shutdown_timeout, Duration::from_secs(2));
        assert_eq!(config.header_read_timeout, Duration::from_secs(5));
        assert_eq!(config.max_connections, 7);
        assert_eq!(config.store.to_string(), "redis://127.0.0.1:6379/1");
    }

    #[test]
    fn bad_values_are_refused() {
        for bad in [
            &["--cors-origin=*"][..],
            &["--cors-origin=localhost:5173"],
            &["--cors-origin=http://a.example/path"],
            &["--password-memory-kib=4"],
            &["--password-iterations=0"],
            &["--max-connections=0"],
            &["--header-read-timeout=0"],
            &["--port=70000"],
            &["--addr=localhost"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
