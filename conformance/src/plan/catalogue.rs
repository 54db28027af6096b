//! The clause catalogue: every behaviour of the logout contract, with its ID, grade and
//! the target capabilities its scenarios need. It is `features/clauses.toml`, compiled
//! into the harness so the CLI works from any directory.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use crate::plan::clause_id::ClauseId;

/// How much a clause weighs in the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Grade {
    /// Stated by the document: a failure makes the target non-conformant.
    Must,
    /// Inferred or required by security references: a warning, a failure under `--strict`.
    Should,
    /// Left open by the document: reported, never failed.
    Info,
}

impl Grade {
    /// The grade's tag in feature files.
    pub fn tag(self) -> &'static str {
        match self {
            Grade::Must => "must",
            Grade::Should => "should",
            Grade::Info => "info",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Grade::Must => "MUST",
            Grade::Should => "SHOULD",
            Grade::Info => "INFO",
        })
    }
}

/// Something a target may or may not offer; a scenario that needs a missing one is not
/// run. In feature files: `@needs-<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// The liveness probe tells a live refresh token from a gone one.
    RefreshProbe,
    /// The liveness probe tells a live access token from a gone one.
    AccessProbe,
    /// The token store can be made to fail and recover.
    StoreFault,
    /// The target can mint an expired refresh token.
    ExpiredSession,
    /// The target allows a configured browser origin.
    CorsOrigin,
    /// A second instance of the target shares its token store.
    SecondInstance,
    /// A refresh that rotates the session (issues a new refresh token), declared.
    RotatingRefresh,
    /// A Chromium on the machine running the suite (not the target's to offer): on
    /// `PATH` or given with `--browser`.
    Browser,
}

impl Capability {
    pub const ALL: [Capability; 8] = [
        Capability::RefreshProbe,
        Capability::AccessProbe,
        Capability::StoreFault,
        Capability::ExpiredSession,
        Capability::CorsOrigin,
        Capability::SecondInstance,
        Capability::RotatingRefresh,
        Capability::Browser,
    ];

    /// The name used in `@needs-<name>` tags.
    pub fn name(self) -> &'static str {
        match self {
            Capability::RefreshProbe => "refresh-probe",
            Capability::AccessProbe => "access-probe",
            Capability::StoreFault => "store-fault",
            Capability::ExpiredSession => "expired-session",
            Capability::CorsOrigin => "cors-origin",
            Capability::SecondInstance => "second-instance",
            Capability::RotatingRefresh => "rotating-refresh",
            Capability::Browser => "browser",
        }
    }

    /// Parses the part of a `@needs-…` tag after `needs-`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// What the user declares in the profile to offer it.
    pub fn how_to_offer(self) -> &'static str {
        match self {
            Capability::RefreshProbe => {
                "a [probes.refresh] table (version 1: [probe] refresh = true)"
            }
            Capability::AccessProbe => {
                "a [probes.access] table and a session cookie of role \"access\" \
                 (version 1: [probe] access = true)"
            }
            Capability::StoreFault => "a [store_fault] table with `on` and `off`",
            Capability::ExpiredSession => "an [expired_session] table",
            Capability::CorsOrigin => "a [cors] table with `origin`",
            Capability::SecondInstance => "--also URL, or `also = \"URL\"` in the profile",
            Capability::RotatingRefresh => {
                "a [rotating_refresh] table (the refresh that issues a new refresh token) and \
                 a [probes.refresh] table"
            }
            Capability::Browser => "chromium on PATH, or --browser PATH",
        }
    }
}

/// One clause of the contract.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: ClauseId,
    pub grade: Grade,
    pub title: String,
    pub text: String,
    pub source: String,
    #[serde(default)]
    pub needs: Vec<Capability>,
    /// Clauses whose checks this clause's own text demands (LO-05 "answers as LO-01"):
    /// such a check failing in this clause's scenarios fails this clause too, under the
    /// other clause's root cause.
    #[serde(default)]
    pub demands: Vec<ClauseId>,
    /// The clause applies only to targets that offer this capability (LO-28: only with
    /// two instances). Without it the clause is not run and does not make the run
    /// incomplete.
    #[serde(default)]
    pub applies_with: Option<Capability>,
}

/// All clauses, in catalogue order.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    #[serde(rename = "clause")]
    pub clauses: Vec<Clause>,
}

/// The catalogue's source text.
pub const CATALOGUE_TOML: &str = include_str!("../../../features/clauses.toml");

impl Catalogue {
    /// The catalogue compiled into the harness.
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| match Self::parse(CATALOGUE_TOML) {
            Ok(c) => c,
            // The file is compiled in and checked by a unit test: this cannot happen in
            // a released binary.
            Err(e) => panic!("features/clauses.toml is invalid: {e}"),
        })
    }

    /// Parses catalogue text.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// Where a clause stands in the catalogue's order (after every clause when unknown),
    /// to sort by.
    pub fn order(&self, id: &str) -> usize {
        self.clauses
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    }

    /// The clause with this ID.
    /// A clause by its written ID (`LO-05`, any case): none for text that is not one.
    pub fn clause_named(&self, id: &str) -> Option<&Clause> {
        id.parse().ok().and_then(|id| self.clause(id))
    }

    pub fn clause(&self, id: ClauseId) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_with_unique_ids() {
        let c = Catalogue::parse(CATALOGUE_TOML).expect("catalogue parses");
        let mut ids: Vec<_> = c.clauses.iter().map(|c| c.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate clause IDs");
        assert!(n >= 22, "catalogue has only {n} clauses");
        for clause in &c.clauses {
            for d in &clause.demands {
                assert!(
                    c.clause(*d).is_some() && *d != clause.id,
                    "{} demands {d}, which is not another clause",
                    clause.id
                );
            }
        }
    }

    #[test]
    fn capability_hints_name_the_version_2_keys_first() {
        // LO-27's "not run" reason quotes this: a version 2 profile has no [probe] table.
        let access = Capability::AccessProbe.how_to_offer();
        assert!(access.starts_with("a [probes.access] table"), "{access}");
        let refresh = Capability::RefreshProbe.how_to_offer();
        assert!(refresh.starts_with("a [probes.refresh] table"), "{refresh}");
    }
}
