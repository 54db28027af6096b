//! One run of the suite: the runner picks the scenarios that can run and hands them to
//! cucumber, each in its own world whose steps send requests and judge the answers; the
//! collector turns cucumber's events into scenario results, which are judged clause by
//! clause, grouped by root cause and summed up in a verdict: the run's outcome.

pub mod check;
pub mod check_profile;
pub mod clause;
pub mod collector;
pub mod known;
pub mod outcome;
pub mod request;
pub mod root_cause;
pub mod runner;
pub mod scenario;
pub mod send;
mod steps;
pub mod template;
pub mod verdict;
pub mod world;
