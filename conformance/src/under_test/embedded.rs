//! The embedded default target: the reference server, started in-process on an
//! ephemeral loopback port with its conformance hooks on.

use logout_server::{Config, RunningServer};

use crate::plan::profile::Profile;

/// The reference server, running, and the profile that describes it.
pub struct Embedded {
    pub server: RunningServer,
    pub profile: Profile,
}

impl Embedded {
    /// Starts the reference server on 127.0.0.1 with its hooks on.
    pub async fn start() -> std::io::Result<Self> {
        let server = logout_server::spawn(Config::for_conformance()).await?;
        Ok(Self {
            server,
            profile: Profile::reference(),
        })
    }

    /// The base URL to test.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Stops the server, letting in-flight requests finish.
    pub async fn stop(self) {
        self.server.shutdown().await;
    }
}
