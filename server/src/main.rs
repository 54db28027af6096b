//! `logout-server`: serves the API until SIGINT or SIGTERM, then shuts down gracefully:
//! in-flight requests get at most `--shutdown-timeout` seconds, then open connections are
//! dropped and the process exits 0.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use logout_server::{Args, logging, spawn};

#[tokio::main]
async fn main() -> ExitCode {
    let config = Args::parse().into_config();
    // Request lines are buffered (see `logging`); the guard writes out the rest on return.
    let _log = logging::init();

    let (secure_cookies, cors_origins) = (config.secure_cookies, config.cors_origins.clone());
    let server = match spawn(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("logout-server: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(url = %server.url(), secure_cookies, ?cors_origins, "listening");

    if let Err(error) = shutdown_signal().await {
        tracing::error!(%error, "cannot wait for shutdown signals; stopping");
    }
    tracing::info!("shutting down: finishing in-flight requests");
    server.shutdown().await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM (what `docker stop` sends).
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
