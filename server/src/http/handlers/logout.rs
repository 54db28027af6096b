//! Logging out: the endpoint this project is about.

use std::future::Future;

use bytes::Buf;
use futures::Stream;

use warp::http::StatusCode;
use warp::http::header::HeaderMap;
use warp::reply::Response;

use crate::app::state::AppState;
use crate::http::body::{self, DRAIN_CAP};
use crate::http::error::ApiError;
use crate::http::respond;
use crate::model::cookies::{self, MAX_COOKIE_BYTES};
use crate::model::sessions;

/// The answer to every logout that reaches the store, as `serde_json` writes it.
pub const LOGGED_OUT: &str = r#"{"message":"Logged out successfully"}"#;

/// POST /auth/logout — clears both cookies, always 200 unless the store fails or the
/// `Cookie` headers are over 8 KiB.
///
/// - Removes every presented `refreshToken` from the store and revokes every presented
///   `accessToken`, however many values the header repeats, live first, last or among
///   garbage (LO-13); other sessions of the user stay live (LO-20, LO-27).
/// - Live, unknown, removed, expired, missing or malformed tokens all get the same answer
///   (LO-05, LO-07, LO-11, LO-22): 200 `{"message":"Logged out successfully"}`, the two
///   clearing cookies, `Cache-Control: no-store`. Removing a token that is already gone
///   is not an error, so concurrent logouts all succeed (LO-10).
/// - The body and its `Content-Type` are ignored: the body is read and dropped (up to
///   [`DRAIN_CAP`] bytes), never parsed (LO-08, LO-21). A longer body is no reason to
///   refuse: the logout still happens and answers the documented 200 once [`DRAIN_CAP`]
///   bytes are read; reading stops there, and the connection is closed gracefully (FIN,
///   then the rest of the body read and dropped for up to 2 s, see [`crate::process::serve`]) so
///   that the client reads the whole answer instead of a reset.
/// - The work is bounded by bytes, not by a count of values: `Cookie` headers whose
///   values together exceed [`MAX_COOKIE_BYTES`] (8192 bytes) answer 431
///   `{"error":"Cookie header too large"}` with `Cache-Control: no-store` and revoke
///   nothing, an honest refusal rather than a 200 that leaves a session alive (LO-11
///   allows 431 over 8 KiB; LO-13). That answer clears the cookies too, as the 500 does.
/// - A failing store answers 500 `{"error":"Error logging out"}` (LO-09), the cause only in
///   the log. That answer clears the cookies too (LO-30 leaves it open): the client wants
///   to be logged out, and dropping its copies of the tokens can only help.
///
/// (Not an `async fn`, which would hold its arguments twice: this future is part of every
/// logout's, which is moved several times on its way through warp and hyper.)
#[allow(
    clippy::manual_async_fn,
    reason = "an async fn's future holds its arguments twice"
)]
pub fn logout<S, B>(
    state: AppState,
    headers: HeaderMap,
    body: S,
) -> impl Future<Output = Response> + Send
where
    S: Stream<Item = Result<B, warp::Error>> + Send,
    B: Buf + Send,
{
    async move {
        body::discard(body, DRAIN_CAP).await;
        let mut response = if cookies::cookie_bytes(&headers) > MAX_COOKIE_BYTES {
            ApiError::CookieHeaderTooLarge.into_response()
        } else {
            match sessions::revoke_cookies(state.store().as_ref(), &headers).await {
                Ok(()) => respond::json_static(StatusCode::OK, LOGGED_OUT),
                Err(cause) => ApiError::internal("Error logging out", cause).into_response(),
            }
        };
        cookies::append_clearing_cookies(&mut response, state.config().secure_cookies);
        response
    }
}
