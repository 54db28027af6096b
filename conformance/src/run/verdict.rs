//! Outcomes: of a scenario, of a clause, and of the whole run.
//!
//! A scenario *fails* when the target broke its clause, and *could not run* when the
//! check itself could not be made (a setup request failed, a capability action failed).
//! The two stay apart all the way to the exit code: a check that could not run is never
//! a pass and never a failure of the target.

use std::time::Duration;

use serde::Serialize;

use crate::plan::catalogue::{Catalogue, Grade};
use crate::plan::features::{ScenarioInfo, ScenarioKey};
use crate::run::check::{Cause, Evidence};

/// How one scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioStatus {
    Passed,
    /// The target broke the scenario's MUST clause.
    Failed,
    /// The target broke the scenario's SHOULD clause (a failure under `--strict`).
    Warned,
    /// A precondition failed: the clause was not judged in this scenario.
    Blocked,
    /// The scenario started but its check could not be made.
    Error,
    /// The scenario did not start: waived, not selected, or a capability is missing.
    NotRun,
}

impl ScenarioStatus {
    /// The word the console's progress line and failure headings use.
    pub fn mark(self) -> &'static str {
        match self {
            ScenarioStatus::Passed => "PASS",
            ScenarioStatus::Failed => "FAIL",
            ScenarioStatus::Warned => "WARN",
            ScenarioStatus::Blocked => "BLOCKED",
            ScenarioStatus::Error => "ERROR",
            ScenarioStatus::NotRun => "SKIP",
        }
    }
}

/// How one step of a scenario ended, for step-level reports (cucumber JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    /// The step's line in its feature file.
    pub line: usize,
    pub status: StepStatus,
    pub duration: Duration,
    /// Why it ended the scenario.
    pub message: Option<String>,
}

/// A step's own outcome: the step that ended the scenario carries the scenario's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Passed,
    Ended(ScenarioStatus),
    /// Not reached: an earlier step ended the scenario.
    Skipped,
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
    /// Why it failed, was blocked, could not run or was not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The root cause of a failure or a blockage: the clause whose check failed, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<Cause>,
    /// The step that ended it, as written, with its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The HTTP exchanges, masked, when it did not pass or found evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// Failed checks of other clauses seen here; they count for those clauses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// What the scenario noted: an INFO scenario's findings, or a harmless oddity.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<String>,
    #[serde(serialize_with = "millis")]
    pub duration: Duration,
    #[serde(skip)]
    pub steps: Vec<StepResult>,
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
            root_cause: None,
            step: None,
            transcript: None,
            evidence: Vec::new(),
            observations: Vec::new(),
            duration: Duration::ZERO,
            steps: Vec::new(),
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
    /// Not judged: a precondition of its scenarios failed; the root cause says where.
    Blocked,
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
            ClauseStatus::Blocked => "BLOCKED",
            ClauseStatus::NotRun => "not run",
            ClauseStatus::Waived => "waived",
            ClauseStatus::Info => "info",
        }
    }
}

/// A failed check of a clause seen in a scenario of another clause.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFrom {
    pub scenario: ScenarioKey,
    /// The scenario's name and clause.
    pub name: String,
    pub clause: String,
    pub root_cause: Cause,
    pub message: String,
    /// The scenario's HTTP exchanges, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
}

/// One clause's result.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    pub id: String,
    pub grade: Grade,
    pub title: String,
    pub status: ClauseStatus,
    /// The first failure, what blocked it, why it was not run, or what an INFO clause
    /// found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The root causes of its failure or blockage.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub root_causes: Vec<Cause>,
    /// Its checks that failed in other clauses' scenarios.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceFrom>,
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
    /// Nothing failed, but a clause that counts was not run (or blocked) and not waived.
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

    /// As the reports write it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Conformant => "conformant",
            Verdict::NonConformant => "non-conformant",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// Groups scenario results by clause, in catalogue order, and judges each clause on its
/// own scenarios and on the evidence other scenarios found for it.
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
            let evidence = evidence_for(&clause.id, results);
            let (status, reason) = if waived(&clause.id) {
                (
                    ClauseStatus::Waived,
                    Some("waived in the profile".to_owned()),
                )
            } else {
                judge(clause.grade, &scenarios, &evidence)
            };
            let root_causes = match status {
                ClauseStatus::Failed | ClauseStatus::Warned | ClauseStatus::Blocked => {
                    root_causes_of(&scenarios, &evidence)
                }
                _ => Vec::new(),
            };
            ClauseResult {
                id: clause.id.clone(),
                grade: clause.grade,
                title: clause.title.clone(),
                status,
                reason,
                root_causes,
                evidence,
                scenarios,
            }
        })
        .collect()
}

