//! Scenarios not run, marked `SKIP` as the progress lines mark the others: one line
//! each with `-v`, else a count (the clause table says why).

use std::fmt::Write as _;

use crate::plan::catalogue::Grade;
use crate::verdict::outcome::RunReport;
use crate::verdict::scenario::ScenarioStatus;

pub(super) fn skipped(out: &mut String, report: &RunReport, each: bool) {
    let skipped: Vec<_> = report
        .scenarios()
        .filter(|s| s.status == ScenarioStatus::NotRun)
        .collect();
    if skipped.is_empty() {
        return;
    }
    let mark = ScenarioStatus::NotRun.marked(Grade::Must, 7);
    if !each {
        let n = skipped.len();
        let _ = writeln!(
            out,
            "  {mark} {n} scenario{} not run (the table says why; -v lists {})\n",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        );
        return;
    }
    for s in skipped {
        let _ = writeln!(
            out,
            "  {mark} {:<6} {}  {} — {}",
            s.clause,
            s.key,
            s.name,
            s.reason.as_deref().unwrap_or("not run")
        );
    }
    out.push('\n');
}
