//! A conformance kit for the cookie-based `POST /auth/logout` contract.
#![forbid(unsafe_code)]

pub mod http;
pub mod plan;
pub mod report;
pub mod run;
pub mod target;

pub use plan::{catalogue, features, profile};
pub use target::{container, embedded, subject};

pub use plan::catalogue::{Catalogue, Grade};
pub use plan::features::Suite;
pub use plan::profile::Profile;
pub use run::runner::{RunError, RunOptions, RunReport, run};
pub use run::verdict::{self, ClauseStatus, ScenarioStatus, Verdict};
pub use target::Target;
