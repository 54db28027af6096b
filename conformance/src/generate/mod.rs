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
