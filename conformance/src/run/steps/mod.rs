//! Step definitions, one file per domain concept. Every step text used in `features/`
//! must match exactly one definition here: an undefined step fails the scenario.

pub(crate) mod answer;
mod browser;
mod companions;
mod compare;
mod cookies;
mod generated;
mod instances;
mod live_cookies;
mod logout;
mod minted;
mod options;
pub(crate) mod probe;
mod race;
mod raw;
mod report;
pub(crate) mod response;
pub(crate) mod session;
pub(crate) mod session_cookies;
pub(crate) mod setup;
mod store;

pub use session::open_session;
