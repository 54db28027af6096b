use reqwest::{Method, StatusCode};

use crate::util::{ALLOWED_ORIGIN, TestServer, both_cookies};

const EVIL_ORIGIN: &[u8] = b"http://evil.example";

fn preflight_headers(origin: &[u8]) -> Vec<(&str, &[u8])> {
    vec![
        ("origin", origin),
        ("access-control-request-method", b"POST"),
        ("access-control-request-headers", b"content-type"),
    ]
}

#[tokio::test]
async fn a_preflight_from_the_allowed_origin_is_allowed_with_credentials() {
    let t = TestServer::start().await;
    let answer = t
        .send(
            Method::OPTIONS,
            "/auth/logout",
            &preflight_headers(ALLOWED_ORIGIN.as_bytes()),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{answer:?}");
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(ALLOWED_ORIGIN)
    );
    assert_eq!(
        answer.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(
        answer
            .header("access-control-allow-headers")
            .unwrap()
            .to_lowercase()
            .contains("content-type")
    );
    assert!(
        answer
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );
    assert_eq!(answer.header("vary"), Some("Origin"));
    assert!(answer.set_cookies().is_empty());
}

#[tokio::test]
async fn the_logout_answer_to_the_allowed_origin_carries_the_cors_headers() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = both_cookies(&session);
    let headers: Vec<(&str, &[u8])> = vec![
        ("origin", ALLOWED_ORIGIN.as_bytes()),
        ("cookie", cookie.as_bytes()),
    ];
    let answer = t
        .send(Method::POST, "/auth/logout", &headers, Some(b"{}".to_vec()))
        .await;
    answer.assert_logged_out();
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(ALLOWED_ORIGIN)
    );
    assert_eq!(
        answer.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(answer.header("vary"), Some("Origin"));
    assert!(!t.refresh_is_live(&session.refresh).await);
}

#[tokio::test]
async fn another_origin_gets_no_cors_headers() {
    let t = TestServer::start().await;
    let answer = t
        .send(
            Method::OPTIONS,
            "/auth/logout",
            &preflight_headers(EVIL_ORIGIN),
            None,
        )
        .await;
    answer.assert_error(StatusCode::FORBIDDEN, "Origin not allowed");
    assert_eq!(answer.header("access-control-allow-origin"), None);
    assert_eq!(answer.header("access-control-allow-credentials"), None);

    // The request itself is answered as usual: the browser withholds the answer.
    let session = t.session().await;
    let cookie = both_cookies(&session);
    for origin in [
        EVIL_ORIGIN,
        b"null",
        b"http://localhost:5173.evil.example",
        b"HTTP://LOCALHOST:5173",
        b"\xff",
    ] {
        let answer = t
            .send(
                Method::POST,
                "/auth/logout",
                &[("origin", origin), ("cookie", cookie.as_bytes())],
                None,
            )
            .await;
        answer.assert_logged_out();
        assert_eq!(answer.header("access-control-allow-origin"), None);
        assert_eq!(answer.header("access-control-allow-credentials"), None);
    }
}

#[tokio::test]
async fn without_configured_origins_there_is_no_cors_at_all() {
    let config = logout_server::Config {
        cors_origins: Vec::new(),
        ..logout_server::Config::for_conformance()
    };
    let t = TestServer::with(config).await;
    let answer = t
        .send(
            Method::OPTIONS,
            "/auth/logout",
            &preflight_headers(ALLOWED_ORIGIN.as_bytes()),
            None,
        )
        .await;
    answer.assert_error(StatusCode::FORBIDDEN, "Origin not allowed");
    assert_eq!(answer.header("access-control-allow-origin"), None);
    let answer = t
        .send(
            Method::POST,
            "/auth/logout",
            &[("origin", ALLOWED_ORIGIN.as_bytes())],
            None,
        )
        .await;
    answer.assert_logged_out();
    assert_eq!(answer.header("access-control-allow-origin"), None);
    assert_eq!(answer.header("vary"), None);
}
