//! Generated inputs against any target: for the clauses whose text speaks of "any"
//! input (LO-08, LO-11, LO-13, LO-21, LO-22), scenarios tagged `@generated` send
//! `--generate N` random cases each, drawn from the shared strategies of
//! [`logout_generators`], and judge each by the clause's own oracle. A failing case is
//! shrunk by proptest to a minimal one, replayed once so that its HTTP exchange is the
//! one reported, and reported with the run's seed: `--seed S` generates the same cases
//! in the same order, so it replays exactly that failure.
//!
//! - [`seed`]: the run's seed ([`Generation`]) and each scenario's own stream of it;
//! - [`property`]: running one property's cases against the target and shrinking a
//!   failure.

pub mod property;
pub mod seed;

pub use seed::{Generation, Seeded};

use crate::plan::features::{ScenarioKey, Suite};
use crate::verdict::scenario::ScenarioResult;

/// With generation off (`--generate 0`), the `@generated` scenarios are not run.
pub(crate) fn set_aside(
    suite: &Suite,
    to_run: Vec<ScenarioKey>,
    generation: Generation,
) -> (Vec<ScenarioKey>, Vec<ScenarioResult>) {
    if generation.cases > 0 {
        return (to_run, Vec::new());
    }
    let mut off = Vec::new();
    let mut kept = Vec::new();
    for key in to_run {
        match suite.scenario(&key) {
            Some(info) if info.tags.iter().any(|t| t == "generated") => off.push(
                ScenarioResult::not_run(info, "generation is off (--generate 0)".into()),
            ),
            _ => kept.push(key),
        }
    }
    (kept, off)
}
