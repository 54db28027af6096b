//! A declared contract: a target that needs `Origin` on every state-changing request,
//! keeps its session in one `session` cookie and answers logout `200 {"success":true}`
//! is conformant to the contract its profile declares, with every deviation listed;
//! without the profile it cannot pass; and a declared contract still catches a logout
//! that does not revoke.

use conformance_tests::declared::{self, Logout, PROFILE};
use conformance_tests::harness::{run_against, suite};
use logout_conformance::plan::contract::ContractKind;
use logout_conformance::{ClauseStatus, Profile, RunOptions, RunReport, Verdict};

fn declared_profile() -> Profile {
    match Profile::parse(PROFILE) {
        Ok(p) => p,
        Err(e) => panic!("the declared target's profile does not parse: {e}"),
    }
}

async fn run(logout: Logout, profile: Profile) -> Result<RunReport, String> {
    run_against(
        declared::routes(logout),
        profile,
        suite(),
        &RunOptions::default(),
    )
    .await
    .map_err(|e| e.to_string())
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_checking_one_cookie_target_is_conformant_to_its_declared_contract() {
    let report = match run(Logout::Revokes, declared_profile()).await {
        Ok(r) => r,
        Err(e) => panic!("the run reached no verdict: {e}"),
    };
    assert_eq!(report.verdict, Verdict::Conformant, "{}", table(&report));
    assert_eq!(report.contract.judged, ContractKind::Declared);
    assert_eq!(
        report.contract.deviations,
        [
            "logout requires the header Origin",
            "a JSON body holding {\"success\":true} for body {\"message\":\"Logged out successfully\"}",
            "one cookie \"session\" for two",
        ]
    );
    // The behaviour clauses ran against the declared answers, not around them.
    for id in [
        "LO-01", "LO-02", "LO-03", "LO-04", "LO-05", "LO-06", "LO-07", "LO-08", "LO-09", "LO-10",
        "LO-11", "LO-13", "LO-20", "LO-21", "LO-22", "LO-23", "LO-24", "LO-25", "LO-26", "LO-27",
    ] {
        assert_eq!(
            status_of(&report, id),
            ClauseStatus::Passed,
            "{id}:\n{}",
            table(&report)
        );
    }
    // One cookie: no stale access token can sit beside a live refresh token. Said so,
    // and the clause does not count.
    let lo12 = report
        .clause("LO-12")
        .map(|c| (c.status, c.applies, c.reason.clone()));
    assert!(
        matches!(&lo12, Some((ClauseStatus::NotRun, false, Some(r))) if r.contains("one credential")),
        "{lo12:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_its_profile_the_target_cannot_pass() {
    // No profile at all: the kit's register carries no Origin, and the run says why it
    // could open no session.
    let error = match run(Logout::Revokes, Profile::reference()).await {
        Ok(report) => panic!(
            "a run without the profile reached a verdict:\n{}",
            table(&report)
        ),
        Err(e) => e,
    };
    assert!(
        error.contains("cannot create a user")
            && error.contains("403")
            && error.contains("Forbidden"),
        "{error}"
    );
    // Setup declared, the logout's Origin not: LO-01 fails on the 403 and the clauses
    // that need a logout are blocked by it, never passed.
    let mut profile = declared_profile();
    let origin = profile
        .defaults
        .headers
        .remove("Origin")
        .expect("the profile sets Origin");
    profile
        .register
        .headers
        .insert("Origin".into(), origin.clone());
    profile.login.headers.insert("Origin".into(), origin);
    let report = match run(Logout::Revokes, profile).await {
        Ok(r) => r,
        Err(e) => panic!("the run reached no verdict: {e}"),
    };
    assert_eq!(report.verdict, Verdict::NonConformant, "{}", table(&report));
    let lo01 = report.clause("LO-01").expect("LO-01");
    assert_eq!(lo01.status, ClauseStatus::Failed, "{}", table(&report));
    assert!(
        lo01.root_causes
            .iter()
            .any(|c| c.clause == "LO-01" && c.key == "status 403"),
        "{:?}",
        lo01.root_causes
    );
    for id in ["LO-02", "LO-04", "LO-20"] {
        assert_eq!(
            status_of(&report, id),
            ClauseStatus::Blocked,
            "{id}:\n{}",
            table(&report)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_contract_still_catches_a_logout_that_does_not_revoke() {
    let report = match run(Logout::KeepsSession, declared_profile()).await {
        Ok(r) => r,
        Err(e) => panic!("the run reached no verdict: {e}"),
    };
    assert_eq!(report.verdict, Verdict::NonConformant, "{}", table(&report));
    assert_eq!(report.contract.judged, ContractKind::Declared);
    for id in ["LO-04", "LO-13"] {
        assert_eq!(
            status_of(&report, id),
            ClauseStatus::Failed,
            "{id}:\n{}",
            table(&report)
        );
    }
    // Its answers are still the declared ones: LO-01 and the clearing pass.
    for id in ["LO-01", "LO-02", "LO-03"] {
        assert_eq!(
            status_of(&report, id),
            ClauseStatus::Passed,
            "{id}:\n{}",
            table(&report)
        );
    }
}

/// fastapi-users: logout answers 204 with no body. Judged by the documented contract it
/// fails LO-01; a profile declaring the 204 makes it conformant to a *declared* contract
/// only, which the report says, never to the documented one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaring_204_passes_only_the_declared_contract() {
    use conformance_tests::routes::{rewrite_logout, set_body};
    let no_content = || {
        rewrite_logout(|r| {
            if r.status() == warp::http::StatusCode::OK {
                *r.status_mut() = warp::http::StatusCode::NO_CONTENT;
                set_body(r, "text/plain", "");
                r.headers_mut().remove(warp::http::header::CONTENT_TYPE);
            }
        })
    };
    let documented = run_against(
        no_content(),
        Profile::reference(),
        suite(),
        &RunOptions::default(),
    )
    .await
    .map_err(|e| e.to_string());
    let documented = documented.unwrap_or_else(|e| panic!("no verdict: {e}"));
    assert_eq!(documented.contract.judged, ContractKind::Documented);
    assert_eq!(documented.verdict, Verdict::NonConformant);
    assert_eq!(status_of(&documented, "LO-01"), ClauseStatus::Failed);

    let mut profile = Profile::reference();
    profile.logout.success =
        match Profile::parse("version = 2\n[logout.success]\nstatus = [204]\nbody = \"empty\"\n") {
            Ok(p) => p.logout.success,
            Err(e) => panic!("{e}"),
        };
    let declared = run_against(no_content(), profile, suite(), &RunOptions::default())
        .await
        .unwrap_or_else(|e| panic!("no verdict: {e}"));
    assert_eq!(
        declared.verdict,
        Verdict::Conformant,
        "{}",
        table(&declared)
    );
    assert_eq!(declared.contract.judged, ContractKind::Declared);
    assert_eq!(
        declared.contract.deviations,
        [
            "status 204 for 200",
            "an empty body for body {\"message\":\"Logged out successfully\"}",
            "content type any for application/json",
        ]
    );
}

/// The session token in the login body, sent back as a cookie by the client: the
/// behaviour clauses run as before; the clearing clauses do not apply (the target set no
/// cookie), and say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_token_from_the_login_body_is_sent_as_its_cookie() {
    let profile = Profile::parse(&declared::body_token_profile())
        .unwrap_or_else(|e| panic!("the body-token profile does not parse: {e}"));
    let report = run_against(
        declared::routes_with_body_token(),
        profile,
        suite(),
        &RunOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("no verdict: {e}"));
    assert_eq!(report.verdict, Verdict::Conformant, "{}", table(&report));
    assert!(
        report
            .contract
            .deviations
            .iter()
            .any(|d| d == "tokens in the login body (session at /token) for cookies"),
        "{:?}",
        report.contract.deviations
    );
    for id in ["LO-01", "LO-04", "LO-05", "LO-13", "LO-20", "LO-27"] {
        assert_eq!(
            status_of(&report, id),
            ClauseStatus::Passed,
            "{id}:\n{}",
            table(&report)
        );
    }
    for id in ["LO-02", "LO-03", "LO-24"] {
        let clause = report.clause(id).expect("clause");
        assert!(
            clause.status == ClauseStatus::NotRun
                && !clause.applies
                && clause
                    .reason
                    .as_deref()
                    .is_some_and(|r| r.contains("no cookie")),
            "{id}: {:?} {:?}",
            clause.status,
            clause.reason
        );
    }
}

/// A framework's own 500 page while the store fails (`text/plain` "Internal Server
/// Error"): LO-09 fails by the document; declared as the store-failure answer, LO-09
/// judges it (and the deviation is listed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_store_failure_answer_is_what_lo_09_judges() {
    use conformance_tests::routes::{rewrite_logout, set_body};
    let plain_500 = || {
        rewrite_logout(|r| {
            if r.status() == warp::http::StatusCode::INTERNAL_SERVER_ERROR {
                set_body(r, "text/plain; charset=utf-8", "Internal Server Error");
            }
        })
    };
    let documented = run_against(
        plain_500(),
        Profile::reference(),
        suite(),
        &RunOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("no verdict: {e}"));
    assert_eq!(
        status_of(&documented, "LO-09"),
        ClauseStatus::Failed,
        "{}",
        table(&documented)
    );

    let mut profile = Profile::reference();
    profile.logout.store_failure = Profile::parse(
        "version = 2\n[logout.store_failure]\nstatus = [500]\n\
         body = { regex = \"^Internal Server Error$\" }\ncontent_type = \"text/plain\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .logout
    .store_failure;
    let declared = run_against(plain_500(), profile, suite(), &RunOptions::default())
        .await
        .unwrap_or_else(|e| panic!("no verdict: {e}"));
    assert_eq!(
        status_of(&declared, "LO-09"),
        ClauseStatus::Passed,
        "{}",
        table(&declared)
    );
    assert_eq!(
        declared.verdict,
        Verdict::Conformant,
        "{}",
        table(&declared)
    );
    assert!(
        declared
            .contract
            .deviations
            .iter()
            .any(|d| d.starts_with("store-failure answer: a body matching")),
        "{:?}",
        declared.contract.deviations
    );
}
