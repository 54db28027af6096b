//! Hostile targets: servers on 127.0.0.1 that never answer, close at once, stall after
//! the head, stream an endless body, announce a gigabyte, redirect to themselves, speak
//! garbage or send a 100 KiB header block. The suite must judge each — the target fails
//! the clause whose request it mistreated, a precondition's failure blocks — and never
//! crash, hang or read without end.
//!
//! Most behave so only on `POST /auth/logout`: everything else is passed on to a real
//! reference server, so that sessions open and the logout clauses are exercised. Every
//! run uses a 2 s time limit and must end well within 30 s (timed with `Instant`, asserted
//! after the run; never a tighter timing assertion).

use std::sync::atomic::Ordering;
use std::time::Duration;

use conformance_tests::harness::{run_against, strict, suite};
use conformance_tests::hostile::{Behaviour, Hostile, TIMEOUT};
use conformance_tests::routes::{reference, reference_state, rewrite};
use logout_conformance::http::no_answer::Failure;
use logout_conformance::http::policy::{DEFAULT_MAX_BODY, Policy};
use logout_conformance::http::raw;
use logout_conformance::{ClauseStatus, Profile, RunError, RunReport, Verdict};
use warp::Filter as _;
use warp::http::HeaderValue;
use warp::http::header::SET_COOKIE;

/// Generous: the bound of the CLI's help for this suite at 2 s is about 30 s, and a
/// hostile target here ends far sooner.
const BOUND: Duration = Duration::from_secs(30);

/// How far past the cap one read may go: hyper hands over at most its read buffer
/// (about 400 KiB), the raw reader 16 KiB.
const ONE_CHUNK: u64 = 512 << 10;

/// The report, after checking that the run ended in time.
fn finished(outcome: Result<RunReport, RunError>, took: Duration) -> RunReport {
    assert!(took < BOUND, "the run took {took:?}");
    outcome.unwrap_or_else(|e| panic!("the suite reached no verdict: {e}"))
}

/// Asserts a clause's status and that its reason says `why`; returns the reason.
fn assert_clause(report: &RunReport, id: &str, status: ClauseStatus, why: &str) -> String {
    let clause = report
        .clause(id)
        .unwrap_or_else(|| panic!("no clause {id}"));
    let reason = clause.reason.clone().unwrap_or_default();
    assert_eq!(clause.status, status, "{id}: {reason}");
    assert!(reason.contains(why), "{id} should say {why:?}: {reason}");
    reason
}

