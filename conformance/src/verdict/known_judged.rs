//! Known failures judged: each `[[known_failure]]` of the profile set beside its clause's
//! result ([`Known`]), with whether it still holds.

use std::time::SystemTime;

use crate::plan::profile::KnownFailure;
use crate::verdict::clause::{ClauseResult, ClauseStatus};
use crate::verdict::known::{Known, KnownState};

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
