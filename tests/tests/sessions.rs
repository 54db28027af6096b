//! Sessions of more than one token cookie, judged right: a CSRF double-submit stack and
//! a signed cookie pair judged on every clause (the whole session travels with every
//! logout and probe); a probe that answers "dead" to everything proves nothing; LO-11's
//! malformed rows use the profile's cookie name; LO-10's concurrent logouts carry the
//! whole session; and "the same answer" is the same effect (a clearing date a year back,
//! an echoed token, neither changes LO-08, LO-21 or LO-22).

use conformance_tests::harness::{run_against, suite};
use conformance_tests::routes::{Routes, answer_logout, json, read_body, reference_logout};
use conformance_tests::sessions;
use logout_conformance::plan::catalogue::{Capability, Catalogue};
use logout_conformance::{ClauseStatus, Profile, RunOptions, RunReport};
use warp::http::StatusCode;

fn parsed(text: &str) -> Profile {
    match Profile::parse(text) {
        Ok(p) => p,
        Err(e) => panic!("the profile does not parse: {e}"),
    }
}

async fn run(routes: Routes, profile: Profile) -> RunReport {
    match run_against(routes, profile, suite(), &RunOptions::default()).await {
        Ok(report) => report,
        Err(e) => panic!("the run reached no verdict: {e}"),
    }
}

fn status_of(report: &RunReport, id: &str) -> ClauseStatus {
    match report.clause(id) {
        Some(c) => c.status,
        None => panic!("no clause {id} in the report"),
    }
}

fn table(report: &RunReport) -> String {
    report
        .clauses
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {}",
                c.id,
                c.status,
                c.reason.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The clauses not run although the machine offers what they need (a second instance
/// and Chromium are the machine's, not the profile's) and the clause applies to the
/// target (LO-12 needs an access token beside the refresh token, LO-14 a declared
/// rotating refresh).
fn not_run_for_the_profile(report: &RunReport, profile: &Profile) -> Vec<String> {
    report
        .clauses
        .iter()
        .filter(|c| c.status == ClauseStatus::NotRun)
        .filter(|c| profile.inapplicable(c.id).is_none())
        .filter(|c| c.applies)
        .filter(|c| {
            Catalogue::get()
                .clause_named(&c.id.to_string())
                .is_none_or(|clause| {
                    !clause
                        .needs
                        .iter()
                        .any(|n| matches!(n, Capability::SecondInstance | Capability::Browser))
                })
        })
        .map(|c| c.id.to_string())
        .collect()
}

fn assert_status(report: &RunReport, ids: &[&str], wanted: ClauseStatus) {
    for id in ids {
        assert_eq!(status_of(report, id), wanted, "{id}:\n{}", table(report));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csrf_double_submit_stack_is_judged_on_every_clause() {
    let profile = parsed(&sessions::csrf_profile());
    let report = run(sessions::csrf(), profile.clone()).await;
    assert_eq!(
        not_run_for_the_profile(&report, &profile),
        Vec::<String>::new(),
        "{}",
        table(&report)
    );
    let broken: Vec<String> = report
        .clauses
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                ClauseStatus::Failed | ClauseStatus::Warned | ClauseStatus::Blocked
            )
        })
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(broken, Vec::<String>::new(), "{}", table(&report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_that_is_always_dead_passes_nothing_that_rests_on_it() {
    let report = run(sessions::csrf(), parsed(&sessions::always_dead_profile())).await;
    assert_status(
        &report,
        &["LO-04", "LO-13", "LO-20", "LO-27"],
        ClauseStatus::NotRun,
    );
    let reason = report
        .clause("LO-04")
        .and_then(|c| c.reason.clone())
        .unwrap_or_default();
    assert!(
        reason.contains("401"),
        "the probe's answer is the reason: {reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_cookie_that_500s_on_a_malformed_value_fails_lo_11() {
    let report = run(
        sessions::renamed(true),
        parsed(&sessions::renamed_profile()),
    )
    .await;
    assert_status(&report, &["LO-11"], ClauseStatus::Failed);
    let control = run(
        sessions::renamed(false),
        parsed(&sessions::renamed_profile()),
    )
    .await;
    assert_status(&control, &["LO-11"], ClauseStatus::Passed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logouts_carry_the_whole_session_and_meet_the_race() {
    let report = run(sessions::needs_access_racing(), Profile::reference()).await;
    assert_status(&report, &["LO-10"], ClauseStatus::Failed);
    let reason = report
        .clause("LO-10")
        .and_then(|c| c.reason.clone())
        .unwrap_or_default();
    assert!(
        reason.contains("500") && !reason.contains("401"),
        "LO-10 fails on the race, not on a missing access cookie: {reason}\n{}",
        table(&report)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clearing_cookie_dated_a_year_back_fails_lo_03_alone() {
    let report = run(sessions::cleared_a_year_back(), Profile::reference()).await;
    assert_status(&report, &["LO-03"], ClauseStatus::Failed);
    assert_status(&report, &["LO-08", "LO-21", "LO-22"], ClauseStatus::Passed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_echoing_the_revoked_token_fails_lo_01_not_the_comparisons() {
    let report = run(sessions::echoes_the_token(), Profile::reference()).await;
    assert_status(&report, &["LO-01"], ClauseStatus::Failed);
    assert_status(&report, &["LO-08", "LO-21"], ClauseStatus::Passed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_refusing_a_body_with_members_fails_lo_08_not_lo_01() {
    let routes = answer_logout(|state, headers, body| async move {
        let bytes = read_body(body).await;
        let members = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.as_object().map(|o| !o.is_empty()))
            .unwrap_or(false);
        if members {
            let error = serde_json::json!({ "error": "Internal Server Error" });
            return json(StatusCode::INTERNAL_SERVER_ERROR, &error);
        }
        let body = conformance_tests::routes::body_of(bytes);
        reference_logout(state, headers, body).await
    });
    let report = run(routes, Profile::reference()).await;
    assert_status(&report, &["LO-08"], ClauseStatus::Failed);
    assert_status(&report, &["LO-01"], ClauseStatus::Passed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_pair_travels_together() {
    let profile = parsed(&sessions::signed_profile());
    let report = run(sessions::signed(false), profile.clone()).await;
    assert_eq!(
        not_run_for_the_profile(&report, &profile),
        Vec::<String>::new(),
        "{}",
        table(&report)
    );
    assert_status(
        &report,
        &["LO-04", "LO-10", "LO-13", "LO-20"],
        ClauseStatus::Passed,
    );
    let first_only = run(sessions::signed(true), parsed(&sessions::signed_profile())).await;
    assert_status(&first_only, &["LO-13"], ClauseStatus::Failed);
}
