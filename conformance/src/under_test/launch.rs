//! What the CLI tests: a URL it is given, the embedded reference server, or a container
//! started from an image. Whatever the CLI starts, it stops again on every path.

use crate::plan::profile::Profile;
use crate::under_test::container::{ContainerError, ContainerSpec, RunningContainer};
use crate::under_test::embedded::Embedded;

/// Log lines of a container shown when its run does not pass.
const LOG_LINES: usize = 40;

/// The implementation under test as the CLI launched it (the run itself knows it as a
/// [`Target`](crate::under_test::Target)).
pub enum Launched {
    /// Started elsewhere; only its URL is known.
    Url(String),
    /// The reference server, in this process.
    Embedded(Box<Embedded>),
    /// A container from a local image.
    Container(Box<RunningContainer>),
}

impl Launched {
    /// Starts the embedded reference server.
    pub async fn embedded() -> std::io::Result<Self> {
        Ok(Self::Embedded(Box::new(Embedded::start().await?)))
    }

    /// Starts a container and waits until its port answers.
    pub async fn container(spec: &ContainerSpec) -> Result<Self, ContainerError> {
        Ok(Self::Container(Box::new(
            RunningContainer::start(spec).await?,
        )))
    }

    /// The base URL to test.
    pub fn url(&self) -> String {
        match self {
            Launched::Url(url) => url.clone(),
            Launched::Embedded(server) => server.url(),
            Launched::Container(container) => container.base_url(),
        }
    }

    /// The profile that describes it when the user gives none.
    pub fn default_profile(&self) -> Profile {
        match self {
            Launched::Embedded(server) => server.profile.clone(),
            Launched::Url(_) | Launched::Container(_) => Profile::default(),
        }
    }

    /// The container's last log lines, if it is a container.
    pub async fn logs(&self) -> Option<String> {
        match self {
            Launched::Container(c) => Some(c.last_logs(LOG_LINES).await),
            Launched::Url(_) | Launched::Embedded(_) => None,
        }
    }

    /// Stops what the CLI started.
    pub async fn stop(self) -> Result<(), ContainerError> {
        match self {
            Launched::Url(_) => Ok(()),
            Launched::Embedded(server) => {
                server.stop().await;
                Ok(())
            }
            Launched::Container(container) => container.remove().await,
        }
    }
}
