//! The suite against the plain reference server, started the way the CLI starts it.

use std::sync::Arc;

use conformance_tests::harness::{REQUEST_TIMEOUT, strict, suite, with_browser};
use logout_conformance::embedded::Embedded;
use logout_conformance::{ClauseStatus, Grade, ScenarioStatus, Target, Verdict};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_passes_every_clause() {
    let embedded = Embedded::start()
        .await
        .expect("the reference server starts");
    let target = Target::new(&embedded.url(), embedded.profile.clone(), REQUEST_TIMEOUT)
        .expect("the reference URL is a valid target");
    let report = logout_conformance::run(Arc::clone(&target), suite(), &with_browser(strict()))
        .await
        .expect("the suite reaches a verdict on the reference");
    embedded.stop().await;

    let mut problems = Vec::new();
    for clause in &report.clauses {
        // The embedded server runs a second instance over its store, so LO-28 applies
        // and passes here too; only a clause needing what this machine lacks (LO-40
        // without Chromium) does not apply.
        let wanted = if !clause.applies {
            ClauseStatus::NotRun
        } else if clause.grade == Grade::Info {
            ClauseStatus::Info
        } else {
            ClauseStatus::Passed
        };
        if clause.status != wanted {
            problems.push(format!(
                "{} {} is {} (expected {}): {}",
                clause.id,
                clause.grade,
                clause.status.label(),
                wanted.label(),
                clause.reason.as_deref().unwrap_or("no reason given")
            ));
        }
    }
    for scenario in report.scenarios() {
        let inapplicable = report
            .clause_result(scenario.clause)
            .is_some_and(|c| !c.applies);
        if scenario.status != ScenarioStatus::Passed && !inapplicable {
            problems.push(format!(
                "scenario {:?} ({}) is {:?}: {}",
                scenario.name,
                scenario.key,
                scenario.status,
                scenario.reason.as_deref().unwrap_or("no reason given")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the reference server should pass every clause:\n  {}",
        problems.join("\n  ")
    );
    assert_eq!(
        report.verdict,
        Verdict::Conformant,
        "verdict under --strict"
    );
}
