//! When the binary stops: the signals that start a graceful shutdown (the shutdown
//! itself is [`crate::RunningServer::shutdown`]).

/// SIGINT (Ctrl-C) and SIGTERM (what `docker stop` sends), caught from the moment
/// [`Signals::install`] returns: installed before the server says it listens, a SIGTERM
/// sent as soon as the "listening" line appears stops it gracefully rather than killing it.
#[derive(Debug)]
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Catches SIGINT and SIGTERM from now on. Needs a tokio runtime.
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves on the first SIGINT or SIGTERM.
    pub async fn received(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
