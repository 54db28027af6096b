//! The optional capabilities a profile declares — a store that can fail (LO-09, LO-30),
//! an expired session (LO-05), a CORS origin (LO-26) — and the actions that provide them.
//! The same in both profile versions.

use std::collections::BTreeMap;

use serde::Deserialize;

/// An HTTP request a capability action sends (a JSON body, if any).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpRequest {
    #[serde(default = "post")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

pub(crate) fn post() -> String {
    "POST".into()
}

/// An action the harness performs: an HTTP request to the target, or a shell command.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Action {
    Command(CommandAction),
    Http(HttpRequest),
}

/// A shell command, run with `sh -c`; it must exit 0.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandAction {
    pub command: String,
}

/// Switching the target's token store off (`on`: the fault is on) and back on.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreFault {
    pub on: Action,
    pub off: Action,
}

/// Where an expired refresh token comes from: an HTTP answer (the refresh cookie it
/// sets, else the JSON string at `token_pointer`) or a command's standard output.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpiredSession {
    pub source: Action,
    #[serde(default = "default_token_pointer")]
    pub token_pointer: String,
}

pub(crate) fn default_token_pointer() -> String {
    "/refreshToken".into()
}

/// The browser origin the target allows, and one it must not allow.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    pub origin: String,
    #[serde(default = "default_disallowed_origin")]
    pub disallowed_origin: String,
}

pub(crate) fn default_disallowed_origin() -> String {
    "http://not-allowed.invalid".into()
}

impl Action {
    /// A POST to `path` with no body: the reference server's hooks.
    pub(crate) fn post(path: &str) -> Self {
        Action::Http(HttpRequest {
            method: post(),
            path: path.into(),
            body: None,
            headers: BTreeMap::new(),
        })
    }
}
