//! Run the server under test from a local container image.
//!
//! [`RunningContainer::start`] starts `NAME[:TAG]` with testcontainers 0.28
//! ([`GenericImage`]) on the **host network**, so the server inside binds
//! `127.0.0.1:PORT` of this machine and the suite talks to it over loopback; there are
//! no mapped ports. It then polls that TCP port until it accepts a connection, bounded
//! by [`ContainerSpec::startup_timeout`].
//!
//! Guarantees:
//! - **Never pulls.** The image is looked up in the local engine first; a missing image
//!   is [`ContainerError::ImageNotFound`] before testcontainers is involved (it would
//!   otherwise try a registry pull and fail with a lookup timeout).
//! - **Always cleans up.** [`RunningContainer::remove`] force-removes the container (and
//!   its anonymous volumes). Dropping a [`RunningContainer`] without calling it removes
//!   the container too (testcontainers' `Drop`, which force-removes unless
//!   `TESTCONTAINERS_COMMAND=keep` is set, kept as a debugging aid). If testcontainers
//!   fails half-way (container created but not started), the leftover is found by this
//!   run's unique label and removed before the error is returned.
//! - **Interrupts** (Ctrl-C): a signal ends the process without running destructors, so
//!   the caller must hold the [`RunningContainer`] and call [`RunningContainer::remove`]
//!   when it sees SIGINT/SIGTERM (e.g. `tokio::select!` on `tokio::signal::ctrl_c()`
//!   around the suite). For anything that still escapes (SIGKILL, a crash) every
//!   container carries the label [`KIT_LABEL`]`=true`; see [`cleanup_command`].

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use testcontainers::bollard::container::LogOutput;
use testcontainers::bollard::errors::Error as EngineError;
use testcontainers::bollard::query_parameters::{
    InspectContainerOptions, ListContainersOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder,
};
use testcontainers::bollard::{API_DEFAULT_VERSION, Docker};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt, TestcontainersError};

/// Label put on every container this module starts (value `true`).
pub const KIT_LABEL: &str = "org.logout-conformance.kit";
/// Label carrying a per-start unique id, used to find a half-created container.
pub const RUN_LABEL: &str = "org.logout-conformance.run";

/// Default for [`ContainerSpec::startup_timeout`].
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Engine round trips that should be instant (ping, inspect, logs) give up after this.
const ENGINE_CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// Timeout of the bollard client itself, in seconds.
const ENGINE_CLIENT_TIMEOUT_SECS: u64 = 120;
/// Pause between two readiness probes.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Log lines kept in [`ContainerError::NotReady`] / [`ContainerError::Exited`].
const ERROR_LOG_LINES: usize = 40;

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSpec {
    /// `NAME[:TAG]` (or `NAME@DIGEST`) of an image present in the local engine.
    /// Without a tag, `latest`.
    pub image: String,
    /// TCP port the server listens on, on 127.0.0.1 of the host (host networking:
    /// container port = host port). Readiness is a successful connect to it.
    pub port: u16,
    /// Environment of the container, in order (a later duplicate key wins).
    pub env: Vec<(String, String)>,
    /// How long to wait, from the start request, until the port accepts connections.
    pub startup_timeout: Duration,
}

impl ContainerSpec {
    /// A spec with no env and [`DEFAULT_STARTUP_TIMEOUT`].
    pub fn new(image: impl Into<String>, port: u16) -> Self {
        Self {
            image: image.into(),
            port,
            env: Vec::new(),
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
        }
    }
}

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

    /// Removing the container failed (it may still exist: see [`cleanup_command`]).
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

/// A started container whose port accepts connections. Removed by
/// [`RunningContainer::remove`] or, failing that, on drop.
pub struct RunningContainer {
    /// `None` only after `remove` took it.
    container: Option<ContainerAsync<GenericImage>>,
    docker: Docker,
    id: String,
    image: String,
    port: u16,
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
        let (name, tag) = split_image_ref(&spec.image)?;
        let image = format!("{name}:{tag}");
        if spec.port == 0 {
            return Err(ContainerError::InvalidSpec {
                reason: "port must not be 0".into(),
            });
        }
        if let Some((key, _)) = spec
            .env
            .iter()
            .find(|(k, _)| k.is_empty() || k.contains('='))
        {
            return Err(ContainerError::InvalidSpec {
                reason: format!("invalid environment variable name {key:?}"),
            });
        }

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

    /// Stops and removes the container (force-remove: SIGKILL, then delete with its
    /// anonymous volumes). After this, drop does nothing.
    pub async fn remove(mut self) -> Result<(), ContainerError> {
        let Some(container) = self.container.take() else {
            return Ok(());
        };
        match container.rm().await {
            Ok(()) => Ok(()),
            // Already gone (removed by hand, or by a cleanup command): nothing to do.
            Err(_) if self.is_gone().await => Ok(()),
            Err(source) => Err(ContainerError::RemoveFailed {
                id: self.id.clone(),
                source,
            }),
        }
    }

    /// True when the engine says the container does not exist (404).
    async fn is_gone(&self) -> bool {
        matches!(
            tokio::time::timeout(
                ENGINE_CALL_TIMEOUT,
                self.docker
                    .inspect_container(&self.id, None::<InspectContainerOptions>),
            )
            .await,
            Ok(Err(EngineError::DockerResponseServerError {
                status_code: 404,
                ..
            }))
        )
    }

