//! LO-31 (issue 17, item 7): a `text/plain` logout that ends the session is reported as a
//! logout-CSRF exposure only when a cross-site form could send it. When the declared
//! logout sends a header no form can send (a CSRF token copied from a cookie,
//! `X-Requested-With`), a forged form could not log anyone out, and the report says so.

use conformance_tests::harness::{run_against, strict, suite};
use conformance_tests::routes::{Routes, map_set_cookies, reference, reference_state, rewrite};
use logout_conformance::{Profile, RunOptions};
use warp::Filter as _;
use warp::http::Method;

/// The reference with login cookies that carry no `SameSite`, so that a cross-site form
/// would carry the session: the only thing left to stop a forged logout is the header.
fn login_without_same_site() -> Routes {
    rewrite(reference(&reference_state()), |head, response| {
        if head.is(&Method::POST, "/auth/login") {
            map_set_cookies(response, |c| c.replace("; SameSite=Strict", ""));
        }
    })
    .boxed()
}

/// LO-31's notes for the `text/plain` row, with or without a declared custom header.
async fn text_plain_note(custom_header: bool) -> String {
    let mut profile = Profile::reference();
    if custom_header {
        profile
            .logout
            .headers
            .insert("X-Requested-With".into(), "XMLHttpRequest".into());
    }
    let options = RunOptions {
        tags: Some("@LO-31".into()),
        ..strict()
    };
    let report = run_against(login_without_same_site(), profile, suite(), &options)
        .await
        .expect("the suite reaches a verdict");
    let notes: Vec<String> = report
        .scenarios()
        .filter(|s| s.clause == "LO-31")
        .flat_map(|s| s.observations.clone())
        .filter(|n| n.starts_with("text/plain"))
        .collect();
    assert_eq!(notes.len(), 1, "one text/plain note: {notes:?}");
    notes[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_needing_a_custom_header_is_no_logout_csrf_exposure() {
    let exposed = text_plain_note(false).await;
    assert!(
        exposed.contains("session ended") && exposed.contains("— logout-CSRF exposure"),
        "without the header a form can forge it: {exposed}"
    );
    let guarded = text_plain_note(true).await;
    assert!(
        guarded.contains("no logout-CSRF exposure") && guarded.contains("X-Requested-With"),
        "{guarded}"
    );
    assert!(!guarded.contains("— logout-CSRF exposure"), "{guarded}");
}
