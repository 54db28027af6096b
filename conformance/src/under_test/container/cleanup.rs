//! Making sure no container outlives the run: the labels every container carries,
//! explicit removal, removal on drop, removal of a half-created container, and the
//! shell command for whatever still escapes (SIGKILL, a crash).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use testcontainers::bollard::Docker;
use testcontainers::bollard::errors::Error as EngineError;
use testcontainers::bollard::query_parameters::{
    InspectContainerOptions, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};

use super::engine::ENGINE_CALL_TIMEOUT;
use super::{ContainerError, RunningContainer};

/// Label put on every container this module starts (value `true`).
pub const KIT_LABEL: &str = "org.logout-conformance.kit";
/// Label carrying a per-start unique id, used to find a half-created container.
pub const RUN_LABEL: &str = "org.logout-conformance.run";

/// A shell command removing every container this kit started and did not remove (for
/// a run that was killed before it could clean up).
pub fn cleanup_command() -> String {
    format!("docker rm -f $(docker ps -aq --filter label={KIT_LABEL}=true)")
}

impl RunningContainer {
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
