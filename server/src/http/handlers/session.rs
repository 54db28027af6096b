//! The liveness probe, and the opt-in rotating refresh.

use std::time::SystemTime;

use serde::Serialize;
use serde_json::json;
use warp::http::StatusCode;
use warp::http::header::{HeaderMap, SET_COOKIE};
use warp::reply::Response;

use super::answer;
use crate::app::state::AppState;
use crate::http::error::ApiError;
use crate::http::respond;
use crate::model::cookies::{self, ACCESS_COOKIE, PresentedTokens, REFRESH_COOKIE};
use crate::model::sessions::{self, ACCESS_TTL, Recognised};
use crate::model::users::{Role, User};

const VALIDATE_ERROR: &str = "Error validating session";
const REFRESH_ERROR: &str = "Error refreshing session";

/// GET /auth/validate-session — reads cookies only. A live `accessToken`: 200 with the
/// user; else a live `refreshToken`: 200 with the user and a new `accessToken` cookie;
/// else 401 `Invalid or expired refresh token`. A failing store: 500.
pub async fn validate_session(state: AppState, headers: HeaderMap) -> Response {
    answer(try_validate(&state, &headers).await)
}

async fn try_validate(state: &AppState, headers: &HeaderMap) -> Result<Response, ApiError> {
    let presented = PresentedTokens::from_headers(headers);
    let now = SystemTime::now();
    let store = state.store().as_ref();
    let recognised = sessions::recognise(store, &presented, now)
        .await
        .map_err(|e| ApiError::internal(VALIDATE_ERROR, e))?;
    let (user_key, new_access) = match recognised {
        None => return Err(ApiError::InvalidSession),
        Some(Recognised::Access { user_key }) => (user_key, None),
        Some(Recognised::Refresh { user_key, session }) => {
            let token = sessions::mint_access(store, session, &user_key, now + ACCESS_TTL)
                .await
                .map_err(|e| ApiError::internal(VALIDATE_ERROR, e))?;
            (user_key, Some(token))
        }
    };
    let user = state
        .users()
        .get(&user_key)
        .await
        .map_err(|e| ApiError::internal(VALIDATE_ERROR, e))?
        .ok_or(ApiError::InvalidSession)?;

    let mut response = respond::json(StatusCode::OK, &Validated::of(&user));
    if let Some(token) = new_access {
        let cookie = cookies::session_cookie(
            ACCESS_COOKIE,
            &token,
            ACCESS_TTL,
            now,
            state.config().secure_cookies,
        )
        .map_err(|e| ApiError::internal(VALIDATE_ERROR, e))?;
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    Ok(response)
}

/// POST /auth/refresh — only with `rotate_refresh` on (404 otherwise): a live
/// `refreshToken` is replaced by a new one (the old one is dead from then on) and a new
/// `accessToken` is minted, both as cookies, with 200 `{"message":"Session refreshed"}`;
/// else 401 `Invalid or expired refresh token`. Atomic with logout: a logout racing it
/// ends the session whichever comes first (LO-14).
pub async fn refresh(state: AppState, headers: HeaderMap) -> Response {
    if !state.config().rotate_refresh {
        return ApiError::NotFound.into_response();
    }
    answer(try_refresh(&state, &headers).await)
}

async fn try_refresh(state: &AppState, headers: &HeaderMap) -> Result<Response, ApiError> {
    let presented = PresentedTokens::from_headers(headers);
    let now = SystemTime::now();
    let store = state.store().as_ref();
    let (_, rotated) = sessions::rotate(store, &presented, now, now + ACCESS_TTL)
        .await
        .map_err(|e| ApiError::internal(REFRESH_ERROR, e))?
        .ok_or(ApiError::InvalidSession)?;
    let secure = state.config().secure_cookies;
    let remaining = rotated.expires_at.duration_since(now).unwrap_or_default();
    let body = json!({ "message": "Session refreshed" });
    let mut response = respond::json(StatusCode::OK, &body);
    for (name, token, ttl) in [
        (REFRESH_COOKIE, &rotated.refresh, remaining),
        (ACCESS_COOKIE, &rotated.access, ACCESS_TTL),
    ] {
        let cookie = cookies::session_cookie(name, token, ttl, now, secure)
            .map_err(|e| ApiError::internal(REFRESH_ERROR, e))?;
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The 200 body: `{"authenticated":true,"user":PROFILE}`, written straight from the user
/// rather than through a `serde_json::Value` (whose map sorts its keys, and whose building
/// cost more than the rest of the answer). The fields are declared in that sorted order so
/// the bytes stay those of `json!({ "authenticated": true, "user": user.profile() })`.
#[derive(Serialize)]
struct Validated<'a> {
    authenticated: bool,
    user: SortedProfile<'a>,
}

/// [`crate::model::users::Profile`] with its keys in sorted order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SortedProfile<'a> {
    email: &'a str,
    mfa_enabled: bool,
    name: &'a str,
    role: Role,
}

impl<'a> Validated<'a> {
    fn of(user: &'a User) -> Self {
        Self {
            authenticated: true,
            user: SortedProfile {
                email: &user.email,
                mfa_enabled: user.mfa_enabled,
                name: &user.name,
                role: user.role,
            },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_bytes_of_the_json_value_it_replaced() {
        for (name, email) in [
            ("Bench", "bench@example.test"),
            ("Zoë \"Q\" O'Neil\\\n\u{7}", "MiXeD.Case+tag@example.com"),
        ] {
            let user = User {
                name: name.into(),
                email: email.into(),
                password_hash: "$argon2id$secret".into(),
                role: Role::User,
                mfa_enabled: false,
            };
            let value = serde_json::json!({ "authenticated": true, "user": user.profile() });
            assert_eq!(
                serde_json::to_string(&Validated::of(&user)).unwrap(),
                serde_json::to_string(&value).unwrap()
            );
        }
    }
}
