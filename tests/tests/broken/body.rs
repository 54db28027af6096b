//! The body (LO-08, LO-21): a logout whose answer depends on what it is sent.

use conformance_tests::catalogue;
use conformance_tests::routes::{answer_logout, body_of, read_body, reference_logout};
use logout_server::AppState;
use logout_server::body::BodyStream;
use logout_server::cookies::PresentedTokens;
use warp::http::StatusCode;
use warp::http::header::{COOKIE, HeaderMap, HeaderValue};
use warp::reply::Response;

use super::support::error;

catalogue! {
    // ---- The body (LO-08, LO-21) ----

    /// Spring `@RequestBody` without `required = false`.
    empty_body_400 {
        what: "answers 400 to an empty body",
        declares: ["LO-08"],
        build: || answer_logout(empty_body_400),
    }

    /// `express.json()` answers a parse error before the route runs.
    malformed_json_400 {
        what: "answers 400 to a body that is not JSON",
        declares: ["LO-21"],
        build: || answer_logout(malformed_json_400),
    }

    /// A strict body schema (zod `z.object({}).strict()`, a DRF serializer rejecting
    /// unknown fields) on an endpoint whose body should be ignored: only an empty body
    /// or `{}` gets through.
    strict_body_schema_400 {
        what: "answers 400 to any body but empty or {}",
        // The body is not ignored (LO-08, LO-21). LO-20's logout with
        // {"everywhere":true} is refused, so LO-20 is not judged there: blocked by LO-08,
        // never evidence against LO-01 (the same target logs out a body of {}).
        declares: ["LO-08", "LO-21"],
        blocks: ["LO-20"],
        build: || answer_logout(strict_body_schema_400),
    }

    /// `const token = req.body.refreshToken ?? req.cookies.refreshToken` (for a mobile
    /// client): the body's token is revoked, and the cookie's session lives on.
    body_token_wins {
        what: "revokes the body's refreshToken instead of the cookie's when the body names one",
        declares: ["LO-08"],
        build: || answer_logout(body_token_wins),
    }
}

async fn body_token_wins(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let bytes = read_body(body).await;
    let from_body = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("refreshToken")?.as_str().map(str::to_owned));
    let Some(token) = from_body else {
        return reference_logout(state, headers, body_of(bytes)).await;
    };
    // The access cookie as presented, the refresh token from the body.
    let presented = PresentedTokens::from_headers(&headers);
    let mut pairs: Vec<Vec<u8>> = presented
        .access
        .iter()
        .map(|v| [b"accessToken=".as_slice(), v].concat())
        .collect();
    pairs.push(format!("refreshToken={token}").into_bytes());
    let mut changed = headers.clone();
    changed.remove(COOKIE);
    if let Ok(cookie) = HeaderValue::from_bytes(&pairs.join(b"; ".as_slice())) {
        changed.insert(COOKIE, cookie);
    }
    reference_logout(state, changed, body_of(bytes)).await
}

async fn empty_body_400(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let bytes = read_body(body).await;
    if bytes.is_empty() {
        return error(StatusCode::BAD_REQUEST, "Required request body is missing");
    }
    reference_logout(state, headers, body_of(bytes)).await
}

async fn strict_body_schema_400(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let bytes = read_body(body).await;
    let verdict = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        _ if bytes.is_empty() => None,
        Ok(serde_json::Value::Object(map)) if map.is_empty() => None,
        Ok(serde_json::Value::Object(_)) => Some("Unrecognized key(s) in object"),
        Ok(_) => Some("Expected object"),
        Err(_) => Some("Unexpected end of JSON input"),
    };
    match verdict {
        Some(message) => error(StatusCode::BAD_REQUEST, message),
        None => reference_logout(state, headers, body_of(bytes)).await,
    }
}

async fn malformed_json_400(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let bytes = read_body(body).await;
    if !bytes.is_empty() && serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
        return error(StatusCode::BAD_REQUEST, "Unexpected end of JSON input");
    }
    reference_logout(state, headers, body_of(bytes)).await
}
