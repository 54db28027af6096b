//! Limits on a request's target and headers, checked before routing: past them the API
//! answers its own JSON 414 or 431, where hyper, past its own larger limits, would answer
//! with no body at all.

use hyper::Request;

use crate::http::error::ApiError;

/// Longest request target (path and query) answered by the API; longer is 414 JSON.
/// (hyper itself answers a bodiless 414 past 65534 bytes, before any of this code runs.)
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header bytes (names, values and 4 bytes per line) answered by the API; more is
/// 431 JSON. (hyper itself answers a bodiless 431 past its ~400 KiB read buffer or 100
/// header lines, before any of this code runs.)
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The JSON refusal of a request whose target or headers are over this server's limits,
/// answered before routing (so without a request log line; logged at debug).
pub fn oversized<B>(request: &Request<B>) -> Option<ApiError> {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri > MAX_URI_BYTES {
        tracing::debug!(uri_bytes = uri, "request target too long: 414");
        return Some(ApiError::UriTooLong);
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers > MAX_HEADER_BYTES {
        tracing::debug!(header_bytes = headers, "request headers too large: 431");
        return Some(ApiError::HeaderFieldsTooLarge);
    }
    None
}
