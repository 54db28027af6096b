//! The verdict of a run, the one word the exit code carries.

use serde::Serialize;

use crate::plan::catalogue::Grade;
use crate::style::Tone;
use crate::verdict::clause::{ClauseResult, ClauseStatus};
use crate::verdict::known::Known;

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

    /// How the label is painted.
    pub fn tone(self) -> Tone {
        match self {
            Verdict::Conformant => Tone::Good,
            Verdict::NonConformant => Tone::Bad,
            Verdict::Incomplete => Tone::Blocked,
        }
    }
}

/// The verdict over all clauses. A blocked clause that counts is never conformant: its
/// root cause is a failure of another clause, or at least the run is incomplete.
pub fn verdict(clauses: &[ClauseResult], strict: bool) -> Verdict {
    let counts = |c: &&ClauseResult| {
        c.applies && (c.grade == Grade::Must || (strict && c.grade == Grade::Should))
    };
    let any = |statuses: &[ClauseStatus]| {
        clauses
            .iter()
            .filter(counts)
            .any(|c| statuses.contains(&c.status))
    };
    // A known failure that still fails does not count; one that went stale or whose
    // date passed fails the run whatever the clause's grade.
    let broken = clauses
        .iter()
        .filter(counts)
        .filter(|c| c.known.as_ref().is_none_or(Known::fails_run))
        .any(|c| matches!(c.status, ClauseStatus::Failed | ClauseStatus::Warned));
    let stale = clauses
        .iter()
        .any(|c| c.known.as_ref().is_some_and(Known::fails_run));
    if broken || stale {
        Verdict::NonConformant
    } else if any(&[ClauseStatus::NotRun, ClauseStatus::Blocked]) {
        Verdict::Incomplete
    } else {
        Verdict::Conformant
    }
}

#[cfg(test)]
#[path = "overall_tests.rs"]
mod tests;
