//! Running the server in a tokio task, and stopping it gracefully.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use warp::Filter;
use warp::reply::Response;

use crate::config::Config;
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

impl RunningServer {
    /// The address it listens on (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:3000`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
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
    serve(listener, routes(state), Some(sweeper))
}

/// Binds `addr` and serves `routes` (any filter, e.g. a deliberately broken variant).
pub async fn spawn_routes<F>(addr: SocketAddr, routes: F) -> io::Result<RunningServer>
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    serve(bind(addr).await?, routes, None)
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
) -> io::Result<RunningServer>
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = warp::serve(routes).incoming(listener).graceful(async move {
        // A dropped sender means the same as a sent stop.
        let _ = stopped.await;
    });
    let task = tokio::spawn(async move {
        server.run().await;
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