/// The `N bytes read` of a reason.
fn bytes_read(reason: &str) -> u64 {
    let (before, _) = reason
        .split_once(" bytes read")
        .expect("says how much was read");
    let digits = before.rsplit(|c: char| !c.is_ascii_digit()).next();
    digits.and_then(|d| d.parse().ok()).expect("a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_never_answers_is_a_harness_error_within_the_bound() {
    let hostile = Hostile::start(Behaviour::Silent, None).await;
    let (outcome, took) = hostile.run(None).await;
    hostile.stop().await;
    assert!(took < BOUND, "the run took {took:?}");
    match outcome {
        Err(RunError::Target(e)) => {
            let text = e.to_string();
            assert!(text.contains("no answer within 2 s"), "{text}");
        }
        other => panic!("expected no session to open, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_that_never_answers_fails_lo01_and_blocks_what_needs_it() {
    let hostile = Hostile::on_logout(Behaviour::Silent).await;
    let (outcome, took) = hostile.run(None).await;
    hostile.stop().await;
    let report = finished(outcome, took);
    assert_eq!(report.verdict, Verdict::NonConformant);
    assert_clause(
        &report,
        "LO-01",
        ClauseStatus::Failed,
        "no answer within 2 s",
    );
    for blocked in ["LO-02", "LO-04", "LO-12", "LO-13"] {
        assert_clause(
            &report,
            blocked,
            ClauseStatus::Blocked,
            "no answer within 2 s",
        );
    }
    assert_clause(
        &report,
        "LO-10",
        ClauseStatus::Failed,
        "no answer within 2 s",
    );
    assert_clause(
        &report,
        "LO-11",
        ClauseStatus::Failed,
        "no answer within 2 s",
    );
    // LO-32 reports no timeout as a latency, and stopped sending after two.
    assert_clause(&report, "LO-32", ClauseStatus::NotRun, "not sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_that_stalls_after_its_head_fails_lo01() {
    let hostile = Hostile::on_logout(Behaviour::StallsAfterHead).await;
    let (outcome, took) = hostile.run(Some("@LO-01 or @LO-04 or @LO-11")).await;
    hostile.stop().await;
    let report = finished(outcome, took);
    let stalled = "the answer's body did not finish within 2 s";
    assert_clause(&report, "LO-01", ClauseStatus::Failed, stalled);
    assert_clause(&report, "LO-04", ClauseStatus::Blocked, stalled);
    assert_clause(&report, "LO-11", ClauseStatus::Failed, stalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_logout_body_is_read_up_to_the_cap_and_fails_lo01() {
    let hostile = Hostile::on_logout(Behaviour::EndlessChunked).await;
    let (outcome, took) = hostile.run(Some("@LO-01 or @LO-11")).await;
    hostile.stop().await;
    let report = finished(outcome, took);
    for id in ["LO-01", "LO-11"] {
        let reason = assert_clause(&report, id, ClauseStatus::Failed, "exceeded 1 MiB");
        assert!(
            bytes_read(&reason) <= DEFAULT_MAX_BODY as u64 + ONE_CHUNK,
            "{reason}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gigabyte_logout_body_is_not_read_and_fails_lo01() {
    let hostile = Hostile::on_logout(Behaviour::Gigabyte).await;
    let (outcome, took) = hostile.run(Some("@LO-01 or @LO-11")).await;
    let sent = hostile.sent.load(Ordering::Relaxed);
    hostile.stop().await;
    let report = finished(outcome, took);
    for id in ["LO-01", "LO-11"] {
        let reason = assert_clause(&report, id, ClauseStatus::Failed, "exceeded 1 MiB");
        assert!(reason.contains("Content-Length 1073741824"), "{reason}");
        assert!(
            bytes_read(&reason) <= DEFAULT_MAX_BODY as u64 + ONE_CHUNK,
            "{reason}"
        );
    }
    // Seven logouts; each connection was given up at the cap, not read to its gigabyte.
    assert!(sent < 256 << 20, "the hostile server wrote {sent} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_garbage_closed_connections_and_huge_heads_fail_lo01() {
    let cases = [
        // Were the redirect followed, the answer would be "too many redirects", not a 302.
        (Behaviour::Redirect, "status 302"),
        (Behaviour::Garbage, "no answer"),
        (Behaviour::Closes, "no answer"),
        (Behaviour::HugeHead, "header block exceeded 64 KiB"),
    ];
    for (behaviour, why) in cases {
        let hostile = Hostile::on_logout(behaviour).await;
        let (outcome, took) = hostile.run(Some("@LO-01 or @LO-11")).await;
        hostile.stop().await;
        let report = finished(outcome, took);
        assert_clause(&report, "LO-01", ClauseStatus::Failed, why);
        assert_clause(&report, "LO-11", ClauseStatus::Failed, "");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_paths_stop_reading_at_the_cap_and_keep_only_the_start() {
    let policy = Policy::new(TIMEOUT).with_max_body(64 << 10);
    for behaviour in [Behaviour::EndlessChunked, Behaviour::Gigabyte] {
        let hostile = Hostile::start(behaviour, None).await;
        let addr = hostile.url.trim_start_matches("http://").to_owned();
        let head = format!("POST /auth/logout HTTP/1.1\r\nhost: {addr}");
        let raw = raw::send(&addr, head.as_bytes(), b"", &policy).await;
        let client = policy.client(None);
        let request = client.post(format!("{}/auth/logout", hostile.url));
        let sent = policy.exchange(request).await;
        hostile.stop().await;
        for outcome in [raw, sent] {
            let cut = outcome.expect_err("over the cap");
            assert_eq!(cut.failure, Failure::Exceeded, "{cut}");
            assert!(cut.body_read <= policy.max_body as u64 + ONE_CHUNK, "{cut}");
            let kept = cut.partial.expect("the start is kept").body.len();
            assert!(kept <= policy.max_body, "kept {kept} bytes");
        }
    }
}

/// A login whose refresh token is not UTF-8: the kit cannot send it back as it came, so
/// it says so (a harness error naming its own limit) instead of sending a mangled copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_is_not_utf8_is_the_kits_limit_not_the_targets_failure() {
    let routes = rewrite(reference(&reference_state()), |head, response| {
        if head.path == "/auth/login" {
            let value = b"refreshToken=ab\xff\xfecd; Path=/; HttpOnly".as_slice();
            let headers = response.headers_mut();
            headers.remove(SET_COOKIE);
            let value = HeaderValue::from_bytes(value).expect("obs-text is a valid value");
            headers.append(SET_COOKIE, value);
        }
    });
    let outcome = run_against(routes.boxed(), Profile::reference(), suite(), &strict()).await;
    match outcome {
        Err(RunError::Target(e)) => {
            let text = e.to_string();
            assert!(text.contains("not UTF-8"), "{text}");
            assert!(text.contains("a limit of the kit"), "{text}");
        }
        other => panic!("expected the kit to refuse the token, got {other:?}"),
    }
}
