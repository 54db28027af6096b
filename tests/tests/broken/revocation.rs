//! Revocation: the store (LO-04, LO-09, LO-10, LO-20), several instances (LO-28), the
//! access token (LO-27) and a rotating refresh racing the logout (LO-14).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use conformance_tests::catalogue;
use conformance_tests::routes::{
    LOGOUT, Routes, answer, answer_logout, body_of, json, read_body, reference, reference_logout,
    reference_state, rewrite, rewrite_logout, set_cookies, set_json, state_with_store,
};
use conformance_tests::store::{MisbehavingStore, Removal};
use logout_conformance::Profile;
use logout_conformance::plan::profile::RotatingRefresh;
use logout_server::body::BodyStream;
use logout_server::cookies::{PresentedTokens, session_cookie};
use logout_server::sessions::{ACCESS_TTL, REFRESH_TTL};
use logout_server::token::{Token, hash_bytes};
use logout_server::{AccessRecord, AppState, Config, TokenHash};
use serde_json::json;
use warp::Filter as _;
use warp::http::header::{COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

catalogue! {
    // ---- Several instances (LO-28) ----

    /// Each instance keeps its tokens in its own process memory: a logout served by the
    /// second instance cannot revoke a session the first one holds.
    instance_local_store {
        what: "two instances, each with its own in-memory token store",
        declares: ["LO-28"],
        build: || reference(&reference_state()).boxed(),
        second: || reference(&reference_state()).boxed(),
    }

    // ---- The store (LO-04, LO-09, LO-10, LO-20) ----

    /// The delete call was never awaited, or deleted from the wrong table.
    token_left_in_store {
        what: "leaves the refresh token in the store",
        // LO-10 and LO-12 demand LO-04's revocation; LO-13 and LO-28 probe for it too.
        // The session lives on, so an access token a refresh mints from it is live
        // after the logout (LO-27).
        declares: ["LO-04", "LO-10", "LO-12", "LO-13", "LO-27", "LO-28"],
        build: || reference_over(MisbehavingStore::new(Removal::Forgets)),
    }

    /// `const token = req.cookies.accessToken ?? req.cookies.refreshToken`: with both
    /// cookies presented, only the access token is revoked.
    access_revoked_instead_of_refresh {
        what: "revokes only the access token when both cookies are presented",
        // LO-12 presents both cookies too (with a stale access token), and so do LO-10's
        // concurrent logouts (the whole session) and LO-28's logout on the second
        // instance. The refresh token lives on, and so does an access token a refresh
        // mints from it (LO-27).
        declares: ["LO-04", "LO-10", "LO-12", "LO-27", "LO-28"],
        build: || answer_logout(access_revoked_instead_of_refresh),
    }

    /// `try { await store.delete(token) } catch {}`: the failure is swallowed.
    store_failure_200 {
        what: "answers 200 when the token store fails",
        declares: ["LO-09"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::INTERNAL_SERVER_ERROR {
                set_json(r, StatusCode::OK, &json!({ "message": "Logged out successfully" }));
            }
        }),
    }

    /// `res.status(500).json({ error: "Error logging out", details: err.message })`.
    driver_message_500 {
        what: "puts the driver's message in the 500 body",
        declares: ["LO-09"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::INTERNAL_SERVER_ERROR {
                let body = json!({
                    "error": "Error logging out",
                    "details": "connect ECONNREFUSED 127.0.0.1:6379",
                });
                set_json(r, StatusCode::INTERNAL_SERVER_ERROR, &body);
            }
        }),
    }

    /// `SELECT` then `DELETE … ; if rows == 0 throw`: concurrent logouts race.
    read_then_delete_race {
        what: "looks the token up, waits for the database, deletes it and fails if it is gone",
        // The race happens across two instances sharing the store too (LO-28). The window
        // is wide so that the race is met on a loaded CI machine too (at 25 ms LO-10's 16
        // logouts once arrived too far apart and the case passed).
        declares: ["LO-10", "LO-28"],
        build: || reference_over(MisbehavingStore::new(Removal::ReadThenDelete {
            window: Duration::from_millis(150),
        })),
    }

    /// `DELETE FROM refresh_tokens WHERE user_id = $1`.
    logout_everywhere {
        what: "removes every refresh token of the user",
        declares: ["LO-20"],
        build: || reference_over(MisbehavingStore::new(Removal::EveryTokenOfTheUser)),
    }

    /// A "log out of all devices" option read from the body of the same endpoint.
    everywhere_flag_obeyed {
        what: "ends every session of the user when the body says {\"everywhere\": true}",
        declares: ["LO-20"],
        build: everywhere_flag_obeyed,
    }

    // ---- The access token (LO-27) ----

    /// A self-contained (JWT-style) access token checked by signature and expiry only:
    /// logout cannot revoke it.
    access_token_stays_valid {
        what: "accepts every access token it issued until it expires, logged out or not",
        declares: ["LO-27"],
        build: access_token_stays_valid,
    }

    /// Access tokens kept in a table of their own, looked up alone; logout deletes the
    /// session's rows from it (`DELETE FROM access_tokens WHERE session = $1`). A
    /// refresh that read the session before that delete inserts its row after it: an
    /// access token minted during the logout outlives it (one minted before does not).
    access_minted_during_logout {
        what: "leaves live an access token that a refresh racing the logout inserted after the logout's delete",
        declares: ["LO-27"],
        build: access_minted_during_logout,
    }

    // ---- A rotating refresh (LO-14) ----

    /// keycloak#31651's shape: the refresh reads the old refresh token, waits for a store
    /// round trip, then writes the new token and deletes the old one — not one atomic
    /// step, and nothing ties the new token to the logout that removed the old one
    /// meanwhile. Judged with a profile that declares its rotating refresh.
    rotation_not_atomic {
        what: "a rotating refresh that read the old token before the logout removed it still mints a live new one",
        declares: ["LO-14"],
        build: rotation_not_atomic,
        profile: rotating_profile,
    }
}

