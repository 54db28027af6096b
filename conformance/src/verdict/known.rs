//! Known failures judged: each `[[known_failure]]` of the profile set beside its clause's
//! result, with whether it still holds. The clause keeps its own status (it was judged);
//! the verdict reads the state.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::plan::profile::KnownFailure;
use crate::verdict::clause::{ClauseResult, ClauseStatus};

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

/// Sets each declared known failure beside its clause, judged at `now`.
pub fn apply(clauses: &mut [ClauseResult], declared: &[KnownFailure], now: SystemTime) {
    for clause in clauses.iter_mut() {
        let Some(k) = declared.iter().find(|k| clause.id == k.clause.as_str()) else {
            continue;
        };
        let state = if k.expired(now) {
            KnownState::Expired
        } else {
            match clause.status {
                ClauseStatus::Failed | ClauseStatus::Warned => KnownState::Holds,
                ClauseStatus::Passed | ClauseStatus::Info => KnownState::Stale,
                _ => KnownState::Unjudged,
            }
        };
        let known = Known {
            reason: k.reason.clone(),
            until: k.until.clone(),
            state,
        };
        // Every report shows the clause's reason: it starts with what the profile knows.
        clause.reason = Some(match clause.reason.take() {
            Some(reason) => format!("{}\n{reason}", known.describe()),
            None => known.describe(),
        });
        clause.known = Some(known);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::catalogue::Grade;
    use crate::verdict::overall::{Verdict, verdict};

    fn clause(id: &str, status: ClauseStatus) -> ClauseResult {
        ClauseResult {
            id: id.parse().expect("a clause ID"),
            grade: Grade::Must,
            title: "t".into(),
            status,
            reason: Some("why".into()),
            root_causes: Vec::new(),
            evidence: Vec::new(),
            applies: true,
            known: None,
            scenarios: Vec::new(),
        }
    }

    fn known(until: Option<&str>) -> Vec<KnownFailure> {
        vec![KnownFailure {
            clause: "LO-12".into(),
            reason: "upstream #1".into(),
            until: until.map(str::to_owned),
        }]
    }

    fn judged(status: ClauseStatus, until: Option<&str>) -> (Vec<ClauseResult>, Verdict) {
        let mut clauses = vec![
            clause("LO-01", ClauseStatus::Passed),
            clause("LO-12", status),
        ];
        let now = humantime::parse_rfc3339("2027-01-01T00:00:00Z").expect("a time");
        apply(&mut clauses, &known(until), now);
        let v = verdict(&clauses, false);
        (clauses, v)
    }

    #[test]
    fn a_known_failure_that_fails_does_not_fail_the_run_and_says_so() {
        let (clauses, v) = judged(ClauseStatus::Failed, Some("2027-06-30"));
        assert_eq!(v, Verdict::Conformant);
        assert_eq!(clauses[1].status, ClauseStatus::Failed, "still judged");
        let reason = clauses[1].reason.as_deref().unwrap_or_default();
        assert!(reason.starts_with("known failure (until 2027-06-30): upstream #1\nwhy"));
    }

    #[test]
    fn a_known_failure_that_stopped_failing_fails_the_run() {
        let (clauses, v) = judged(ClauseStatus::Passed, None);
        assert_eq!(v, Verdict::NonConformant);
        assert_eq!(
            clauses[1].known.as_ref().map(|k| k.state),
            Some(KnownState::Stale)
        );
    }

    #[test]
    fn a_known_failure_past_its_date_fails_the_run() {
        let (clauses, v) = judged(ClauseStatus::Failed, Some("2026-12-31"));
        assert_eq!(v, Verdict::NonConformant);
        assert_eq!(
            clauses[1].known.as_ref().map(|k| k.state),
            Some(KnownState::Expired)
        );
    }

    #[test]
    fn a_known_failure_not_judged_leaves_the_run_incomplete() {
        let (_, v) = judged(ClauseStatus::Blocked, None);
        assert_eq!(v, Verdict::Incomplete);
    }
}
