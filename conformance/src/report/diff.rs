//! `diff OLD.json NEW.json`: what changed between two runs' clause-level reports —
//! clauses newly failed or warned, newly not judged, fixed, whose root causes changed,
//! new in the newer kit, or gone. A regression is a clause newly broken or newly not
//! judged; a clause OLD's kit did not have is new, never a regression.

use std::fmt::Write as _;

use serde::Serialize;

use crate::report::saved::{SavedCause, SavedClause, SavedReport};
use crate::verdict::known::KnownState;

/// How one clause changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Failed or warned now, not before: a regression (unless the profile knows it).
    NewlyBroken,
    /// Judged before, blocked or not run now: a regression, its verdict is unknown.
    NewlyNotRun,
    /// Broken before, passing now.
    Fixed,
    /// Broken in both, for other reasons.
    RootCausesChanged,
    /// Not in OLD's report (a newer kit's clause).
    New,
    /// Not in NEW's report.
    Gone,
    /// Judged now, not judged before (blocked, not run or waived then).
    NewlyJudged,
}

impl Change {
    fn heading(self) -> &'static str {
        match self {
            Change::NewlyBroken => "newly failed or warned",
            Change::NewlyNotRun => "newly not run or blocked",
            Change::Fixed => "fixed",
            Change::RootCausesChanged => "root causes changed",
            Change::New => "new clauses (not in OLD's kit)",
            Change::Gone => "gone (not in NEW's report)",
            Change::NewlyJudged => "newly judged",
        }
    }
}

/// One clause that changed.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub change: Change,
    pub clause: String,
    pub grade: String,
    /// Its status in OLD (`None` when it is new).
    pub old: Option<String>,
    /// Its status in NEW (`None` when it is gone).
    pub new: Option<String>,
    /// Why, from the report that says more: NEW's reason and root causes.
    pub detail: String,
    /// Whether it counts as a regression.
    pub regression: bool,
}

/// Two runs compared.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    pub entries: Vec<Entry>,
}

/// What a side of the comparison was.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// Why the run reached no verdict, when it did not (its clauses are unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harness_error: Option<String>,
    pub target: String,
    pub kit_version: String,
    pub started_at: String,
    pub verdict: String,
}

impl Side {
    fn of(r: &SavedReport) -> Self {
        Self {
            harness_error: r.harness_error.clone(),
            target: r
                .stack
                .as_ref()
                .map_or_else(|| r.target.clone(), |s| s.name.clone()),
            kit_version: r.kit_version.clone(),
            started_at: r.started_at.clone(),
            verdict: r.verdict.clone(),
        }
    }
}

impl Diff {
    /// Whether anything regressed: the exit code is 1 then, 0 otherwise.
    pub fn regressed(&self) -> bool {
        self.new.harness_error.is_some() || self.entries.iter().any(|e| e.regression)
    }

    /// The comparison as text: a heading per kind of change, a line per clause.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let side = |s: &Side| format!("{} (kit {}, {})", s.target, s.kit_version, s.started_at);
        let _ = writeln!(out, "old: {}", side(&self.old));
        let _ = writeln!(out, "new: {}", side(&self.new));
        let _ = writeln!(out, "verdict: {} → {}", self.old.verdict, self.new.verdict);
        if self.old.kit_version != self.new.kit_version {
            let _ = writeln!(
                out,
                "the kit changed ({} → {}): clauses it added are listed as new, not as regressions",
                self.old.kit_version, self.new.kit_version
            );
        }
        let mut kinds: Vec<Change> = self.entries.iter().map(|e| e.change).collect();
        kinds.dedup();
        for kind in kinds {
            let _ = writeln!(out, "\n{}:", kind.heading());
            for e in self.entries.iter().filter(|e| e.change == kind) {
                let status = |s: &Option<String>| s.as_deref().unwrap_or("—").replace('_', " ");
                let mark = if e.regression { "  REGRESSION" } else { "" };
                let _ = writeln!(
                    out,
                    "  {:<6} {:<6} {} → {}{mark}",
                    e.clause,
                    e.grade,
                    status(&e.old),
                    status(&e.new)
                );
                if !e.detail.is_empty() {
                    let _ = writeln!(out, "         {}", e.detail);
                }
            }
        }
        if let Some(error) = &self.new.harness_error {
            let _ = writeln!(
                out,
                "\nNEW reached no verdict (harness error: {error}): nothing was judged, exit 1"
            );
            return out;
        }
        let n = self.entries.iter().filter(|e| e.regression).count();
        let _ = writeln!(
            out,
            "\n{}",
            match (self.entries.len(), n) {
                (0, _) => "no clause changed: exit 0".to_owned(),
                (_, 0) => "nothing regressed: exit 0".to_owned(),
                (_, n) => format!("{n} regression{}: exit 1", if n == 1 { "" } else { "s" }),
            }
        );
        out
    }
}