/// How long the racy handlers below wait between reading and writing: a store round
/// trip, widened so that the race is met on a loaded machine (as `read_then_delete_race`).
const RACE_WINDOW: Duration = Duration::from_millis(150);

/// The reference profile with the reference server's rotating refresh declared.
fn rotating_profile() -> Profile {
    Profile {
        rotating_refresh: Some(RotatingRefresh::reference()),
        ..Profile::reference()
    }
}

fn rotation_not_atomic() -> Routes {
    let state = reference_state();
    let refresh = |state: AppState, headers: HeaderMap, _body: BodyStream| async move {
        racy_rotation(&state, &headers).await.unwrap_or_else(|| {
            json(
                StatusCode::UNAUTHORIZED,
                &json!({ "error": "Invalid or expired refresh token" }),
            )
        })
    };
    answer(
        &state,
        Method::POST,
        "/auth/refresh",
        refresh,
        reference(&state),
    )
    .boxed()
}

/// Read, wait, write the new token, delete the old one: none of it atomic with logout.
async fn racy_rotation(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let store = state.store();
    let now = SystemTime::now();
    for value in &PresentedTokens::from_headers(headers).refresh {
        let old = hash_bytes(value);
        let Ok(Some(session)) = store.refresh_session(&old, now).await else {
            continue;
        };
        tokio::time::sleep(RACE_WINDOW).await;
        let (refresh, access) = (Token::generate().ok()?, Token::generate().ok()?);
        let record = AccessRecord {
            user_email: session.user_email.clone(),
            session: refresh.hash(),
            expires_at: now + ACCESS_TTL,
        };
        store.insert_refresh(refresh.hash(), session).await.ok()?;
        store.remove_refresh(&old).await.ok()?;
        store.insert_access(access.hash(), record).await.ok()?;
        let mut response = json(StatusCode::OK, &json!({ "message": "Session refreshed" }));
        for (name, token, ttl) in [
            ("refreshToken", &refresh, REFRESH_TTL),
            ("accessToken", &access, ACCESS_TTL),
        ] {
            let cookie = session_cookie(name, token, ttl, now, false).ok()?;
            response.headers_mut().append(SET_COOKIE, cookie);
        }
        return Some(response);
    }
    None
}

fn access_minted_during_logout() -> Routes {
    let state = reference_state();
    // Access token → the refresh token hash of its session: the access table.
    let table: Arc<Mutex<HashMap<Vec<u8>, TokenHash>>> = Arc::default();
    let rows = table.clone();
    let validate = move |state: AppState, headers: HeaderMap, _body: BodyStream| {
        let rows = rows.clone();
        async move {
            let presented = PresentedTokens::from_headers(&headers);
            let known = {
                let rows = rows.lock().unwrap_or_else(PoisonError::into_inner);
                presented.access.iter().any(|t| rows.contains_key(t))
            };
            if known {
                return json(StatusCode::OK, &json!({ "authenticated": true }));
            }
            if presented.access.is_empty()
                && let Some(response) = racy_mint(&state, &presented, &rows).await
            {
                return response;
            }
            logout_server::handlers::session::validate_session(state, headers).await
        }
    };
    let logout = move |state: AppState, headers: HeaderMap, body: BodyStream| {
        let rows = table.clone();
        async move {
            let sessions: HashSet<TokenHash> = PresentedTokens::from_headers(&headers)
                .refresh
                .iter()
                .map(|t| hash_bytes(t))
                .collect();
            rows.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|_, session| !sessions.contains(session));
            reference_logout(state, headers, body).await
        }
    };
    let routes = answer(&state, Method::POST, LOGOUT, logout, reference(&state));
    answer(
        &state,
        Method::GET,
        "/auth/validate-session",
        validate,
        routes,
    )
    .boxed()
}

