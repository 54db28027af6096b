//! Building JSON answers.
//!
//! Every answer of this API is a small JSON object about a user's session, so every one
//! carries `Cache-Control: no-store` (LO-23): no shared or browser cache may keep it.

use serde::Serialize;
use warp::Reply;
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use warp::reply::Response;

/// `status` with `body` as `application/json` and `Cache-Control: no-store`.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = warp::reply::json(body).into_response();
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `status` with `body`, JSON text fixed at compile time, as [`json`] would answer it: no
/// serialisation per request (the logout answer is always the same bytes).
pub fn json_static(status: StatusCode, body: &'static str) -> Response {
    // Built at compile time: `from_static` checks every byte when called at run time.
    static JSON: HeaderValue = HeaderValue::from_static("application/json");
    static NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.reserve(4);
    headers.insert(CONTENT_TYPE, JSON.clone());
    headers.insert(CACHE_CONTROL, NO_STORE.clone());
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_static_answer_is_the_serialised_one() {
        let body = serde_json::json!({ "message": "Logged out successfully" });
        let serialised = json(StatusCode::OK, &body);
        let fixed = json_static(StatusCode::OK, r#"{"message":"Logged out successfully"}"#);
        assert_eq!(serialised.status(), fixed.status());
        assert_eq!(serialised.headers(), fixed.headers());
        let bytes = |r: Response| async move {
            use http_body_util::BodyExt;
            r.into_body().collect().await.unwrap().to_bytes()
        };
        assert_eq!(bytes(serialised).await, bytes(fixed).await);
    }
}
