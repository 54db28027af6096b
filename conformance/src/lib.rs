//! A conformance kit for the cookie-based `POST /auth/logout` contract.
//!
//! The folders follow the data, which flows one way:
//! - [`browser`]: a headless Chromium over CDP, for the checks only a real browser can
//!   make (LO-40) and for looking at the HTML report;
//! - [`plan`]: what to run and against what description — the clause catalogue, the
//!   feature files that check it, and the target's profile;
//! - [`under_test`]: the implementation under test (the *target*) — its endpoint and
//!   shared run state, how the CLI starts one (URL, embedded reference server,
//!   container), and the profile's capability actions. (Not named `target/`: tools take
//!   such folders for build output and skip them.)
//! - [`http`]: requests and answers as recorded exchanges, raw requests, cookies, the
//!   endpoint policy (base URL, time limit, client) and the secrets to mask;
//! - [`run`](mod@run): cucumber runs the scenarios against the target; its steps send
//!   requests and make checks, and the collector turns its events into scenario results;
//! - [`generate`]: generated inputs (`--generate N`, `--seed S`): each case judged by
//!   its clause's oracle, a failure shrunk to a minimal case and replayable by its seed;
//! - [`verdict`]: the verdict model — checks and the clause each belongs to, scenario and
//!   clause results, root causes and the run's verdict, handed back as a [`RunReport`];
//! - [`check_profile`]: `check-profile`, one walk through a profile's requests against a
//!   target, with a hint for each step that does not behave as the profile says;
//! - [`report`]: renderings of that report (console, JSON, JUnit, cucumber JSON);
//! - [`style`]: the terminal styles of status words, shared by the progress line and the
//!   console report.
#![forbid(unsafe_code)]

pub mod browser;
pub mod check_profile;
pub mod generate;
pub mod http;
pub mod plan;
pub mod report;
pub mod run;
pub mod style;
mod text;
pub mod under_test;
pub mod verdict;

// The module paths other crates name.
pub use plan::{catalogue, features, profile};
/// The target: the implementation under test (the path the tests crate names).
pub use under_test as target;
pub use under_test::{container, embedded, launch};

pub use plan::catalogue::{Catalogue, Grade};
pub use plan::features::Suite;
pub use plan::profile::Profile;
pub use run::runner::{RunError, RunOptions, run};
pub use under_test::Target;
pub use verdict::clause::{ClauseResult, ClauseStatus};
pub use verdict::outcome::RunReport;
pub use verdict::overall::Verdict;
pub use verdict::scenario::ScenarioStatus;