/// A refresh that reads the session, waits, then inserts its access token's row.
async fn racy_mint(
    state: &AppState,
    presented: &PresentedTokens,
    rows: &Mutex<HashMap<Vec<u8>, TokenHash>>,
) -> Option<Response> {
    let now = SystemTime::now();
    for value in &presented.refresh {
        let session = hash_bytes(value);
        if !matches!(
            state.store().refresh_session(&session, now).await,
            Ok(Some(_))
        ) {
            continue;
        }
        tokio::time::sleep(RACE_WINDOW).await;
        let token = Token::generate().ok()?;
        rows.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token.as_str().as_bytes().to_vec(), session);
        let mut response = json(StatusCode::OK, &json!({ "authenticated": true }));
        let cookie = session_cookie("accessToken", &token, ACCESS_TTL, now, false).ok()?;
        response.headers_mut().append(SET_COOKIE, cookie);
        return Some(response);
    }
    None
}

/// The reference routes over a misbehaving store.
fn reference_over(store: MisbehavingStore) -> Routes {
    reference(&state_with_store(store)).boxed()
}

async fn access_revoked_instead_of_refresh(
    state: AppState,
    headers: HeaderMap,
    body: BodyStream,
) -> Response {
    let presented = PresentedTokens::from_headers(&headers);
    if presented.access.is_empty() {
        return reference_logout(state, headers, body).await;
    }
    let mut only_access = headers.clone();
    only_access.remove(COOKIE);
    for value in &presented.access {
        let pair = [b"accessToken=".as_slice(), value].concat();
        if let Ok(pair) = HeaderValue::from_bytes(&pair) {
            only_access.append(COOKIE, pair);
        }
    }
    reference_logout(state, only_access, body).await
}

fn access_token_stays_valid() -> Routes {
    let state = reference_state();
    let issued: Arc<Mutex<HashSet<Vec<u8>>>> = Arc::default();
    let noted = issued.clone();
    // Note every access token the server hands out, as a signature check would accept it.
    let noting = rewrite(reference(&state), move |_, r| {
        let mut noted = noted.lock().unwrap_or_else(PoisonError::into_inner);
        for cookie in set_cookies(r) {
            let token = cookie
                .strip_prefix("accessToken=")
                .and_then(|rest| rest.split(';').next())
                .filter(|t| !t.is_empty());
            if let Some(token) = token {
                noted.insert(token.as_bytes().to_vec());
            }
        }
    });
    let validate = move |state: AppState, headers: HeaderMap, _body: BodyStream| {
        let issued = issued.clone();
        async move {
            let presented = PresentedTokens::from_headers(&headers);
            let signed_by_us = {
                let issued = issued.lock().unwrap_or_else(PoisonError::into_inner);
                presented.access.iter().any(|t| issued.contains(t))
            };
            if signed_by_us {
                json(StatusCode::OK, &json!({ "authenticated": true }))
            } else {
                logout_server::handlers::session::validate_session(state, headers).await
            }
        }
    };
    answer(
        &state,
        Method::GET,
        "/auth/validate-session",
        validate,
        noting,
    )
    .boxed()
}

fn everywhere_flag_obeyed() -> Routes {
    let store = Arc::new(MisbehavingStore::new(Removal::Honest));
    let state = AppState::with_store(Config::for_conformance(), store.clone());
    let handler = move |state: AppState, headers: HeaderMap, body: BodyStream| {
        let store = store.clone();
        async move {
            let bytes = read_body(body).await;
            let everywhere = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("everywhere")?.as_bool())
                == Some(true);
            if everywhere {
                for token in &PresentedTokens::from_headers(&headers).refresh {
                    let _ = store.remove_every_session_of(&hash_bytes(token)).await;
                }
            }
            reference_logout(state, headers, body_of(bytes)).await
        }
    };
    answer(&state, Method::POST, LOGOUT, handler, reference(&state)).boxed()
}
