//! The suite's own sanity: it never reports a pass for something it did not check.

use std::path::PathBuf;
use std::sync::Arc;

use conformance_tests::harness::{REQUEST_TIMEOUT, run_against, strict, suite, with_browser};
use conformance_tests::routes::{reference, reference_state};
use logout_conformance::features::EMBEDDED;
use logout_conformance::target::TargetError;
use logout_conformance::{
    ClauseStatus, Grade, Profile, RunError, RunOptions, ScenarioStatus, Suite, Target, Verdict,
};
use warp::Filter as _;

/// A feature with a step no definition matches, tagged with a real clause.
const UNDEFINED_STEP: &str = "\
Feature: A step nobody defined
  @LO-01 @must
  Scenario: The client does something the suite has no step for
    Given a user with a live session
    When the client logs out by waving goodbye
    Then the response status is 200
";

/// A directory of its own under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("conformance-tests-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_executes_no_scenario_fails() {
    let options = RunOptions {
        tags: Some("@nothing-has-this-tag".into()),
        ..strict()
    };
    let result = run_against(
        reference(&reference_state()).boxed(),
        Profile::reference(),
        suite(),
        &options,
    )
    .await;
    assert!(
        matches!(result, Err(RunError::NothingRan(_))),
        "expected Err(NothingRan), got {result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undefined_step_is_an_error_never_skipped() {
    // The whole embedded suite plus one scenario with an undefined step: everything else
    // passes, so only the undefined step can keep the verdict from Conformant.
    let dir = TempDir::new("undefined-step");
    for (name, text) in EMBEDDED {
        std::fs::write(dir.0.join(name), text).expect("write a feature file");
    }
    std::fs::write(dir.0.join("undefined_step.feature"), UNDEFINED_STEP)
        .expect("write the feature with an undefined step");
    let suite = Suite::from_dir(&dir.0).expect("the features load");

    let report = run_against(
        reference(&reference_state()).boxed(),
        Profile::reference(),
        Arc::new(suite),
        &with_browser(strict()),
    )
    .await
    .expect("the suite reaches a verdict");

    let undefined = report
        .scenarios()
        .find(|s| s.key.file == "features/undefined_step.feature")
        .expect("the scenario with the undefined step is reported");
    assert_eq!(
        undefined.status,
        ScenarioStatus::Error,
        "an undefined step must make its scenario an error: {undefined:?}"
    );
    assert!(
        undefined
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("no step definition")),
        "the reason names the undefined step: {:?}",
        undefined.reason
    );
    let lo01 = report.clause("LO-01").expect("LO-01 is reported");
    assert_eq!(
        lo01.status,
        ClauseStatus::NotRun,
        "a clause with a scenario that could not run is not passed: {:?}",
        lo01.reason
    );
    for clause in report.clauses.iter().filter(|c| c.id != "LO-01") {
        let wanted = if !clause.applies {
            ClauseStatus::NotRun
        } else if clause.grade == Grade::Info {
            ClauseStatus::Info
        } else {
            ClauseStatus::Passed
        };
        assert_eq!(
            clause.status, wanted,
            "{} should be unaffected: {:?}",
            clause.id, clause.reason
        );
    }
    assert_ne!(report.verdict, Verdict::Conformant);
    assert_eq!(report.verdict, Verdict::Incomplete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_capability_is_not_run_never_passed() {
    let profile = Profile {
        store_fault: None,
        ..Profile::reference()
    };
    let options = RunOptions {
        tags: Some("@LO-01 or @LO-09 or @LO-30".into()),
        ..strict()
    };
    let report = run_against(
        reference(&reference_state()).boxed(),
        profile,
        suite(),
        &options,
    )
    .await
    .expect("LO-01 runs, so the suite reaches a verdict");

    assert_eq!(
        report.clause("LO-01").map(|c| c.status),
        Some(ClauseStatus::Passed)
    );
    for id in ["LO-09", "LO-30"] {
        let clause = report.clause(id).expect("reported");
        assert_eq!(clause.status, ClauseStatus::NotRun, "{id}");
        assert!(
            clause
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("store-fault")),
            "{id}'s reason names the missing capability: {:?}",
            clause.reason
        );
    }
    assert_eq!(report.verdict, Verdict::Incomplete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_target_is_an_error_not_a_verdict() {
    // A port that was free a moment ago and has no listener now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port")
        .port();
    let target = Target::new(
        &format!("http://127.0.0.1:{port}"),
        Profile::reference(),
        REQUEST_TIMEOUT,
    )
    .expect("a valid URL");
    let result = logout_conformance::run(target, suite(), &strict()).await;
    assert!(
        matches!(
            result,
            Err(RunError::Target(TargetError::Unreachable { .. }))
        ),
        "expected Err(Target(Unreachable)), got {result:?}"
    );
}
