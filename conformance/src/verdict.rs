//! Outcomes: of a scenario, of a clause, and of the whole run.
//!
//! A scenario *fails* when the target broke its clause, and *could not run* when the
//! check itself could not be made (a setup request failed, a capability action failed).
//! The two stay apart all the way to the exit code: a check that could not run is never
//! a pass and never a failure of the target.

use std::time::Duration;

use serde::Serialize;

use crate::catalogue::{Catalogue, Grade};
use crate::features::{ScenarioInfo, ScenarioKey};

/// The prefix that marks a step panic as "could not run" rather than "failed".
pub const COULD_NOT_RUN: &str = "could not run: ";

/// Ends the step: the target broke the clause. `message` says expected vs actual.
pub fn fail(message: impl std::fmt::Display) -> ! {
    panic!("{message}")
}

/// Ends the step: the check could not be made.
pub fn could_not_run(message: impl std::fmt::Display) -> ! {
    panic!("{COULD_NOT_RUN}{message}")
}

/// How one scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioStatus {
    Passed,
    Failed,
    /// The scenario started but its check could not be made.
    Error,
    /// The scenario did not start: waived, not selected, or a capability is missing.
    NotRun,
}

/// One scenario's result.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub key: ScenarioKey,
    pub name: String,
    pub clause: String,
    #[serde(skip)]
    pub grade: Grade,
    pub status: ScenarioStatus,
    /// Why it failed, could not run or was not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The step that failed, as written, with its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The HTTP exchanges, masked, when it failed or could not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// What an INFO scenario found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<String>,
    #[serde(serialize_with = "millis")]
    pub duration: Duration,
}

impl ScenarioResult {
    /// A scenario that did not start, and why.
    pub fn not_run(info: &ScenarioInfo, reason: String) -> Self {
        Self {
            key: info.key.clone(),
            name: info.name.clone(),
            clause: info.clause.clone(),
            grade: info.grade,
            status: ScenarioStatus::NotRun,
            reason: Some(reason),
            step: None,
            transcript: None,
            observations: Vec::new(),
            duration: Duration::ZERO,
        }
    }
}

pub(crate) fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// How one clause stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseStatus {
    Passed,
    /// A MUST clause broken.
    Failed,
    /// A SHOULD clause broken (a failure under `--strict`).
    Warned,
    NotRun,
    /// Excluded by the user in the profile.
    Waived,
    /// An INFO clause: what the target does, never a failure.
    Info,
}

impl ClauseStatus {
    pub fn label(self) -> &'static str {
        match self {
            ClauseStatus::Passed => "passed",
            ClauseStatus::Failed => "FAILED",
            ClauseStatus::Warned => "warned",
            ClauseStatus::NotRun => "not run",
            ClauseStatus::Waived => "waived",
            ClauseStatus::Info => "info",
        }
    }
}

/// One clause's result.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    pub id: String,
    pub grade: Grade,
    pub title: String,
    pub status: ClauseStatus,
    /// The first failure, why it was not run, or what an INFO clause found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub scenarios: Vec<ScenarioResult>,
}

/// The verdict of a run, which the exit code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every MUST clause (with `--strict`, every SHOULD too) ran and passed.
    Conformant,
    /// A MUST clause failed (with `--strict`, or a SHOULD clause warned).
    NonConformant,
    /// Nothing failed, but a clause that counts was not run and not waived.
    Incomplete,
}

impl Verdict {
    /// The CLI's exit code for this verdict (2 is for harness errors, before a verdict).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Conformant => 0,
            Verdict::NonConformant => 1,
            Verdict::Incomplete => 3,
        }
    }
}

