//! The HTML report without a browser: what the target sent is escaped, every clause is a
//! row, and statuses use the README's words.

use std::time::Duration;

use super::*;
use crate::plan::catalogue::{Catalogue, Grade};
use crate::plan::contract::{Contract, ContractKind};
use crate::plan::features::ScenarioKey;
use crate::verdict::check::{Cause, Evidence};
use crate::verdict::clause::{ClauseStatus, clauses};
use crate::verdict::overall::verdict;
use crate::verdict::root_cause;
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus, StepResult, StepStatus};

const PLANTED: &str = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";

fn scenario(clause: &str, status: ScenarioStatus, line: usize) -> ScenarioResult {
    ScenarioResult {
        key: ScenarioKey {
            file: "features/logout_success.feature".into(),
            line,
        },
        name: format!("scenario of {clause}"),
        clause: clause.parse().expect("a clause ID"),
        grade: Grade::Must,
        status,
        reason: None,
        root_cause: None,
        step: None,
        transcript: None,
        evidence: Vec::new(),
        observations: Vec::new(),
        duration: Duration::from_millis(7),
        steps: Vec::new(),
    }
}

/// A run where LO-01 failed on a body carrying markup, and every other clause passed.
fn report() -> RunReport {
    let cause = Cause {
        clause: "LO-01".parse().expect("a clause ID"),
        key: format!("body {PLANTED}"),
    };
    let mut failed = scenario("LO-01", ScenarioStatus::Failed, 12);
    failed.reason = Some(format!(
        "expected: the documented body\n  actual:   {PLANTED}"
    ));
    failed.root_cause = Some(cause.clone());
    failed.step = Some("Then the response body equals … (line 17)".into());
    failed.transcript = Some(format!("> POST http://t/auth/logout\n< 200\n< {PLANTED}"));
    failed.steps = vec![
        StepResult {
            line: 15,
            status: StepStatus::Passed,
            duration: Duration::from_millis(2),
            message: None,
        },
        StepResult {
            line: 17,
            status: StepStatus::Ended(ScenarioStatus::Failed),
            duration: Duration::from_millis(1),
            message: Some(PLANTED.into()),
        },
    ];
    let mut results = vec![failed];
    for (i, c) in Catalogue::get().clauses.iter().enumerate().skip(1) {
        let mut s = scenario(&c.id.to_string(), ScenarioStatus::Passed, 100 + i);
        s.grade = c.grade;
        if i == 1 {
            s.evidence.push(Evidence {
                cause: cause.clone(),
                message: PLANTED.into(),
            });
            s.observations.push(PLANTED.into());
        }
        results.push(s);
    }
    let clauses = clauses(&results, &|_| false);
    RunReport {
        target: "http://127.0.0.1:1/\"><script>alert(2)</script>".to_owned(),
        kit_version: "0.1.0".into(),
        stack: None,
        started_at: "2026-11-29T20:00:00Z".into(),
        contract: Contract::default(),
        strict: true,
        generation: crate::generate::Generation::new(48, Some(7)),
        verdict: verdict(&clauses, true),
        wall_time: Duration::from_millis(1234),
        root_causes: root_cause::group(&clauses),
        clauses,
    }
}

#[test]
fn what_the_target_sent_is_escaped() {
    let html = render(&report()).expect("renders");
    assert!(!html.contains("<script>document"), "raw markup in the page");
    assert!(!html.contains("<script>alert"), "raw markup in the page");
    assert!(!html.contains("<img src=x"), "raw markup in the page");
    assert!(
        html.contains("&lt;script&gt;document.title="),
        "the planted script is shown as text"
    );
    // The planted text appears wherever the report shows it: root cause, reason, step
    // message, transcript, evidence, observation.
    assert!(
        html.matches("&lt;img src=x onerror=alert(1)&gt;").count() >= 6,
        "{html}"
    );
    // The page's own script is the only one.
    assert_eq!(html.matches("<script>").count(), 1);
}

