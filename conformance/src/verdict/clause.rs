//! How each clause stands: judged on its own scenarios and on the failed checks of it
//! that other clauses' scenarios saw, so that a defect counts against the clause it
//! breaks wherever it shows.

use serde::Serialize;

use crate::plan::catalogue::{Catalogue, Grade};
use crate::plan::clause_id::ClauseId;
use crate::plan::features::ScenarioKey;
use crate::style::Tone;
use crate::verdict::check::Cause;
use crate::verdict::known::Known;
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus};

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
    /// The word the console's clause table uses.
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

    /// How the label is painted.
    pub fn tone(self) -> Tone {
        match self {
            ClauseStatus::Passed => Tone::Good,
            ClauseStatus::Failed => Tone::Bad,
            ClauseStatus::Warned => Tone::Warn,
            ClauseStatus::Blocked => Tone::Blocked,
            ClauseStatus::NotRun | ClauseStatus::Waived => Tone::Quiet,
            ClauseStatus::Info => Tone::Info,
        }
    }
}

/// A failed check of a clause seen in a scenario of another clause.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFrom {
    pub scenario: ScenarioKey,
    /// The scenario's name and clause.
    pub name: String,
    pub clause: ClauseId,
    pub root_cause: Cause,
    pub message: String,
    /// The scenario's HTTP exchanges, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
}

/// One clause's result.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    pub id: ClauseId,
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
    /// False when the clause does not apply to this target (LO-28 without a second
    /// instance): it is not run and does not make the run incomplete.
    #[serde(skip_serializing_if = "is_true")]
    pub applies: bool,
    /// The profile's known failure of this clause, and whether it still holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<Known>,
    pub scenarios: Vec<ScenarioResult>,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// Groups scenario results by clause, in catalogue order, and judges each clause on its
/// own scenarios and on the evidence other scenarios found for it.
pub fn clauses(results: &[ScenarioResult], waived: &dyn Fn(ClauseId) -> bool) -> Vec<ClauseResult> {
    Catalogue::get()
        .clauses
        .iter()
        .map(|clause| {
            let scenarios: Vec<ScenarioResult> = results
                .iter()
                .filter(|r| r.clause == clause.id)
                .cloned()
                .collect();
            let evidence = evidence_for(clause.id, results);
            let (status, reason) = if waived(clause.id) {
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
                id: clause.id,
                grade: clause.grade,
                title: clause.title.clone(),
                status,
                reason,
                root_causes,
                evidence,
                applies: true,
                known: None,
                scenarios,
            }
        })
        .collect()
}

/// Every failed check of clause `id` in other clauses' scenarios: evidence they noted,
/// and preconditions of `id` that blocked them.
fn evidence_for(id: ClauseId, results: &[ScenarioResult]) -> Vec<EvidenceFrom> {
    let mut out = Vec::new();
    for r in results.iter().filter(|r| r.clause != id) {
        let from = |cause: &Cause, message: &str| EvidenceFrom {
            scenario: r.key.clone(),
            name: r.name.clone(),
            clause: r.clause,
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
        return (
            ClauseStatus::Blocked,
            Some(format!(
                "not judged: {} in {} of {} scenarios",
                blocked_by(blocked),
                with(ScenarioStatus::Blocked).count(),
                scenarios.len(),
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
            ScenarioStatus::Blocked => vec![format!("{}: not observed, {}", s.name, blocked_by(s))],
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

/// "blocked by LO-01 (status 403)": the clause to look at and how its check failed.
fn blocked_by(scenario: &ScenarioResult) -> String {
    match &scenario.root_cause {
        Some(cause) => format!("blocked by {} ({})", cause.clause, cause.key),
        None => "blocked".to_owned(),
    }
}
