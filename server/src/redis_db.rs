//! The Redis database behind `--store redis://…`: its URL, one shared auto-reconnecting
//! connection, and commands that always end in bounded time.
//!
//! Both the token store ([`crate::store::RedisStore`]) and the user registry
//! ([`crate::users::Users::redis`]) go through one [`RedisDb`], so every server instance
//! that names the same database sees the same sessions and the same users.
//!
//! # Availability
//!
//! - **Start-up**: [`RedisDb::connect`] must reach Redis within [`CONNECT_TIMEOUT`] and
//!   find version 7.0 or later, or the server does not start (a clear error naming the
//!   URL, password hidden). A server that starts without its store would answer 500 to
//!   every login, which is worse than refusing to start where an orchestrator sees it.
//! - **Running**: every command is bounded by [`COMMAND_TIMEOUT`], so an unreachable or
//!   hung Redis is a [`RedisFailure`] (a 500 to the client), never a hung request. The
//!   connection manager reconnects by itself, with a short back-off, when Redis comes
//!   back; no restart of the server is needed.
//! - A command that timed out may still run when a paused Redis resumes: a 500 from a
//!   store call means "outcome unknown", as with any remote store.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, ConnectionAddr, FromRedisValue, IntoConnectionInfo};

/// Longest wait for any one Redis command (or pipeline), reconnection included. Past it
/// the call fails, and the request that made it answers 500.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest wait for the first connection at start-up, retries included.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest wait for one TCP connection (and handshake) attempt.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
/// The oldest Redis with every command the stores use (`GETDEL`: 6.2; `PEXPIRE … NX|GT`: 7.0).
const MIN_VERSION: (u32, u32) = (7, 0);

/// A `redis://` URL; shown and debug-printed without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl {
    /// The URL as given: may hold a password, so it is only ever handed to the client.
    url: String,
    /// `redis://HOST:PORT/DB`, for messages and logs.
    shown: String,
}

impl RedisUrl {
    /// Parses `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (port 6379 and database 0 by
    /// default). `rediss://` is refused: this build has no TLS.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.starts_with("rediss://") {
            return Err(
                "rediss:// (Redis over TLS) is not built into this server; use redis:// on a \
                 trusted network, or a TLS tunnel"
                    .to_owned(),
            );
        }
        if !value.starts_with("redis://") {
            // Echo the scheme only: the rest may hold a password.
            let scheme = value.split("://").next().unwrap_or_default();
            return Err(format!(
                "unknown store {scheme:?}: expected `memory` or redis://HOST:PORT/DB"
            ));
        }
        let info = value
            .into_connection_info()
            .map_err(|error| format!("invalid Redis URL: {error}"))?;
        let ConnectionAddr::Tcp(host, port) = info.addr() else {
            return Err("a Redis URL must name a TCP host: redis://HOST:PORT/DB".to_owned());
        };
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.clone()
        };
        let shown = format!("redis://{host}:{port}/{}", info.redis_settings().db());
        Ok(Self {
            url: value.to_owned(),
            shown,
        })
    }
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisUrl({})", self.shown)
    }
}

/// Why the server could not open its Redis database at start-up.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No connection within [`CONNECT_TIMEOUT`].
    #[error("cannot connect to Redis at {url}: no answer within {after:?}")]
    Timeout {
        /// The database, password hidden.
        url: RedisUrl,
        /// How long it waited.
        after: Duration,
    },
    /// The connection or the version check failed.
    #[error("cannot connect to Redis at {url}: {cause}")]
    Redis {
        /// The database, password hidden.
        url: RedisUrl,
        /// What the client said.
        #[source]
        cause: redis::RedisError,
    },
    /// The server answered but is too old for the commands the stores use.
    #[error(
        "Redis at {url} is version {version}; the token store needs {}.{} or later",
        MIN_VERSION.0,
        MIN_VERSION.1
    )]
    TooOld {
        /// The database, password hidden.
        url: RedisUrl,
        /// What `INFO server` said.
        version: String,
    },
}

/// Why one Redis call failed while serving. Its text goes to the log only.
#[derive(Debug, thiserror::Error)]
pub enum RedisFailure {
    /// No answer within [`COMMAND_TIMEOUT`] (Redis down, hung, or reconnecting).
    #[error("Redis {op} got no answer within {after:?}")]
    Timeout {
        /// The command or step.
        op: &'static str,
        /// The bound that ran out.
        after: Duration,
    },
    /// The client or the server reported an error.
    #[error("Redis {op} failed: {source}")]
    Command {
        /// The command or step.
        op: &'static str,
        /// The client's error.
        source: redis::RedisError,
    },
    /// A stored value is not in the expected format.
    #[error("Redis {op} found an unreadable value: {why}")]
    Corrupt {
        /// The command or step.
        op: &'static str,
        /// What was wrong with it.
        why: String,
    },
}

