//! The target profile: how the suite talks to an implementation, and what its answers
//! look like.
//!
//! The defaults are the API family's (register, login, validate-session, two cookies, the
//! documented logout answer). A team whose API differs overrides what differs in a TOML
//! file (`--profile FILE`, key by key in `profiles/README.md`) and declares the optional
//! capabilities its target offers; a clause whose capability is missing is reported as
//! not run. A profile that changes what an answer must look like declares a contract of
//! its own ([`crate::plan::contract`]). Version 1 files (no `version` key) are read as
//! they always were ([`v1`]).

pub mod actions;
pub mod answer;
pub mod answer_header;
pub mod before;
pub mod error;
pub mod exchange;
pub mod known;
pub mod probe;
pub mod rotation;
pub mod session;
pub mod stack;
mod v1;
mod validate;
pub mod values;

use crate::plan::clause_id::ClauseId;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use actions::{Action, CommandAction, Cors, ExpiredSession, HttpRequest, StoreFault};
pub use answer::{AnswerSpec, BodySpec};
pub use answer_header::HeaderSpec;
pub use before::Before;
pub use error::{Invalid, ProfileError};
pub use exchange::{BodyTemplate, Login, Logout, Register, RequestTemplate};
pub use known::KnownFailure;
pub use probe::{Liveness, Predicate, ProbeSpec, Probes};
pub use rotation::{NewToken, RotatingRefresh};
pub use session::{BodyToken, Role, SendAs, SessionCookie, SessionSpec};
pub use stack::Stack;
pub use values::{User, Values};

use crate::plan::catalogue::Capability;

/// A whole profile: the version 2 model (a version 1 file is turned into it).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// 2 for a version 2 file; 1 for a file without `version` (and no file at all).
    #[serde(default = "two")]
    pub version: u32,
    /// The implementation this profile is for; every report records it.
    #[serde(default)]
    pub stack: Option<Stack>,
    /// The target's base URL, when `--target` does not give one.
    #[serde(default)]
    pub base_url: Option<String>,
    /// How fresh users' values are made.
    #[serde(default = "Values::v2")]
    pub values: Values,
    /// What every request the kit makes carries.
    #[serde(default)]
    pub defaults: Defaults,
    /// Where the session lives after login.
    #[serde(default)]
    pub session: SessionSpec,
    /// How a fresh user is created; `enabled = false` when users are provisioned outside.
    #[serde(default)]
    pub register: Register,
    #[serde(default)]
    pub login: Login,
    #[serde(default)]
    pub logout: Logout,
    #[serde(default)]
    pub probes: Probes,
    /// A refresh that rotates the session (LO-14); without it LO-14 does not apply.
    #[serde(default)]
    pub rotating_refresh: Option<RotatingRefresh>,
    /// Make the token store fail and recover (LO-09, LO-30).
    #[serde(default)]
    pub store_fault: Option<StoreFault>,
    /// Mint a refresh token that has expired (the expired case of LO-05).
    #[serde(default)]
    pub expired_session: Option<ExpiredSession>,
    /// A browser origin the target allows (LO-26).
    #[serde(default)]
    pub cors: Option<Cors>,
    /// Clauses the user knowingly excludes; each is reported as waived, not as passed.
    #[serde(default)]
    pub waive: Vec<String>,
    /// Clauses the stack is known to break: judged, shown as known, and not failing the
    /// run while they fail as known (`[[known_failure]]`).
    #[serde(default, rename = "known_failure")]
    pub known_failures: Vec<KnownFailure>,
    /// The base URL of a second instance of the target behind the same token store
    /// (LO-28); `--also` overrides it.
    #[serde(default)]
    pub also: Option<String>,
}

fn two() -> u32 {
    2
}

/// What every request the kit makes carries (`[defaults]`): setup, probes and logouts.
/// A request that sets a header itself (a CORS check's `Origin`) keeps its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl Default for Profile {
    /// No profile at all: the API family, as a version 1 file without keys.
    fn default() -> Self {
        Self {
            version: 1,
            stack: None,
            base_url: None,
            values: Values::v1(),
            defaults: Defaults::default(),
            session: SessionSpec::default(),
            register: Register::default(),
            login: Login::default(),
            logout: Logout::default(),
            probes: Probes::default(),
            rotating_refresh: None,
            store_fault: None,
            expired_session: None,
            cors: None,
            waive: Vec::new(),
            known_failures: Vec::new(),
            also: None,
        }
    }
}

