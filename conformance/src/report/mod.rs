//! Renderings of a run's results: the console, the clause-level JSON report, JUnit XML,
//! cucumber's JSON format and the HTML page. All five apply one status mapping (see the
//! README's "Reading a verdict"): passed, failed, warned, blocked, not run, info.

pub mod console;
pub mod cucumber;
pub mod html;
pub mod json;
pub mod junit;
pub mod totals;
