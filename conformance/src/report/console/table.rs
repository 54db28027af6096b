//! The summary: a table of clauses with their titles (the reason of a clause that did
//! not pass on the line below its row), what INFO clauses found, totals per grade and
//! the verdict.

use std::fmt::Write as _;

use crate::plan::catalogue::Grade;
use crate::style::{self, HEADING, paint};
use crate::text::shorten;
use crate::verdict::clause::ClauseStatus;
use crate::verdict::outcome::RunReport;
use crate::verdict::scenario::ScenarioStatus;

/// Where the title and the reason start: after the ID, grade and status columns.
const INDENT: usize = 6 + 2 + 6 + 2 + 8 + 2;

pub(super) fn table(out: &mut String, report: &RunReport) {
    let head = format!(
        "{:<6}  {:<6}  {:<8}  title (below: root cause and first failure, or why not run)",
        "clause", "grade", "status"
    );
    let _ = writeln!(out, "{}", paint(HEADING, &head));
    for c in &report.clauses {
        let reason = c
            .reason
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let index = |cause| {
            report
                .root_causes
                .iter()
                .position(|r| &r.cause == cause)
                .map_or_else(String::new, |i| format!("#{} ", i + 1))
        };
        let causes: String = c.root_causes.iter().map(index).collect();
        let reason = shorten(&format!("{causes}{reason}"), 110);
        let _ = writeln!(
            out,
            "{:<6}  {:<6}  {}  {}",
            c.id,
            c.grade.to_string(),
            style::status(c.status.label(), c.status.tone(), 8),
            c.title
        );
        if !reason.is_empty() {
            let _ = writeln!(out, "{:INDENT$}{}", "", paint(style::QUIET, &reason));
        }
    }
    out.push('\n');
}

/// INFO clauses in full: what the target does where the document is silent.
pub(super) fn findings(out: &mut String, report: &RunReport) {
    let info: Vec<_> = report
        .clauses
        .iter()
        // A clause not run found nothing; its row says why.
        .filter(|c| c.grade == Grade::Info && c.status != ClauseStatus::NotRun)
        .filter(|c| c.reason.is_some())
        .collect();
    if info.is_empty() {
        return;
    }
    let _ = writeln!(out, "where the document is silent (INFO, never a failure):");
    for c in info {
        for note in c.reason.as_deref().unwrap_or("").split("; ") {
            let _ = writeln!(out, "  {:<6}  {note}", c.id);
        }
    }
    out.push('\n');
}

pub(super) fn totals(out: &mut String, report: &RunReport) {
    for grade in [Grade::Must, Grade::Should, Grade::Info] {
        let line = crate::report::totals::line(report, grade);
        let _ = writeln!(out, "{:<7} {line}", format!("{grade}:"));
    }
}

/// The verdict line: the verdict, its exit code, the target, the contract judged, how
/// many scenarios were judged and the wall time.
pub(super) fn verdict(out: &mut String, report: &RunReport) {
    let scenarios = report.scenarios().count();
    let with = |status| report.scenarios().filter(|s| s.status == status).count();
    let ran =
        with(ScenarioStatus::Passed) + with(ScenarioStatus::Failed) + with(ScenarioStatus::Warned);
    let mut errors = String::new();
    if let n @ 1.. = with(ScenarioStatus::Blocked) {
        errors.push_str(&format!(", {n} blocked"));
    }
    if let n @ 1.. = with(ScenarioStatus::Error) {
        errors.push_str(&format!(", {n} could not run"));
    }
    let label = report.verdict.label();
    let _ = writeln!(
        out,
        "verdict: {}{} — exit {} against {}, judged on the {} ({ran} of {scenarios} scenarios judged{errors}, {:.2} s)",
        paint(report.verdict.tone().style().bold(), label),
        if report.strict { " (strict)" } else { "" },
        report.verdict.exit_code(),
        report.target,
        report.contract.summary(),
        report.wall_time.as_secs_f64()
    );
    for c in &report.clauses {
        if let Some(known) = c.known.as_ref().filter(|k| k.fails_run()) {
            let _ = writeln!(out, "  {}: {}", c.id, known.describe());
        }
    }
}
