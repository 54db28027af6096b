//! What a check found, and which clause it belongs to.
//!
//! Every check a step makes belongs to one clause, its *home*: "the answer is the
//! documented success" belongs to LO-01, "both cookies are cleared" to LO-02. In a
//! scenario of clause X, a failing check
//! - of X itself, or of a clause X's own text demands (LO-05 "answers as LO-01"), fails
//!   the scenario;
//! - of any other clause is *evidence* for that clause: it fails there, with this
//!   scenario named, and X's scenario goes on to its own checks;
//! - that is a *precondition* (a session opened, a logout that succeeded) blocks the
//!   scenario: X is not judged here, and the failure is evidence for the precondition's
//!   home clause.
//!
//! Each failure carries a [`Cause`]: the home clause and a short key that is the same
//! wherever the same defect shows (`status 403`), so reports name one root cause once.

use std::fmt;

use serde::Serialize;

use crate::plan::clause_id::ClauseId;

/// How a check fell short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Short and stable across scenarios, e.g. `status 403`: the grouping key.
    pub key: String,
    pub expected: String,
    pub actual: String,
}

impl Problem {
    pub fn new(
        key: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Self {
            key: key.into(),
            expected: expected.into(),
            actual: actual.into(),
        }
    }

    /// Expected vs actual, aligned, as failure output shows it.
    pub fn message(&self) -> String {
        format!("expected: {}\n  actual:   {}", self.expected, self.actual)
    }
}

/// The root cause of a failure: the clause whose check failed, and the defect's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Cause {
    pub clause: ClauseId,
    pub key: String,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.clause, self.key)
    }
}

/// A failed check of another clause, seen in a scenario that went on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub cause: Cause,
    pub message: String,
}

/// Why a step ended the scenario early: the payload of the step's panic, which is how
/// cucumber learns that a step ended.
#[derive(Debug, Clone)]
pub enum StepEnd {
    /// A check of the scenario's own clause (or one its text demands) failed.
    Failed { cause: Cause, message: String },
    /// A precondition failed: the scenario's clause is not judged here.
    Blocked { cause: Cause, message: String },
    /// The check could not be made: a setup request, the probe or a capability failed.
    CouldNotRun(String),
}

/// Ends the step: the scenario's clause cannot be judged (never a pass, never the
/// target's failure).
pub fn could_not_run(message: impl fmt::Display) -> ! {
    end(StepEnd::CouldNotRun(message.to_string()))
}

/// Ends the step with `why`.
pub fn end(why: StepEnd) -> ! {
    std::panic::panic_any(why)
}

/// Where the clause of a scenario stands towards the checks its steps make.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    /// The scenario's own clause.
    pub clause: ClauseId,
    /// Clauses whose checks the own clause's text demands (`LO-05` demands `LO-01`).
    pub demands: Vec<ClauseId>,
}

impl Judged {
    /// Whether a failing check of `home` fails this scenario (rather than being
    /// evidence for `home` elsewhere).
    pub fn owns(&self, home: ClauseId) -> bool {
        self.clause == home || self.demands.contains(&home)
    }
}
