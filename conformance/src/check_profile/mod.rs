//! `check-profile`: register → log in → probe → log out → probe once, as the profile
//! says, each exchange shown (tokens masked), and for each step that does not behave as
//! the profile says, what to change ([`hints`]). A check of the profile, not a verdict
//! on the target: no clause is judged here.

mod command;
mod flow;
mod hints;

pub use command::{CheckProfileArgs, Command, CommandError};

use std::fmt::Write as _;
use std::sync::Arc;

use futures::FutureExt as _;

use crate::plan::contract::Contract;
use crate::run::world::LogoutWorld;
use crate::under_test::Target;
use crate::verdict::check::Judged;

/// One step of the check.
#[derive(Debug, Clone)]
pub struct Step {
    pub title: String,
    pub outcome: Outcome,
    /// Its exchanges, tokens masked.
    pub transcript: String,
}

/// How a step went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As the profile says; what was seen.
    Ok(String),
    /// Not as the profile says: what happened, and what to change.
    Problem { what: String, hint: String },
    /// Not tried: an earlier step failed.
    NotRun(String),
}

/// The whole check.
#[derive(Debug, Clone)]
pub struct ProfileCheck {
    pub target: String,
    pub contract: Contract,
    pub steps: Vec<Step>,
}

impl ProfileCheck {
    /// Whether every step behaved as the profile says.
    pub fn passed(&self) -> bool {
        self.steps
            .iter()
            .all(|s| matches!(s.outcome, Outcome::Ok(_)))
    }

    /// The check as the terminal shows it.
    pub fn render(&self) -> String {
        let mut out = format!(
            "check-profile against {} — {}\n",
            self.target,
            self.contract.summary()
        );
        for (i, step) in self.steps.iter().enumerate() {
            let (mark, line) = match &step.outcome {
                Outcome::Ok(seen) => ("ok  ", seen.clone()),
                Outcome::Problem { what, .. } => ("FAIL", what.clone()),
                Outcome::NotRun(why) => ("skip", why.clone()),
            };
            let _ = writeln!(out, "\n{}. [{mark}] {}: {line}", i + 1, step.title);
            out.push_str(&step.transcript);
            if let Outcome::Problem { hint, .. } = &step.outcome {
                let _ = writeln!(out, "   hint: {hint}");
            }
        }
        let problems = self
            .steps
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Problem { .. }))
            .count();
        let _ = writeln!(
            out,
            "\n{}",
            if self.passed() {
                "the profile describes the target: every step behaved as it says".to_owned()
            } else {
                format!("{problems} step(s) did not behave as the profile says")
            }
        );
        out
    }
}

/// Runs the check against `target` (described by its profile).
pub async fn check_profile(target: Arc<Target>) -> ProfileCheck {
    let mut check = ProfileCheck {
        target: target.endpoint.base().to_string(),
        contract: Contract::of(&target.profile),
        steps: Vec::new(),
    };
    let mut world = LogoutWorld::blank();
    world.bind(target.clone(), Judged::default());
    // A step of the kit that could not run ends the check where it stands.
    let _ = std::panic::AssertUnwindSafe(flow::steps(&target, &mut world, &mut check.steps))
        .catch_unwind()
        .await;
    let masker = target.secrets.masker();
    for step in &mut check.steps {
        step.transcript = masker.mask(&step.transcript);
        if let Outcome::Problem { what, .. } = &mut step.outcome {
            *what = masker.mask(what);
        }
    }
    check
}

#[cfg(test)]
mod tests;
