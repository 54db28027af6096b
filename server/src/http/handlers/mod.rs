//! The ends of the filter chains: one function per endpoint, which decides the status.
//!
//! Each handler returns a finished [`Response`]; nothing here rejects, so a request that
//! reached its path is answered by its handler and never falls through to another route.

pub mod auth;
pub mod hooks;
pub mod logout;
pub mod session;

use serde::de::DeserializeOwned;
use warp::http::header::{CONTENT_TYPE, HeaderMap};
use warp::reply::Response;

use crate::http::body::{self, BodyError, BodyStream};
use crate::http::error::ApiError;

/// Turns a handler's result into its answer.
fn answer(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(ApiError::into_response)
}

/// Reads a JSON body of at most `limit` bytes and parses it as `T`.
///
/// A `Content-Type` other than `application/json` is refused with 415 (no header at all
/// is taken as JSON): a cross-site form cannot post `text/plain` credentials. A body that
/// is not JSON is 400 `Invalid JSON body`; JSON of the wrong shape is 400 `shape_error`.
async fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: BodyStream,
    limit: u64,
    shape_error: &'static str,
) -> Result<T, ApiError> {
    if let Some(content_type) = headers.get(CONTENT_TYPE) {
        let essence = content_type
            .as_bytes()
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default();
        if !essence
            .trim_ascii()
            .eq_ignore_ascii_case(b"application/json")
        {
            return Err(ApiError::UnsupportedMediaType);
        }
    }
    let bytes = body::read_limited(body, limit)
        .await
        .map_err(|error| match error {
            BodyError::TooLarge => ApiError::PayloadTooLarge,
            BodyError::Read(_) => ApiError::BadRequest("Could not read the request body"),
        })?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| ApiError::BadRequest("Invalid JSON body"))?;
    serde_json::from_value(value).map_err(|_| ApiError::BadRequest(shape_error))
}

/// A required, non-blank string field.
fn required(field: Option<String>, error: &'static str) -> Result<String, ApiError> {
    field
        .filter(|value| !value.trim().is_empty())
        .ok_or(ApiError::BadRequest(error))
}