#[test]
fn every_clause_is_one_row_with_the_readme_status_words() {
    let report = report();
    let html = render(&report).expect("renders");
    assert_eq!(
        html.matches("<details class=\"clause ").count(),
        Catalogue::get().clauses.len()
    );
    assert!(html.contains("id=\"clause-LO-01\" data-status=\"failed\""));
    assert!(html.contains("<span class=\"pill st-failed\">failed</span>"));
    assert!(html.contains("<span class=\"pill st-passed\">passed</span>"));
    // The filter lists the statuses present, with their counts.
    let passed = report
        .clauses
        .iter()
        .filter(|c| c.status == ClauseStatus::Passed)
        .count();
    assert!(html.contains(&format!("passed ({passed})")), "{html}");
    assert!(html.contains("id=\"filter-failed\""));
    assert!(!html.contains("id=\"filter-waived\""), "no waived clause");
    // Header: verdict, wall time, contract, kit version, date.
    assert!(html.contains("id=\"verdict\">non-conformant<"));
    assert!(html.contains("1.23 s"));
    assert!(html.contains("documented contract"));
    assert!(html.contains("2026-11-29T20:00:00Z"));
}

#[test]
fn the_page_needs_no_network() {
    let html = render(&report()).expect("renders");
    for external in ["src=\"http", "href=\"http", "url(", "@import", "<link"] {
        assert!(!html.contains(external), "{external} in the page");
    }
}

#[test]
fn steps_show_their_text_with_the_suite_that_ran() {
    let suite = Suite::embedded().expect("embedded features");
    let html = render_with(&report(), Some(&suite)).expect("renders");
    assert!(
        html.contains("the response body equals"),
        "line 17 of logout_success.feature is its body step"
    );
}

#[test]
fn each_outline_row_shows_its_own_step_text() {
    let mut report = report();
    let row = |line| {
        let mut s = scenario("LO-05", ScenarioStatus::Passed, line);
        s.key.file = "features/invalid_tokens.feature".into();
        s.steps = vec![StepResult {
            line: 10,
            status: StepStatus::Passed,
            duration: Duration::ZERO,
            message: None,
        }];
        s
    };
    let lo05 = report
        .clauses
        .iter_mut()
        .find(|c| c.id == "LO-05")
        .expect("LO-05");
    lo05.scenarios = vec![row(16), row(17)];
    let suite = Suite::embedded().expect("embedded features");
    let html = render_with(&report, Some(&suite)).expect("renders");
    // Both rows share the step's line 10; each shows its own example.
    assert!(
        html.contains("presenting an unknown refresh token"),
        "{html}"
    );
    assert!(
        html.contains("presenting a garbage refresh token"),
        "{html}"
    );
}

#[test]
fn an_info_scenario_that_observed_something_is_not_marked_failed() {
    let mut report = report();
    let info = report
        .clauses
        .iter_mut()
        .find(|c| c.grade == Grade::Info)
        .expect("an INFO clause");
    let mut s = scenario(&info.id.to_string(), ScenarioStatus::Failed, 7);
    s.grade = Grade::Info;
    info.scenarios = vec![s];
    let html = render(&report).expect("renders");
    let start = html
        .find("id=\"s-features-logout-success-feature-7\"")
        .expect("the INFO scenario is shown");
    let summary = &html[start..];
    let summary = &summary[..summary.find("</summary>").unwrap_or(summary.len())];
    assert!(summary.contains(">INFO</span>"), "{summary}");
}

#[test]
fn a_declared_contract_lists_each_deviation() {
    let mut report = report();
    report.contract = Contract {
        judged: ContractKind::Declared,
        deviations: vec![
            "logout path /api/logout for /auth/logout".into(),
            "access cookie \"sid\" for \"accessToken\"".into(),
        ],
    };
    let html = render(&report).expect("renders");
    assert!(
        html.contains("declared contract, 2 deviations from the documented contract"),
        "{html}"
    );
    // minijinja escapes `/` too.
    assert!(
        html.contains("<li>logout path &#x2f;api&#x2f;logout for &#x2f;auth&#x2f;logout</li>"),
        "{html}"
    );
    assert!(html.contains("<li>access cookie &quot;sid&quot; for &quot;accessToken&quot;</li>"));
}
