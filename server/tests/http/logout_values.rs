//! Logouts whose Cookie header carries many values: every refresh token presented is
//! revoked (LO-13), within an 8 KiB bound past which the answer is an honest 431.

use reqwest::{Method, StatusCode};

use crate::util::{TestServer, both_cookies};

// LO-11 with the live token among garbage: every presented value is revoked.
#[tokio::test]
async fn a_live_token_among_duplicates_and_garbage_is_still_removed() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = format!(
        "refreshToken=garbage;;; x; refreshToken=\"{}\"; =",
        session.refresh
    );
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// LO-13: every refresh-token value presented is revoked, however many there are.
#[tokio::test]
async fn twelve_live_refresh_tokens_among_garbage_in_one_header_are_all_revoked() {
    let t = TestServer::start().await;
    let email = t.register().await;
    let mut sessions = Vec::new();
    for _ in 0..12 {
        sessions.push(t.login(&email).await);
    }
    let mut pairs = Vec::new();
    for (i, session) in sessions.iter().enumerate() {
        pairs.push(format!("refreshToken=garbage-{i}"));
        pairs.push(format!("refreshToken={}", session.refresh));
    }
    pairs.push("refreshToken=garbage-last".to_owned());
    let cookie = pairs.join("; ");
    for session in &sessions {
        assert!(t.refresh_is_live(&session.refresh).await);
    }
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
    for (i, session) in sessions.iter().enumerate() {
        assert!(
            !t.refresh_is_live(&session.refresh).await,
            "LO-13: live refresh token #{} of 12 survived the logout",
            i + 1
        );
        assert!(!t.access_is_live(&session.access).await, "#{}", i + 1);
    }
}

// LO-13: refreshToken twice, the live value last.
#[tokio::test]
async fn a_live_refresh_token_after_a_garbage_one_is_revoked() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = format!("refreshToken=garbage; refreshToken={}", session.refresh);
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// LO-13: refreshToken twice, the live value first.
#[tokio::test]
async fn a_live_refresh_token_before_a_garbage_one_is_revoked() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = format!("refreshToken={}; refreshToken=garbage", session.refresh);
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// LO-13: many values, up to the 8 KiB limit: the live one after 600 garbage pairs
// (520 of them `refreshToken` values) still ends.
#[tokio::test]
async fn a_live_refresh_token_after_six_hundred_garbage_values_under_8_kib_is_revoked() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = format!(
        "{}{}refreshToken={}",
        "refreshToken=g;".repeat(520),
        "x;".repeat(80),
        session.refresh
    );
    assert!(cookie.len() <= 8192, "{} bytes", cookie.len());
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
    assert!(
        !t.refresh_is_live(&session.refresh).await,
        "LO-13: the live value after 520 garbage refreshToken values survived"
    );
}

// LO-13: the byte bound is inclusive: a header of exactly 8192 bytes is read whole.
#[tokio::test]
async fn a_cookie_header_of_exactly_8_kib_is_read_whole() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let live = format!("refreshToken={}", session.refresh);
    let cookie = format!("pad={}; {live}", "p".repeat(8192 - 4 - 2 - live.len()));
    assert_eq!(cookie.len(), 8192);
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// LO-11, LO-13: over 8 KiB of Cookie, the logout refuses with a JSON 431 and revokes
// nothing, rather than answering 200 with a session left alive.
#[tokio::test]
async fn a_cookie_header_over_8_kib_is_an_honest_431_that_revokes_nothing() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let live = both_cookies(&session);
    let one_byte_over = format!("{live}; pad={}", "p".repeat(8193 - live.len() - 6));
    assert_eq!(one_byte_over.len(), 8193);
    let long = format!("{live}; pad={}", "p".repeat(12 * 1024));
    let half = format!("pad={}", "p".repeat(4096));
    let cases: Vec<Vec<(&str, &[u8])>> = vec![
        vec![("cookie", one_byte_over.as_bytes())],
        vec![("cookie", long.as_bytes())],
        // Several headers count together.
        vec![
            ("cookie", live.as_bytes()),
            ("cookie", half.as_bytes()),
            ("cookie", half.as_bytes()),
        ],
    ];
    for headers in cases {
        let answer = t.send(Method::POST, "/auth/logout", &headers, None).await;
        answer.assert_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Cookie header too large",
        );
        assert_eq!(answer.body, r#"{"error":"Cookie header too large"}"#);
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert_eq!(
            answer.set_cookies(),
            [crate::util::CLEAR_ACCESS, crate::util::CLEAR_REFRESH],
            "the 431 clears too"
        );
        assert!(
            t.refresh_is_live(&session.refresh).await,
            "the refused logout removed the refresh token"
        );
        assert!(
            t.access_is_live(&session.access).await,
            "the refused logout revoked the access token"
        );
    }
    t.logout(&session).await.assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}

// LO-11: several Cookie headers, as HTTP/2 clients may send them.
#[tokio::test]
async fn several_cookie_headers_are_all_read() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let refresh = format!("refreshToken={}", session.refresh);
    let headers: Vec<(&str, &[u8])> = vec![
        ("cookie", b"theme=dark"),
        ("cookie", refresh.as_bytes()),
        ("cookie", b"\xff"),
    ];
    t.send(Method::POST, "/auth/logout", &headers, None)
        .await
        .assert_logged_out();
    assert!(!t.refresh_is_live(&session.refresh).await);
}
