//! [`RunningContainer`] and how one is started: validate the spec, run the pre-flight
//! checks, start the image with testcontainers, then wait until it is ready. Waiting
//! (`readiness`) and removal (`cleanup`) live in their own files; this one holds the
//! type, its start sequence and its accessors.

use std::fmt;
use std::net::Ipv4Addr;
use std::time::Instant;

use testcontainers::bollard::Docker;
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use super::cleanup::{KIT_LABEL, RUN_LABEL, remove_by_run_label, unique_run_id};
use super::engine::{connect_engine, ensure_local_image};
use super::logs::fetch_logs;
use super::readiness::port_accepts;
use super::{ContainerError, ContainerSpec};

/// A started container whose port accepts connections. Removed by
/// [`RunningContainer::remove`] or, failing that, on drop.
pub struct RunningContainer {
    /// `None` only after `remove` took it.
    pub(super) container: Option<ContainerAsync<GenericImage>>,
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
        let mut request = GenericImage::new(name.as_str(), tag.as_str())
            .with_network("host")
            .with_label(KIT_LABEL, "true")
            .with_label(RUN_LABEL, run_id.as_str())
            .with_startup_timeout(spec.startup_timeout);
        for (key, value) in &spec.env {
            request = request.with_env_var(key.as_str(), value.as_str());
        }

        let container = match request.start().await {
            Ok(container) => container,
            Err(source) => {
                // testcontainers leaves a created-but-not-started container behind when
                // the start call itself fails; find it by this run's label.
                remove_by_run_label(&docker, &run_id).await;
                return Err(ContainerError::StartFailed { image, source });
            }
        };

        let running = Self {
            id: container.id().to_string(),
            container: Some(container),
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
