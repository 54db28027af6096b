//! [`ContainerError`]: every way starting, probing or removing a container can fail.
//! One enum for the whole module, so that callers match on a single type and each
//! message can say what to do next (start an engine, build the image, free the port).

use std::time::Duration;

use testcontainers::TestcontainersError;
use testcontainers::bollard::errors::Error as EngineError;

/// Why a container could not be started, probed, or removed.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    /// The spec itself is unusable (empty image name, port 0, bad env key).
    #[error("invalid container spec: {reason}")]
    InvalidSpec { reason: String },

    /// No Docker engine answers.
    #[error(
        "no Docker engine reachable at {host}: {reason}. Start one (scripts/ensure-docker.sh) \
         or point DOCKER_HOST at it (default socket: /var/run/docker.sock)"
    )]
    NoEngine { host: String, reason: String },

    /// The image is not in the local engine; the kit never pulls.
    #[error(
        "image {image} is not present locally; build it with scripts/build-image.sh or \
         docker load it — the kit never pulls from a registry"
    )]
    ImageNotFound { image: String },

    /// Something already accepts connections on the port before the container starts;
    /// with host networking the readiness probe would reach that process instead.
    #[error(
        "127.0.0.1:{port} already accepts connections before the container from {image} \
         started; with host networking the container would share that port. Stop what \
         listens there or choose another port"
    )]
    PortInUse { image: String, port: u16 },

    /// testcontainers could not create or start the container.
    #[error("could not start a container from image {image}: {source}")]
    StartFailed {
        image: String,
        #[source]
        source: TestcontainersError,
    },

    /// The container stopped before its port accepted a connection.
    #[error(
        "the container from image {image} exited (code {}) before 127.0.0.1:{port} accepted \
         connections; last log lines:\n{logs}",
        exit_code.map_or_else(|| "unknown".to_string(), |c| c.to_string())
    )]
    Exited {
        image: String,
        port: u16,
        exit_code: Option<i64>,
        logs: String,
    },

    /// The port did not accept a connection within the startup timeout.
    #[error(
        "the container from image {image} did not accept connections on 127.0.0.1:{port} \
         within {timeout:?}; last log lines:\n{logs}"
    )]
    NotReady {
        image: String,
        port: u16,
        timeout: Duration,
        logs: String,
    },

    /// Removing the container failed (it may still exist: see
    /// [`cleanup_command`](super::cleanup_command)).
    #[error("could not remove container {id}: {source}")]
    RemoveFailed {
        id: String,
        #[source]
        source: TestcontainersError,
    },

    /// An engine call other than the above failed.
    #[error("Docker engine call failed while {action}: {source}")]
    Engine {
        action: String,
        #[source]
        source: EngineError,
    },
}
