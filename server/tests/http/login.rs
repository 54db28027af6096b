use reqwest::StatusCode;
use serde_json::json;

use crate::util::{TestServer, unique_email};

/// Checks one login `Set-Cookie` header and returns its token.
fn check_login_cookie(header: &str, name: &str, max_age: u64, secure: bool) -> String {
    let rest = header
        .strip_prefix(&format!("{name}="))
        .unwrap_or_else(|| panic!("{header}"));
    let (token, attributes) = rest.split_once("; ").unwrap();
    assert_eq!(token.len(), 43, "{header}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{header}"
    );
    let attributes: Vec<&str> = attributes.split("; ").collect();
    assert_eq!(attributes[0], "Path=/", "{header}");
    assert_eq!(attributes[1], format!("Max-Age={max_age}"), "{header}");
    let expires = attributes[2].strip_prefix("Expires=").unwrap();
    let expires = httpdate::parse_http_date(expires).unwrap();
    let lifetime = expires
        .duration_since(std::time::SystemTime::now())
        .unwrap()
        .as_secs();
    assert!(lifetime + 5 >= max_age && lifetime <= max_age, "{header}");
    let mut tail = vec!["HttpOnly", "SameSite=Strict"];
    if secure {
        tail.push("Secure");
    }
    assert_eq!(attributes[3..], tail[..], "{header}");
    token.to_owned()
}

#[tokio::test]
async fn login_sets_both_cookies_one_header_each() {
    let t = TestServer::start().await;
    let email = t.register().await;
    let answer = t
        .post_json("/auth/login", &json!({"email": email, "password": "pw"}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.json(), json!({"message": "Login successful"}));
    let cookies = answer.set_cookies();
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let access = check_login_cookie(&cookies[0], "accessToken", 900, false);
    let refresh = check_login_cookie(&cookies[1], "refreshToken", 604_800, false);
    assert_ne!(access, refresh);
    assert!(t.access_is_live(&access).await && t.refresh_is_live(&refresh).await);
}

#[tokio::test]
async fn secure_cookies_mark_login_and_clearing_cookies_secure() {
    let config = logout_server::Config {
        secure_cookies: true,
        ..logout_server::Config::for_conformance()
    };
    let t = TestServer::with(config).await;
    let email = t.register().await;
    let answer = t
        .post_json("/auth/login", &json!({"email": email, "password": "pw"}))
        .await;
    let cookies = answer.set_cookies();
    check_login_cookie(&cookies[0], "accessToken", 900, true);
    check_login_cookie(&cookies[1], "refreshToken", 604_800, true);

    let answer = t.logout_with_cookie(None).await;
    assert_eq!(
        answer.set_cookies(),
        [
            "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict; Secure",
            "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict; Secure",
        ]
    );
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_is_401_without_cookies() {
    let t = TestServer::start().await;
    let email = t.register().await;
    for body in [
        json!({"email": email, "password": "wrong"}),
        json!({"email": unique_email(), "password": "pw"}),
    ] {
        let answer = t.post_json("/auth/login", &body).await;
        answer.assert_error(StatusCode::UNAUTHORIZED, "Invalid credentials");
        assert!(answer.set_cookies().is_empty(), "{answer:?}");
    }
}

#[tokio::test]
async fn the_email_is_matched_case_insensitively() {
    let t = TestServer::start().await;
    let email = t.register().await;
    let answer = t
        .post_json(
            "/auth/login",
            &json!({"email": email.to_uppercase(), "password": "pw"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
}

#[tokio::test]
async fn missing_fields_are_400_error_logging_in() {
    let t = TestServer::start().await;
    for body in [
        json!({}),
        json!({"email": "a@example.com"}),
        json!({"password": "pw"}),
        json!({"email": "", "password": ""}),
    ] {
        t.post_json("/auth/login", &body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "Error logging in");
    }
}

#[tokio::test]
async fn every_login_opens_a_separate_session() {
    let t = TestServer::start().await;
    let email = t.register().await;
    let first = t.login(&email).await;
    let second = t.login(&email).await;
    assert_ne!(first.refresh, second.refresh);
    assert_ne!(first.access, second.access);
}

/// A server over `state` (kept by the caller, to read its counters), on a free port.
async fn serve_state(state: &logout_server::AppState) -> logout_server::RunningServer {
    logout_server::spawn_routes(
        "127.0.0.1:0".parse().unwrap(),
        logout_server::routes(state.clone()),
    )
    .await
    .unwrap()
}

// One worker and one waiting place: a burst of 24 logins gets some JSON 503s with
// Retry-After at once, the rest their 401, and nothing hangs.
#[tokio::test]
async fn a_burst_of_logins_beyond_the_hashing_queue_gets_json_503_with_retry_after() {
    let state = logout_server::AppState::new(logout_server::Config {
        password_cost: logout_server::PasswordCost {
            memory_kib: 4096,
            iterations: 2,
            parallelism: 1,
        },
        password_limits: logout_server::HashLimits {
            workers: 1,
            queue: 1,
        },
        ..logout_server::Config::for_conformance()
    });
    let server = serve_state(&state).await;
    let client = crate::util::client();
    let url = format!("{}/auth/login", server.url());
    let burst = (0..24).map(|_| {
        let request = client
            .post(&url)
            .json(&json!({"email": unique_email(), "password": "pw"}))
            .send();
        async move {
            let response = request.await.unwrap();
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let content_type = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: serde_json::Value = response.json().await.unwrap();
            (status, retry_after, content_type, body)
        }
    });
    let answers = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        futures::future::join_all(burst),
    )
    .await
    .expect("the burst hung");
    let busy: Vec<_> = answers
        .iter()
        .filter(|a| a.0 == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "{answers:?}");
    for (_, retry_after, content_type, body) in &busy {
        assert_eq!(retry_after.as_deref(), Some("1"));
        assert_eq!(content_type.as_deref(), Some("application/json"));
        assert_eq!(body, &json!({"error": "Server busy, try again later"}));
    }
    assert!(
        answers
            .iter()
            .all(|a| [StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE].contains(&a.0)),
        "{answers:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_email_is_verified_against_the_dummy_hash() {
    let state = logout_server::AppState::new(logout_server::Config::for_conformance());
    let server = serve_state(&state).await;
    let client = crate::util::client();
    let login = |email: String, password: &'static str| {
        client
            .post(format!("{}/auth/login", server.url()))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    let email = unique_email();
    let registered = client
        .post(format!("{}/auth/register", server.url()))
        .json(&json!({"name": "N", "email": email, "password": "pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let wrong = login(email.clone(), "wrong").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(state.passwords().dummy_verifications(), 0);
    let unknown = login(unique_email(), "pw").await.unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.json::<serde_json::Value>().await.unwrap(),
        json!({"error": "Invalid credentials"})
    );
    assert_eq!(state.passwords().dummy_verifications(), 1);
    server.shutdown().await;
}
