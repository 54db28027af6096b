//! Building JSON answers.
//!
//! Every answer of this API is a small JSON object about a user's session, so every one
//! carries `Cache-Control: no-store` (LO-23): no shared or browser cache may keep it.

use serde::Serialize;
use warp::Reply;
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, HeaderValue};
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
