//! The per-grade totals line that the console and the HTML page both show, so the two
//! always count alike.

use crate::plan::catalogue::Grade;
use crate::verdict::clause::ClauseStatus;
use crate::verdict::known::KnownState;
use crate::verdict::outcome::RunReport;

/// `13 passed, 0 failed, 0 blocked, 1 not run, 0 waived` for MUST (SHOULD says
/// "warned"); `3 reported, 0 not run` for INFO.
pub fn line(report: &RunReport, grade: Grade) -> String {
    let of: Vec<_> = report.clauses.iter().filter(|c| c.grade == grade).collect();
    let count = |s: ClauseStatus| of.iter().filter(|c| c.status == s).count();
    if grade == Grade::Info {
        return format!(
            "{} reported, {} not run",
            count(ClauseStatus::Info),
            count(ClauseStatus::NotRun)
        );
    }
    let known = of
        .iter()
        .filter(|c| matches!(c.status, ClauseStatus::Failed | ClauseStatus::Warned))
        .filter(|c| {
            c.known
                .as_ref()
                .is_some_and(|k| k.state == KnownState::Holds)
        })
        .count();
    format!(
        "{} passed, {} {}{}, {} blocked, {} not run, {} waived",
        count(ClauseStatus::Passed),
        count(ClauseStatus::Failed) + count(ClauseStatus::Warned),
        if grade == Grade::Must {
            "failed"
        } else {
            "warned"
        },
        if known > 0 {
            format!(" ({known} known)")
        } else {
            String::new()
        },
        count(ClauseStatus::Blocked),
        count(ClauseStatus::NotRun),
        count(ClauseStatus::Waived)
    )
}
