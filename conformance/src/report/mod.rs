//! Renderings of a run's results: the console, the clause-level JSON report, JUnit XML,
//! cucumber's JSON format, the HTML page, a Markdown summary and a badge. All apply one status mapping (see the
//! README's "Reading a verdict"): passed, failed, warned, blocked, not run, info.

pub mod badge;
pub mod cause_title;
pub mod console;
pub mod cucumber;
pub mod diff;
pub mod harness_error;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
pub mod saved;
pub mod totals;
