//! The failures in full: each root cause once with its first failure and the HTTP
//! exchange, and each scenario that could not run.

use std::fmt::Write as _;

use crate::plan::catalogue::Grade;
use crate::plan::clause_id::ClauseId;
use crate::report::console::fold::fold;
use crate::style::{BAD, BLOCKED, paint};
use crate::verdict::outcome::RunReport;
use crate::verdict::root_cause::RootCause;
use crate::verdict::scenario::ScenarioStatus;

/// A transcript indented under its heading, its repeats folded.
pub(super) fn indented(text: &str) -> String {
    format!("  {}", fold(text.trim_end()).replace('\n', "\n  "))
}

pub(super) fn root_cause(out: &mut String, report: &RunReport, n: usize, cause: &RootCause) {
    let mut touched = Vec::new();
    if !cause.failed.is_empty() {
        touched.push(format!("fails {}", ClauseId::joined(&cause.failed)));
    }
    if !cause.blocked.is_empty() {
        touched.push(format!("blocks {}", ClauseId::joined(&cause.blocked)));
    }
    let heading = format!(
        "ROOT CAUSE {n}: {}",
        crate::report::cause_title::title(report, cause)
    );
    let _ = writeln!(
        out,
        "{} — {} ({} scenario{})",
        paint(BAD, &heading),
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
    // A message's own lines are indented already.
    let _ = writeln!(out, "  {}", fold(cause.message.trim_end()));
    let transcript = example
        .and_then(|s| s.transcript.clone())
        .or_else(|| evidence.and_then(|e| e.transcript.clone()));
    if let Some(transcript) = transcript {
        let _ = writeln!(out, "{}", indented(&transcript));
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
                "    {} {:<6} {}  {}",
                s.status.marked(s.grade, 7),
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

pub(super) fn could_not_run(out: &mut String, report: &RunReport) {
    for s in report.scenarios() {
        if s.status != ScenarioStatus::Error || s.grade == Grade::Info {
            continue;
        }
        let _ = writeln!(out, "{} {}", paint(BLOCKED, "COULD NOT RUN:"), s.name);
        let _ = writeln!(out, "  --> {} [{} @{}]", s.key, s.clause, s.grade.tag());
        if let Some(step) = &s.step {
            let _ = writeln!(out, "  step: {step}");
        }
        if let Some(reason) = &s.reason {
            let _ = writeln!(out, "{}", indented(reason));
        }
        if let Some(transcript) = &s.transcript {
            let _ = writeln!(out, "{}", indented(transcript));
        }
        out.push('\n');
    }
}
