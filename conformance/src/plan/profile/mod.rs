//! The target profile: how the suite talks to an implementation.
//!
//! The defaults are the API family's (register, login, validate-session, cookie names).
//! A team whose API differs overrides what differs in a TOML file (`--profile FILE`), and
//! declares the optional capabilities its target offers; a clause whose capability is
//! missing is reported as not run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::plan::catalogue::{Capability, Catalogue};

/// Errors in a profile file: each names the file and what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid profile {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A whole profile, as read from TOML (every table optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    /// The target's base URL, when `--target` does not give one.
    pub base_url: Option<String>,
    pub cookies: CookieNames,
    /// How a fresh user is created; `enabled = false` when users are provisioned outside.
    pub register: Register,
    pub login: Login,
    pub logout: Logout,
    pub probe: Probe,
    /// Make the token store fail and recover (LO-09, LO-30).
    pub store_fault: Option<StoreFault>,
    /// Mint a refresh token that has expired (the expired case of LO-05).
    pub expired_session: Option<ExpiredSession>,
    /// A browser origin the target allows (LO-26).
    pub cors: Option<Cors>,
    /// Clauses the user knowingly excludes; each is reported as waived, not as passed.
    pub waive: Vec<String>,
    /// The base URL of a second instance of the target behind the same token store
    /// (LO-28); `--also` overrides it.
    pub also: Option<String>,
}

/// The names of the two cookies login sets and logout clears.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CookieNames {
    pub access: String,
    pub refresh: String,
}

impl CookieNames {
    /// Both cookies of the contract, access first: the ones login sets and logout clears.
    pub fn both(&self) -> [&str; 2] {
        [&self.access, &self.refresh]
    }
}

impl Default for CookieNames {
    fn default() -> Self {
        Self {
            access: "accessToken".into(),
            refresh: "refreshToken".into(),
        }
    }
}

/// An HTTP request the suite sends to set something up. In `body`, the strings
/// `{name}`, `{email}` and `{password}` are replaced by the fresh user's values.
#[derive(Debug, Clone, Deserialize)]
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

fn post() -> String {
    "POST".into()
}

/// How a user is created before each scenario logs in. In `body`, the strings `{name}`,
/// `{email}` and `{password}` are replaced by the fresh user's values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Register {
    pub enabled: bool,
    pub method: String,
    pub path: String,
    pub body: Option<serde_json::Value>,
    pub headers: BTreeMap<String, String>,
    pub expect_status: Vec<u16>,
    /// With `enabled = false`: the one existing account every scenario logs in with.
    pub email: Option<String>,
    pub password: Option<String>,
}

impl Default for Register {
    fn default() -> Self {
        Self {
            enabled: true,
            method: "POST".into(),
            path: "/auth/register".into(),
            body: Some(serde_json::json!({
                "name": "{name}", "email": "{email}", "password": "{password}"
            })),
            headers: BTreeMap::new(),
            expect_status: vec![201],
            email: None,
            password: None,
        }
    }
}

impl Register {
    /// The request that creates a user.
    pub fn request(&self) -> HttpRequest {
        HttpRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            body: self.body.clone(),
            headers: self.headers.clone(),
        }
    }
}

/// How a session is opened: the answer must set both cookies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Login {
    pub method: String,
    pub path: String,
    pub body: Option<serde_json::Value>,
    pub headers: BTreeMap<String, String>,
    pub expect_status: Vec<u16>,
}

impl Default for Login {
    fn default() -> Self {
        Self {
            method: "POST".into(),
            path: "/auth/login".into(),
            body: Some(serde_json::json!({"email": "{email}", "password": "{password}"})),
            headers: BTreeMap::new(),
            expect_status: vec![200],
        }
    }
}

impl Login {
    /// The request that opens a session.
    pub fn request(&self) -> HttpRequest {
        HttpRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            body: self.body.clone(),
            headers: self.headers.clone(),
        }
    }
}

/// Where the endpoint under test lives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Logout {
    pub path: String,
}

impl Default for Logout {
    fn default() -> Self {
        Self {
            path: "/auth/logout".into(),
        }
    }
}

/// The liveness probe: a request carrying one cookie alone, whose status says whether
/// that token is still accepted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Probe {
    /// Whether the probe can tell a live refresh token from a gone one.
    pub refresh: bool,
    /// Whether the probe can tell a live access token from a gone one.
    pub access: bool,
    pub method: String,
    pub path: String,
    pub live_status: Vec<u16>,
    pub gone_status: Vec<u16>,
}

