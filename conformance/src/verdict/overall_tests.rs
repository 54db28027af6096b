//! The judgment from scenario results to clauses to a verdict, end to end.

use std::time::Duration;

use super::*;
use crate::plan::catalogue::Catalogue;
use crate::plan::features::ScenarioKey;
use crate::verdict::check::{Cause, Evidence};
use crate::verdict::clause::clauses;
use crate::verdict::root_cause;
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus};

fn result(clause: &str, grade: Grade, status: ScenarioStatus) -> ScenarioResult {
    ScenarioResult {
        key: ScenarioKey {
            file: "f".into(),
            line: 1,
        },
        name: "s".into(),
        clause: clause.parse().expect("a clause ID"),
        grade,
        status,
        reason: Some(format!("{status:?}")),
        root_cause: None,
        step: None,
        transcript: None,
        evidence: Vec::new(),
        observations: vec!["seen".into()],
        duration: Duration::ZERO,
        steps: Vec::new(),
    }
}

fn caused(mut r: ScenarioResult, clause: &str, key: &str, line: usize) -> ScenarioResult {
    r.root_cause = Some(Cause {
        clause: clause.parse().expect("a clause ID"),
        key: key.into(),
    });
    r.key.line = line;
    r
}

fn all_passed() -> Vec<ScenarioResult> {
    Catalogue::get()
        .clauses
        .iter()
        .map(|c| result(&c.id.to_string(), c.grade, ScenarioStatus::Passed))
        .collect()
}

fn status_of(results: &[ScenarioResult], id: &str) -> ClauseStatus {
    let clauses = clauses(results, &|_| false);
    clauses
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.status)
        .expect("clause")
}

#[test]
fn verdicts_follow_grades_and_strictness() {
    let mut results = all_passed();
    assert_eq!(
        verdict(&clauses(&results, &|_| false), true),
        Verdict::Conformant
    );

    results.push(result("LO-23", Grade::Should, ScenarioStatus::Warned));
    assert_eq!(status_of(&results, "LO-23"), ClauseStatus::Warned);
    assert_eq!(
        verdict(&clauses(&results, &|_| false), false),
        Verdict::Conformant
    );
    assert_eq!(
        verdict(&clauses(&results, &|_| false), true),
        Verdict::NonConformant
    );

    results.push(result("LO-05", Grade::Must, ScenarioStatus::Failed));
    assert_eq!(status_of(&results, "LO-05"), ClauseStatus::Failed);
    assert_eq!(
        verdict(&clauses(&results, &|_| false), false),
        Verdict::NonConformant
    );
}

#[test]
fn a_must_clause_not_run_is_incomplete_unless_waived() {
    let mut results = all_passed();
    results.retain(|r| r.clause != "LO-09");
    results.push(result("LO-09", Grade::Must, ScenarioStatus::NotRun));
    assert_eq!(status_of(&results, "LO-09"), ClauseStatus::NotRun);
    assert_eq!(
        verdict(&clauses(&results, &|_| false), false),
        Verdict::Incomplete
    );
    let waived = clauses(&results, &|id| id == "LO-09");
    assert_eq!(verdict(&waived, false), Verdict::Conformant);
}

#[test]
fn a_check_that_could_not_run_is_never_a_pass() {
    let mut results = all_passed();
    results.push(result("LO-04", Grade::Must, ScenarioStatus::Error));
    assert_eq!(status_of(&results, "LO-04"), ClauseStatus::NotRun);
    assert_eq!(
        verdict(&clauses(&results, &|_| false), false),
        Verdict::Incomplete
    );
}

#[test]
fn a_partly_run_clause_passes_and_says_what_was_not_run() {
    let mut results = all_passed();
    results.push(result("LO-05", Grade::Must, ScenarioStatus::NotRun));
    let clauses = clauses(&results, &|_| false);
    let lo05 = clauses.iter().find(|c| c.id == "LO-05").expect("clause");
    assert_eq!(lo05.status, ClauseStatus::Passed);
    assert!(
        lo05.reason.as_deref().unwrap_or("").contains("1 of 2"),
        "{:?}",
        lo05.reason
    );
}

#[test]
fn a_blocked_clause_is_never_passed_and_its_blocker_fails() {
    let mut results = all_passed();
    results.retain(|r| r.clause != "LO-04");
    let blocked = caused(
        result("LO-04", Grade::Must, ScenarioStatus::Blocked),
        "LO-01",
        "status 403",
        7,
    );
    results.push(blocked);
    let judged = clauses(&results, &|_| false);
    let of = |id: &str| judged.iter().find(|c| c.id == id).expect("clause");
    assert_eq!(of("LO-04").status, ClauseStatus::Blocked);
    // The blocked precondition is LO-01's check: LO-01 fails there, the scenario named.
    assert_eq!(of("LO-01").status, ClauseStatus::Failed);
    assert_eq!(of("LO-01").evidence[0].clause, "LO-04");
    assert_eq!(verdict(&judged, false), Verdict::NonConformant);
    // With LO-01 waived, the blocked MUST clause still keeps the run from conformant.
    let waived = clauses(&results, &|id| id == "LO-01");
    assert_eq!(verdict(&waived, false), Verdict::Incomplete);
}

#[test]
fn evidence_fails_its_own_clause_not_the_scenario_that_saw_it() {
    let mut results = all_passed();
    let lo08 = results
        .iter_mut()
        .find(|r| r.clause == "LO-08")
        .expect("LO-08");
    lo08.evidence.push(Evidence {
        cause: Cause {
            clause: "LO-02".parse().expect("a clause ID"),
            key: "a browser keeps accessToken".into(),
        },
        message: "expected: …".into(),
    });
    assert_eq!(status_of(&results, "LO-08"), ClauseStatus::Passed);
    assert_eq!(status_of(&results, "LO-02"), ClauseStatus::Failed);
}

#[test]
fn one_defect_is_one_root_cause_naming_every_clause_it_touched() {
    let mut results = all_passed();
    results.retain(|r| !["LO-01", "LO-05", "LO-20"].iter().any(|c| r.clause == *c));
    let key = "status 403";
    results.push(caused(
        result("LO-01", Grade::Must, ScenarioStatus::Failed),
        "LO-01",
        key,
        1,
    ));
    for line in [2, 3] {
        results.push(caused(
            result("LO-05", Grade::Must, ScenarioStatus::Failed),
            "LO-01",
            key,
            line,
        ));
    }
    results.push(caused(
        result("LO-20", Grade::Should, ScenarioStatus::Blocked),
        "LO-01",
        key,
        4,
    ));
    let judged = clauses(&results, &|_| false);
    let causes = root_cause::group(&judged);
    assert_eq!(causes.len(), 1, "{causes:?}");
    assert_eq!(causes[0].failed, ["LO-01", "LO-05"]);
    assert_eq!(causes[0].blocked, ["LO-20"]);
    assert_eq!(causes[0].scenarios, 4);
}
