//! The end of what a run started: stopping the launched target (a container is removed, or the
//! command that removes it is printed), and the signals that interrupt a run.

use logout_conformance::container;
use logout_conformance::launch::Launched;

/// Stops the launched target; a container that cannot be removed is reported, with the command
/// that removes it.
pub async fn stop(launched: Launched) {
    if let Err(e) = launched.stop().await {
        eprintln!(
            "error: {e}\n  remove leftovers with: {}",
            container::cleanup_command()
        );
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
