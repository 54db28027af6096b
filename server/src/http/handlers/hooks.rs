//! Conformance hooks: test-only endpoints that let the conformance suite reach states a
//! client cannot reach on its own. They exist only when the server runs with
//! `--enable-conformance-hooks` ([`crate::Config::conformance_hooks`]); otherwise their
//! paths answer 404 like any unknown path. Each takes `POST` and ignores its body.
//!
//! | Route | Answer | Effect |
//! |---|---|---|
//! | `POST /__conformance/store/fail` | 200 `{"storeFailing":true}` | every token-store call fails from now on (LO-09, LO-30) |
//! | `POST /__conformance/store/recover` | 200 `{"storeFailing":false}` | the token store works again |
//! | `POST /__conformance/expired-session` | 200 `{"refreshToken":"…","accessToken":"…"}` | a throwaway user with a session whose tokens expired already (LO-05 "expired") |
//! | `POST /__conformance/sessions?user=EMAIL&count=N` | 200 `text/plain`, one `REFRESH ACCESS` line per session | `N` (1 to 1,000,000) live sessions of the registered user `EMAIL`, as N logins would open them but without the password hashing (for `scripts/bench.sh`) |
//!
//! The expired session is stored with a past expiry and not evicted yet, so a logout with
//! it exercises the "expired" path of the store, not the "unknown" one. Its tokens come
//! in the body only, never as cookies.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use warp::reply::Response;

use super::answer;
use crate::app::state::AppState;
use crate::http::body::{self, BodyStream, DRAIN_CAP};
use crate::http::error::ApiError;
use crate::http::respond;
use crate::model::internal::InternalError;
use crate::model::sessions::{self, ACCESS_TTL, REFRESH_TTL};
use crate::model::token::Token;
use crate::model::users::{InsertError, Role, User};

const EXPIRED_ERROR: &str = "Error creating expired session";
const SESSIONS_ERROR: &str = "Error opening sessions";
/// The most sessions one call of the sessions hook opens.
pub const MAX_BULK_SESSIONS: usize = 1_000_000;
/// Sessions the sessions hook opens at once (a Redis store pipelines them).
const BULK_CONCURRENCY: usize = 64;

/// POST /__conformance/store/fail — every token-store call fails from now on.
pub async fn store_fail(state: AppState, body: BodyStream) -> Response {
    body::discard(body, DRAIN_CAP).await;
    state.faults().set_failing(true);
    tracing::warn!("conformance hook: token store now failing");
    respond::json(StatusCode::OK, &json!({ "storeFailing": true }))
}

/// POST /__conformance/store/recover — token-store calls go through again.
pub async fn store_recover(state: AppState, body: BodyStream) -> Response {
    body::discard(body, DRAIN_CAP).await;
    state.faults().set_failing(false);
    tracing::warn!("conformance hook: token store recovered");
    respond::json(StatusCode::OK, &json!({ "storeFailing": false }))
}

/// POST /__conformance/expired-session — a throwaway user and a session that expired a
/// minute ago; answers its two tokens in the body.
pub async fn expired_session(state: AppState, body: BodyStream) -> Response {
    body::discard(body, DRAIN_CAP).await;
    answer(try_expired_session(&state).await)
}

async fn try_expired_session(state: &AppState) -> Result<Response, ApiError> {
    let internal = |e: InternalError| ApiError::internal(EXPIRED_ERROR, e);
    let nonce = Token::generate().map_err(|e| internal(e.into()))?;
    let password = Token::generate().map_err(|e| internal(e.into()))?;
    let password_hash = state
        .passwords()
        .hash(password.as_str().to_owned())
        .await
        .map_err(|e| internal(e.into()))?;
    let user = User {
        name: "Expired Session".to_owned(),
        email: format!(
            "expired-{}@conformance.invalid",
            nonce.as_str().to_ascii_lowercase()
        ),
        password_hash,
        role: Role::User,
        mfa_enabled: false,
    };
    let user_key = user.key();
    state.users().insert(user).await.map_err(|e| match e {
        InsertError::EmailInUse => ApiError::BadRequest(EXPIRED_ERROR),
        InsertError::Registry(e) => internal(e.into()),
    })?;

    let expired = SystemTime::now() - Duration::from_secs(60);
    let tokens = sessions::open(state.store().as_ref(), &user_key, expired, expired)
        .await
        .map_err(internal)?;
    let body =
        json!({ "refreshToken": tokens.refresh.as_str(), "accessToken": tokens.access.as_str() });
    Ok(respond::json(StatusCode::OK, &body))
}

/// POST /__conformance/sessions?user=EMAIL&count=N — opens `N` live sessions of the
/// registered user `EMAIL`, exactly as a login does after checking the password, and
/// answers their tokens as `text/plain`, one `REFRESH ACCESS` line per session. For load
/// tests that need many live sessions fast (logging in hashes a password each time).
/// 400 `Error opening sessions` for a missing or out-of-range count or an unknown user.
pub async fn bulk_sessions(
    state: AppState,
    query: HashMap<String, String>,
    body: BodyStream,
) -> Response {
    body::discard(body, DRAIN_CAP).await;
    answer(try_bulk_sessions(&state, &query).await)
}

async fn try_bulk_sessions(
    state: &AppState,
    query: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let count = query
        .get("count")
        .and_then(|count| count.parse::<usize>().ok())
        .filter(|count| (1..=MAX_BULK_SESSIONS).contains(count))
        .ok_or(ApiError::BadRequest(SESSIONS_ERROR))?;
    let email = query
        .get("user")
        .ok_or(ApiError::BadRequest(SESSIONS_ERROR))?;
    let user = state
        .users()
        .get(email)
        .await
        .map_err(|e| ApiError::internal(SESSIONS_ERROR, e))?
        .ok_or(ApiError::BadRequest(SESSIONS_ERROR))?;
    let user_key = user.key();
    let store = state.store().as_ref();
    let now = SystemTime::now();
    let mut lines = String::with_capacity(count * 88);
    let mut opened = futures::stream::iter(0..count)
        .map(|_| sessions::open(store, &user_key, now + REFRESH_TTL, now + ACCESS_TTL))
        .buffer_unordered(BULK_CONCURRENCY);
    while let Some(tokens) = opened
        .try_next()
        .await
        .map_err(|e| ApiError::internal(SESSIONS_ERROR, e))?
    {
        lines.push_str(tokens.refresh.as_str());
        lines.push(' ');
        lines.push_str(tokens.access.as_str());
        lines.push('\n');
    }
    let mut response = Response::new(lines.into());
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
