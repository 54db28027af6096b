//! Credentialed CORS for the configured browser origins only (LO-26).
//!
//! warp's own `cors()` does not fit: it rejects a non-preflight request from another
//! origin with 403 (this API answers it normally, just without CORS headers, so the
//! browser withholds the answer) and sends no `Vary: Origin`. This is the small part of
//! CORS the API needs:
//!
//! - A preflight (`OPTIONS` with `Origin`) from an allowed origin: 204 with
//!   `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers: content-type` and a
//!   max age; from any other origin: 403 JSON. Preflights never touch cookies or the store.
//! - Every answer to an allowed origin: `Access-Control-Allow-Origin: <that origin>`
//!   (never `*`) and `Access-Control-Allow-Credentials: true`.
//! - Every answer, when any origin is configured: `Vary: Origin`, so caches keep them apart.

use std::sync::Arc;

use warp::Filter;
use warp::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, HeaderValue, VARY,
};
use warp::http::{Method, StatusCode};
use warp::reply::{Reply, Response};

use crate::http::error::ApiError;

/// The origins allowed to call the API with credentials.
#[derive(Clone, Debug)]
pub struct CorsPolicy {
    origins: Arc<[String]>,
}

impl CorsPolicy {
    /// Allows exactly these origins (as `scheme://host[:port]`).
    pub fn new(origins: &[String]) -> Self {
        Self {
            origins: origins.into(),
        }
    }

    fn allows(&self, origin: &HeaderValue) -> bool {
        self.origins
            .iter()
            .any(|allowed| allowed.as_bytes() == origin.as_bytes())
    }

    /// The answer to a preflight from `origin`, before [`CorsPolicy::decorate`].
    pub fn preflight(&self, origin: &HeaderValue) -> Response {
        if !self.allows(origin) {
            return ApiError::OriginNotAllowed.into_response();
        }
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, GET, OPTIONS"),
        );
        headers.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type"),
        );
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        response
    }

    /// Adds the CORS headers that `origin` (the request's `Origin`) is entitled to.
    pub fn decorate(&self, origin: Option<HeaderValue>, mut response: Response) -> Response {
        if self.origins.is_empty() {
            return response;
        }
        let headers = response.headers_mut();
        headers.append(VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = origin.filter(|o| self.allows(o)) {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        response
    }
}

/// The request's `Origin` header, if any; never rejects (a rejection here would outrank
/// the 404 of an unknown path).
fn origin()
-> impl Filter<Extract = (Option<HeaderValue>,), Error = std::convert::Infallible> + Clone {
    warp::header::value("origin")
        .map(Some)
        .or(warp::any().map(|| None))
        .unify()
}

/// Answers preflights (`OPTIONS` with an `Origin`) on any path; everything else passes
/// on as "not found", the weakest rejection, so the other routes decide.
pub fn preflight(
    policy: CorsPolicy,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    warp::method()
        .and(origin())
        .and_then(|method: Method, origin: Option<HeaderValue>| async move {
            match origin {
                Some(origin) if method == Method::OPTIONS => Ok(origin),
                _ => Err(warp::reject::not_found()),
            }
        })
        .map(move |origin: HeaderValue| policy.preflight(&origin))
}

/// Wraps `routes` so that every answer carries the CORS headers its origin is entitled to.
pub fn decorate<F>(
    policy: CorsPolicy,
    routes: F,
) -> impl Filter<Extract = (Response,), Error = std::convert::Infallible> + Clone
where
    F: Filter<Extract = (Response,), Error = std::convert::Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
{
    origin()
        .and(routes)
        .map(move |origin, response| policy.decorate(origin, response))
}
