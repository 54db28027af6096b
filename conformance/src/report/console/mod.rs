//! The terminal report: each root cause once (the defect, its first failure in full
//! with the HTTP exchange, and every clause and scenario it touched), scenarios that
//! could not run, then a table of clauses with their titles, what INFO clauses found,
//! totals per grade, the verdict and the wall time.
//!
//! The text carries terminal styles ([`crate::style`]); [`render`] gives it plain, for
//! callers that are not a terminal. Long failures are folded ([`fold`]).

mod causes;
mod exchanges;
pub mod fold;
mod skipped;
mod table;

use crate::verdict::outcome::RunReport;

/// How much the report says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Verbosity {
    /// The verdict and the failures only (`-q`).
    Quiet,
    /// Failures, the clause table, totals and the verdict.
    #[default]
    Normal,
    /// Also every scenario's HTTP exchanges, those of passing scenarios too (`-v`).
    Verbose,
}

/// The whole report as plain text.
pub fn render(report: &RunReport) -> String {
    crate::style::strip(&render_styled(report, Verbosity::Normal))
}

/// The report with terminal styles, saying as much as `verbosity` asks.
pub fn render_styled(report: &RunReport, verbosity: Verbosity) -> String {
    let mut out = String::new();
    if verbosity != Verbosity::Quiet {
        skipped::skipped(&mut out, report, verbosity == Verbosity::Verbose);
    }
    if verbosity == Verbosity::Verbose {
        exchanges::every_exchange(&mut out, report);
    }
    for (i, cause) in report.root_causes.iter().enumerate() {
        causes::root_cause(&mut out, report, i + 1, cause);
    }
    causes::could_not_run(&mut out, report);
    if verbosity != Verbosity::Quiet {
        table::table(&mut out, report);
        table::findings(&mut out, report);
        table::totals(&mut out, report);
    }
    table::verdict(&mut out, report);
    out
}
