//! `-v`: every scenario's HTTP exchanges, those of passing scenarios too, so a reader
//! can see what the kit sent and what the target answered where nothing failed.

use std::fmt::Write as _;

use crate::report::console::causes::indented;
use crate::style::{HEADING, paint};
use crate::verdict::outcome::RunReport;

pub(super) fn every_exchange(out: &mut String, report: &RunReport) {
    let _ = writeln!(
        out,
        "{}",
        paint(HEADING, "every exchange, scenario by scenario:")
    );
    for s in report.scenarios().filter(|s| s.transcript.is_some()) {
        let _ = writeln!(
            out,
            "{} {:<6} {}  {}",
            s.status.marked(s.grade, 7),
            s.clause,
            s.key,
            s.name
        );
        if let Some(transcript) = &s.transcript {
            let _ = writeln!(out, "{}", indented(transcript));
        }
    }
    out.push('\n');
}
