//! `--tags`, case-insensitive: `@lo-05` and `@MUST` select what `@LO-05` and `@must`
//! select. Cucumber compares tags exactly, so each tag of the expression is rewritten to
//! the suite's own spelling of it before the expression is parsed.

use std::collections::HashSet;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use logout_conformance::Suite;
use logout_conformance::features::ScenarioInfo;

/// `expr` with every tag spelled as the suite spells it, parsed; an invalid expression
/// is an error before any request.
pub fn parse(expr: &str, suite: &Suite) -> anyhow::Result<(String, TagOperation)> {
    let known: HashSet<&str> = suite
        .scenarios
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect();
    let spelled = respell(expr, &known);
    let op = spelled
        .parse::<TagOperation>()
        .map_err(|e| anyhow::anyhow!("invalid --tags expression {expr:?}: {e}"))?;
    Ok((spelled, op))
}

/// Whether a scenario is selected by a parsed expression.
pub fn selects(op: &TagOperation, scenario: &ScenarioInfo) -> bool {
    op.eval(scenario.tags.iter())
}

/// Rewrites each `@tag` of `expr` to the known tag it matches without regard to case.
fn respell(expr: &str, known: &HashSet<&str>) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .unwrap_or(rest.len());
        let tag = &rest[..end];
        let spelled = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(tag))
            .copied()
            .unwrap_or(tag);
        out.push_str(spelled);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_take_the_suite_spelling_and_operators_stay() {
        let known: HashSet<&str> = ["LO-05", "must", "needs-refresh-probe"].into();
        assert_eq!(
            respell("(@lo-05 or @MUST) and not @Needs-Refresh-Probe", &known),
            "(@LO-05 or @must) and not @needs-refresh-probe"
        );
        assert_eq!(respell("@unknown-Tag", &known), "@unknown-Tag");
    }

    #[test]
    fn lower_and_upper_case_select_the_same_scenarios() {
        let suite = Suite::embedded().expect("built-in features");
        let count = |expr: &str| {
            let (_, op) = parse(expr, &suite).expect("valid");
            suite.scenarios.iter().filter(|s| selects(&op, s)).count()
        };
        assert!(count("@LO-05") > 0);
        assert_eq!(count("@lo-05"), count("@LO-05"));
        assert_eq!(count("@MUST"), count("@must"));
    }
}
