use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::util::TestServer;

#[tokio::test]
async fn hooks_do_not_exist_unless_enabled() {
    let config = logout_server::Config {
        conformance_hooks: false,
        ..logout_server::Config::for_conformance()
    };
    let t = TestServer::with(config).await;
    for path in [
        "/__conformance/store/fail",
        "/__conformance/store/recover",
        "/__conformance/expired-session",
        "/__conformance/sessions?user=a@example.test&count=1",
    ] {
        for method in [Method::POST, Method::GET] {
            t.send(method, path, &[], None)
                .await
                .assert_error(StatusCode::NOT_FOUND, "Not found");
        }
    }
    // And the store was not switched off by the attempt.
    let session = t.session().await;
    t.logout(&session).await.assert_logged_out();
}

#[tokio::test]
async fn the_fault_switch_fails_every_store_backed_endpoint_until_recovered() {
    let t = TestServer::start().await;
    let session = t.session().await;
    let email = t.register().await;
    assert_eq!(
        t.hook("/__conformance/store/fail").await,
        json!({"storeFailing": true})
    );
    // Switching twice is harmless.
    assert_eq!(
        t.hook("/__conformance/store/fail").await,
        json!({"storeFailing": true})
    );

    let login = t
        .post_json("/auth/login", &json!({"email": email, "password": "pw"}))
        .await;
    login.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging in");
    assert!(login.set_cookies().is_empty());
    let validate = t
        .validate(&format!("refreshToken={}", session.refresh))
        .await;
    validate.assert_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Error validating session",
    );
    t.logout(&session)
        .await
        .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging out");
    // Registration does not touch the token store.
    assert_eq!(
        t.post_json(
            "/auth/register",
            &json!({"name": "N", "email": crate::util::unique_email(), "password": "p"})
        )
        .await
        .status,
        StatusCode::CREATED
    );

    assert_eq!(
        t.hook("/__conformance/store/recover").await,
        json!({"storeFailing": false})
    );
    assert!(t.refresh_is_live(&session.refresh).await);
    t.login(&email).await;
}

#[tokio::test]
async fn the_expired_session_hook_mints_tokens_that_are_already_dead() {
    let t = TestServer::start().await;
    let answer = t
        .send(Method::POST, "/__conformance/expired-session", &[], None)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert!(
        answer.set_cookies().is_empty(),
        "tokens come in the body only"
    );
    let body = answer.json();
    let refresh = body["refreshToken"].as_str().unwrap();
    let access = body["accessToken"].as_str().unwrap();
    assert_eq!((refresh.len(), access.len()), (43, 43), "{body}");
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    assert!(!t.access_is_live(access).await);
    assert!(!t.refresh_is_live(refresh).await);
}

#[tokio::test]
async fn the_expired_session_hook_fails_with_the_store() {
    let t = TestServer::start().await;
    t.hook("/__conformance/store/fail").await;
    let answer = t
        .send(Method::POST, "/__conformance/expired-session", &[], None)
        .await;
    answer.assert_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Error creating expired session",
    );
}

#[tokio::test]
async fn the_sessions_hook_opens_live_sessions_of_a_registered_user() {
    let t = TestServer::start().await;
    let email = t.register().await;
    let path = format!("/__conformance/sessions?user={email}&count=3");
    let answer = t.send(Method::POST, &path, &[], None).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert!(
        answer.set_cookies().is_empty(),
        "tokens come in the body only"
    );
    let lines: Vec<&str> = answer.body.lines().collect();
    assert_eq!(lines.len(), 3, "{answer:?}");
    let mut seen = std::collections::HashSet::new();
    for line in lines {
        let (refresh, access) = line.split_once(' ').unwrap();
        assert_eq!((refresh.len(), access.len()), (43, 43), "{line}");
        assert!(seen.insert(refresh) && seen.insert(access), "{line}");
        assert!(t.access_is_live(access).await && t.refresh_is_live(refresh).await);
    }
    for bad in [
        format!("/__conformance/sessions?user={email}&count=0"),
        format!("/__conformance/sessions?user={email}&count=1000001"),
        format!("/__conformance/sessions?user={email}"),
        "/__conformance/sessions?user=nobody@example.test&count=1".to_owned(),
    ] {
        t.send(Method::POST, &bad, &[], None)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "Error opening sessions");
    }
}
