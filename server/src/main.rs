//! `logout-server`: serves the API until SIGINT or SIGTERM, then shuts down gracefully:
//! in-flight requests get at most `--shutdown-timeout` seconds, then open connections are
//! dropped and the process exits 0.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use logout_server::shutdown::Signals;
use logout_server::{Args, logging, spawn};

#[tokio::main]
async fn main() -> ExitCode {
    let config = Args::parse().into_config();
    // Request lines are buffered (see `logging`); the guard writes out the rest on return.
    let _log = logging::init();

    let (secure_cookies, cors_origins) = (config.secure_cookies, config.cors_origins.clone());
    // Caught before "listening" is said: a SIGTERM sent on reading it is graceful too.
    let signals = match Signals::install() {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("logout-server: error: cannot catch SIGINT and SIGTERM: {error}");
            return ExitCode::FAILURE;
        }
    };
    let server = match spawn(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("logout-server: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(url = %server.url(), secure_cookies, ?cors_origins, "listening");

    signals.received().await;
    tracing::info!("shutting down: finishing in-flight requests");
    server.shutdown().await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}
