use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::util::TestServer;

fn user_body(email: &str) -> serde_json::Value {
    json!({"authenticated": true, "user": {"name": "Test User", "email": email, "mfaEnabled": false, "role": "user"}})
}

#[tokio::test]
async fn a_live_access_token_alone_is_enough_and_sets_nothing() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let answer = t.validate(&format!("accessToken={}", session.access)).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.json(), user_body(&session.email));
    assert!(answer.set_cookies().is_empty(), "{answer:?}");
}

#[tokio::test]
async fn a_live_refresh_token_alone_mints_a_new_access_token() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let answer = t
        .validate(&format!("refreshToken={}", session.refresh))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.json(), user_body(&session.email));
    let cookies = answer.set_cookies();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("accessToken="), "{cookies:?}");
    assert!(
        cookies[0].contains("; Path=/; Max-Age=900; Expires="),
        "{cookies:?}"
    );
    assert!(
        cookies[0].ends_with("; HttpOnly; SameSite=Strict"),
        "{cookies:?}"
    );
    let minted = answer.cookie_value("accessToken");
    assert_ne!(minted, session.access);
    assert!(t.access_is_live(&minted).await);
}

#[tokio::test]
async fn an_invalid_access_token_falls_back_to_the_refresh_token() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let answer = t
        .validate(&format!(
            "accessToken=garbage; refreshToken={}",
            session.refresh
        ))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.set_cookies().len(), 1);
}

#[tokio::test]
async fn no_unknown_or_malformed_tokens_are_401() {
    let t = TestServer::start().await;
    let answer = t
        .send(Method::GET, "/auth/validate-session", &[], None)
        .await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "Invalid or expired refresh token");
    for cookie in [
        &b"refreshToken=unknown"[..],
        b"accessToken=unknown",
        b"refreshToken",
        b";;;",
        b"refreshToken=\xff\xfe",
    ] {
        let answer = t
            .send(
                Method::GET,
                "/auth/validate-session",
                &[("cookie", cookie)],
                None,
            )
            .await;
        answer.assert_error(StatusCode::UNAUTHORIZED, "Invalid or expired refresh token");
    }
}

#[tokio::test]
async fn the_body_is_ignored() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = format!("refreshToken={}", session.refresh);
    let answer = t
        .send(
            Method::GET,
            "/auth/validate-session",
            &[("cookie", cookie.as_bytes())],
            Some(b"{".to_vec()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
}

/// `--rotate-refresh`: the rotating refresh replaces the refresh token, and a logout
/// presenting the replaced token still ends the session it was rotated into (LO-14).
#[tokio::test]
async fn the_rotating_refresh_replaces_the_token_and_logout_follows_it() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let cookie = format!("refreshToken={}", session.refresh);
    let answer = rotate(&t, &cookie).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let rotated = answer.cookie_value("refreshToken");
    assert_ne!(rotated, session.refresh);
    assert!(t.access_is_live(&answer.cookie_value("accessToken")).await);
    assert!(t.refresh_is_live(&rotated).await);
    assert!(
        !t.refresh_is_live(&session.refresh).await,
        "the old one is dead"
    );
    assert_eq!(rotate(&t, &cookie).await.status, StatusCode::UNAUTHORIZED);

    // The logout presents the token the client held before the rotation.
    t.logout(&session).await.assert_logged_out();
    assert!(!t.refresh_is_live(&rotated).await, "the session ended");
}

async fn rotate(t: &TestServer, cookie: &str) -> crate::util::Answer {
    t.send(
        Method::POST,
        "/auth/refresh",
        &[("cookie", cookie.as_bytes())],
        None,
    )
    .await
}

#[tokio::test]
async fn without_rotate_refresh_there_is_no_refresh_endpoint() {
    let t = TestServer::with(logout_server::Config::default()).await;
    let answer = t
        .send(
            Method::POST,
            "/auth/refresh",
            &[("cookie", b"refreshToken=x")],
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
}
