//! Step definitions, one file per domain concept. Every step text used in `features/`
//! must match exactly one definition here: an undefined step fails the scenario.

mod browser;
mod compare;
mod cookies;
mod instances;
mod logout;
mod probe;
mod raw;
mod report;
mod response;
mod session;
mod store;

pub use session::open_session;
