//! Running the server in a tokio task, and stopping it gracefully.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use futures::future::Either;
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{Service, service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, TryAcquireError, watch};
use warp::Filter;
use warp::reply::Response;

use crate::body::DRAIN_CAP;
use crate::config::Config;
use crate::error::ApiError;
use crate::idle::{Idle, Place};
use crate::routes::routes;
use crate::state::AppState;

/// How often expired tokens are swept out of the store.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// A server serving in the background. Dropping it stops it from accepting connections,
/// as [`RunningServer::shutdown`] does, without waiting.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// How connections are served: limits that protect the server from slow or idle clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// On shutdown, how long in-flight requests may take before open connections are
    /// dropped.
    pub shutdown_timeout: Duration,
    /// How long a client may take to send a request's headers (slowloris); past it the
    /// connection is closed.
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

impl RunningServer {
    /// The address it listens on (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:3000`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for in-flight requests to finish, at most
    /// the shutdown deadline; connections still open then are dropped.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Err(error) = (&mut self.task).await {
            tracing::error!(%error, "server task ended abnormally");
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `config.addr` and serves the whole API over the store `config.store` names
/// (fresh memory by default), sweeping expired tokens every minute. Fails with a clear
/// message if the address cannot be bound (naming it) or the store cannot be reached
/// (naming its URL, password hidden).
pub async fn spawn(config: Config) -> io::Result<RunningServer> {
    let listener = bind(config.addr).await?;
    if config.conformance_hooks {
        tracing::warn!(
            "conformance hooks are ON: anyone who can reach this server can make its token store fail"
        );
    }
    let store = config.store.clone();
    let state = AppState::connect(config).await.map_err(io::Error::other)?;
    tracing::info!(%store, "token store ready");
    let sweeper = tokio::spawn(sweep(state.clone()));
    let limits = config_limits(state.config());
    serve(listener, routes(state), Some(sweeper), limits)
}

fn config_limits(config: &Config) -> ConnectionLimits {
    ConnectionLimits {
        shutdown_timeout: config.shutdown_timeout,
        header_read_timeout: config.header_read_timeout,
        max_connections: config.max_connections,
    }
}

/// Binds `addr` and serves `routes` (any filter, e.g. a deliberately broken variant).
pub async fn spawn_routes<F>(addr: SocketAddr, routes: F) -> io::Result<RunningServer>
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    serve(bind(addr).await?, routes, None, ConnectionLimits::default())
}

async fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|error| io::Error::new(error.kind(), format!("cannot listen on {addr}: {error}")))
}

/// Serves `routes` on `listener` until stopped, then ends `companion` (a background task
/// that lives as long as the server).
fn serve<F>(
    listener: TcpListener,
    routes: F,
    companion: Option<JoinHandle<()>>,
    limits: ConnectionLimits,
) -> io::Result<RunningServer>
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        accept_loop(listener, routes, stopped, limits).await;
        if let Some(companion) = companion {
            companion.abort();
        }
    });
    Ok(RunningServer {
        addr,
        stop: Some(stop),
        task,
    })
}

/// Accepts connections until `stopped` resolves (or its sender is dropped), then closes the
/// listener, lets in-flight requests finish for at most `limits.shutdown_timeout` and
/// drops whatever connection is still open.
///
/// Connection errors are the client's doing (a reset, a malformed request that hyper
/// answers itself, a client that went away mid-request): logged at debug, never at error.
async fn accept_loop<F>(
    listener: TcpListener,
    routes: F,
    mut stopped: oneshot::Receiver<()>,
    limits: ConnectionLimits,
) where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    let (stopping, stop_signal) = watch::channel(false);
    let mut connections = JoinSet::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let idle = Arc::new(Idle::default());
    loop {
        while connections.try_join_next().is_some() {}
        let (stream, _peer) = tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
        };
        // A client is here: its slot, shedding the longest-waiting idle connection when
        // the cap is reached (a cap alone would let half-open clients lock everyone out).
        let slot = tokio::select! {
            _ = &mut stopped => break,
            slot = free_slot(&slots, &idle) => match slot {
                Some(slot) => slot,
                None => break,
            },
        };
        let place = Arc::new(Mutex::new(idle.join()));
        let shed = lock(&place).shed_signal();
        let service = Arc::new(TowerToHyperService::new(warp::service(routes.clone())));
        let service = service_fn(move |request: Request<Incoming>| {
            lock(&place).busy();
            let place = Arc::clone(&place);
            let answer = match oversized(&request) {
                Some(error) => Either::Left(std::future::ready(Ok(error.into_response()))),
                None => Either::Right(service.call(request)),
            };
            Box::pin(async move {
                let answer = answer.await;
                lock(&place).answered();
                answer
            })
        });
        let connection = serve_connection(stream, service, stop_signal.clone(), shed, limits);
        connections.spawn(async move {
            connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Connections waiting for a head have nothing to finish: close them now rather than at
    // the deadline (hyper's graceful shutdown waits for a head that has begun to arrive).
    while idle.shed_oldest() {}
    let finished = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_timeout, finished)
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            timeout_s = limits.shutdown_timeout.as_secs_f64(),
            "shutdown deadline reached: dropping open connections"
        );
    }
    connections.shutdown().await;
}

