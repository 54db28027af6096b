//! Running the server in a tokio task, and stopping it gracefully.

use std::cell::RefCell;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::Either;
use hyper::Request;
use hyper::body::Incoming;
use hyper::service::service_fn;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tower_service::Service;
use warp::Filter;
use warp::reply::Response;

use crate::app::config::Config;
use crate::app::state::AppState;
use crate::http::limits::oversized;
use crate::http::routes::routes;
use crate::process::connection::{ConnectionLimits, free_slot, serve_connection, watch_stalls};
use crate::process::idle::{Answering, Idle};

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
    let mut connections = JoinSet::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let idle = Arc::new(Idle::default());
    let watchdog = tokio::spawn(watch_stalls(Arc::clone(&idle), limits.header_read_timeout));
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
        let place = Arc::new(idle.join());
        let signal = place.signal();
        // warp's service called directly, not through hyper-util's `TowerToHyperService`,
        // which clones the whole filter tree and wraps the call in a `Oneshot` (moving the
        // request's future once more) for every request.
        // (Boxed: the filter need not be `Unpin`, the connection's service must be.)
        let fallback = Box::new(routes.clone());
        let warp_service = Box::new(RefCell::new(warp::service(routes.clone())));
        let service = service_fn(move |request: Request<Incoming>| {
            place.busy();
            // The filter tree's future, about a kilobyte, is boxed where it is made: moved
            // as a pointer from then on, not copied at each step up to the connection.
            let answer = match oversized(&request) {
                Some(error) => Either::Left(std::future::ready(Ok(error.into_response()))),
                None => Either::Right(Box::pin(match warp_service.try_borrow_mut() {
                    Ok(mut warp_service) => warp_service.call(request),
                    // Never borrowed elsewhere (the call returns at once); a copy if it were.
                    Err(_) => warp::service((*fallback).clone()).call(request),
                })),
            };
            Answering::new(answer, Arc::clone(&place))
        });
        let connection = serve_connection(stream, service, signal);
        connections.spawn(async move {
            connection.await;
            drop(slot);
        });
    }
    drop(listener);
    watchdog.abort();
    idle.stop_all();
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
