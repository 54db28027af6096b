//! Tokens that are not live, refused logouts, stale access tokens and duplicated cookies
//! (LO-05, LO-06, LO-07, LO-11, LO-12, LO-13).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use conformance_tests::catalogue;
use conformance_tests::routes::{answer_logout, read_first, reference_logout};
use logout_server::AppState;
use logout_server::body::BodyStream;
use logout_server::cookies::PresentedTokens;
use logout_server::token::hash_bytes;
use serde_json::json;
use warp::Reply as _;
use warp::http::StatusCode;
use warp::http::header::{COOKIE, HeaderMap, HeaderValue};
use warp::reply::Response;

use super::support::error;

catalogue! {
    // ---- Tokens that are not live (LO-05, LO-06, LO-07, LO-11) ----

    /// `if (!(await Token.deleteOne({ token })).deletedCount) return res.status(401)…`
    unknown_token_401 {
        what: "answers 401 without clearing cookies when the refresh token is not in the store",
        // Unknown, garbage, removed (LO-05, LO-06), an unmatched quote (LO-11), 15 of 16
        // concurrent logouts (LO-10, and LO-28's split across two instances), the
        // unknown/removed answers of LO-22, and an unknown value before the live one
        // (LO-13: the live session survives).
        declares: ["LO-05", "LO-06", "LO-10", "LO-11", "LO-13", "LO-22", "LO-28"],
        build: || answer_logout(unknown_token_401),
    }

    /// `jwt.verify(token)` throws `TokenExpiredError` before the store is asked.
    expired_token_401 {
        what: "answers 401 when the refresh token has expired",
        declares: ["LO-05"],
        build: || answer_logout(expired_token_401),
    }

    /// `if (!req.headers.cookie) return res.status(400)…`
    no_cookie_header_400 {
        what: "answers 400 to a logout without a Cookie header",
        // The missing-token answer of LO-22 differs too.
        declares: ["LO-07", "LO-22"],
        build: || answer_logout(no_cookie_header_400),
    }

    /// Go `base64.RawURLEncoding.DecodeString(token)` fails, and the handler answers 400
    /// before asking the store.
    malformed_token_400 {
        what: "answers 400 when the refresh token is not 43 base64url characters",
        // The garbage token of LO-05, the unmatched quote, non-UTF-8 bytes and 4 KiB
        // value of LO-11, and a garbage value beside the live one (LO-13).
        declares: ["LO-05", "LO-11", "LO-13"],
        build: || answer_logout(malformed_token_400),
    }

    /// A proxy or server whose header limit is 4 KiB.
    cookie_4k_431 {
        what: "answers 431 to a Cookie header over 4000 bytes",
        declares: ["LO-11"],
        build: || answer_logout(cookie_4k_431),
    }

    /// A non-UTF-8 header value makes the cookie parser fail, and the error handler
    /// answers 500 (warp's own cookie filter rejects such a header).
    non_utf8_cookie_500 {
        what: "answers 500 when the Cookie header is not UTF-8",
        declares: ["LO-11"],
        build: || answer_logout(non_utf8_cookie_500),
    }

    /// A cookie map that refuses duplicate names, and a handler that dies on it.
    duplicate_cookie_drops_connection {
        what: "drops the connection when refreshToken is sent twice",
        // LO-13's live value beside another survives the dropped request.
        declares: ["LO-11", "LO-13"],
        build: || answer_logout(duplicate_cookie_drops_connection),
    }

    // ---- Refused logouts, stale access tokens, duplicated cookies (LO-01, LO-12, LO-13) ----

    /// A CSRF middleware (a TypeScript auth library's `Origin` check) refuses every
    /// logout before the handler runs. One defect: it fails LO-01 and the clauses whose
    /// own text demands the documented answer, and blocks every clause that needs a
    /// logout to have happened — none of them may pass.
    refuses_every_logout_403 {
        what: "answers 403 {\"error\":\"Forbidden\"} to every logout and revokes nothing",
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-28"],
        blocks: [
            "LO-02", "LO-03", "LO-04", "LO-08", "LO-09", "LO-12", "LO-13",
            "LO-20", "LO-21", "LO-22", "LO-23", "LO-24", "LO-27", "LO-30",
        ],
        build: || answer_logout(refuses_every_logout_403),
    }

    /// dj-rest-auth / flask-jwt-extended: the auth middleware validates the access token
    /// before the logout view runs, and answers 401 for an expired or revoked one: the
    /// user who comes back later cannot log out, and the refresh token stays live.
    stale_access_token_401 {
        what: "answers 401 when an access token is presented that is not live",
        // Concurrent logouts carry the whole session, as a browser's tabs do: the first
        // revokes the access token, and the others are refused for it (LO-10, and
        // LO-28's split across two instances).
        declares: ["LO-10", "LO-12", "LO-28"],
        build: || answer_logout(stale_access_token_401),
    }

    /// `req.cookies.refreshToken` from a parser that keeps the first value: a tossed
    /// cookie ahead of the live one is revoked instead, and the answer is 200.
    first_value_only {
        what: "revokes only the first refreshToken value of the Cookie header",
        declares: ["LO-13"],
        build: || answer_logout(first_value_only),
    }
}

