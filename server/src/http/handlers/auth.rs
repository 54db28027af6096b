//! Registering and logging in.

use std::time::SystemTime;

use serde::Deserialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::http::header::{HeaderMap, SET_COOKIE};
use warp::reply::Response;

use super::{answer, json_body, required};
use crate::app::state::AppState;
use crate::http::body::BodyStream;
use crate::http::error::ApiError;
use crate::http::respond;
use crate::model::cookies::{self, ACCESS_COOKIE, REFRESH_COOKIE};
use crate::model::sessions::{self, ACCESS_TTL, REFRESH_TTL};
use crate::model::users::{InsertError, Role, User};

const REGISTER_ERROR: &str = "Error registering user";
const LOGIN_ERROR: &str = "Error logging in";

#[derive(Deserialize)]
struct RegisterRequest {
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

#[derive(Deserialize)]
struct LoginRequest {
    email: Option<String>,
    password: Option<String>,
}

/// POST /auth/register — 201 with the new profile; 400 `Email already in use`.
///
/// Deviation: missing or blank fields answer **400** `Error registering user`, where the
/// documentation says 500 with that body. A client's mistake is not a server failure, and
/// nothing a client sends may produce a 5xx here. A failing user registry (Redis) or
/// hasher is the 500 `Error registering user`. When password hashing is saturated (every
/// worker busy and the bounded queue full) the answer is 503
/// `{"error":"Server busy, try again later"}` with `Retry-After: 1`.
pub async fn register(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    answer(try_register(&state, &headers, body).await)
}

async fn try_register(
    state: &AppState,
    headers: &HeaderMap,
    body: BodyStream,
) -> Result<Response, ApiError> {
    let request: RegisterRequest =
        json_body(headers, body, state.config().body_limit, REGISTER_ERROR).await?;
    let name = required(request.name, REGISTER_ERROR)?;
    let email = required(request.email, REGISTER_ERROR)?;
    let password = required(request.password, REGISTER_ERROR)?;
    // Checked before hashing to save the work, and again atomically on insert.
    let taken = state
        .users()
        .contains(&email)
        .await
        .map_err(|e| ApiError::internal(REGISTER_ERROR, e))?;
    if taken {
        return Err(ApiError::BadRequest("Email already in use"));
    }
    let password_hash = state
        .passwords()
        .hash(password)
        .await
        .map_err(|e| ApiError::password(REGISTER_ERROR, e))?;
    let user = User {
        name,
        email,
        password_hash,
        role: Role::User,
        mfa_enabled: false,
    };
    let profile = user.profile();
    state.users().insert(user).await.map_err(|e| match e {
        InsertError::EmailInUse => ApiError::BadRequest("Email already in use"),
        InsertError::Registry(e) => ApiError::internal(REGISTER_ERROR, e),
    })?;
    Ok(respond::json(StatusCode::CREATED, &profile))
}

/// POST /auth/login — 200 with the `accessToken` (15 min) and `refreshToken` (7 days)
/// cookies; 401 `Invalid credentials`.
///
/// Deviation: missing fields answer **400** `Error logging in` (documented as 500); a
/// failing store, user registry or hasher is the 500 `Error logging in`. An unknown email
/// is verified against a dummy hash of the configured cost, so it costs what a wrong
/// password costs. Saturated hashing answers 503 with `Retry-After: 1`, as register does.
pub async fn login(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    answer(try_login(&state, &headers, body).await)
}

async fn try_login(
    state: &AppState,
    headers: &HeaderMap,
    body: BodyStream,
) -> Result<Response, ApiError> {
    let request: LoginRequest =
        json_body(headers, body, state.config().body_limit, LOGIN_ERROR).await?;
    let email = required(request.email, LOGIN_ERROR)?;
    let password = required(request.password, LOGIN_ERROR)?;
    let user = state
        .users()
        .get(&email)
        .await
        .map_err(|e| ApiError::internal(LOGIN_ERROR, e))?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = state
        .passwords()
        .verify(password, stored)
        .await
        .map_err(|e| ApiError::password(LOGIN_ERROR, e))?;
    let Some(user) = user.filter(|_| verified) else {
        return Err(ApiError::InvalidCredentials);
    };

    let now = SystemTime::now();
    let tokens = sessions::open(
        state.store().as_ref(),
        &user.key(),
        now + REFRESH_TTL,
        now + ACCESS_TTL,
    )
    .await
    .map_err(|e| ApiError::internal(LOGIN_ERROR, e))?;
    let secure = state.config().secure_cookies;
    let cookie = |name, token, ttl| {
        cookies::session_cookie(name, token, ttl, now, secure)
            .map_err(|e| ApiError::internal(LOGIN_ERROR, e))
    };
    let access = cookie(ACCESS_COOKIE, &tokens.access, ACCESS_TTL)?;
    let refresh = cookie(REFRESH_COOKIE, &tokens.refresh, REFRESH_TTL)?;

    let mut response = respond::json(StatusCode::OK, &json!({ "message": "Login successful" }));
    // One header per cookie: `reply::with_header` would replace, so append.
    response.headers_mut().append(SET_COOKIE, access);
    response.headers_mut().append(SET_COOKIE, refresh);
    Ok(response)
}
