//! The terminal report: each root cause once (the defect, its first failure in full
//! with the HTTP exchange, and every clause and scenario it touched), scenarios that
//! could not run, then a table of clauses, what INFO clauses found, totals per grade,
//! the verdict and the wall time.

use std::fmt::Write as _;

use crate::plan::catalogue::Grade;
use crate::run::clause::ClauseStatus;
use crate::run::outcome::RunReport;
use crate::run::root_cause::RootCause;
use crate::run::scenario::ScenarioStatus;

/// The whole report as text.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    for (i, cause) in report.root_causes.iter().enumerate() {
        root_cause(&mut out, report, i + 1, cause);
    }
    could_not_run(&mut out, report);
    table(&mut out, report);
    findings(&mut out, report);
    totals(&mut out, report);
    out
}

fn root_cause(out: &mut String, report: &RunReport, n: usize, cause: &RootCause) {
    let mut touched = Vec::new();
    if !cause.failed.is_empty() {
        touched.push(format!("fails {}", cause.failed.join(", ")));
    }
    if !cause.blocked.is_empty() {
        touched.push(format!("blocks {}", cause.blocked.join(", ")));
    }
    let _ = writeln!(
        out,
        "ROOT CAUSE {n}: {} — {} ({} scenario{})",
        cause.cause,
        touched.join("; "),
        cause.scenarios,
        if cause.scenarios == 1 { "" } else { "s" }
    );
    let example = report.scenarios().find(|s| s.key == cause.example);
    let evidence = report
        .clauses
        .iter()
        .flat_map(|c| c.evidence.iter())
        .find(|e| e.scenario == cause.example && e.root_cause == cause.cause);
    if let Some(s) = example {
        let _ = writeln!(
            out,
            "  --> {} [{} @{}] {}",
            s.key,
            s.clause,
            s.grade.tag(),
            s.name
        );
        if let Some(step) = s
            .step
            .as_ref()
            .filter(|_| s.root_cause.as_ref() == Some(&cause.cause))
        {
            let _ = writeln!(out, "  step: {step}");
        }
    }
    let _ = writeln!(out, "  {}", cause.message.trim_end());
    let transcript = example
        .and_then(|s| s.transcript.clone())
        .or_else(|| evidence.and_then(|e| e.transcript.clone()));
    if let Some(transcript) = transcript {
        let _ = writeln!(out, "  {}", transcript.trim_end().replace('\n', "\n  "));
    }
    let others: Vec<String> = report
        .scenarios()
        .filter(|s| s.key != cause.example)
        .filter(|s| {
            s.root_cause.as_ref() == Some(&cause.cause)
                || s.evidence.iter().any(|e| e.cause == cause.cause)
        })
        .map(|s| {
            format!(
                "    {:<7} {:<6} {}  {}",
                s.status.mark(),
                s.clause,
                s.key,
                s.name
            )
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "  the same root cause in:\n{}", others.join("\n"));
    }
    out.push('\n');
}

fn could_not_run(out: &mut String, report: &RunReport) {
    for s in report.scenarios() {
        if s.status != ScenarioStatus::Error || s.grade == Grade::Info {
            continue;
        }
        let _ = writeln!(out, "COULD NOT RUN: {}", s.name);
        let _ = writeln!(out, "  --> {} [{} @{}]", s.key, s.clause, s.grade.tag());
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

fn table(out: &mut String, report: &RunReport) {
    let _ = writeln!(
        out,
        "{:<6}  {:<6}  {:<8}  root cause and first failure, or why not run",
        "clause", "grade", "status"
    );
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
                "{} passed, {} {}, {} blocked, {} not run, {} waived",
                count(ClauseStatus::Passed),
                count(ClauseStatus::Failed) + count(ClauseStatus::Warned),
                if grade == Grade::Must {
                    "failed"
                } else {
                    "warned"
                },
                count(ClauseStatus::Blocked),
                count(ClauseStatus::NotRun),
                count(ClauseStatus::Waived)
            )
        };
        let _ = writeln!(out, "{:<7} {line}", format!("{grade}:"));
    }
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
    let _ = writeln!(
        out,
        "verdict: {}{} — {} against {} ({ran} of {scenarios} scenarios judged{errors}, {:.2} s)",
        report.verdict.label(),
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
