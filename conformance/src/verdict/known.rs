//! A known failure as a run found it: a `[[known_failure]]` of the profile beside its
//! clause's result, with whether it still holds ([`crate::verdict::known_judged`] sets
//! it). The clause keeps its own status (it was judged); the verdict reads the state.

use serde::{Deserialize, Serialize};

/// A known failure as the run found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    pub state: KnownState,
}

/// Whether a known failure still happens as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnownState {
    /// It failed (or warned) as known: it does not fail the run.
    Holds,
    /// The clause passed: the known failure no longer happens, and the run fails until
    /// the profile drops it.
    Stale,
    /// Its `until` date has passed: the run fails until the stack is fixed or the date
    /// moved.
    Expired,
    /// The clause was not judged (blocked, not run): whether it still fails is unknown.
    Unjudged,
}

impl Known {
    /// Whether this known failure makes the run fail.
    pub fn fails_run(&self) -> bool {
        matches!(self.state, KnownState::Stale | KnownState::Expired)
    }

    /// One line for reports: `known failure (until 2027-03-01): reason`, and what is
    /// wrong with it when it no longer holds.
    pub fn describe(&self) -> String {
        let until = self
            .until
            .as_ref()
            .map(|d| format!(" (until {d})"))
            .unwrap_or_default();
        let state = match self.state {
            KnownState::Holds | KnownState::Unjudged => "",
            KnownState::Stale => {
                " — it no longer fails: remove it from the profile's [[known_failure]]"
            }
            KnownState::Expired => " — its date has passed: it is no longer accepted",
        };
        format!("known failure{until}: {}{state}", self.reason)
    }
}