/// A shared, auto-reconnecting connection to one Redis database; cheap to clone.
#[derive(Clone)]
pub struct RedisDb {
    conn: ConnectionManager,
    url: RedisUrl,
}

impl fmt::Debug for RedisDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDb").field("url", &self.url).finish()
    }
}

impl RedisDb {
    /// Connects (within [`CONNECT_TIMEOUT`]) and checks the server's version.
    pub async fn connect(url: &RedisUrl) -> Result<Self, ConnectError> {
        let redis_error = |cause| ConnectError::Redis {
            url: url.clone(),
            cause,
        };
        let client = Client::open(url.url.as_str()).map_err(redis_error)?;
        // Reconnection after an outage: a few quick attempts with a short back-off. When
        // they are used up, the next command starts another round, so recovery never
        // needs a restart.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(ATTEMPT_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500))
            .set_number_of_retries(4);
        let timeout = |_| ConnectError::Timeout {
            url: url.clone(),
            after: CONNECT_TIMEOUT,
        };
        let conn = tokio::time::timeout(
            CONNECT_TIMEOUT,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(timeout)?
        .map_err(redis_error)?;
        let mut probe = conn.clone();
        let info: String = tokio::time::timeout(
            CONNECT_TIMEOUT,
            redis::cmd("INFO").arg("server").query_async(&mut probe),
        )
        .await
        .map_err(timeout)?
        .map_err(redis_error)?;
        let version = info
            .lines()
            .find_map(|line| line.strip_prefix("redis_version:"))
            .unwrap_or("unknown")
            .trim()
            .to_owned();
        if !version_at_least(&version, MIN_VERSION) {
            return Err(ConnectError::TooOld {
                url: url.clone(),
                version,
            });
        }
        Ok(Self {
            conn,
            url: url.clone(),
        })
    }

    /// The database, password hidden.
    pub fn url(&self) -> &RedisUrl {
        &self.url
    }

    /// Runs one command, bounded by [`COMMAND_TIMEOUT`].
    pub async fn query<T: FromRedisValue>(
        &self,
        op: &'static str,
        cmd: &redis::Cmd,
    ) -> Result<T, RedisFailure> {
        let mut conn = self.conn.clone();
        bounded(op, cmd.query_async(&mut conn)).await
    }

    /// Runs a pipeline (atomic if built with `.atomic()`), bounded by [`COMMAND_TIMEOUT`].
    pub async fn query_pipe<T: FromRedisValue>(
        &self,
        op: &'static str,
        pipe: &redis::Pipeline,
    ) -> Result<T, RedisFailure> {
        let mut conn = self.conn.clone();
        bounded(op, pipe.query_async(&mut conn)).await
    }
}

async fn bounded<T>(
    op: &'static str,
    call: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, RedisFailure> {
    match tokio::time::timeout(COMMAND_TIMEOUT, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(source)) => Err(RedisFailure::Command { op, source }),
        Err(_) => Err(RedisFailure::Timeout {
            op,
            after: COMMAND_TIMEOUT,
        }),
    }
}

/// Whether a `MAJOR.MINOR[.PATCH]` version is at least `min`.
fn version_at_least(version: &str, min: (u32, u32)) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= min,
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        let url = RedisUrl::parse("redis://user:s3cret@cache.internal:6380/2").unwrap();
        assert_eq!(url.to_string(), "redis://cache.internal:6380/2");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = RedisUrl::parse("redis://127.0.0.1").unwrap();
        assert_eq!(url.to_string(), "redis://127.0.0.1:6379/0");
    }

    #[test]
    fn other_schemes_are_refused_without_echoing_secrets() {
        let tls = RedisUrl::parse("rediss://:pw@host:6379/0").unwrap_err();
        assert!(tls.contains("TLS"), "{tls}");
        let other = RedisUrl::parse("postgres://u:pw@host/db").unwrap_err();
        assert!(
            other.contains("\"postgres\"") && !other.contains("pw"),
            "{other}"
        );
        assert!(RedisUrl::parse("redis://").is_err());
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(version_at_least("7.0.15", (7, 0)));
        assert!(version_at_least("10.0.0", (7, 0)));
        assert!(!version_at_least("6.2.14", (7, 0)));
        assert!(!version_at_least("unknown", (7, 0)));
    }
}
