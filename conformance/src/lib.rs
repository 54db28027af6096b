//! A conformance kit for the cookie-based `POST /auth/logout` contract.
//!
//! Data flows one way: the feature files ([`features`]) and the clause catalogue
//! ([`catalogue`]) are run by cucumber ([`runner`], with the [`world`] and its steps)
//! against a [`target`] described by a [`profile`]; each scenario's result becomes a
//! clause [`verdict`], and the [`report`] module renders them.
#![forbid(unsafe_code)]

pub mod action;
pub mod catalogue;
pub mod check;
pub mod collector;
pub mod container;
pub mod cookies;
pub mod embedded;
pub mod exchange;
pub mod features;
pub mod profile;
pub mod raw;
pub mod report;
pub mod root_cause;
pub mod runner;
pub mod secrets;
mod steps;
pub mod subject;
pub mod target;
pub mod verdict;
pub mod world;

pub use catalogue::{Catalogue, Grade};
pub use features::Suite;
pub use profile::Profile;
pub use runner::{RunError, RunOptions, RunReport, run};
pub use target::Target;
pub use verdict::{ClauseStatus, ScenarioStatus, Verdict};
