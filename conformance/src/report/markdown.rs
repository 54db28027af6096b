//! `--markdown FILE`: a short summary for a CI step summary (GitHub's
//! `$GITHUB_STEP_SUMMARY`, GitLab's or Forgejo's job pages): the verdict, the totals per
//! grade and each failed, warned or blocked clause with its root cause. The full story
//! stays in `--html`.
//!
//! Texts from the target (reasons quote bodies) are escaped: Markdown punctuation
//! loses its meaning, `<` and `&` become entities, so a body cannot add markup.

use std::fmt::Write as _;
use std::path::Path;

use crate::plan::catalogue::Grade;
use crate::text::shorten;
use crate::verdict::clause::ClauseStatus;
use crate::verdict::outcome::RunReport;

/// Writes the summary.
pub fn write(report: &RunReport, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, render(report))
}

/// The summary as Markdown.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### logout-conformance: {}{} (exit {})\n",
        report.verdict.label(),
        if report.strict { ", strict" } else { "" },
        report.verdict.exit_code()
    );
    let stack = report
        .stack
        .as_ref()
        .map(|s| match &s.version {
            Some(v) => format!("{} {v}", s.name),
            None => s.name.clone(),
        })
        .map(|s| format!("**stack** {} · ", escape(&s)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{stack}**target** {} · {} · kit {} · {}\n",
        escape(&report.target),
        escape(&report.contract.summary()),
        escape(&report.kit_version),
        escape(&report.started_at)
    );
    let _ = writeln!(out, "| grade | clauses |\n|---|---|");
    for grade in [Grade::Must, Grade::Should, Grade::Info] {
        let line = crate::report::totals::line(report, grade);
        let _ = writeln!(out, "| {grade} | {line} |");
    }
    let shown: Vec<_> = report
        .clauses
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                ClauseStatus::Failed | ClauseStatus::Warned | ClauseStatus::Blocked
            ) || c.known.as_ref().is_some_and(|k| k.fails_run())
        })
        .collect();
    if shown.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n#### Clauses that did not pass\n");
    for c in shown {
        let causes = c
            .root_causes
            .iter()
            .map(|cause| format!("`{}`", cause.to_string().replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", ");
        let reason = c
            .reason
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "- **{}** {} {} — {}{}{}",
            c.id,
            c.grade,
            c.status.label(),
            escape(&c.title),
            if causes.is_empty() {
                String::new()
            } else {
                format!("; root cause {causes}")
            },
            if reason.is_empty() {
                String::new()
            } else {
                format!(": {}", escape(&shorten(&reason, 300)))
            }
        );
    }
    out
}

/// Text as Markdown that means only itself.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
