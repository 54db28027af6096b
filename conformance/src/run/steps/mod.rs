//! Step definitions, one file per domain concept. Every step text used in `features/`
//! must match exactly one definition here: an undefined step fails the scenario.

mod browser;
mod compare;
mod cookies;
mod instances;
mod logout;
pub(crate) mod probe;
mod raw;
mod report;
pub(crate) mod response;
pub(crate) mod session;
mod session_cookies;
mod store;

pub use session::open_session;