/// Compares two reports clause by clause, in NEW's order, then the clauses gone.
pub fn diff(old: &SavedReport, new: &SavedReport) -> Diff {
    let mut entries = Vec::new();
    if new.harness_error.is_some() || old.harness_error.is_some() {
        // One side judged nothing: there is no clause to compare.
        return Diff {
            old: Side::of(old),
            new: Side::of(new),
            entries,
        };
    }
    for n in &new.clauses {
        let o = old.clause(&n.id);
        let Some(change) = change(o, n) else { continue };
        let known = n
            .known
            .as_ref()
            .is_some_and(|k| k.state == KnownState::Holds);
        let regression = match change {
            Change::NewlyBroken => !known,
            Change::NewlyNotRun => n.applies && n.status != "waived",
            _ => false,
        };
        entries.push(Entry {
            change,
            clause: n.id.clone(),
            grade: n.grade.clone(),
            old: o.map(|o| o.status.clone()),
            new: Some(n.status.clone()),
            detail: detail(n, o, change),
            regression,
        });
    }
    for o in old.clauses.iter().filter(|o| new.clause(&o.id).is_none()) {
        entries.push(Entry {
            change: Change::Gone,
            clause: o.id.clone(),
            grade: o.grade.clone(),
            old: Some(o.status.clone()),
            new: None,
            detail: String::new(),
            regression: false,
        });
    }
    entries.sort_by_key(|e| e.change);
    Diff {
        old: Side::of(old),
        new: Side::of(new),
        entries,
    }
}

fn change(old: Option<&SavedClause>, new: &SavedClause) -> Option<Change> {
    let Some(old) = old else {
        return Some(Change::New);
    };
    Some(match (old.broken(), new.broken()) {
        (false, true) => Change::NewlyBroken,
        (true, false) if new.status == "passed" => Change::Fixed,
        (true, true) if causes(old) != causes(new) => Change::RootCausesChanged,
        _ if old.judged() && !new.judged() => Change::NewlyNotRun,
        _ if !old.judged() && new.judged() => Change::NewlyJudged,
        _ => return None,
    })
}

fn causes(c: &SavedClause) -> Vec<&SavedCause> {
    let mut causes: Vec<&SavedCause> = c.root_causes.iter().collect();
    causes.sort();
    causes
}

fn detail(new: &SavedClause, old: Option<&SavedClause>, change: Change) -> String {
    let list = |c: &SavedClause| {
        c.root_causes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let first_line = |c: &SavedClause| {
        c.reason
            .as_deref()
            .and_then(|r| r.lines().next())
            .unwrap_or_default()
            .to_owned()
    };
    match (change, old) {
        (Change::RootCausesChanged, Some(old)) => format!("{} → {}", list(old), list(new)),
        (Change::Fixed, _) => String::new(),
        _ if !new.root_causes.is_empty() => {
            format!("root cause {}: {}", list(new), first_line(new))
        }
        _ => first_line(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(statuses: &[(&str, &str)], error: Option<&str>) -> SavedReport {
        let clauses = statuses
            .iter()
            .map(|(id, status)| serde_json::json!({ "id": id, "grade": "MUST", "status": status }))
            .collect::<Vec<_>>();
        let mut value = serde_json::json!({ "verdict": "conformant", "clauses": clauses });
        if let Some(e) = error {
            value["harness_error"] = serde_json::Value::from(e);
        }
        serde_json::from_value(value).expect("a report")
    }

    #[test]
    fn a_new_run_that_reached_no_verdict_is_a_regression_not_a_clean_diff() {
        let old = report(&[("LO-01", "passed")], None);
        let new = report(&[], Some("target unreachable"));
        let d = diff(&old, &new);
        assert!(d.regressed());
        assert!(
            d.render().contains("NEW reached no verdict"),
            "{}",
            d.render()
        );
        assert!(!diff(&old, &old).regressed());
    }

    #[test]
    fn a_clause_known_to_fail_is_listed_but_not_a_regression() {
        let old = report(&[("LO-12", "passed")], None);
        let mut new = report(&[("LO-12", "failed")], None);
        new.clauses[0].known = Some(crate::verdict::known::Known {
            reason: "r".into(),
            until: None,
            state: KnownState::Holds,
        });
        let d = diff(&old, &new);
        assert_eq!(d.entries.len(), 1);
        assert!(!d.regressed());
    }
}
