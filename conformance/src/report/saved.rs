//! A clause-level report (`--report FILE`) read back: the fields `diff` and `matrix`
//! compare, and nothing else, so that a report of an older or newer kit still reads
//! (a field it lacks has its default; a field it adds is ignored).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::plan::profile::Stack;
use crate::verdict::known::Known;

/// A saved report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a clause-level report (written by --report): {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// The parts of a run's report that comparisons read.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SavedReport {
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub kit_version: String,
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub stack: Option<Stack>,
    #[serde(default)]
    pub contract: SavedContract,
    #[serde(default)]
    pub strict: bool,
    pub verdict: String,
    #[serde(default)]
    pub root_causes: Vec<SavedRootCause>,
    pub clauses: Vec<SavedClause>,
    /// Set when the run reached no verdict (exit 2): why.
    #[serde(default)]
    pub harness_error: Option<String>,
}

/// The contract judged.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SavedContract {
    pub judged: String,
    pub deviations: Vec<String>,
}

impl Default for SavedContract {
    fn default() -> Self {
        Self {
            judged: "documented".into(),
            deviations: Vec::new(),
        }
    }
}

/// A root cause's key: the clause whose check failed and how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub struct SavedCause {
    pub clause: String,
    pub key: String,
}

impl std::fmt::Display for SavedCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.clause, self.key)
    }
}

/// A root cause of the run, with its first failure in full.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedRootCause {
    pub cause: SavedCause,
    #[serde(default)]
    pub message: String,
}

/// One clause's result.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedClause {
    pub id: String,
    pub grade: String,
    #[serde(default)]
    pub title: String,
    /// `passed`, `failed`, `warned`, `blocked`, `not_run`, `waived` or `info`.
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub root_causes: Vec<SavedCause>,
    #[serde(default = "yes")]
    pub applies: bool,
    #[serde(default)]
    pub known: Option<Known>,
}

fn yes() -> bool {
    true
}

impl SavedClause {
    /// Failed or warned: the clause is broken.
    pub fn broken(&self) -> bool {
        matches!(self.status.as_str(), "failed" | "warned")
    }

    /// Judged at all: passed, broken or reported.
    pub fn judged(&self) -> bool {
        matches!(
            self.status.as_str(),
            "passed" | "failed" | "warned" | "info"
        )
    }
}

impl SavedReport {
    /// Reads a report file.
    pub fn load(path: &Path) -> Result<Self, SavedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SavedError::Read {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| SavedError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// A clause's result.
    pub fn clause(&self, id: &str) -> Option<&SavedClause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// The first failure in full of a root cause.
    pub fn message_of(&self, cause: &SavedCause) -> Option<&str> {
        self.root_causes
            .iter()
            .find(|r| &r.cause == cause)
            .map(|r| r.message.as_str())
    }
}
