//! Hostile targets for the suite: a raw TCP server on 127.0.0.1 that mistreats requests
//! in one way (never answers, closes, stalls, streams without end, announces a gigabyte,
//! redirects to itself, speaks garbage, sends a huge head), either everywhere or only on
//! `POST /auth/logout` with every other request passed on to a reference server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use logout_conformance::{Profile, RunError, RunOptions, RunReport, Target};
use logout_server::{Config, RunningServer};

use crate::harness::{strict, suite};

/// The time limit of each request in the hostile runs.
pub const TIMEOUT: Duration = Duration::from_secs(2);
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the hostile server does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Reads, never writes.
    Silent,
    /// Closes the connection at once.
    Closes,
    /// Sends a status line and headers, then nothing.
    StallsAfterHead,
    /// A chunked body that never ends.
    EndlessChunked,
    /// `Content-Length: 1073741824`, sent lazily until the client goes.
    Gigabyte,
    /// 302 to itself.
    Redirect,
    /// Bytes that are not HTTP.
    Garbage,
    /// A 100 KiB header block, then the documented answer.
    HugeHead,
}

/// A hostile server, and the reference behind it when it is hostile on logout only.
pub struct Hostile {
    pub url: String,
    accept: JoinHandle<()>,
    upstream: Option<RunningServer>,
    /// Body bytes the hostile server wrote.
    pub sent: Arc<AtomicU64>,
}

impl Hostile {
    /// Hostile on `POST /auth/logout`; every other request goes to a reference server.
    pub async fn on_logout(behaviour: Behaviour) -> Self {
        let upstream = logout_server::spawn(Config::for_conformance())
            .await
            .expect("the reference server starts");
        Self::start(behaviour, Some(upstream)).await
    }

    /// Hostile on every request the upstream (if any) does not answer.
    pub async fn start(behaviour: Behaviour, upstream: Option<RunningServer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let sent = Arc::new(AtomicU64::new(0));
        let (to, counter) = (upstream.as_ref().map(RunningServer::addr), sent.clone());
        let accept = tokio::spawn(async move {
            // Dropped with this task: stopping the server stops every connection.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, behaviour, to, counter.clone()));
                while connections.try_join_next().is_some() {}
            }
        });
        Self {
            url,
            accept,
            upstream,
            sent,
        }
    }

    /// Runs the suite against it (scenarios matching `tags`, or all).
    pub async fn run(&self, tags: Option<&str>) -> (Result<RunReport, RunError>, Duration) {
        let target = Target::new(&self.url, Profile::reference(), TIMEOUT).expect("a target");
        let options = RunOptions {
            tags: tags.map(str::to_owned),
            ..strict()
        };
        let started = Instant::now();
        let outcome = logout_conformance::run(target, suite(), &options).await;
        (outcome, started.elapsed())
    }

    pub async fn stop(self) {
        self.accept.abort();
        let _ = self.accept.await;
        if let Some(upstream) = self.upstream {
            let _ = tokio::time::timeout(Duration::from_secs(5), upstream.shutdown()).await;
        }
    }
}

async fn serve(
    mut client: TcpStream,
    behaviour: Behaviour,
    upstream: Option<SocketAddr>,
    sent: Arc<AtomicU64>,
) {
    if behaviour == Behaviour::Closes && upstream.is_none() {
        return;
    }
    let head = read_head(&mut client).await;
    match upstream {
        Some(to) if !head.starts_with(b"POST /auth/logout ") => proxy(client, head, to).await,
        _ => behave(client, behaviour, &sent).await,
    }
}

/// Reads at least the request's header block (or what arrives before the client stops).
async fn read_head(client: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut buf = [0; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 1 << 20 {
        match client.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    head
}

/// Passes the request on with `Connection: close`, so that the client opens a new
/// connection — and so is judged anew — for its next request.
async fn proxy(mut client: TcpStream, head: Vec<u8>, to: SocketAddr) {
    let Ok(mut server) = TcpStream::connect(to).await else {
        return;
    };
    let line_end = head
        .windows(2)
        .position(|w| w == b"\r\n")
        .map_or(0, |i| i + 2);
    let (line, rest) = head.split_at(line_end);
    let forwarded = [line, b"connection: close\r\n", rest].concat();
    if server.write_all(&forwarded).await.is_ok() {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}

async fn behave(mut client: TcpStream, behaviour: Behaviour, sent: &AtomicU64) {
    const JSON: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n";
    match behaviour {
        Behaviour::Silent => drain(client).await,
        Behaviour::Closes => {}
        Behaviour::StallsAfterHead => {
            let head = format!("{JSON}content-length: 37\r\n\r\n");
            if client.write_all(head.as_bytes()).await.is_ok() {
                drain(client).await;
            }
        }
        Behaviour::EndlessChunked => {
            let mut out = format!("{JSON}transfer-encoding: chunked\r\n\r\n").into_bytes();
            let chunk = [b"4000\r\n".as_slice(), &[b'a'; 0x4000], b"\r\n"].concat();
            while client.write_all(&out).await.is_ok() {
                sent.fetch_add(out.len() as u64, Ordering::Relaxed);
                out.clone_from(&chunk);
            }
        }
        Behaviour::Gigabyte => {
            let head = format!("{JSON}content-length: {}\r\n\r\n", 1u64 << 30);
            let (block, mut left) = (vec![b'a'; 64 << 10], 1usize << 30);
            let mut out = head.into_bytes();
            while client.write_all(&out).await.is_ok() && left > 0 {
                sent.fetch_add(out.len() as u64, Ordering::Relaxed);
                out.clone_from(&block);
                left -= block.len();
            }
        }
        Behaviour::Redirect => {
            let answer =
                "HTTP/1.1 302 Found\r\nlocation: /auth/logout\r\ncontent-length: 0\r\n\r\n";
            let _ = client.write_all(answer.as_bytes()).await;
        }
        Behaviour::Garbage => {
            let _ = client
                .write_all(b"\x00\x01\x02 this is not HTTP\r\n\r\n")
                .await;
        }
        Behaviour::HugeHead => {
            let padding = "a".repeat(100 << 10);
            let body = r#"{"message":"Logged out successfully"}"#;
            let answer = format!(
                "{JSON}x-padding: {padding}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = client.write_all(answer.as_bytes()).await;
        }
    }
}

/// Reads until the client goes.
async fn drain(mut client: TcpStream) {
    let mut buf = [0; 4096];
    while matches!(client.read(&mut buf).await, Ok(n) if n > 0) {}
}
