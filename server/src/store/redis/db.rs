//! The Redis database behind `--store redis://…` or `redis+cluster://…`: one shared,
//! multiplexed, auto-reconnecting connection (per cluster node), and commands that always
//! end in bounded time.
//!
//! Both the token store ([`crate::store::RedisStore`]) and the user registry
//! ([`crate::users::Users::redis`]) go through one [`RedisDb`], so every server instance
//! that names the same database sees the same sessions and the same users.
//!
//! On a cluster the client (the `redis` crate's `cluster-async`) discovers the topology
//! from the seed nodes, routes each command to the primary of its key's hash slot, and
//! follows `MOVED`/`ASK` redirections and failovers by itself.
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
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use redis::{Client, Cmd, FromRedisValue, Pipeline, RedisFuture, Value};

use super::RedisUrl;
use super::batch::{Batcher, Failed};
use super::bounds::{ATTEMPT_TIMEOUT, COMMAND_TIMEOUT, CONNECT_TIMEOUT};
use super::cluster::ClusterHandle;

/// The oldest Redis with every command the stores use (`GETDEL`: 6.2; `PEXPIRE … NX|GT`: 7.0).
const MIN_VERSION: (u32, u32) = (7, 0);

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
    /// `redis://` names a node of a cluster: most keys would answer `MOVED`.
    #[error("Redis at {url} is a cluster node: name the cluster as redis+cluster://HOST:PORT,…")]
    ClusterNode {
        /// The database, password hidden.
        url: RedisUrl,
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
    /// The write was done on the primary but fewer replicas than required acknowledged it
    /// in time (`WAIT`): a failover could still undo it, so it is not reported as done.
    #[error("Redis {op}: {acked} of {wanted} replicas acknowledged the write in time")]
    NotReplicated {
        /// The command or step.
        op: &'static str,
        /// Replicas that acknowledged.
        acked: i64,
        /// Replicas required.
        wanted: u8,
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

/// A shared, auto-reconnecting connection to one Redis database or cluster; cheap to
/// clone.
#[derive(Clone)]
pub struct RedisDb {
    source: Source,
    url: RedisUrl,
}

/// Where connections come from: one server's manager (single commands go through its
/// [`Batcher`]), or a repairable cluster connection.
#[derive(Clone)]
enum Source {
    Single(ConnectionManager, Batcher),
    Cluster(Arc<ClusterHandle>),
}

/// One server's connection manager, or a cluster connection (one multiplexed connection
/// per node), for one call.
enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(conn) => conn.req_packed_command(cmd),
            Conn::Cluster(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(conn) => conn.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(conn) => conn.get_db(),
            Conn::Cluster(conn) => conn.get_db(),
        }
    }
}

impl fmt::Debug for RedisDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDb").field("url", &self.url).finish()
    }
}

impl RedisDb {
    /// Connects (within [`CONNECT_TIMEOUT`]) and checks the server's version (on a
    /// cluster, one node's).
    pub async fn connect(url: &RedisUrl) -> Result<Self, ConnectError> {
        let redis_error = |cause| ConnectError::Redis {
            url: url.clone(),
            cause,
        };
        let timeout = |_| ConnectError::Timeout {
            url: url.clone(),
            after: CONNECT_TIMEOUT,
        };
        let source = tokio::time::timeout(CONNECT_TIMEOUT, open(url))
            .await
            .map_err(timeout)?
            .map_err(redis_error)?;
        let mut probe = conn_of(&source);
        let info = redis::cmd("INFO").arg("server").clone();
        let info: String = tokio::time::timeout(CONNECT_TIMEOUT, async {
            match &mut probe {
                Conn::Single(conn) => info.query_async(conn).await,
                Conn::Cluster(conn) => {
                    let any = RoutingInfo::SingleNode(SingleNodeRoutingInfo::Random);
                    let value = conn.route_command(info, any).await?;
                    String::from_redis_value(value).map_err(Into::into)
                }
            }
        })
        .await
        .map_err(timeout)?
        .map_err(redis_error)?;
        let field = |name: &str| {
            info.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
                .unwrap_or("unknown")
                .trim()
                .to_owned()
        };
        let version = field("redis_version");
        if !version_at_least(&version, MIN_VERSION) {
            return Err(ConnectError::TooOld {
                url: url.clone(),
                version,
            });
        }
        if !url.is_cluster() && field("redis_mode") == "cluster" {
            return Err(ConnectError::ClusterNode { url: url.clone() });
        }
        Ok(Self {
            source,
            url: url.clone(),
        })
    }

