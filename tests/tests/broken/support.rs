//! Helpers that broken targets of several areas share.

use conformance_tests::routes::json;
use serde_json::json;
use warp::http::StatusCode;
use warp::reply::Response;

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    json(status, &json!({ "error": message }))
}