impl Profile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse_text(&text).map_err(|invalid| ProfileError::Invalid {
            path: path.to_owned(),
            invalid,
        })
    }

    /// Parses and checks profile text; the error says where (`line 3, column 1: …`).
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_text(text).map_err(|i| i.to_string())
    }

    /// Parses and checks profile text.
    pub fn parse_text(text: &str) -> Result<Self, Invalid> {
        let table: toml::Table = toml::from_str(text).map_err(|e| Invalid::from_toml(text, &e))?;
        let profile = match table.get("version") {
            None => {
                let v1: v1::V1 = toml::from_str(text).map_err(|e| {
                    let mut invalid = Invalid::from_toml(text, &e);
                    if invalid.message.contains("unknown field") {
                        invalid.message.push_str(
                            " (a file without `version` is a version 1 profile; version 2 \
                             keys need `version = 2` at the top)",
                        );
                    }
                    invalid
                })?;
                Profile::from(v1)
            }
            Some(toml::Value::Integer(2)) => {
                toml::from_str::<Profile>(text).map_err(|e| Invalid::from_toml(text, &e))?
            }
            Some(other) => {
                return Err(Invalid::at_key(
                    text,
                    "",
                    Some("version"),
                    format!(
                        "version {other} is not known: write `version = 2`, or leave it out \
                         for a version 1 profile"
                    ),
                ));
            }
        };
        validate::check(&profile, text)?;
        Ok(profile)
    }

    /// The profile of the embedded reference server with its conformance hooks on.
    pub fn reference() -> Self {
        Self {
            store_fault: Some(StoreFault {
                on: Action::post("/__conformance/store/fail"),
                off: Action::post("/__conformance/store/recover"),
            }),
            expired_session: Some(ExpiredSession {
                source: Action::post("/__conformance/expired-session"),
                token_pointer: actions::default_token_pointer(),
            }),
            cors: Some(Cors {
                origin: "http://localhost:5173".into(),
                disallowed_origin: actions::default_disallowed_origin(),
            }),
            ..Self::default()
        }
    }

    /// Whether the target offers a capability, as this profile declares it.
    pub fn offers(&self, capability: Capability) -> bool {
        match capability {
            Capability::RefreshProbe => {
                self.probes.refresh.is_some() && self.refresh_cookie().is_some()
            }
            Capability::AccessProbe => {
                self.probes.access.is_some() && self.session.cookie_for(Role::Access).is_some()
            }
            Capability::StoreFault => self.store_fault.is_some(),
            Capability::ExpiredSession => self.expired_session.is_some(),
            Capability::CorsOrigin => self.cors.is_some(),
            Capability::SecondInstance => self.also.is_some(),
            Capability::RotatingRefresh => {
                self.rotating_refresh.is_some() && self.offers(Capability::RefreshProbe)
            }
            // The machine running the suite offers it, never the target.
            Capability::Browser => false,
        }
    }

    /// Why a clause does not apply to this target at all, when its session cannot have
    /// what the clause is about (LO-12's stale access token beside a live refresh token
    /// needs two tokens). Such a clause is reported not run, with this reason, and does
    /// not make the run incomplete.
    pub fn inapplicable(&self, clause: ClauseId) -> Option<String> {
        if clause == ClauseId::LO_12 && !self.session.has_separate_access() {
            return Some(
                "the session is one credential (role \"session\"): there is no access token \
                 that could be stale beside a live refresh token"
                    .into(),
            );
        }
        let clearing = [ClauseId::LO_02, ClauseId::LO_03, ClauseId::LO_24];
        (clearing.contains(&clause) && self.cleared_cookies().is_empty()).then(|| {
            "the target sets no session cookie (its tokens come in the login body): there is \
             no cookie for its logout to clear"
                .into()
        })
    }

    /// The cookie the refresh token (or the one session token) travels in.
    pub fn refresh_cookie(&self) -> Option<&str> {
        self.session.cookie_for(Role::Refresh)
    }

    /// The cookie a separate access token travels in.
    pub fn access_cookie(&self) -> Option<&str> {
        self.session
            .has_separate_access()
            .then(|| self.session.cookie_for(Role::Access))
            .flatten()
    }

    /// The credential cookies login sets and logout must clear (never CSRF cookies).
    pub fn cleared_cookies(&self) -> Vec<&str> {
        self.session.cleared()
    }

    /// The cookies the profile declares meant to outlive the session (LO-29 leaves them).
    pub fn outliving_cookies(&self) -> &[String] {
        &self.session.outlives
    }

    /// Whether the user waived a clause.
    pub fn waives(&self, id: ClauseId) -> bool {
        self.waive.iter().any(|w| id == w.as_str())
    }

    /// The known failure the profile declares for a clause.
    pub fn known_failure(&self, id: &str) -> Option<&KnownFailure> {
        self.known_failures.iter().find(|k| k.clause == id)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_logout;
