//! One root cause, reported once: the failures and blockages of every clause grouped by
//! the check that failed and how (`LO-01: status 403`), with the scenarios they touched.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::plan::catalogue::Catalogue;
use crate::plan::clause_id::ClauseId;
use crate::plan::features::ScenarioKey;
use crate::verdict::check::Cause;
use crate::verdict::clause::{ClauseResult, ClauseStatus};
use crate::verdict::scenario::ScenarioStatus;

/// A defect and everything it broke or blocked.
#[derive(Debug, Clone, Serialize)]
pub struct RootCause {
    pub cause: Cause,
    /// The first failure of this kind, in full (expected vs actual).
    pub message: String,
    /// Where that first failure was seen.
    pub example: ScenarioKey,
    /// The clauses it failed (MUST) or warned (SHOULD), in catalogue order.
    pub failed: Vec<ClauseId>,
    /// The clauses it kept from being judged.
    pub blocked: Vec<ClauseId>,
    /// How many scenarios it touched.
    pub scenarios: usize,
}

#[derive(Default)]
struct Group {
    message: Option<(ScenarioKey, String)>,
    failed: BTreeSet<usize>,
    blocked: BTreeSet<usize>,
    scenarios: BTreeSet<ScenarioKey>,
}

/// The root causes of a run's failing and blocked clauses, the widest first.
pub fn group(clauses: &[ClauseResult]) -> Vec<RootCause> {
    let mut groups: BTreeMap<Cause, Group> = BTreeMap::new();
    for (index, clause) in clauses.iter().enumerate() {
        let broken = matches!(clause.status, ClauseStatus::Failed | ClauseStatus::Warned);
        let blocked = clause.status == ClauseStatus::Blocked;
        if !broken && !blocked {
            continue;
        }
        for s in &clause.scenarios {
            let Some(cause) = &s.root_cause else { continue };
            let group = groups.entry(cause.clone()).or_default();
            match s.status {
                ScenarioStatus::Failed | ScenarioStatus::Warned => {
                    group.failed.insert(index);
                }
                ScenarioStatus::Blocked if blocked => {
                    group.blocked.insert(index);
                }
                _ => continue,
            }
            group.scenarios.insert(s.key.clone());
            group
                .message
                .get_or_insert_with(|| (s.key.clone(), s.reason.clone().unwrap_or_default()));
        }
        for e in clause.evidence.iter().filter(|_| broken) {
            let group = groups.entry(e.root_cause.clone()).or_default();
            group.failed.insert(index);
            group.scenarios.insert(e.scenario.clone());
            group
                .message
                .get_or_insert_with(|| (e.scenario.clone(), e.message.clone()));
        }
    }
    let ids =
        |set: &BTreeSet<usize>| -> Vec<ClauseId> { set.iter().map(|i| clauses[*i].id).collect() };
    let mut out: Vec<RootCause> = groups
        .into_iter()
        .filter(|(_, g)| !g.failed.is_empty() || !g.blocked.is_empty())
        .map(|(cause, g)| {
            let (example, message) = g.message.clone().unwrap_or_default();
            RootCause {
                cause,
                message,
                example,
                failed: ids(&g.failed),
                blocked: ids(&g.blocked),
                scenarios: g.scenarios.len(),
            }
        })
        .collect();
    let order = |id: ClauseId| {
        Catalogue::get()
            .clauses
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    };
    out.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.failed.len() + r.blocked.len()),
            order(r.cause.clause),
        )
    });
    out
}
