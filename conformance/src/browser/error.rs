//! Why the browser could not do what was asked.

use std::path::PathBuf;
use std::time::Duration;

/// A failure of the browser itself, never of the target: the caller reports the check as
/// not run.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("cannot create the browser's profile folder {0}: {1}")]
    ProfileDir(PathBuf, std::io::Error),
    #[error("the browser {path} did not start: {message}")]
    Launch { path: PathBuf, message: String },
    #[error("the browser did not {what} within {limit:?}")]
    Timeout { what: String, limit: Duration },
    #[error("the browser could not {what}: {message}")]
    Cdp { what: String, message: String },
    /// The kit's page did not end up on the origin asked for.
    #[error("the browser's page for {url} is on the origin {got}, not on {url}'s")]
    Origin { url: String, got: String },
}
