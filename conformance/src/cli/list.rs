//! `--list`: the clauses (ID, grade, title, the capabilities they need) and their
//! scenarios, from the catalogue and the features alone — no target is contacted and no
//! server is started.

use std::fmt::Write as _;

use cucumber::gherkin::tagexpr::TagOperation;
use logout_conformance::catalogue::Catalogue;
use logout_conformance::style::{HEADING, QUIET, paint};
use logout_conformance::{Suite, features::ScenarioInfo};

use crate::cli::tags;

/// The listing; with a tag expression, only the scenarios it selects (and their
/// clauses).
pub fn render(suite: &Suite, selected: Option<&TagOperation>) -> String {
    let chosen = |s: &&ScenarioInfo| selected.is_none_or(|op| tags::selects(op, s));
    let mut out = String::new();
    let (mut clauses, mut scenarios) = (0, 0);
    for clause in &Catalogue::get().clauses {
        let mine: Vec<&ScenarioInfo> = suite
            .scenarios
            .iter()
            .filter(|s| s.clause == clause.id)
            .filter(chosen)
            .collect();
        if mine.is_empty() && selected.is_some() {
            continue;
        }
        clauses += 1;
        scenarios += mine.len();
        let head = format!(
            "{:<6}  {:<6}  {}",
            clause.id,
            clause.grade.to_string(),
            clause.title
        );
        let _ = writeln!(out, "{}", paint(HEADING, &head));
        let needs: Vec<&str> = clause.needs.iter().map(|c| c.name()).collect();
        let mut line = format!(
            "needs: {}",
            if needs.is_empty() {
                "nothing optional".to_owned()
            } else {
                needs.join(", ")
            }
        );
        if let Some(c) = clause.applies_with {
            line.push_str(&format!("; applies only with {}", c.name()));
        }
        let _ = writeln!(out, "{:8}{}", "", paint(QUIET, &line));
        if mine.is_empty() {
            let _ = writeln!(out, "{:8}(no scenario)", "");
        }
        for s in mine {
            let extra: Vec<&str> = s
                .needs
                .iter()
                .filter(|c| !clause.needs.contains(c))
                .map(|c| c.name())
                .collect();
            let extra = if extra.is_empty() {
                String::new()
            } else {
                paint(QUIET, &format!("  (needs {})", extra.join(", ")))
            };
            let _ = writeln!(out, "{:8}- {}  {}{extra}", "", s.key, s.name);
        }
    }
    let _ = writeln!(
        out,
        "\n{clauses} clauses, {scenarios} scenarios (listed only: no target was contacted)"
    );
    out
}
