//! A throwaway Redis Cluster per test: three primaries with one replica each, from
//! Debian's `redis-server`, on free loopback ports, without persistence (each node in a
//! folder of its own, for its `nodes.conf`). Nodes can be frozen, killed and restarted;
//! everything is killed and removed when dropped.
//!
//! Without `redis-server` and `redis-cli`, [`RedisCluster::start`] returns `None` after
//! printing why (the test is skipped); under `CI=true` it panics instead.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use logout_server::StoreConfig;
use logout_server::store::redis::RedisUrl;
use tokio::process::{Child, Command};

/// How long the cluster gets to form (every slot served, every replica in sync).
const READY_WITHIN: Duration = Duration::from_secs(30);
/// The cluster's node timeout: a primary silent this long is failed over.
pub const NODE_TIMEOUT_MS: u64 = 2000;

/// One node: its port, folder and process.
pub struct Node {
    pub port: u16,
    bus: u16,
    dir: PathBuf,
    child: Option<Child>,
}

/// Six nodes forming a cluster.
pub struct RedisCluster {
    pub nodes: Vec<Node>,
    root: PathBuf,
}

impl RedisCluster {
    /// Starts six nodes and forms the cluster, or `None` (skipped) without the binaries.
    pub async fn start() -> Option<Self> {
        for binary in ["redis-server", "redis-cli"] {
            if std::process::Command::new(binary)
                .arg("--version")
                .output()
                .is_err()
            {
                if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                    panic!(
                        "{binary} is not installed, and CI=true: the cluster tests must run in \
                         CI (apt-get install -y redis-server redis-tools)"
                    );
                }
                eprintln!("skipped: {binary} is not installed (apt-get install -y redis-server)");
                return None;
            }
        }
        let root = std::env::temp_dir().join(format!(
            "logout-cluster-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let mut nodes = Vec::new();
        for _ in 0..6 {
            let (port, bus) = (free_port(), free_port());
            let dir = root.join(port.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            let mut node = Node {
                port,
                bus,
                dir,
                child: None,
            };
            node.spawn().await;
            nodes.push(node);
        }
        let cluster = Self { nodes, root };
        let mut create = Command::new("redis-cli");
        create.arg("--cluster").arg("create");
        for node in &cluster.nodes {
            create.arg(format!("127.0.0.1:{}", node.port));
        }
        let out = create
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        cluster.wait_ready().await;
        Some(cluster)
    }

    /// `redis+cluster://` with two seed nodes, and `?replicas=N` when given.
    pub fn url(&self, replicas: Option<u8>) -> String {
        let query = replicas
            .map(|n| format!("?replicas={n}"))
            .unwrap_or_default();
        format!(
            "redis+cluster://127.0.0.1:{},127.0.0.1:{}{query}",
            self.nodes[0].port, self.nodes[1].port
        )
    }

    /// The server configuration for `--store <url(replicas)>`.
    pub fn store(&self, replicas: Option<u8>) -> StoreConfig {
        StoreConfig::Redis(RedisUrl::parse(&self.url(replicas)).unwrap())
    }

    /// Waits until every live node says `cluster_state:ok` and every live replica is in
    /// sync with its primary.
    pub async fn wait_ready(&self) {
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            let mut ready = true;
            for node in self.nodes.iter().filter(|n| n.child.is_some()) {
                let info = node.cli(&["cluster", "info"]).await;
                let replication = node.cli(&["info", "replication"]).await;
                ready &= info.contains("cluster_state:ok");
                if replication.contains("role:slave") {
                    ready &= replication.contains("master_link_status:up");
                }
            }
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the cluster was not ready within {READY_WITHIN:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// (primary, its replica) indexes into `nodes`, per `CLUSTER NODES`.
    pub async fn pairs(&self) -> Vec<(usize, usize)> {
        let table = self.nodes[0].cli(&["cluster", "nodes"]).await;
        let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split(' ').collect()).collect();
        let index_of = |row: &[&str]| {
            let port: u16 = row[1]
                .split('@')
                .next()
                .and_then(|a| a.rsplit(':').next())
                .and_then(|p| p.parse().ok())
                .unwrap();
            self.nodes.iter().position(|n| n.port == port).unwrap()
        };
        let mut pairs = Vec::new();
        for primary in rows.iter().filter(|r| r[2].contains("master")) {
            let replica = rows
                .iter()
                .find(|r| r[2].contains("slave") && r[3] == primary[0])
                .expect("every primary has a replica");
            pairs.push((index_of(primary), index_of(replica)));
        }
        pairs
    }
}

impl Node {
    /// `redis-cli -p PORT ARGS…`, its output (empty if the node does not answer).
    pub async fn cli(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-p", &self.port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .output();
        match tokio::time::timeout(Duration::from_secs(2), out).await {
            Ok(Ok(out)) => String::from_utf8_lossy(&out.stdout).replace('\r', ""),
            _ => String::new(),
        }
    }

    /// Freezes (`STOP`) or thaws (`CONT`) the process.
    pub async fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().and_then(Child::id).unwrap().to_string();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .await
            .unwrap();
        assert!(status.success(), "kill -{signal} {pid} failed");
    }

    /// Kills it (SIGKILL): its memory is lost, its `nodes.conf` kept.
    pub async fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().await.unwrap();
    }

    /// Starts it again on its port and folder; it rejoins the cluster by its `nodes.conf`.
    pub async fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--cluster-port", &self.bus.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args([
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
            ])
            .args(["--cluster-node-timeout", &NODE_TIMEOUT_MS.to_string()])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run redis-server: {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.cli(&["ping"]).await.contains("PONG") {
            assert!(
                Instant::now() < deadline,
                "node {} did not answer",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(child) = node.child.as_mut() {
                let _ = child.start_kill();
            }
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
