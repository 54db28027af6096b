//! What a run hands back: the verdict, every clause's result and the root causes, with
//! every secret the run saw masked before any report renders it.

use std::time::Duration;

use serde::Serialize;

use crate::generate::Generation;
use crate::http::secrets::Masker;
use crate::plan::clause_id::ClauseId;
use crate::plan::contract::Contract;
use crate::plan::profile::Stack;
use crate::verdict::clause::ClauseResult;
use crate::verdict::overall::Verdict;
use crate::verdict::root_cause::RootCause;
use crate::verdict::scenario::{ScenarioResult, millis};

/// Everything a run found.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub target: String,
    /// The kit's version (`logout-conformance --version`).
    pub kit_version: String,
    /// The implementation judged, as the profile's `[stack]` names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stack>,
    /// When the run started, RFC 3339 in UTC.
    pub started_at: String,
    /// The contract judged: documented, or declared by the profile with its deviations.
    pub contract: Contract,
    pub strict: bool,
    /// The generated cases: how many per generated scenario, and the seed that replays
    /// them (`--generate N --seed S`).
    pub generation: Generation,
    pub verdict: Verdict,
    #[serde(rename = "wall_time_ms", serialize_with = "millis")]
    pub wall_time: Duration,
    /// Each defect once, with every clause it failed or blocked.
    pub root_causes: Vec<RootCause>,
    pub clauses: Vec<ClauseResult>,
}

impl RunReport {
    /// A clause's result, by its written ID (`LO-05`).
    pub fn clause(&self, id: &str) -> Option<&ClauseResult> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// A clause's result.
    pub fn clause_result(&self, id: ClauseId) -> Option<&ClauseResult> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// Every scenario result, in clause order.
    pub fn scenarios(&self) -> impl Iterator<Item = &ScenarioResult> {
        self.clauses.iter().flat_map(|c| c.scenarios.iter())
    }

    /// Masks every text of the report that could carry a secret: messages, reasons,
    /// keys, steps and transcripts.
    pub fn mask(&mut self, masker: &Masker) {
        let m = |text: &mut String| *text = masker.mask(text);
        let o = |text: &mut Option<String>| {
            if let Some(text) = text {
                *text = masker.mask(text);
            }
        };
        for cause in &mut self.root_causes {
            m(&mut cause.message);
            m(&mut cause.cause.key);
        }
        for clause in &mut self.clauses {
            o(&mut clause.reason);
            clause.root_causes.iter_mut().for_each(|c| m(&mut c.key));
            for e in &mut clause.evidence {
                m(&mut e.message);
                m(&mut e.root_cause.key);
                o(&mut e.transcript);
            }
            for s in &mut clause.scenarios {
                o(&mut s.reason);
                o(&mut s.step);
                o(&mut s.transcript);
                if let Some(cause) = &mut s.root_cause {
                    m(&mut cause.key);
                }
                s.observations.iter_mut().for_each(m);
                for e in &mut s.evidence {
                    m(&mut e.message);
                    m(&mut e.cause.key);
                }
                s.steps.iter_mut().for_each(|step| o(&mut step.message));
            }
        }
    }
}
