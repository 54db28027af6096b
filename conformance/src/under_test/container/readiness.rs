//! Waiting for a started container to be ready: its port on 127.0.0.1 accepts a TCP
//! connection while the container is still running. Host networking means there is no
//! mapped port to ask the engine about, so readiness is probed from the outside.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use testcontainers::bollard::errors::Error as EngineError;
use testcontainers::bollard::query_parameters::InspectContainerOptions;

use super::engine::ENGINE_CALL_TIMEOUT;
use super::{ContainerError, RunningContainer};

/// Pause between two readiness probes.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Log lines kept in [`ContainerError::NotReady`] / [`ContainerError::Exited`].
const ERROR_LOG_LINES: usize = 40;

enum ContainerRunState {
    Running,
    Exited(Option<i64>),
}

impl RunningContainer {
    /// Polls until the port accepts, the container exits, or the deadline passes.
    /// On failure the container is removed (by drop) after its logs were captured.
    pub(super) async fn wait_until_ready(
        &self,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<(), ContainerError> {
        loop {
            if port_accepts(self.port).await {
                // The port was free before the start, but make sure the listener is
                // ours and did not just die on a bind error.
                if let Ok(ContainerRunState::Running) = self.run_state().await {
                    return Ok(());
                }
            }
            if let Ok(ContainerRunState::Exited(exit_code)) = self.run_state().await {
                return Err(ContainerError::Exited {
                    image: self.image.clone(),
                    port: self.port,
                    exit_code,
                    logs: self.last_logs(ERROR_LOG_LINES).await,
                });
            }
            if Instant::now() >= deadline {
                return Err(ContainerError::NotReady {
                    image: self.image.clone(),
                    port: self.port,
                    timeout,
                    logs: self.last_logs(ERROR_LOG_LINES).await,
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    async fn run_state(&self) -> Result<ContainerRunState, EngineError> {
        let inspect = tokio::time::timeout(
            ENGINE_CALL_TIMEOUT,
            self.docker
                .inspect_container(&self.id, None::<InspectContainerOptions>),
        )
        .await
        .map_err(|_| EngineError::RequestTimeoutError)??;
        let state = inspect.state.unwrap_or_default();
        if state.running.unwrap_or(false) {
            Ok(ContainerRunState::Running)
        } else {
            Ok(ContainerRunState::Exited(state.exit_code))
        }
    }
}

/// True when something accepts a TCP connection on 127.0.0.1:`port` within a second.
/// Also used before the start, to refuse a port another process already listens on.
pub(super) async fn port_accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    matches!(
        tokio::time::timeout(Duration::from_secs(1), tokio::net::TcpStream::connect(addr)).await,
        Ok(Ok(_))
    )
}
