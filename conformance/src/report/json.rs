//! The clause-level JSON report (`--report FILE`).

use std::path::Path;

use crate::verdict::outcome::RunReport;

/// Writes the report as pretty JSON.
pub fn write(report: &RunReport, path: &Path) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}