    /// The database, password hidden.
    pub fn url(&self) -> &RedisUrl {
        &self.url
    }

    /// Runs one command, bounded by [`COMMAND_TIMEOUT`]: on one server, written together
    /// with the other requests' commands of the moment ([`Batcher`]). The command is taken
    /// (`cmd` is left empty), so that it reaches the connection without a copy.
    pub async fn query<T: FromRedisValue>(
        &self,
        op: &'static str,
        cmd: &mut redis::Cmd,
    ) -> Result<T, RedisFailure> {
        let cmd = std::mem::take(cmd);
        let result = match &self.source {
            // Bounded by the batcher, once per pipeline.
            Source::Single(_, batcher) => match batcher.query(cmd).await {
                Ok(value) => T::from_redis_value(value).map_err(|source| RedisFailure::Command {
                    op,
                    source: source.into(),
                }),
                Err(Failed::Redis(source)) => Err(RedisFailure::Command { op, source }),
                Err(Failed::TimedOut) => Err(RedisFailure::Timeout {
                    op,
                    after: COMMAND_TIMEOUT,
                }),
            },
            Source::Cluster(_) => bounded(op, cmd.query_async(&mut conn_of(&self.source))).await,
        };
        self.after(result)
    }

    /// Runs a pipeline (atomic if built with `.atomic()`), bounded by [`COMMAND_TIMEOUT`].
    pub async fn query_pipe<T: FromRedisValue>(
        &self,
        op: &'static str,
        pipe: &redis::Pipeline,
    ) -> Result<T, RedisFailure> {
        let mut conn = conn_of(&self.source);
        let result = bounded(op, pipe.query_async(&mut conn)).await;
        self.after(result)
    }

    /// On a cluster, a call that timed out or lost its connection starts a repair
    /// ([`ClusterHandle::repair`]).
    fn after<T>(&self, result: Result<T, RedisFailure>) -> Result<T, RedisFailure> {
        if let (Source::Cluster(handle), Err(failure)) = (&self.source, &result) {
            let broken = match failure {
                RedisFailure::Timeout { .. } => true,
                RedisFailure::Command { source, .. } => {
                    source.is_timeout() || source.is_io_error() || source.is_connection_dropped()
                }
                RedisFailure::NotReplicated { .. } | RedisFailure::Corrupt { .. } => false,
            };
            if broken {
                handle.repair();
            }
        }
        result
    }
}

/// The connection for one call.
fn conn_of(source: &Source) -> Conn {
    match source {
        Source::Single(conn, _) => Conn::Single(conn.clone()),
        Source::Cluster(handle) => Conn::Cluster(handle.current()),
    }
}

/// Opens the connection `url` names, without the start-up bound.
async fn open(url: &RedisUrl) -> redis::RedisResult<Source> {
    if url.is_cluster() {
        return Ok(Source::Cluster(ClusterHandle::connect(url).await?));
    }
    let first = url.urls.first().map(String::as_str).unwrap_or_default();
    let client = Client::open(first)?;
    // Reconnection after an outage: a few quick attempts with a short back-off. When
    // they are used up, the next command starts another round, so recovery never
    // needs a restart.
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(ATTEMPT_TIMEOUT))
        .set_response_timeout(Some(COMMAND_TIMEOUT))
        .set_min_delay(Duration::from_millis(50))
        .set_max_delay(Duration::from_millis(500))
        .set_number_of_retries(4);
    let conn = ConnectionManager::new_with_config(client, config).await?;
    let batcher = Batcher::start(conn.clone(), COMMAND_TIMEOUT);
    Ok(Source::Single(conn, batcher))
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
    fn versions_compare_numerically() {
        assert!(version_at_least("7.0.15", (7, 0)));
        assert!(version_at_least("10.0.0", (7, 0)));
        assert!(!version_at_least("6.2.14", (7, 0)));
        assert!(!version_at_least("unknown", (7, 0)));
    }
}
