//! Long failures folded: LO-10's 16 concurrent logouts, 15 of them refused the same way
//! by a broken target, are shown once with a count and three examples rather than 15
//! times over (the unfolded failure printed about 220 lines).

mod common;
use common::broken::{REFERENCE_PROFILE, second_logout_fails_server};
use common::cli;

#[tokio::test]
async fn fifteen_identical_failures_are_shown_once_with_a_count() {
    let server = second_logout_fails_server().await;
    let out = cli(&[
        "--target",
        &server.url(),
        "--profile",
        REFERENCE_PROFILE,
        "--tags",
        "@LO-10",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let failure = &text[text.find("ROOT CAUSE 1").expect("a root cause")..];
    let failure = &failure[..failure.find("\nclause ").expect("the table follows")];
    assert!(
        failure.contains(
            "concurrent logout 2, concurrent logout 3, concurrent logout 4 and 12 more \
             (15 alike): status 500"
        ),
        "the 15 refusals are one line with a count and three examples:\n{failure}"
    );
    assert_eq!(
        failure.matches("< 500").count(),
        1,
        "the refused exchange is shown once:\n{failure}"
    );
    assert!(
        failure.contains("… this exchange 15 times alike: concurrent logout 2,"),
        "{failure}"
    );
    // The first logout, which succeeded, is a different exchange and stays.
    assert_eq!(
        failure.matches("--- concurrent logout 1 (").count(),
        1,
        "{failure}"
    );
    let lines = failure.lines().count();
    // Unfolded it took about 220 lines; folded about 55 (the setup exchanges stay).
    assert!(lines < 80, "the failure takes {lines} lines:\n{failure}");
    server.shutdown().await;
}
