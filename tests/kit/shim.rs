//! A target in front of the reference server that changes what travels between the two:
//! a [`Shim`] may refuse a request or rewrite its headers on the way in (a CSRF check, a
//! cookie renamed or signed) and rewrite the answer on the way out (cookies renamed, a
//! CSRF cookie added). The reference handlers answer everything else, so each target
//! differs from the reference by what its shim says and nothing more.

use std::convert::Infallible;
use std::sync::Arc;

use logout_server::AppState;
use logout_server::body::BodyStream;
use logout_server::cors::{self, CorsPolicy};
use logout_server::handlers::{auth, hooks, logout, session};
use warp::Filter;
use warp::filters::path::FullPath;
use warp::http::header::{COOKIE, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use crate::routes::{Routes, json};

/// What a target changes between the client and the reference handlers.
pub trait Shim: Send + Sync + 'static {
    /// The request's headers as the reference should see them, or the answer the
    /// target gives itself (a refusal).
    fn inbound(
        &self,
        method: &Method,
        path: &str,
        headers: HeaderMap,
    ) -> Result<HeaderMap, Box<Response>> {
        let _ = (method, path);
        Ok(headers)
    }

    /// The answer as the client gets it; `sent` are the request's headers as the client
    /// sent them.
    fn outbound(&self, method: &Method, path: &str, sent: &HeaderMap, answer: &mut Response) {
        let _ = (method, path, sent, answer);
    }
}

/// The routes of a target: `shim` in front of the reference handlers over `state`.
pub fn routes(state: AppState, shim: impl Shim) -> Routes {
    let shim: Arc<dyn Shim> = Arc::new(shim);
    let policy = CorsPolicy::new(&state.config().cors_origins);
    let api = warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and(logout_server::body::stream())
        .then(
            move |method: Method, path: FullPath, headers: HeaderMap, body| {
                let (state, shim) = (state.clone(), shim.clone());
                async move {
                    let path = path.as_str().to_owned();
                    let mut answer = match shim.inbound(&method, &path, headers.clone()) {
                        Ok(inner) => dispatch(state, &method, &path, inner, body).await,
                        Err(refusal) => *refusal,
                    };
                    shim.outbound(&method, &path, &headers, &mut answer);
                    answer
                }
            },
        );
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
    method: &Method,
    path: &str,
    headers: HeaderMap,
    body: BodyStream,
) -> Response {
    match (method.clone(), path) {
        (Method::POST, "/auth/register") => auth::register(state, headers, body).await,
        (Method::POST, "/auth/login") => auth::login(state, headers, body).await,
        (Method::GET, "/auth/validate-session") => session::validate_session(state, headers).await,
        (Method::POST, "/auth/logout") => logout::logout(state, headers, body).await,
        (Method::POST, "/auth/refresh") => session::refresh(state, headers).await,
        (Method::POST, "/__conformance/store/fail") => hooks::store_fail(state, body).await,
        (Method::POST, "/__conformance/store/recover") => hooks::store_recover(state, body).await,
        (Method::POST, "/__conformance/expired-session") => {
            hooks::expired_session(state, body).await
        }
        (_, "/auth/logout") => json(
            StatusCode::METHOD_NOT_ALLOWED,
            &serde_json::json!({ "error": "Method Not Allowed" }),
        ),
        _ => json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "Not Found" }),
        ),
    }
}

/// The `name=value` pairs of a request's `Cookie` headers, in order (a pair without
/// `=` has an empty name's value: `("sid", None)`).
pub fn cookie_pairs(headers: &HeaderMap) -> Vec<(String, Option<Vec<u8>>)> {
    let mut pairs = Vec::new();
    for header in headers.get_all(COOKIE) {
        for pair in header.as_bytes().split(|b| *b == b';') {
            let pair = pair.trim_ascii();
            if pair.is_empty() {
                continue;
            }
            match pair.iter().position(|b| *b == b'=') {
                Some(eq) => pairs.push((
                    String::from_utf8_lossy(pair[..eq].trim_ascii()).into_owned(),
                    Some(pair[eq + 1..].trim_ascii().to_vec()),
                )),
                None => pairs.push((String::from_utf8_lossy(pair).into_owned(), None)),
            }
        }
    }
    pairs
}

/// The first value of cookie `name` in a request, as text.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie_pairs(headers)
        .into_iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v)
        .map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// `headers` with their `Cookie` headers replaced by one made of `pairs` (none: no
/// `Cookie` header).
pub fn with_cookies(mut headers: HeaderMap, pairs: &[(String, Vec<u8>)]) -> HeaderMap {
    headers.remove(COOKIE);
    if pairs.is_empty() {
        return headers;
    }
    let mut value = Vec::new();
    for (i, (name, v)) in pairs.iter().enumerate() {
        if i > 0 {
            value.extend_from_slice(b"; ");
        }
        value.extend_from_slice(name.as_bytes());
        value.push(b'=');
        value.extend_from_slice(v);
    }
    if let Ok(header) = HeaderValue::from_bytes(&value) {
        headers.insert(COOKIE, header);
    }
    headers
}
