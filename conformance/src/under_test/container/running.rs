//! [`RunningContainer`] and how one is started: validate the spec, run the pre-flight
//! checks, create and start the container through the engine's API, then wait until it
//! is ready. Waiting (`readiness`) and removal (`cleanup`) live in their own files; this
//! one holds the type, its start sequence and its accessors.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::Ipv4Addr;
use std::time::Instant;

use bollard::Docker;
use bollard::errors::Error as EngineError;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{CreateContainerOptions, StartContainerOptions};

use super::cleanup::{KIT_LABEL, RUN_LABEL, remove_by_run_label, unique_run_id};
use super::engine::{ENGINE_CALL_TIMEOUT, connect_engine, ensure_local_image};
use super::logs::fetch_logs;
use super::readiness::port_accepts;
use super::{ContainerError, ContainerSpec};

/// A started container whose port accepts connections. Removed by
/// [`RunningContainer::remove`] or, failing that, on drop.
pub struct RunningContainer {
    /// Whether dropping it still has to remove the container: false once
    /// [`RunningContainer::remove`] ran.
    pub(super) remove_on_drop: bool,
    pub(super) docker: Docker,
    pub(super) id: String,
    pub(super) image: String,
    pub(super) port: u16,
}

impl fmt::Debug for RunningContainer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningContainer")
            .field("id", &self.id)
            .field("image", &self.image)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl RunningContainer {
    /// Starts `spec.image` with host networking and `spec.env`, and waits until
    /// `127.0.0.1:spec.port` accepts a TCP connection (at most `spec.startup_timeout`).
    ///
    /// On any failure after the container was created it is removed before returning;
    /// [`ContainerError::NotReady`] and [`ContainerError::Exited`] carry its last log
    /// lines.
    pub async fn start(spec: &ContainerSpec) -> Result<Self, ContainerError> {
        let started_at = Instant::now();
        let (name, tag) = spec.validate()?;
        let image = format!("{name}:{tag}");

        let docker = connect_engine().await?;
        ensure_local_image(&docker, &image).await?;
        if port_accepts(spec.port).await {
            return Err(ContainerError::PortInUse {
                image,
                port: spec.port,
            });
        }

        let run_id = unique_run_id();
        let id = match create_and_start(&docker, &image, spec, &run_id).await {
            Ok(id) => id,
            Err(source) => {
                // A failed start call leaves a created-but-not-started container
                // behind; find it by this run's label.
                remove_by_run_label(&docker, &run_id).await;
                return Err(ContainerError::StartFailed { image, source });
            }
        };

        let running = Self {
            id,
            remove_on_drop: true,
            docker,
            image,
            port: spec.port,
        };
        running
            .wait_until_ready(started_at + spec.startup_timeout, spec.startup_timeout)
            .await?;
        Ok(running)
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}:{}", Ipv4Addr::LOCALHOST, self.port)
    }

    /// The container id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The image reference the container was started from (`NAME:TAG`).
    pub fn image(&self) -> &str {
        &self.image
    }

    /// The port on 127.0.0.1 the container answers on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The last `lines` lines of the container's stdout and stderr, interleaved in the
    /// order the engine recorded them. Never fails: an engine error is described in the
    /// returned text instead, since this is meant for failure output.
    pub async fn last_logs(&self, lines: usize) -> String {
        fetch_logs(&self.docker, &self.id, lines).await
    }
}

/// Creates the container (host network, the kit's labels, `spec.env`; a later duplicate
/// key wins) and starts it; its id. Each engine call is bounded by
/// [`ENGINE_CALL_TIMEOUT`]. The image is known to be local, so nothing is pulled.
async fn create_and_start(
    docker: &Docker,
    image: &str,
    spec: &ContainerSpec,
    run_id: &str,
) -> Result<String, EngineError> {
    let env: BTreeMap<&str, &str> = spec
        .env
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let body = ContainerCreateBody {
        image: Some(image.to_owned()),
        env: Some(env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        labels: Some(HashMap::from([
            (KIT_LABEL.to_owned(), "true".to_owned()),
            (RUN_LABEL.to_owned(), run_id.to_owned()),
        ])),
        host_config: Some(HostConfig {
            network_mode: Some("host".to_owned()),
            ..HostConfig::default()
        }),
        ..ContainerCreateBody::default()
    };
    let id = bounded(docker.create_container(None::<CreateContainerOptions>, body))
        .await?
        .id;
    bounded(docker.start_container(&id, None::<StartContainerOptions>)).await?;
    Ok(id)
}

/// `call`, or [`EngineError::RequestTimeoutError`] after [`ENGINE_CALL_TIMEOUT`].
async fn bounded<T>(call: impl Future<Output = Result<T, EngineError>>) -> Result<T, EngineError> {
    tokio::time::timeout(ENGINE_CALL_TIMEOUT, call)
        .await
        .unwrap_or(Err(EngineError::RequestTimeoutError))
}
