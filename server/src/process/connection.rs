//! One connection: its limits, serving it with HTTP/1.1 until it ends or is shed, and
//! closing it gracefully; and the slot each connection holds while it is open.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use crate::http::body::DRAIN_CAP;
use crate::process::idle::Idle;
use crate::process::signal::{Ask, Signal};

/// How connections are served: limits that protect the server from slow or idle clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// On shutdown, how long in-flight requests may take before open connections are
    /// dropped.
    pub shutdown_timeout: Duration,
    /// How long a client may take to send a request's headers (slowloris), counted from
    /// the connection's start or its last answer; past it the connection is closed
    /// (within a tenth of it more: see [`watch_stalls`]).
    pub header_read_timeout: Duration,
    /// Connections served at once. A client beyond it takes the slot of the connection
    /// that has waited longest for a request head (half-open or idle); while every
    /// connection has a request in flight, it waits in the listen backlog.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    /// A 10 s shutdown deadline, 30 s to send the headers, 1024 connections.
    fn default() -> Self {
        Self {
            shutdown_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// How long, after the last answer, a connection's unread input is still read and dropped.
const LINGER: Duration = Duration::from_secs(2);

/// Serves one connection with HTTP/1.1 until it ends, finishing the request in flight
/// when `signal` asks it to stop, or drops it at once when it asks to shed (the
/// connection cap or the header-read timeout: see `process::idle`). Then closes it
/// gracefully ("lingering close"): sends FIN and
/// reads and drops what the client still sends (an unread body's tail), for at most
/// [`LINGER`] and [`DRAIN_CAP`] bytes, so that the kernel does not answer unread bytes
/// with a reset that would destroy the answer before the client reads it.
pub async fn serve_connection<S, B>(stream: TcpStream, service: S, signal: Arc<Signal>)
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B> + Unpin,
    S::Future: Unpin,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // No hyper timer: the header-read timeout is [`watch_stalls`]'s (see `process::idle`).
    let mut connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let mut seen = Ask::Nothing;
    let served = loop {
        tokio::select! {
            // The connection first: the signal is looked at only while it waits.
            biased;
            served = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => break served,
            ask = std::future::poll_fn(|cx| signal.poll_beyond(seen, cx)) => {
                seen = ask;
                match ask {
                    Ask::Nothing => {}
                    Ask::Stop => std::pin::Pin::new(&mut connection).graceful_shutdown(),
                    Ask::Shed => {
                        tracing::debug!("closed a connection waiting for a head (connection cap or header read timeout)");
                        return;
                    }
                }
            }
        }
    };
    if let Err(error) = served {
        tracing::debug!(%error, "connection ended with an error");
        return;
    }
    let mut stream = connection.into_parts().io.into_inner();
    if stream.shutdown().await.is_err() {
        return;
    }
    let mut sink = [0u8; 16 * 1024];
    let mut drained = 0usize;
    let _ = tokio::time::timeout(LINGER, async {
        while drained <= DRAIN_CAP {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(read) => drained += read,
            }
        }
    })
    .await;
}

/// A connection slot: at once if one is free; else the longest-waiting idle connection is
/// shed and its slot taken, or, when every connection is busy, the next one to close.
/// `None` once the semaphore is closed.
pub async fn free_slot(slots: &Arc<Semaphore>, idle: &Idle) -> Option<OwnedSemaphorePermit> {
    loop {
        match Arc::clone(slots).try_acquire_owned() {
            Ok(slot) => return Some(slot),
            Err(TryAcquireError::Closed) => return None,
            Err(TryAcquireError::NoPermits) => {}
        }
        idle.shed_oldest();
        // A kept-alive connection may become sheddable later: look again now and then.
        match tokio::time::timeout(SHED_RETRY, Arc::clone(slots).acquire_owned()).await {
            Ok(slot) => return slot.ok(),
            Err(_) => continue,
        }
    }
}

/// How often a client waiting for a slot looks again for a connection to shed.
const SHED_RETRY: Duration = Duration::from_millis(250);

/// Enforces the header-read timeout of every connection `idle` knows: a few times per
/// timeout, the connections that have waited longer for a head are asked to close. Runs
/// until aborted.
pub async fn watch_stalls(idle: Arc<Idle>, header_read_timeout: Duration) {
    let every = (header_read_timeout / 10).max(Duration::from_millis(10));
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let closed = idle.shed_stalled(header_read_timeout);
        if closed > 0 {
            tracing::debug!(closed, "header read timeout: closing connections");
        }
    }
}
