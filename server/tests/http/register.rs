use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::util::{TestServer, unique_email};

#[tokio::test]
async fn register_answers_201_with_the_profile_and_never_the_password() {
    let t = TestServer::start().await;
    let email = unique_email();
    let answer = t
        .post_json(
            "/auth/register",
            &json!({"name": "Ada", "email": email, "password": "s3cret"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(
        answer.json(),
        json!({"name": "Ada", "email": email, "role": "user", "mfaEnabled": false})
    );
    assert!(!answer.body.contains("s3cret") && !answer.body.contains("argon2"));
}

#[tokio::test]
async fn a_taken_email_is_400_whatever_its_case() {
    let t = TestServer::start().await;
    let email = t.register().await;
    for taken in [email.clone(), email.to_uppercase()] {
        let answer = t
            .post_json(
                "/auth/register",
                &json!({"name": "B", "email": taken, "password": "x"}),
            )
            .await;
        answer.assert_error(StatusCode::BAD_REQUEST, "Email already in use");
    }
}

#[tokio::test]
async fn missing_or_empty_fields_are_400_error_registering_user() {
    let t = TestServer::start().await;
    for body in [
        json!({}),
        json!({"email": unique_email(), "password": "x"}),
        json!({"name": "A", "password": "x"}),
        json!({"name": "A", "email": unique_email()}),
        json!({"name": "", "email": unique_email(), "password": "x"}),
        json!({"name": "A", "email": "  ", "password": "x"}),
        json!({"name": "A", "email": unique_email(), "password": ""}),
        json!({"name": 5, "email": unique_email(), "password": "x"}),
        json!([1, 2]),
    ] {
        let answer = t.post_json("/auth/register", &body).await;
        answer.assert_error(StatusCode::BAD_REQUEST, "Error registering user");
    }
}

#[tokio::test]
async fn malformed_json_is_a_json_400() {
    let t = TestServer::start().await;
    for body in [&b"{"[..], b"", b"not json", b"{\"name\": \"A\",}"] {
        let answer = t
            .send(
                Method::POST,
                "/auth/register",
                &[("content-type", b"application/json")],
                Some(body.to_vec()),
            )
            .await;
        answer.assert_error(StatusCode::BAD_REQUEST, "Invalid JSON body");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413() {
    let t = TestServer::start().await;
    let padding = "x".repeat(20 * 1024);
    let answer = t
        .post_json(
            "/auth/register",
            &json!({"name": padding, "email": unique_email(), "password": "x"}),
        )
        .await;
    answer.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large");
}

#[tokio::test]
async fn a_non_json_content_type_is_a_json_415_and_none_is_taken_as_json() {
    let t = TestServer::start().await;
    let body = serde_json::to_vec(&json!({"name": "A", "email": unique_email(), "password": "x"}))
        .unwrap();
    let answer = t
        .send(
            Method::POST,
            "/auth/register",
            &[("content-type", b"text/plain")],
            Some(body.clone()),
        )
        .await;
    answer.assert_error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Content-Type must be application/json",
    );

    let answer = t
        .send(Method::POST, "/auth/register", &[], Some(body))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
}
