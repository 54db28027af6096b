//! One run of the suite: the runner picks the scenarios that can run and hands them to
//! cucumber, each in its own world whose steps send requests and make checks; the
//! collector turns cucumber's events into scenario results, which the verdict model
//! ([`crate::verdict`]) judges clause by clause.

pub mod collector;
mod error;
mod execute;
pub mod late_body;
pub mod request;
pub mod runner;
mod selection;
pub mod send;
pub(crate) mod steps;
pub mod template;
pub mod world;
