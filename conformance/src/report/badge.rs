//! `--badge FILE`: a shields.io endpoint badge (`https://img.shields.io/endpoint?url=…`
//! over the published file): `logout | 13/15 MUST`, green when conformant, red when not,
//! yellow when incomplete. With `--strict` the SHOULD clauses are counted too.

use std::path::Path;

use serde::Serialize;

use crate::plan::catalogue::Grade;
use crate::verdict::clause::ClauseStatus;
use crate::verdict::outcome::RunReport;
use crate::verdict::overall::Verdict;

/// shields.io's endpoint schema, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Badge {
    pub schema_version: u8,
    pub label: String,
    pub message: String,
    pub color: String,
}

/// Writes the badge's JSON.
pub fn write(report: &RunReport, path: &Path) -> std::io::Result<()> {
    let text = serde_json::to_string(&badge(report)).map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}

/// The badge of a run: passed clauses of those that apply (waived ones are left out).
pub fn badge(report: &RunReport) -> Badge {
    let count = |grade: Grade| {
        let of: Vec<_> = report
            .clauses
            .iter()
            .filter(|c| c.grade == grade && c.applies && c.status != ClauseStatus::Waived)
            .collect();
        let passed = of
            .iter()
            .filter(|c| c.status == ClauseStatus::Passed)
            .count();
        format!("{passed}/{} {grade}", of.len())
    };
    let mut message = count(Grade::Must);
    if report.strict {
        message = format!("{message}, {}", count(Grade::Should));
    }
    let color = match report.verdict {
        Verdict::Conformant => "brightgreen",
        Verdict::NonConformant => "red",
        Verdict::Incomplete => "yellow",
    };
    Badge {
        schema_version: 1,
        label: "logout".into(),
        message,
        color: color.into(),
    }
}

/// The badge of a run that reached no verdict (exit 2).
pub fn harness_error() -> Badge {
    Badge {
        schema_version: 1,
        label: "logout".into(),
        message: "harness error".into(),
        color: "lightgrey".into(),
    }
}
