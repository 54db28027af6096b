//! A throwaway `redis-server` per test, on a free loopback port, without persistence:
//! started, crashed, restarted on the same port, paused and resumed at will, and killed
//! when dropped.
//!
//! Without `redis-server` on the PATH, [`RedisServer::start`] returns `None` after
//! printing why, so the test is skipped; under `CI=true` it panics instead, since CI must
//! run these tests (`apt-get install redis-server`).

use std::process::Stdio;
use std::time::{Duration, Instant};

use logout_server::StoreConfig;
use logout_server::store::redis::RedisUrl;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

const BINARY: &str = "redis-server";
/// How long a fresh server gets to answer.
const READY_WITHIN: Duration = Duration::from_secs(5);

/// A running (or deliberately stopped or paused) `redis-server`.
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one on a free port, or `None` (test skipped) if `redis-server` is missing.
    pub async fn start() -> Option<Self> {
        if std::process::Command::new(BINARY)
            .arg("--version")
            .output()
            .is_err()
        {
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!(
                    "{BINARY} is not installed, and CI=true: the Redis store tests must run in CI \
                     (apt-get install -y redis-server)"
                );
            }
            eprintln!("skipped: {BINARY} is not installed (apt-get install -y redis-server)");
            return None;
        }
        // A port picked free may be taken before redis-server binds it: try a few.
        for _ in 0..5 {
            let port = free_port();
            let mut server = Self { port, child: None };
            if server.spawn().await {
                return Some(server);
            }
        }
        panic!("{BINARY} did not start on any of 5 free ports");
    }

    /// `redis://127.0.0.1:PORT/db`.
    pub fn url(&self, db: u8) -> String {
        format!("redis://127.0.0.1:{}/{db}", self.port)
    }

    /// The server configuration for `--store <url(db)>`.
    pub fn store(&self, db: u8) -> StoreConfig {
        StoreConfig::Redis(RedisUrl::parse(&self.url(db)).unwrap())
    }

    /// A plain client connection, to look at keys directly.
    pub async fn client(&self, db: u8) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url(db))
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }

    /// Kills it (SIGKILL, as a crash) and waits until it is gone; its data is lost.
    pub async fn crash(&mut self) {
        let mut child = self.child.take().expect("redis-server is running");
        child.kill().await.unwrap();
    }

    /// Starts it again on the same port, empty.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "crash it first");
        assert!(
            self.spawn().await,
            "{BINARY} did not restart on port {}",
            self.port
        );
    }

    /// Its process ID, while it runs (for a profile's `kill -STOP` store fault).
    #[allow(
        dead_code,
        reason = "used by the conformance-tests crate, which includes this file"
    )]
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Freezes it (SIGSTOP): connections stay open, nothing is answered, memory is kept.
    pub async fn pause(&self) {
        self.signal("-STOP").await;
    }

    /// Thaws it (SIGCONT): it answers again, with all its data.
    pub async fn resume(&self) {
        self.signal("-CONT").await;
    }

    async fn signal(&self, signal: &str) {
        let pid = self
            .child
            .as_ref()
            .and_then(Child::id)
            .expect("redis-server is running")
            .to_string();
        let status = Command::new("kill")
            .args([signal, &pid])
            .status()
            .await
            .unwrap();
        assert!(status.success(), "kill {signal} {pid} failed");
    }

    /// Starts the process and waits until it answers; `false` if it exited first
    /// (the port was taken).
    async fn spawn(&mut self) -> bool {
        let mut child = Command::new(BINARY)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(std::env::temp_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {BINARY}: {e}"));
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                return false;
            }
            let pid = child.id().expect("not reaped yet");
            if answers(self.port, pid).await {
                self.child = Some(child);
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "{BINARY} on port {} did not answer within {READY_WITHIN:?}",
            self.port
        );
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

/// Whether the Redis on `port` answers, within half a second, and is the process `pid`
/// (not another test's server that took the port first).
async fn answers(port: u16, pid: u32) -> bool {
    let expected = format!("process_id:{pid}\r\n");
    let attempt = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        stream.write_all(b"INFO server\r\n").await.ok()?;
        let mut seen = Vec::new();
        let mut chunk = [0; 4096];
        while seen.len() < 64 * 1024 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            seen.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&seen);
            if text.contains("process_id:") && text.contains("\r\nrun_id:") {
                return text.contains(&expected).then_some(());
            }
        }
        None
    };
    tokio::time::timeout(Duration::from_millis(500), attempt)
        .await
        .ok()
        .flatten()
        .is_some()
}