impl Default for Probe {
    fn default() -> Self {
        Self {
            refresh: true,
            access: true,
            method: "GET".into(),
            path: "/auth/validate-session".into(),
            live_status: vec![200],
            gone_status: vec![401],
        }
    }
}

/// An action the harness performs: an HTTP request to the target, or a shell command.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Action {
    Command(CommandAction),
    Http(HttpRequest),
}

/// A shell command, run with `sh -c`; it must exit 0.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandAction {
    pub command: String,
}

/// Switching the target's token store off (`on`: the fault is on) and back on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreFault {
    pub on: Action,
    pub off: Action,
}

/// Where an expired refresh token comes from: an HTTP answer (the refresh cookie it
/// sets, else the JSON string at `token_pointer`) or a command's standard output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpiredSession {
    pub source: Action,
    #[serde(default = "default_token_pointer")]
    pub token_pointer: String,
}

fn default_token_pointer() -> String {
    "/refreshToken".into()
}

/// The browser origin the target allows, and one it must not allow.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    pub origin: String,
    #[serde(default = "default_disallowed_origin")]
    pub disallowed_origin: String,
}

fn default_disallowed_origin() -> String {
    "http://not-allowed.invalid".into()
}

impl Profile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ProfileError::Invalid {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses and checks profile text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let profile: Profile = toml::from_str(text).map_err(|e| e.to_string())?;
        profile.check()?;
        Ok(profile)
    }

    fn check(&self) -> Result<(), String> {
        if !self.register.enabled
            && (self.register.email.is_none() || self.register.password.is_none())
        {
            return Err(
                "[register] enabled = false needs `email` and `password` of an \
                        existing account"
                    .into(),
            );
        }
        for (name, path) in [
            ("login", &self.login.path),
            ("logout", &self.logout.path),
            ("probe", &self.probe.path),
        ] {
            if !path.starts_with('/') {
                return Err(format!("[{name}] path {path:?} must start with '/'"));
            }
        }
        for id in &self.waive {
            if Catalogue::get().clause(id).is_none() {
                return Err(format!("waive names {id:?}, which is not a clause"));
            }
        }
        Ok(())
    }

    /// The profile of the embedded reference server with its conformance hooks on.
    pub fn reference() -> Self {
        let hook = |path: &str| {
            Action::Http(HttpRequest {
                method: "POST".into(),
                path: path.into(),
                body: None,
                headers: BTreeMap::new(),
            })
        };
        Self {
            store_fault: Some(StoreFault {
                on: hook("/__conformance/store/fail"),
                off: hook("/__conformance/store/recover"),
            }),
            expired_session: Some(ExpiredSession {
                source: hook("/__conformance/expired-session"),
                token_pointer: default_token_pointer(),
            }),
            cors: Some(Cors {
                origin: "http://localhost:5173".into(),
                disallowed_origin: default_disallowed_origin(),
            }),
            ..Self::default()
        }
    }

    /// Whether the target offers a capability, as this profile declares it.
    pub fn offers(&self, capability: Capability) -> bool {
        match capability {
            Capability::RefreshProbe => self.probe.refresh,
            Capability::AccessProbe => self.probe.access,
            Capability::StoreFault => self.store_fault.is_some(),
            Capability::ExpiredSession => self.expired_session.is_some(),
            Capability::CorsOrigin => self.cors.is_some(),
            Capability::SecondInstance => self.also.is_some(),
        }
    }

    /// How this profile's target differs from the documented contract, in words; empty
    /// when it follows the document. See [`crate::plan::contract::Contract`].
    pub fn deviations(&self) -> Vec<String> {
        let documented = Self::default();
        let mut found = Vec::new();
        for (role, ours, theirs) in [
            ("access", &self.cookies.access, &documented.cookies.access),
            (
                "refresh",
                &self.cookies.refresh,
                &documented.cookies.refresh,
            ),
        ] {
            if ours != theirs {
                found.push(format!("{role} cookie {ours:?} for {theirs:?}"));
            }
        }
        if self.logout.path != documented.logout.path {
            found.push(format!(
                "logout path {} for {}",
                self.logout.path, documented.logout.path
            ));
        }
        found
    }

    /// Whether the user waived a clause.
    pub fn waives(&self, id: &str) -> bool {
        self.waive.iter().any(|w| w == id)
    }
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
