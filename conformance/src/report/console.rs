//! The terminal report: failure details first (where, expected vs actual, the HTTP
//! exchange), then a table of clauses, totals per grade, the verdict and the wall time.

use std::fmt::Write as _;

use crate::catalogue::Grade;
use crate::runner::RunReport;
use crate::verdict::{ClauseStatus, ScenarioStatus};

/// The whole report as text.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    details(&mut out, report);
    table(&mut out, report);
    findings(&mut out, report);
    totals(&mut out, report);
    out
}

fn details(out: &mut String, report: &RunReport) {
    for clause in &report.clauses {
        for s in &clause.scenarios {
            let title = match s.status {
                ScenarioStatus::Failed if clause.grade == Grade::Should => "WARNING",
                ScenarioStatus::Failed => "FAILED",
                ScenarioStatus::Error => "COULD NOT RUN",
                _ => continue,
            };
            if clause.grade == Grade::Info {
                continue;
            }
            let _ = writeln!(out, "{title}: {}", s.name);
            let _ = writeln!(
                out,
                "  --> {} [{} @{}]",
                s.key,
                clause.id,
                clause.grade.tag()
            );
            if let Some(step) = &s.step {
                let _ = writeln!(out, "  step: {step}");
            }
            if let Some(reason) = &s.reason {
                let _ = writeln!(out, "  {reason}");
            }
            if let Some(transcript) = &s.transcript {
                let _ = writeln!(out, "  {}", transcript.trim_end().replace('\n', "\n  "));
            }
            out.push('\n');
        }
    }
}

fn table(out: &mut String, report: &RunReport) {
    let _ = writeln!(
        out,
        "{:<6}  {:<6}  {:<8}  first failure, or why not run",
        "clause", "grade", "status"
    );
    for c in &report.clauses {
        let reason = c
            .reason
            .as_deref()
            .unwrap_or("")
            .lines()
            .collect::<Vec<_>>()
            .join(" ");
        let reason = shorten(&reason, 110);
        let _ = writeln!(
            out,
            "{:<6}  {:<6}  {:<8}  {reason}",
            c.id,
            c.grade.to_string(),
            c.status.label()
        );
    }
    out.push('\n');
}

/// INFO clauses in full: what the target does where the document is silent.
fn findings(out: &mut String, report: &RunReport) {
    let info: Vec<_> = report
        .clauses
        .iter()
        .filter(|c| c.grade == Grade::Info && c.reason.is_some())
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

fn totals(out: &mut String, report: &RunReport) {
    for grade in [Grade::Must, Grade::Should, Grade::Info] {
        let of: Vec<_> = report.clauses.iter().filter(|c| c.grade == grade).collect();
        let count = |s: ClauseStatus| of.iter().filter(|c| c.status == s).count();
        let line = if grade == Grade::Info {
            format!(
                "{} reported, {} not run",
                count(ClauseStatus::Info),
                count(ClauseStatus::NotRun)
            )
        } else {
            format!(
                "{} passed, {} {}, {} not run, {} waived",
                count(ClauseStatus::Passed),
                count(ClauseStatus::Failed) + count(ClauseStatus::Warned),
                if grade == Grade::Must {
                    "failed"
                } else {
                    "warned"
                },
                count(ClauseStatus::NotRun),
                count(ClauseStatus::Waived)
            )
        };
        let _ = writeln!(out, "{:<7} {line}", format!("{grade}:"));
    }
    let scenarios = report.scenarios().count();
    let with = |status| report.scenarios().filter(|s| s.status == status).count();
    let ran = with(ScenarioStatus::Passed) + with(ScenarioStatus::Failed);
    let errors = match with(ScenarioStatus::Error) {
        0 => String::new(),
        n => format!(", {n} could not run"),
    };
    let _ = writeln!(
        out,
        "verdict: {}{} — {} against {} ({ran} of {scenarios} scenarios run{errors}, {:.2} s)",
        serde_json::to_value(report.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        if report.strict { " (strict)" } else { "" },
        match report.verdict.exit_code() {
            0 => "exit 0",
            1 => "exit 1",
            _ => "exit 3",
        },
        report.target,
        report.wall_time.as_secs_f64()
    );
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}
