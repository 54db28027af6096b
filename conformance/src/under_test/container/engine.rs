//! The Docker engine: where it is, whether it answers, whether it has the image.
//! These pre-flight checks run before testcontainers is involved, so that a missing
//! engine or image gives a clear error instead of a pull attempt or a timeout.

use std::time::Duration;

use testcontainers::bollard::errors::Error as EngineError;
use testcontainers::bollard::{API_DEFAULT_VERSION, Docker};

use super::ContainerError;

/// Engine round trips that should be instant (ping, inspect, logs) give up after this.
pub(super) const ENGINE_CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// Timeout of the bollard client itself, in seconds.
const ENGINE_CLIENT_TIMEOUT_SECS: u64 = 120;

/// The engine address, resolved like testcontainers does (DOCKER_HOST, else the first
/// existing of /var/run/docker.sock and the rootless/Desktop sockets), so that the
/// pre-flight checks here talk to the same engine testcontainers will.
pub fn docker_host() -> String {
    if let Some(host) = std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.trim().is_empty())
    {
        return host;
    }
    let mut candidates = vec!["/var/run/docker.sock".to_string()];
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR") {
        candidates.push(format!("{}/.docker/run/docker.sock", dir.to_string_lossy()));
    }
    if let Some(home) = std::env::var_os("HOME") {
        let home = home.to_string_lossy();
        candidates.push(format!("{home}/.docker/run/docker.sock"));
        candidates.push(format!("{home}/.docker/desktop/docker.sock"));
    }
    let found = candidates
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    format!(
        "unix://{}",
        found.unwrap_or_else(|| "/var/run/docker.sock".to_string())
    )
}

/// Connects to the engine and pings it.
pub(super) async fn connect_engine() -> Result<Docker, ContainerError> {
    let host = docker_host();
    let no_engine = |reason: String| ContainerError::NoEngine {
        host: host.clone(),
        reason,
    };
    // Built without a TLS provider (one rustls provider in the workspace, and none is
    // needed for the unix socket); testcontainers is built the same way.
    if std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty() && v != "0")
        || host.starts_with("https://")
    {
        return Err(no_engine(
            "TLS-protected engine endpoints (https://, DOCKER_TLS_VERIFY) are not supported \
             by this build; use the unix socket or a plain tcp:// endpoint"
                .into(),
        ));
    }
    let docker = if host.starts_with("unix://") {
        Docker::connect_with_unix(&host, ENGINE_CLIENT_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(&host, ENGINE_CLIENT_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        return Err(no_engine(
            "unsupported scheme (expected unix://, tcp:// or http://)".into(),
        ));
    }
    .map_err(|e| no_engine(e.to_string()))?;
    match tokio::time::timeout(ENGINE_CALL_TIMEOUT, docker.ping()).await {
        Ok(Ok(_)) => Ok(docker),
        Ok(Err(e)) => Err(no_engine(e.to_string())),
        Err(_) => Err(no_engine(format!(
            "no answer to ping within {ENGINE_CALL_TIMEOUT:?}"
        ))),
    }
}

/// `ImageNotFound` unless the engine has `image` locally. Never pulls.
pub(super) async fn ensure_local_image(docker: &Docker, image: &str) -> Result<(), ContainerError> {
    match tokio::time::timeout(ENGINE_CALL_TIMEOUT, docker.inspect_image(image)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(EngineError::DockerResponseServerError {
            status_code: 404, ..
        })) => Err(ContainerError::ImageNotFound {
            image: image.to_string(),
        }),
        Ok(Err(source)) => Err(ContainerError::Engine {
            action: format!("looking up image {image}"),
            source,
        }),
        Err(_) => Err(ContainerError::Engine {
            action: format!("looking up image {image}"),
            source: EngineError::RequestTimeoutError,
        }),
    }
}
