//! The field's matrix: many runs' clause-level reports side by side — stacks as
//! columns (name, version, contract judged and its deviations, kit version, date),
//! clauses as rows, each cell a status with its root cause and a link to the stack's
//! own HTML report. Written as a self-contained HTML page ([`html`]), as JSON (this
//! module's [`Matrix`], which reads back) and as the README's stacks table
//! ([`readme`]).

pub mod html;
pub mod readme;

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::plan::catalogue::Catalogue;
use crate::report::saved::SavedReport;

/// Every stack's run, clause by clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// The kit that wrote the matrix.
    pub kit_version: String,
    pub stacks: Vec<Column>,
    pub clauses: Vec<Row>,
}

/// One stack's run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The profile's `[stack] name`, or else the report file's name.
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    pub target: String,
    /// `documented` or `declared`.
    pub contract: String,
    pub deviations: usize,
    pub kit_version: String,
    /// When the run started, RFC 3339 in UTC.
    pub date: String,
    pub verdict: String,
    pub strict: bool,
    /// The stack's own HTML report, relative to the matrix page, when there is one.
    #[serde(default)]
    pub html_report: Option<String>,
    /// Clauses failed (MUST) and warned (SHOULD), known failures among them.
    pub failed: usize,
    pub warned: usize,
    pub known: usize,
}

/// One clause across the stacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: String,
    pub grade: String,
    pub title: String,
    /// One per stack, in the columns' order.
    pub cells: Vec<Cell>,
}

/// One clause of one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// As the report writes it (`not_run`); `absent` when the stack's kit lacked it.
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// Root causes, `LO-01: status 403`.
    #[serde(default)]
    pub root_causes: Vec<String>,
    /// The first root cause's first failure in full.
    #[serde(default)]
    pub message: Option<String>,
    /// The profile knows this failure.
    #[serde(default)]
    pub known: bool,
}

/// One report to put in the matrix: the file it came from and what it holds.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub report: SavedReport,
}

impl Matrix {
    /// The matrix of `inputs`, each stack's HTML report linked relative to `page_dir`
    /// (where the matrix page is written) when a file of the same name ending in `.html`
    /// lies beside its JSON report.
    pub fn build(inputs: &[Input], page_dir: Option<&Path>) -> Self {
        let stacks = inputs.iter().map(|i| column(i, page_dir)).collect();
        let mut ids: Vec<(String, String, String)> = Vec::new();
        for input in inputs {
            for c in &input.report.clauses {
                if !ids.iter().any(|(id, _, _)| id == &c.id) {
                    ids.push((c.id.clone(), c.grade.clone(), c.title.clone()));
                }
            }
        }
        let order = |id: &str| Catalogue::get().order(id);
        ids.sort_by(|a, b| order(&a.0).cmp(&order(&b.0)).then(a.0.cmp(&b.0)));
        let clauses = ids
            .into_iter()
            .map(|(id, grade, title)| Row {
                cells: inputs.iter().map(|i| cell(&i.report, &id)).collect(),
                id,
                grade,
                title,
            })
            .collect();
        Self {
            kit_version: env!("CARGO_PKG_VERSION").into(),
            stacks,
            clauses,
        }
    }

    /// The matrix as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

fn column(input: &Input, page_dir: Option<&Path>) -> Column {
    let r = &input.report;
    let count = |status: &str| r.clauses.iter().filter(|c| c.status == status).count();
    let fallback = input
        .path
        .file_stem()
        .map_or_else(|| r.target.clone(), |s| s.to_string_lossy().into_owned());
    let html = input.path.with_extension("html");
    Column {
        name: r.stack.as_ref().map_or(fallback, |s| s.name.clone()),
        version: r.stack.as_ref().and_then(|s| s.version.clone()),
        target: r.target.clone(),
        contract: r.contract.judged.clone(),
        deviations: r.contract.deviations.len(),
        kit_version: r.kit_version.clone(),
        date: r.started_at.clone(),
        verdict: r.verdict.clone(),
        strict: r.strict,
        html_report: html.is_file().then(|| relative(&html, page_dir)).flatten(),
        failed: count("failed"),
        warned: count("warned"),
        known: r
            .clauses
            .iter()
            .filter(|c| c.broken() && c.known.is_some())
            .count(),
    }
}

fn cell(report: &SavedReport, id: &str) -> Cell {
    let Some(c) = report.clause(id) else {
        return Cell {
            status: "absent".into(),
            reason: Some("the kit that wrote this report has no such clause".into()),
            root_causes: Vec::new(),
            message: None,
            known: false,
        };
    };
    Cell {
        status: c.status.clone(),
        reason: c.reason.clone(),
        root_causes: c.root_causes.iter().map(ToString::to_string).collect(),
        message: c
            .root_causes
            .first()
            .and_then(|cause| report.message_of(cause))
            .map(str::to_owned),
        known: c.known.is_some(),
    }
}

/// `file` as a link from `dir`: `../reports/x.html`. `None` when one of them cannot be
/// resolved (the link is left out rather than wrong).
fn relative(file: &Path, dir: Option<&Path>) -> Option<String> {
    let file = std::fs::canonicalize(file).ok()?;
    let dir = match dir {
        Some(d) if !d.as_os_str().is_empty() => std::fs::canonicalize(d).ok()?,
        _ => std::env::current_dir().ok()?,
    };
    let (f, d): (Vec<Component>, Vec<Component>) =
        (file.components().collect(), dir.components().collect());
    let common = f.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); d.len() - common];
    parts.extend(
        f[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}
