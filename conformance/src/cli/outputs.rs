//! The report files a run writes: created before anything starts (an unwritable path
//! is a harness error before the target is contacted), filled at the end — with the
//! results, or, when the run reached no verdict, with the harness error.

use std::path::PathBuf;

use anyhow::Context as _;
use logout_conformance::report::{self, harness_error};
use logout_conformance::{RunReport, Suite};

/// The files the arguments ask for.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub report: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub badge: Option<PathBuf>,
}

impl Outputs {
    fn each(&self) -> [(&'static str, &Option<PathBuf>); 6] {
        [
            ("--report", &self.report),
            ("--junit", &self.junit),
            ("--json", &self.json),
            ("--html", &self.html),
            ("--markdown", &self.markdown),
            ("--badge", &self.badge),
        ]
    }

    /// Creates (or empties) every file, so that an unwritable path fails the run before
    /// the target is contacted, not after.
    pub fn create(&self) -> anyhow::Result<()> {
        for (flag, path) in self.each() {
            if let Some(path) = path {
                crate::cli::checks::writable(flag, path)?;
            }
        }
        Ok(())
    }

    /// Writes every file from the run's results.
    pub fn write(&self, suite: &Suite, report: &RunReport) -> anyhow::Result<()> {
        let context = |path: &PathBuf| format!("cannot write {}", path.display());
        if let Some(path) = &self.report {
            report::json::write(report, path).with_context(|| context(path))?;
        }
        if let Some(path) = &self.junit {
            report::junit::write(report, path).with_context(|| context(path))?;
        }
        if let Some(path) = &self.json {
            report::cucumber::write_file(suite, report, path).with_context(|| context(path))?;
        }
        if let Some(path) = &self.html {
            report::html::write_with(report, Some(suite), path).with_context(|| context(path))?;
        }
        if let Some(path) = &self.markdown {
            report::markdown::write(report, path).with_context(|| context(path))?;
        }
        if let Some(path) = &self.badge {
            report::badge::write(report, path).with_context(|| context(path))?;
        }
        Ok(())
    }

    /// Writes every file that can be written as a harness error's report; files that
    /// cannot be written are left as they are (the error already says why).
    pub fn write_harness_error(&self, message: &str) {
        let requested = harness_error::Requested {
            report: self.report.as_deref(),
            junit: self.junit.as_deref(),
            json: self.json.as_deref(),
            html: self.html.as_deref(),
            markdown: self.markdown.as_deref(),
            badge: self.badge.as_deref(),
        };
        if let Err(e) = harness_error::write_all(&requested, message) {
            eprintln!("error: not every report could say so: {e}");
        }
    }
}