/// Longest request target (path and query) answered by the API; longer is 414 JSON.
/// (hyper itself answers a bodiless 414 past 65534 bytes, before any of this code runs.)
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header bytes (names, values and 4 bytes per line) answered by the API; more is
/// 431 JSON. (hyper itself answers a bodiless 431 past its ~400 KiB read buffer or 100
/// header lines, before any of this code runs.)
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The JSON refusal of a request whose target or headers are over this server's limits,
/// answered before routing (so without a request log line; logged at debug).
fn oversized<B>(request: &Request<B>) -> Option<ApiError> {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri > MAX_URI_BYTES {
        tracing::debug!(uri_bytes = uri, "request target too long: 414");
        return Some(ApiError::UriTooLong);
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers > MAX_HEADER_BYTES {
        tracing::debug!(header_bytes = headers, "request headers too large: 431");
        return Some(ApiError::HeaderFieldsTooLarge);
    }
    None
}

/// How long, after the last answer, a connection's unread input is still read and dropped.
const LINGER: Duration = Duration::from_secs(2);

/// Serves one connection with HTTP/1.1 until it ends, finishing the request in flight
/// when `stop` turns true. Then closes it gracefully ("lingering close"): sends FIN and
/// reads and drops what the client still sends (an unread body's tail), for at most
/// [`LINGER`] and [`DRAIN_CAP`] bytes, so that the kernel does not answer unread bytes
/// with a reset that would destroy the answer before the client reads it.
async fn serve_connection<S, B>(
    stream: TcpStream,
    service: S,
    mut stop: watch::Receiver<bool>,
    shed: Arc<Notify>,
    limits: ConnectionLimits,
) where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B> + Unpin,
    S::Future: Unpin,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .serve_connection(TokioIo::new(stream), service);
    let mut stopping = false;
    let served = loop {
        tokio::select! {
            served = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => break served,
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                std::pin::Pin::new(&mut connection).graceful_shutdown();
            }
            () = shed.notified() => {
                tracing::debug!("connection cap reached: closed the longest-waiting idle connection");
                return;
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
async fn free_slot(slots: &Arc<Semaphore>, idle: &Idle) -> Option<OwnedSemaphorePermit> {
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

fn lock(place: &Mutex<Place>) -> std::sync::MutexGuard<'_, Place> {
    place.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A failed accept: a connection that died in the backlog is nothing; running out of file
/// descriptors is worth an error and a pause, so as not to spin.
async fn accept_failed(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        tracing::debug!(%error, "accept failed");
        return;
    }
    tracing::error!(%error, "accept failed; pausing 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Evicts expired tokens forever; a failing store is logged and tried again next time.
async fn sweep(state: AppState) {
    let mut interval = tokio::time::interval(SWEEP_INTERVAL);
    interval.tick().await;
    loop {
        interval.tick().await;
        match state.store().evict_expired(SystemTime::now()).await {
            Ok(0) => {}
            Ok(evicted) => tracing::debug!(evicted, "expired tokens evicted"),
            Err(error) => tracing::warn!(%error, "sweeping expired tokens failed"),
        }
    }
}
