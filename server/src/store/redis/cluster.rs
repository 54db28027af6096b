//! The connection to a Redis Cluster, and its repair after a failover.
//!
//! The `redis` crate's cluster client follows `MOVED` and reconnects by itself, but after
//! a primary was killed and its replica promoted it was seen (redis 1.8, Redis 7.0) to
//! keep a stale slot map on one of two clients: every command for the failed-over slots
//! then timed out, long after the cluster had healed. So a command that times out or
//! loses its connection also starts, at most once a second, a fresh connection from the
//! seed nodes (a full topology discovery), which replaces the current one when ready.
//! Requests meanwhile keep using the old one; none waits for the repair.
//!
//! # Several connections
//!
//! `WAIT` blocks the connection it is sent on until the replicas acknowledge: on one
//! multiplexed connection per node, every command behind it waits too, and a primary
//! serves one `WAIT` at a time. So the handle keeps [`CONNECTIONS`] cluster connections
//! (each one multiplexed connection per node) and hands them out in turn: that many
//! `WAIT`s per primary are in flight at once, and Redis acknowledges them together.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;

use super::RedisUrl;
use super::bounds::{ATTEMPT_TIMEOUT, COMMAND_TIMEOUT, CONNECT_TIMEOUT};

/// The shortest time between two repairs.
const REPAIR_EVERY: Duration = Duration::from_secs(1);
/// Cluster connections handed out in turn (see the module docs).
pub const CONNECTIONS: usize = 4;

/// Cluster connections that can be replaced by fresh ones.
pub struct ClusterHandle {
    client: ClusterClient,
    current: RwLock<Vec<ClusterConnection>>,
    next: AtomicUsize,
    repairing: AtomicBool,
}

impl ClusterHandle {
    /// Connects to the cluster `url` names (seed nodes), without the start-up bound.
    pub async fn connect(url: &RedisUrl) -> redis::RedisResult<Arc<Self>> {
        let client = ClusterClient::builder(url.urls.iter().map(String::as_str))
            .connection_timeout(ATTEMPT_TIMEOUT)
            .response_timeout(COMMAND_TIMEOUT)
            .retries(6)
            .min_retry_wait(50)
            .max_retry_wait(500)
            .build()?;
        let current = RwLock::new(open_all(&client).await?);
        Ok(Arc::new(Self {
            client,
            current,
            next: AtomicUsize::new(0),
            repairing: AtomicBool::new(false),
        }))
    }

    /// The connection to use now (a cheap clone), the next one in turn.
    pub fn current(&self) -> ClusterConnection {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        let pick = |conns: &Vec<ClusterConnection>| conns[turn % conns.len()].clone();
        match self.current.read() {
            Ok(conns) => pick(&conns),
            Err(poisoned) => pick(&poisoned.into_inner()),
        }
    }

    /// Starts a repair in the background unless one ran less than [`REPAIR_EVERY`] ago.
    pub fn repair(self: &Arc<Self>) {
        if self.repairing.swap(true, Ordering::AcqRel) {
            return;
        }
        let handle = self.clone();
        tokio::spawn(async move {
            let fresh = tokio::time::timeout(CONNECT_TIMEOUT, open_all(&handle.client));
            match fresh.await {
                Ok(Ok(conns)) => match handle.current.write() {
                    Ok(mut current) => *current = conns,
                    Err(poisoned) => *poisoned.into_inner() = conns,
                },
                Ok(Err(error)) => tracing::warn!(%error, "Redis Cluster reconnection failed"),
                Err(_) => tracing::warn!("Redis Cluster reconnection timed out"),
            }
            tokio::time::sleep(REPAIR_EVERY).await;
            handle.repairing.store(false, Ordering::Release);
        });
    }
}

/// [`CONNECTIONS`] fresh cluster connections (never none).
async fn open_all(client: &ClusterClient) -> redis::RedisResult<Vec<ClusterConnection>> {
    let mut conns = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        conns.push(client.get_async_connection().await?);
    }
    Ok(conns)
}
