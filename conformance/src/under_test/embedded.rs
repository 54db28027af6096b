//! The embedded default target: the reference server, started in-process on ephemeral
//! loopback ports with its conformance hooks on — twice, over one state.
//!
//! The second instance is why: LO-28 (revocation shared between instances) is judged only
//! with a second instance behind the same token store, and the README's first command
//! (`cargo run -p logout-conformance`, no target) is meant to judge every clause. Both
//! instances serve the routes of one [`AppState`] (one token store, one user table, one
//! fault switch), as two processes behind one database would.

use logout_server::{AppState, Config, RunningServer};

use crate::plan::profile::{Profile, RotatingRefresh};

/// The reference server's two instances, running, and the profile that describes them
/// (its `also` names the second).
pub struct Embedded {
    pub server: RunningServer,
    pub second: RunningServer,
    pub profile: Profile,
}

impl Embedded {
    /// Starts both instances on 127.0.0.1 with the hooks on, over one in-memory store.
    pub async fn start() -> std::io::Result<Self> {
        let config = Config::for_conformance();
        let addr = config.addr;
        let state = AppState::new(config);
        let server =
            logout_server::spawn_routes(addr, logout_server::routes(state.clone())).await?;
        let second = logout_server::spawn_routes(addr, logout_server::routes(state)).await?;
        let mut profile = Profile::reference();
        profile.also = Some(second.url());
        // `Config::for_conformance` turns the rotating refresh on: LO-14 is judged too.
        profile.rotating_refresh = Some(RotatingRefresh::reference());
        Ok(Self {
            server,
            second,
            profile,
        })
    }

    /// The base URL to test (the first instance).
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Stops both instances, letting in-flight requests finish.
    pub async fn stop(self) {
        tokio::join!(self.server.shutdown(), self.second.shutdown());
    }
}
