//! Making sure no container outlives the run: the labels every container carries,
//! explicit removal, removal on drop, removal of a half-created container, and the
//! shell command for whatever still escapes (SIGKILL, a crash).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bollard::Docker;
use bollard::errors::Error as EngineError;
use bollard::query_parameters::{
    InspectContainerOptions, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};

use super::engine::{ENGINE_CALL_TIMEOUT, open_engine};
use super::{ContainerError, RunningContainer};

/// Label put on every container this module starts (value `true`).
pub const KIT_LABEL: &str = "org.logout-conformance.kit";
/// Label carrying a per-start unique id, used to find a half-created container.
pub const RUN_LABEL: &str = "org.logout-conformance.run";
/// Set to `keep`, a container dropped without [`RunningContainer::remove`] (a run that
/// failed half-way) is left for inspection: the debugging switch testcontainers, which
/// started the containers before, offered under this name.
const KEEP_VARIABLE: &str = "TESTCONTAINERS_COMMAND";

/// A shell command removing every container this kit started and did not remove (for
/// a run that was killed before it could clean up).
pub fn cleanup_command() -> String {
    format!("docker rm -f $(docker ps -aq --filter label={KIT_LABEL}=true)")
}

impl RunningContainer {
    /// Stops and removes the container (force-remove: SIGKILL, then delete with its
    /// anonymous volumes). After this, drop does nothing.
    pub async fn remove(mut self) -> Result<(), ContainerError> {
        if !std::mem::replace(&mut self.remove_on_drop, false) {
            return Ok(());
        }
        match force_remove(&self.docker, &self.id).await {
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
}

/// Drop removes the container unless [`RunningContainer::remove`] did, or
/// [`KEEP_VARIABLE`] says `keep`. Drop cannot await, and may run inside a runtime of
/// either flavour or outside any: the removal runs on a helper thread with its own
/// small runtime and engine connection, and drop waits for it (bounded by
/// [`ENGINE_CALL_TIMEOUT`] per engine call). If it fails, the way to clean up is printed.
impl Drop for RunningContainer {
    fn drop(&mut self) {
        if !self.remove_on_drop || std::env::var(KEEP_VARIABLE).is_ok_and(|v| v.trim() == "keep") {
            return;
        }
        let id = self.id.clone();
        let removed = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let docker = open_engine().ok()?;
                force_remove(&docker, &id).await.ok()
            })
        })
        .join();
        if !matches!(removed, Ok(Some(()))) {
            eprintln!(
                "warning: container {} was not removed; run: {}",
                self.id,
                cleanup_command()
            );
        }
    }
}

/// Force-removes a container (SIGKILL, then delete with its anonymous volumes); a
/// container already gone counts as removed.
async fn force_remove(docker: &Docker, id: &str) -> Result<(), EngineError> {
    let options = RemoveContainerOptionsBuilder::new()
        .force(true)
        .v(true)
        .build();
    match tokio::time::timeout(
        ENGINE_CALL_TIMEOUT,
        docker.remove_container(id, Some(options)),
    )
    .await
    {
        Ok(Ok(()))
        | Ok(Err(EngineError::DockerResponseServerError {
            status_code: 404, ..
        })) => Ok(()),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(EngineError::RequestTimeoutError),
    }
}

/// A label value unique to this start call (process id, time, counter).
pub(super) fn unique_run_id() -> String {
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

/// Force-removes every container labelled with this run id. Best effort.
pub(super) async fn remove_by_run_label(docker: &Docker, run_id: &str) {
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
        let _ = force_remove(docker, &id).await;
    }
}
