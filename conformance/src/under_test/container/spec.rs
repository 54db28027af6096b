//! What to run: [`ContainerSpec`] and the parsing of its parts (image reference,
//! `--container-env` assignments). Kept apart from the engine code so that a bad spec
//! is rejected before any Docker call, and the parsing can be used by the CLI as is.

use std::time::Duration;

use super::ContainerError;

/// Default for [`ContainerSpec::startup_timeout`].
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

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

    /// Checks the spec and returns the image's name and tag, so that a typo fails
    /// fast with [`ContainerError::InvalidSpec`] instead of as an engine error.
    pub(super) fn validate(&self) -> Result<(String, String), ContainerError> {
        let (name, tag) = split_image_ref(&self.image)?;
        if self.port == 0 {
            return Err(ContainerError::InvalidSpec {
                reason: "port must not be 0".into(),
            });
        }
        if let Some((key, _)) = self
            .env
            .iter()
            .find(|(k, _)| k.is_empty() || k.contains('='))
        {
            return Err(ContainerError::InvalidSpec {
                reason: format!("invalid environment variable name {key:?}"),
            });
        }
        Ok((name, tag))
    }
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
