//! The command line of the `logout-server` binary, and the settings it makes.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use clap::builder::BoolishValueParser;

use crate::app::config::{
    Config, DEFAULT_BODY_LIMIT, DEFAULT_HEADER_READ_TIMEOUT_SECS, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT, DEFAULT_SHUTDOWN_TIMEOUT_SECS, StoreConfig,
};
use crate::model::password::{HashLimits, PasswordCost};

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

    /// Offer `POST /auth/refresh`: a refresh that rotates the session (a new
    /// `refreshToken` and `accessToken` each time), atomic with logout. Off by default (the
    /// documented API has no such endpoint: 404). Memory store only: the Redis store does
    /// not rotate yet, and the endpoint answers 500 there.
    #[arg(long, env = "LOGOUT_SERVER_ROTATE_REFRESH", value_parser = BoolishValueParser::new())]
    pub rotate_refresh: bool,

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
    /// Redis needs a build with the `redis` cargo feature (the default).
    #[arg(
        long,
        value_name = "memory|redis://HOST:PORT/DB",
        env = "LOGOUT_SERVER_STORE",
        default_value = "memory",
        hide_env_values = true,
        value_parser = StoreParser
    )]
    pub store: StoreConfig,
}

/// Parses `--store` like [`StoreConfig::parse`], but a refusal does not repeat the value:
/// a Redis URL may carry a password (clap's own message quotes the whole value).
#[derive(Clone, Copy, Debug)]
struct StoreParser;

impl clap::builder::TypedValueParser for StoreParser {
    type Value = StoreConfig;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<StoreConfig, clap::Error> {
        let refused = |why: &str| {
            let flag = arg.map_or_else(|| "--store".to_owned(), ToString::to_string);
            let mut error = clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "invalid value for '{flag}' (not repeated: it may hold a password): {why}\n"
                ),
            );
            error = error.with_cmd(cmd);
            error
        };
        let text = value.to_str().ok_or_else(|| refused("not UTF-8"))?;
        StoreConfig::parse(text).map_err(|why| refused(&why.to_string()))
    }
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
            rotate_refresh: self.rotate_refresh,
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
    #[cfg(feature = "redis")]
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

    /// A refused store URL is not echoed: it may carry a password.
    #[test]
    fn a_refused_store_url_is_not_repeated_in_the_error() {
        for bad in [
            "redis://:hunter2@127.0.0.1:6380/3?replicas=x",
            "redis://user:hunter2@127.0.0.1:99999/0",
            "postgres://user:hunter2@db",
        ] {
            let error = parse(&["--store", bad]).unwrap_err().to_string();
            assert!(!error.contains("hunter2"), "{error}");
            assert!(error.contains("--store"), "{error}");
        }
    }

    #[test]
    #[cfg(feature = "redis")]
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

    /// A build without the `redis` feature (the conformance CLI's embedded server) refuses
    /// every Redis URL with a message saying which build has it; `memory` still works.
    #[test]
    #[cfg(not(feature = "redis"))]
    fn a_build_without_redis_refuses_a_redis_url_saying_why() {
        assert_eq!(
            parse(&["--store=memory"]).unwrap().store,
            StoreConfig::Memory
        );
        for url in [
            "redis://127.0.0.1:6380/3",
            "redis+cluster://127.0.0.1:7000,127.0.0.1:7001",
            "rediss://cache:6380",
        ] {
            let error = parse(&["--store", url]).unwrap_err().to_string();
            assert!(
                error.contains(
                    "this build has no Redis support: build logout-server with the `redis` feature"
                ),
                "{url}: {error}"
            );
        }
        let error = parse(&["--store", "postgres://db"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown store \"postgres\""), "{error}");
    }
}
