//! One run of the suite: cucumber runs the selected scenarios, each in its own world;
//! their results are judged clause by clause, grouped by root cause, and summed up in a
//! verdict.

pub mod check;
pub mod collector;
pub mod root_cause;
pub mod runner;
mod steps;
pub mod verdict;
pub mod world;
