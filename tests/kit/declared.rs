//! A target shaped like a TypeScript auth library rather than the API family: it refuses
//! every state-changing request without an `Origin` header (403), keeps its session in
//! one cookie named `session`, and answers logout `200 {"success":true}`. Underneath it
//! is the reference server: requests are translated (`session` → `refreshToken`) on the
//! way in and answers (cookies renamed, the logout body replaced) on the way out. It is
//! testable only by declaring all of this in a profile.

use std::convert::Infallible;

use logout_server::AppState;
use logout_server::body::BodyStream;
use logout_server::cors::{self, CorsPolicy};
use logout_server::handlers::{auth, hooks, logout, session};
use warp::Filter;
use warp::filters::path::FullPath;
use warp::http::header::{COOKIE, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use crate::routes::{Routes, json, reference_state, replace_set_cookies, set_cookies, set_json};

/// The one cookie of this target's session.
pub const SESSION_COOKIE: &str = "session";

/// How its logout treats the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logout {
    /// Revokes the presented token, as the reference does.
    Revokes,
    /// Answers and clears the cookie, but revokes nothing (the defect a declared
    /// contract must still catch).
    KeepsSession,
}

/// The profile that declares this target: Origin on every request, the one cookie, the
/// logout's own success answer, and the reference's hooks and CORS origin.
pub const PROFILE: &str = concat!(
    r#"
version = 2

[defaults]
headers = { Origin = "{origin}" }

[session]
cookies = [{ name = "session", role = "session" }]

[logout.success]
status = [200]
body = { json_subset = { success = true } }
"#,
    reference_capabilities!()
);

/// The target's routes.
pub fn routes(logout: Logout) -> Routes {
    routes_of(logout, false)
}

/// The same target, but its login answers the session token in its JSON body
/// (`{"token":"…"}`) and sets no cookie: the client sends it back as the `session`
/// cookie itself.
pub fn routes_with_body_token() -> Routes {
    routes_of(Logout::Revokes, true)
}

/// The profile of [`routes_with_body_token`]: [`PROFILE`] with the session in the body.
pub fn body_token_profile() -> String {
    PROFILE.replace(
        r#"cookies = [{ name = "session", role = "session" }]"#,
        "cookies = []\ntokens = [{ pointer = \"/token\", role = \"session\", send_as = \"cookie:session\" }]",
    )
}

fn routes_of(logout: Logout, body_token: bool) -> Routes {
    let state = reference_state();
    let policy = CorsPolicy::new(&state.config().cors_origins);
    let api = warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and(logout_server::body::stream())
        .then(move |method: Method, path: FullPath, headers, body| {
            let state = state.clone();
            async move {
                let mut answer =
                    dispatch(state, logout, method.clone(), path.as_str(), headers, body).await;
                if body_token && method == Method::POST && path.as_str() == "/auth/login" {
                    token_in_body(&mut answer);
                }
                answer
            }
        });
    let all = cors::preflight(policy.clone())
        .or(api)
        .unify()
        .recover(|_: warp::Rejection| async {
            let body = serde_json::json!({ "error": "Bad Request" });
            Ok::<Response, Infallible>(json(StatusCode::BAD_REQUEST, &body))
        })
        .unify();
    cors::decorate(policy, all).boxed()
}

async fn dispatch(
    state: AppState,
    logout_kind: Logout,
    method: Method,
    path: &str,
    headers: HeaderMap,
    body: BodyStream,
) -> Response {
    let changes_state = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let hook = path.starts_with("/__conformance/");
    if changes_state && !hook && !headers.contains_key("origin") {
        return json(
            StatusCode::FORBIDDEN,
            &serde_json::json!({ "error": "Forbidden" }),
        );
    }
    let headers = translated(headers);
    let mut response = match (method.clone(), path) {
        (Method::POST, "/auth/register") => auth::register(state, headers, body).await,
        (Method::POST, "/auth/login") => auth::login(state, headers, body).await,
        (Method::GET, "/auth/validate-session") => session::validate_session(state, headers).await,
        (Method::POST, "/auth/logout") => {
            let mut headers = headers;
            if logout_kind == Logout::KeepsSession {
                headers.remove(COOKIE);
            }
            let mut answer = logout::logout(state, headers, body).await;
            if answer.status() == StatusCode::OK {
                set_json(
                    &mut answer,
                    StatusCode::OK,
                    &serde_json::json!({ "success": true }),
                );
            }
            answer
        }
        (Method::POST, "/__conformance/store/fail") => hooks::store_fail(state, body).await,
        (Method::POST, "/__conformance/store/recover") => hooks::store_recover(state, body).await,
        (Method::POST, "/__conformance/expired-session") => {
            hooks::expired_session(state, body).await
        }
        _ => json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "Not Found" }),
        ),
    };
    let renamed: Vec<String> = set_cookies(&response)
        .into_iter()
        .filter(|c| !c.starts_with("accessToken="))
        .map(|c| match c.strip_prefix("refreshToken=") {
            Some(rest) => format!("{SESSION_COOKIE}={rest}"),
            None => c,
        })
        .collect();
    replace_set_cookies(&mut response, renamed);
    response
}

/// Moves the session cookie of a login answer into its JSON body.
fn token_in_body(answer: &mut Response) {
    let prefix = format!("{SESSION_COOKIE}=");
    let token = set_cookies(answer).iter().find_map(|c| {
        c.strip_prefix(&prefix)
            .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    });
    replace_set_cookies(answer, Vec::new());
    if let Some(token) = token {
        let status = answer.status();
        set_json(answer, status, &serde_json::json!({ "token": token }));
    }
}

/// The `Cookie` headers with every `session` pair named `refreshToken`, as the
/// reference reads them. Other pairs are dropped (the reference reads no other cookie):
/// a longer name must not push a header under this target's 8 KiB past the reference's.
fn translated(mut headers: HeaderMap) -> HeaderMap {
    let values: Vec<Vec<u8>> = headers
        .get_all(COOKIE)
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
    headers.remove(COOKIE);
    for value in values {
        let text = String::from_utf8_lossy(&value);
        let pairs: Vec<String> = text
            .split(';')
            .filter_map(|pair| {
                let trimmed = pair.trim_start();
                trimmed
                    .strip_prefix(&format!("{SESSION_COOKIE}="))
                    .map(|v| format!("refreshToken={v}"))
            })
            .collect();
        let joined = pairs.join("; ");
        let header = HeaderValue::from_str(&joined)
            .or_else(|_| HeaderValue::from_bytes(&value))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        headers.append(COOKIE, header);
    }
    headers
}