/// An answer as a CSRF middleware writes it: JSON, no cookies, no cache headers.
async fn refuses_every_logout_403(_: AppState, _: HeaderMap, _: BodyStream) -> Response {
    let mut response = warp::reply::json(&json!({ "error": "Forbidden" })).into_response();
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

async fn stale_access_token_401(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    let presented = PresentedTokens::from_headers(&headers);
    let now = SystemTime::now();
    for token in &presented.access {
        // A failing store falls through to the handler's own 500.
        let live = state.store().access_session(&hash_bytes(token), now).await;
        if matches!(live, Ok(None)) {
            return error(StatusCode::UNAUTHORIZED, "Token is invalid or expired");
        }
    }
    reference_logout(state, headers, body).await
}

async fn first_value_only(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let presented = PresentedTokens::from_headers(&headers);
    let Some(first) = presented.refresh.first() else {
        return reference_logout(state, headers, body).await;
    };
    let mut changed = headers.clone();
    changed.remove(COOKIE);
    let mut pairs: Vec<Vec<u8>> = presented
        .access
        .iter()
        .map(|v| [b"accessToken=".as_slice(), v].concat())
        .collect();
    pairs.push([b"refreshToken=".as_slice(), first].concat());
    if let Ok(cookie) = HeaderValue::from_bytes(&pairs.join(b"; ".as_slice())) {
        changed.insert(COOKIE, cookie);
    }
    reference_logout(state, changed, body).await
}

async fn unknown_token_401(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    let presented = PresentedTokens::from_headers(&headers);
    if let Some(token) = presented.refresh.first()
        && let Ok(false) = state.store().remove_refresh(&hash_bytes(token)).await
    {
        return error(StatusCode::UNAUTHORIZED, "Invalid refresh token");
    }
    reference_logout(state, headers, body).await
}

async fn expired_token_401(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    let presented = PresentedTokens::from_headers(&headers);
    let now = SystemTime::now();
    for token in &presented.refresh {
        let hash = hash_bytes(token);
        // Live an hour ago but not now: it expired (a store lookup at `now` is what the
        // reference does, and it cannot tell expired from unknown).
        let then = state
            .store()
            .refresh_session(&hash, now - Duration::from_secs(3600))
            .await;
        let still = state.store().refresh_session(&hash, now).await;
        if matches!((then, still), (Ok(Some(_)), Ok(None))) {
            return error(StatusCode::UNAUTHORIZED, "jwt expired");
        }
    }
    reference_logout(state, headers, body).await
}

async fn no_cookie_header_400(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    if !headers.contains_key(COOKIE) {
        return error(StatusCode::BAD_REQUEST, "No refresh token provided");
    }
    reference_logout(state, headers, body).await
}

async fn malformed_token_400(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    let well_formed = |t: &Vec<u8>| {
        t.len() == 43
            && t.iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    };
    if !PresentedTokens::from_headers(&headers)
        .refresh
        .iter()
        .all(well_formed)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "illegal base64 data at input byte 0",
        );
    }
    reference_logout(state, headers, body).await
}

async fn cookie_4k_431(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    let size: usize = headers.get_all(COOKIE).iter().map(HeaderValue::len).sum();
    if size > 4000 {
        return error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request Header Fields Too Large",
        );
    }
    reference_logout(state, headers, body).await
}

async fn non_utf8_cookie_500(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let body = read_first(body).await;
    if headers.get_all(COOKIE).iter().any(|v| v.to_str().is_err()) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging out");
    }
    reference_logout(state, headers, body).await
}

async fn duplicate_cookie_drops_connection(
    state: AppState,
    headers: HeaderMap,
    body: BodyStream,
) -> Response {
    if PresentedTokens::from_headers(&headers).refresh.len() > 1 {
        // The answer's body fails before its first byte: the server closes the connection
        // without a complete answer.
        let failing = [Err::<Bytes, _>(std::io::Error::other(
            "duplicate cookie name",
        ))];
        return warp::reply::stream(futures::stream::iter(failing)).into_response();
    }
    reference_logout(state, headers, body).await
}
