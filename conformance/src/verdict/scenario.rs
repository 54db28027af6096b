//! How one scenario ended, and each of its steps.
//!
//! A scenario *fails* when the target broke its clause, and *could not run* when the
//! check itself could not be made (a setup request failed, a capability action failed).
//! The two stay apart all the way to the exit code: a check that could not run is never
//! a pass and never a failure of the target.

use std::time::Duration;

use serde::Serialize;

use crate::plan::catalogue::Grade;
use crate::plan::clause_id::ClauseId;
use crate::plan::features::{ScenarioInfo, ScenarioKey};
use crate::style::{self, Tone};
use crate::verdict::check::{Cause, Evidence};

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

    /// The mark of a scenario of a clause of `grade`, painted: an INFO scenario whose
    /// check failed only reports what the target does (`INFO`), as the clause table and
    /// the HTML report show it.
    pub fn marked(self, grade: Grade, width: usize) -> String {
        let (word, tone) = match (self, grade) {
            (ScenarioStatus::Failed | ScenarioStatus::Warned, Grade::Info) => ("INFO", Tone::Info),
            (ScenarioStatus::Passed, _) => ("PASS", Tone::Good),
            (ScenarioStatus::Failed, _) => ("FAIL", Tone::Bad),
            (ScenarioStatus::Warned, _) => ("WARN", Tone::Warn),
            (ScenarioStatus::Blocked | ScenarioStatus::Error, _) => (self.mark(), Tone::Blocked),
            (ScenarioStatus::NotRun, _) => (self.mark(), Tone::Quiet),
        };
        style::status(word, tone, width)
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
    pub clause: ClauseId,
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
            clause: info.clause,
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