    /// Polls until the port accepts, the container exits, or the deadline passes.
    /// On failure the container is removed (by drop) after its logs were captured.
    async fn wait_until_ready(
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

// Drop: nothing of our own to do. `container` is a `ContainerAsync`, whose `Drop`
// force-removes the container (blocking in place on a multi-thread runtime, via a helper
// thread on a current-thread runtime). That `Drop` needs a tokio runtime context; when a
// `RunningContainer` is dropped outside one, a small runtime is entered for it.
impl Drop for RunningContainer {
    fn drop(&mut self) {
        let Some(container) = self.container.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            drop(container);
            return;
        }
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => {
                let _guard = runtime.enter();
                drop(container);
            }
            Err(_) => {
                // Cannot remove without a runtime; do not panic in drop.
                std::mem::forget(container);
                eprintln!(
                    "warning: container {} was not removed; run: {}",
                    self.id,
                    cleanup_command()
                );
            }
        }
    }
}

enum ContainerRunState {
    Running,
    Exited(Option<i64>),
}

/// Splits `NAME[:TAG]` into name and tag (default `latest`). A registry port
/// (`host:5000/name`) is not mistaken for a tag; `NAME@DIGEST` is kept whole (split so
/// that `name:tag` rebuilds it).
pub fn split_image_ref(image: &str) -> Result<(String, String), ContainerError> {
    let image = image.trim();
    if image.is_empty() || image.chars().any(char::is_whitespace) {
        return Err(ContainerError::InvalidSpec {
            reason: format!(
                "image reference {image:?} must be non-empty NAME[:TAG] without spaces"
            ),
        });
    }
    let (name, tag) = match image.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (image, "latest"),
    };
    if name.is_empty() || tag.is_empty() {
        return Err(ContainerError::InvalidSpec {
            reason: format!("image reference {image:?} must be NAME[:TAG]"),
        });
    }
    Ok((name.to_string(), tag.to_string()))
}

/// Parses `KEY=VALUE` (for `--container-env`): the first `=` splits, the value may be
/// empty or contain `=`. Usable as a clap `value_parser`.
pub fn parse_env_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// A shell command removing every container this kit started and did not remove (for
/// a run that was killed before it could clean up).
pub fn cleanup_command() -> String {
    format!("docker rm -f $(docker ps -aq --filter label={KIT_LABEL}=true)")
}

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
async fn connect_engine() -> Result<Docker, ContainerError> {
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
async fn ensure_local_image(docker: &Docker, image: &str) -> Result<(), ContainerError> {
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

/// Force-removes every container labelled with this run id. Best effort.
async fn remove_by_run_label(docker: &Docker, run_id: &str) {
    let filters = HashMap::from([("label", vec![format!("{RUN_LABEL}={run_id}")])]);
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    let Ok(Ok(found)) =
        tokio::time::timeout(ENGINE_CALL_TIMEOUT, docker.list_containers(Some(options))).await
    else {
        return;
    };
    for id in found.into_iter().filter_map(|c| c.id) {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        let _ = tokio::time::timeout(
            ENGINE_CALL_TIMEOUT,
            docker.remove_container(&id, Some(options)),
        )
        .await;
    }
}

/// Tail of the interleaved stdout+stderr of a container; errors become text.
async fn fetch_logs(docker: &Docker, id: &str, lines: usize) -> String {
    if lines == 0 {
        return String::new();
    }
    let options = LogsOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .tail(&lines.to_string())
        .build();
    let collect = async {
        let mut stream = docker.logs(id, Some(options));
        let mut bytes = Vec::new();
        while let Some(frame) = stream.next().await {
            match frame? {
                LogOutput::StdOut { message }
                | LogOutput::StdErr { message }
                | LogOutput::Console { message } => bytes.extend_from_slice(&message),
                LogOutput::StdIn { .. } => {}
            }
        }
        Ok::<_, EngineError>(bytes)
    };
    match tokio::time::timeout(ENGINE_CALL_TIMEOUT, collect).await {
        Ok(Ok(bytes)) => {
            let text = strip_ansi(&String::from_utf8_lossy(&bytes));
            let all: Vec<&str> = text.lines().collect();
            let tail = all[all.len().saturating_sub(lines)..].join("\n");
            if tail.is_empty() {
                "(no log output)".to_string()
            } else {
                tail
            }
        }
        Ok(Err(e)) => format!("(could not read the logs of container {id}: {e})"),
        Err(_) => format!("(reading the logs of container {id} timed out)"),
    }
}

/// Removes ANSI escape sequences (colours of servers that log to a pipe as if it were
/// a terminal) so that failure output stays readable.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            // CSI: ESC [ parameters/intermediates, then one final byte in @..=~
            Some('[') => {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // Any other two-character escape.
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

/// True when something accepts a TCP connection on 127.0.0.1:`port` within a second.
async fn port_accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    matches!(
        tokio::time::timeout(Duration::from_secs(1), tokio::net::TcpStream::connect(addr)).await,
        Ok(Ok(_))
    )
}

/// A label value unique to this start call (process id, time, counter).
fn unique_run_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