/// Groups scenario results by clause, in catalogue order.
pub fn clauses(results: &[ScenarioResult], waived: &dyn Fn(&str) -> bool) -> Vec<ClauseResult> {
    Catalogue::get()
        .clauses
        .iter()
        .map(|clause| {
            let scenarios: Vec<ScenarioResult> = results
                .iter()
                .filter(|r| r.clause == clause.id)
                .cloned()
                .collect();
            let (status, reason) = if waived(&clause.id) {
                (
                    ClauseStatus::Waived,
                    Some("waived in the profile".to_owned()),
                )
            } else {
                judge(clause.grade, &scenarios)
            };
            ClauseResult {
                id: clause.id.clone(),
                grade: clause.grade,
                title: clause.title.clone(),
                status,
                reason,
                scenarios,
            }
        })
        .collect()
}

fn judge(grade: Grade, scenarios: &[ScenarioResult]) -> (ClauseStatus, Option<String>) {
    let with = |status: ScenarioStatus| scenarios.iter().filter(move |s| s.status == status);
    let first_reason = |status| with(status).find_map(|s| s.reason.clone());
    if scenarios.is_empty() {
        return (
            ClauseStatus::NotRun,
            Some("no scenario covers this clause".into()),
        );
    }
    if grade == Grade::Info {
        let notes: Vec<String> = scenarios
            .iter()
            .flat_map(|s| match s.status {
                ScenarioStatus::Passed => s.observations.clone(),
                _ => vec![format!(
                    "{}: {}",
                    s.name,
                    s.reason.clone().unwrap_or_else(|| "not observed".into())
                )],
            })
            .collect();
        let status = if with(ScenarioStatus::Passed).next().is_some() {
            ClauseStatus::Info
        } else {
            ClauseStatus::NotRun
        };
        return (status, Some(notes.join("; ")));
    }
    if with(ScenarioStatus::Failed).next().is_some() {
        let status = if grade == Grade::Must {
            ClauseStatus::Failed
        } else {
            ClauseStatus::Warned
        };
        return (status, first_reason(ScenarioStatus::Failed));
    }
    if let Some(reason) = first_reason(ScenarioStatus::Error) {
        return (ClauseStatus::NotRun, Some(reason));
    }
    let passed = with(ScenarioStatus::Passed).count();
    let not_run: Vec<&ScenarioResult> = with(ScenarioStatus::NotRun).collect();
    match (passed, not_run.first()) {
        (0, first) => (ClauseStatus::NotRun, first.and_then(|s| s.reason.clone())),
        (_, None) => (ClauseStatus::Passed, None),
        (_, Some(first)) => (
            ClauseStatus::Passed,
            Some(format!(
                "{} of {} scenarios not run: {}",
                not_run.len(),
                scenarios.len(),
                first.reason.clone().unwrap_or_default()
            )),
        ),
    }
}

/// The verdict over all clauses.
pub fn verdict(clauses: &[ClauseResult], strict: bool) -> Verdict {
    let counts = |c: &&ClauseResult| c.grade == Grade::Must || (strict && c.grade == Grade::Should);
    let broken = clauses
        .iter()
        .filter(counts)
        .any(|c| matches!(c.status, ClauseStatus::Failed | ClauseStatus::Warned));
    if broken {
        return Verdict::NonConformant;
    }
    if clauses
        .iter()
        .filter(counts)
        .any(|c| c.status == ClauseStatus::NotRun)
    {
        return Verdict::Incomplete;
    }
    Verdict::Conformant
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(clause: &str, grade: Grade, status: ScenarioStatus) -> ScenarioResult {
        ScenarioResult {
            key: ScenarioKey {
                file: "f".into(),
                line: 1,
            },
            name: "s".into(),
            clause: clause.into(),
            grade,
            status,
            reason: Some(format!("{status:?}")),
            step: None,
            transcript: None,
            observations: vec!["seen".into()],
            duration: Duration::ZERO,
        }
    }

    fn all_passed() -> Vec<ScenarioResult> {
        Catalogue::get()
            .clauses
            .iter()
            .map(|c| result(&c.id, c.grade, ScenarioStatus::Passed))
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

        results.push(result("LO-23", Grade::Should, ScenarioStatus::Failed));
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
}
