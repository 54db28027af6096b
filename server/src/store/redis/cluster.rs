//! The connection to a Redis Cluster, and its repair after a failover.
//!
//! The `redis` crate's cluster client follows `MOVED` and reconnects by itself, but after
//! a primary was killed and its replica promoted it was seen (redis 1.8, Redis 7.0) to
//! keep a stale slot map on one of two clients: every command for the failed-over slots
//! then timed out, long after the cluster had healed. So a command that times out or
//! loses its connection also starts, at most once a second, a fresh connection from the
//! seed nodes (a full topology discovery), which replaces the current one when ready.
//! Requests meanwhile keep using the old one; none waits for the repair.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;

use super::RedisUrl;
use super::db::{ATTEMPT_TIMEOUT, COMMAND_TIMEOUT, CONNECT_TIMEOUT};

/// The shortest time between two repairs.
const REPAIR_EVERY: Duration = Duration::from_secs(1);

/// A cluster connection that can be replaced by a fresh one.
pub struct ClusterHandle {
    client: ClusterClient,
    current: RwLock<ClusterConnection>,
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
        let current = RwLock::new(client.get_async_connection().await?);
        Ok(Arc::new(Self {
            client,
            current,
            repairing: AtomicBool::new(false),
        }))
    }

    /// The connection to use now (a cheap clone).
    pub fn current(&self) -> ClusterConnection {
        match self.current.read() {
            Ok(conn) => conn.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Starts a repair in the background unless one ran less than [`REPAIR_EVERY`] ago.
    pub fn repair(self: &Arc<Self>) {
        if self.repairing.swap(true, Ordering::AcqRel) {
            return;
        }
        let handle = self.clone();
        tokio::spawn(async move {
            let fresh = tokio::time::timeout(CONNECT_TIMEOUT, handle.client.get_async_connection());
            match fresh.await {
                Ok(Ok(conn)) => match handle.current.write() {
                    Ok(mut current) => *current = conn,
                    Err(poisoned) => *poisoned.into_inner() = conn,
                },
                Ok(Err(error)) => tracing::warn!(%error, "Redis Cluster reconnection failed"),
                Err(_) => tracing::warn!("Redis Cluster reconnection timed out"),
            }
            tokio::time::sleep(REPAIR_EVERY).await;
            handle.repairing.store(false, Ordering::Release);
        });
    }
}