/// Every failed check of clause `id` in other clauses' scenarios: evidence they noted,
/// and preconditions of `id` that blocked them.
fn evidence_for(id: &str, results: &[ScenarioResult]) -> Vec<EvidenceFrom> {
    let mut out = Vec::new();
    for r in results.iter().filter(|r| r.clause != id) {
        let from = |cause: &Cause, message: &str| EvidenceFrom {
            scenario: r.key.clone(),
            name: r.name.clone(),
            clause: r.clause.clone(),
            root_cause: cause.clone(),
            message: message.to_owned(),
            transcript: r.transcript.clone(),
        };
        for e in r.evidence.iter().filter(|e| e.cause.clause == id) {
            out.push(from(&e.cause, &e.message));
        }
        if r.status == ScenarioStatus::Blocked
            && let Some(cause) = r.root_cause.as_ref().filter(|c| c.clause == id)
        {
            out.push(from(cause, r.reason.as_deref().unwrap_or_default()));
        }
    }
    out
}

fn root_causes_of(scenarios: &[ScenarioResult], evidence: &[EvidenceFrom]) -> Vec<Cause> {
    let mut causes: Vec<Cause> = scenarios
        .iter()
        .filter_map(|s| s.root_cause.clone())
        .chain(evidence.iter().map(|e| e.root_cause.clone()))
        .collect();
    causes.sort();
    causes.dedup();
    causes
}

fn judge(
    grade: Grade,
    scenarios: &[ScenarioResult],
    evidence: &[EvidenceFrom],
) -> (ClauseStatus, Option<String>) {
    let with = |status: ScenarioStatus| scenarios.iter().filter(move |s| s.status == status);
    let first_reason = |status| with(status).find_map(|s| s.reason.clone());
    if scenarios.is_empty() {
        return (
            ClauseStatus::NotRun,
            Some("no scenario covers this clause".into()),
        );
    }
    if grade == Grade::Info {
        return judge_info(scenarios);
    }
    let broken = match grade {
        Grade::Must => ClauseStatus::Failed,
        _ => ClauseStatus::Warned,
    };
    if let Some(reason) =
        first_reason(ScenarioStatus::Failed).or_else(|| first_reason(ScenarioStatus::Warned))
    {
        return (broken, Some(reason));
    }
    if let Some(e) = evidence.first() {
        return (
            broken,
            Some(format!(
                "seen in {} ({} scenario {:?}): {}",
                e.scenario, e.clause, e.name, e.message
            )),
        );
    }
    if let Some(reason) = first_reason(ScenarioStatus::Error) {
        return (ClauseStatus::NotRun, Some(reason));
    }
    if let Some(blocked) = with(ScenarioStatus::Blocked).next() {
        let by = blocked
            .root_cause
            .as_ref()
            .map_or_else(String::new, |c| format!(" by {}", c.clause));
        return (
            ClauseStatus::Blocked,
            Some(format!(
                "not judged: blocked{by} in {} of {} scenarios: {}",
                with(ScenarioStatus::Blocked).count(),
                scenarios.len(),
                blocked.reason.clone().unwrap_or_default()
            )),
        );
    }
    let passed = with(ScenarioStatus::Passed).count();
    let not_run: Vec<&ScenarioResult> = with(ScenarioStatus::NotRun).collect();
    let notes: Vec<String> = scenarios
        .iter()
        .flat_map(|s| s.observations.iter().cloned())
        .collect();
    match (passed, not_run.first()) {
        (0, first) => (ClauseStatus::NotRun, first.and_then(|s| s.reason.clone())),
        (_, None) => (
            ClauseStatus::Passed,
            (!notes.is_empty()).then(|| format!("note: {}", notes.join("; "))),
        ),
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

fn judge_info(scenarios: &[ScenarioResult]) -> (ClauseStatus, Option<String>) {
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
    let any = |status| scenarios.iter().any(|s| s.status == status);
    let status = if any(ScenarioStatus::Passed) {
        ClauseStatus::Info
    } else if any(ScenarioStatus::Blocked) {
        ClauseStatus::Blocked
    } else {
        ClauseStatus::NotRun
    };
    (status, Some(notes.join("; ")))
}

/// The verdict over all clauses. A blocked clause that counts is never conformant: its
/// root cause is a failure of another clause, or at least the run is incomplete.
pub fn verdict(clauses: &[ClauseResult], strict: bool) -> Verdict {
    let counts = |c: &&ClauseResult| c.grade == Grade::Must || (strict && c.grade == Grade::Should);
    let any = |statuses: &[ClauseStatus]| {
        clauses
            .iter()
            .filter(counts)
            .any(|c| statuses.contains(&c.status))
    };
    if any(&[ClauseStatus::Failed, ClauseStatus::Warned]) {
        Verdict::NonConformant
    } else if any(&[ClauseStatus::NotRun, ClauseStatus::Blocked]) {
        Verdict::Incomplete
    } else {
        Verdict::Conformant
    }
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod tests;
