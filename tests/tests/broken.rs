//! The broken targets: each breaks one behaviour the way implementers in Express, Django,
//! Spring, Go or Rust commonly do, and declares the clauses the suite must catch it on.
//!
//! Every check belongs to one clause. A clause whose own text demands another's answer
//! (LO-05…07, LO-10, LO-11, LO-12 "answer as LO-01"; LO-05…07 and LO-11 "both cookies
//! cleared") fails with it, under that clause's root cause; such declarations say so in a
//! comment. Clauses whose text a defect leaves intact pass, or — when the defect keeps a
//! precondition from holding (a refused logout) — are declared as blocked.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use conformance_tests::catalogue;
use conformance_tests::routes::{
    LOGOUT, Routes, answer, answer_logout, body_of, json, map_set_cookies, read_body, reference,
    reference_logout, reference_state, replace_set_cookies, rewrite, rewrite_logout, set_cookies,
    set_json, state_with_store,
};
use conformance_tests::store::{MisbehavingStore, Removal};
use logout_server::body::BodyStream;
use logout_server::cookies::PresentedTokens;
use logout_server::token::hash_bytes;
use logout_server::{AppState, Config};
use serde_json::json;
use warp::Filter as _;
use warp::Reply as _;
use warp::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE,
    COOKIE, HeaderMap, HeaderValue,
};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

/// The expiry the reference clearing cookies carry.
const EPOCH: &str = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";

catalogue! {
    // ---- Clearing the cookies (LO-02, LO-03) ----

    /// Express `res.clearCookie(name)` in a router mounted on `/auth`: the cookie is
    /// cleared on the router's path, and the browser keeps the one login set on `/`.
    wrong_path {
        what: "clears both cookies with Path=/auth instead of Path=/",
        // Every clause whose text demands "both cookies cleared" sees the wrong Path.
        declares: ["LO-02", "LO-03", "LO-05", "LO-06", "LO-07", "LO-11"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| c.replace("Path=/;", "Path=/auth;"))),
    }

    /// `Max-Age=0` alone clears the cookie, but the document shows the epoch date.
    max_age_zero {
        what: "clears with Max-Age=0 instead of the epoch Expires",
        declares: ["LO-03"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| c.replace(EPOCH, "Max-Age=0"))),
    }

    /// A hand-rolled `headers.set("Set-Cookie", cookies.join(", "))`.
    folded_set_cookie {
        what: "folds both clearing cookies into one Set-Cookie header with a comma",
        // A browser does not split the folded header, so the second cookie stays: every
        // clause demanding "both cookies cleared", LO-03 and LO-24 miss its header.
        declares: ["LO-02", "LO-03", "LO-05", "LO-06", "LO-07", "LO-11", "LO-24"],
        build: || rewrite_logout(|r| {
            let folded = set_cookies(r).join(", ");
            replace_set_cookies(r, [folded]);
        }),
    }

    /// Only `res.clearCookie("refreshToken")`: the access cookie stays in the browser.
    only_refresh_cleared {
        what: "clears the refresh cookie only, not the access cookie",
        // No header clears accessToken: every "both cookies cleared" check, LO-03 and
        // LO-24 (which looks for the access cookie's clearing header) fail.
        declares: ["LO-02", "LO-03", "LO-05", "LO-06", "LO-07", "LO-11", "LO-24"],
        build: || rewrite_logout(|r| {
            let kept: Vec<String> = set_cookies(r)
                .into_iter()
                .filter(|c| !c.starts_with("accessToken="))
                .collect();
            replace_set_cookies(r, kept);
        }),
    }

    /// `res.cookie(name, "", { httpOnly: true })`: emptied, but a session cookie that
    /// lives on until the browser closes.
    emptied_without_expiry {
        what: "empties both cookies without any Expires or Max-Age",
        // Every "both cookies cleared" check, and LO-03's Expires.
        declares: ["LO-02", "LO-03", "LO-05", "LO-06", "LO-07", "LO-11"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| c.replace(&format!("; {EPOCH}"), ""))),
    }

    /// PHP `setcookie(name, "", 1)`: a Netscape-style date one second after the epoch.
    php_style_expires {
        what: "clears with expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0",
        declares: ["LO-03"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| {
            c.replace(EPOCH, "expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0")
        })),
    }

    /// Express 4 `res.clearCookie(name, loginOptions)` with the login's `maxAge`: the
    /// "cleared" cookie lives another 15 minutes.
    clear_cookie_with_login_max_age {
        what: "clears with the login's Max-Age=900 and a future Expires",
        // A positive Max-Age keeps both cookies alive for every "both cookies cleared"
        // check, and the Expires is not the epoch (LO-03).
        declares: ["LO-02", "LO-03", "LO-05", "LO-06", "LO-07", "LO-11"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| {
            c.replace(EPOCH, "Max-Age=900; Expires=Fri, 01 Jan 2100 00:00:00 GMT")
        })),
    }

    // ---- The documented answer (LO-01) ----

    /// Express `res.send(JSON.stringify(body))`: the body is JSON, the type is HTML.
    html_content_type {
        what: "answers the 200 as text/html",
        // Every clause demanding the documented answer; LO-08 and LO-21 compare answers
        // with each other, and all are alike.
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-12", "LO-28"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::OK {
                r.headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            }
        }),
    }

    /// A message of the implementer's own wording.
    wrong_message {
        what: "answers 200 {\"message\":\"Logout successful\"}",
        // Every clause demanding the documented answer compares the body.
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-12", "LO-28"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::OK {
                set_json(r, StatusCode::OK, &json!({ "message": "Logout successful" }));
            }
        }),
    }

    /// Spring `ResponseEntity.noContent().build()`.
    no_content_204 {
        what: "answers 204 with no body instead of 200",
        // Every clause demanding the documented answer. A 204 is still a success, so
        // nothing is blocked, and every body gets the same 204 (LO-08, LO-21 pass).
        declares: ["LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-12", "LO-28"],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::NO_CONTENT;
                r.headers_mut().remove(CONTENT_TYPE);
                *r.body_mut() = Bytes::new().into();
            }
        }),
    }

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
        declares: ["LO-12"],
        build: || answer_logout(stale_access_token_401),
    }

    /// `req.cookies.refreshToken` from a parser that keeps the first value: a tossed
    /// cookie ahead of the live one is revoked instead, and the answer is 200.
    first_value_only {
        what: "revokes only the first refreshToken value of the Cookie header",
        declares: ["LO-13"],
        build: || answer_logout(first_value_only),
    }

    // ---- Several instances (LO-28) ----

    /// Each instance keeps its tokens in its own process memory: a logout served by the
    /// second instance cannot revoke a session the first one holds.
    instance_local_store {
        what: "two instances, each with its own in-memory token store",
        declares: ["LO-28"],
        build: || reference(&reference_state()).boxed(),
        second: || reference(&reference_state()).boxed(),
    }

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
        // {"everywhere":true} is refused, so LO-20 is not judged there, and that refusal
        // of a live session's logout counts against LO-01.
        declares: ["LO-01", "LO-08", "LO-21"],
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

    // ---- The store (LO-04, LO-09, LO-10, LO-20) ----

    /// The delete call was never awaited, or deleted from the wrong table.
    token_left_in_store {
        what: "leaves the refresh token in the store",
        // LO-10 and LO-12 demand LO-04's revocation; LO-13 and LO-28 probe for it too.
        declares: ["LO-04", "LO-10", "LO-12", "LO-13", "LO-28"],
        build: || reference_over(MisbehavingStore::new(Removal::Forgets)),
    }

    /// `const token = req.cookies.accessToken ?? req.cookies.refreshToken`: with both
    /// cookies presented, only the access token is revoked.
    access_revoked_instead_of_refresh {
        what: "revokes only the access token when both cookies are presented",
        // LO-12 presents both cookies too (with a stale access token), and so does
        // LO-28's logout on the second instance.
        declares: ["LO-04", "LO-12", "LO-28"],
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

    // ---- Indistinguishable answers (LO-22) ----

    /// Two code paths that clear the cookies differently (`res.clearCookie` vs
    /// `res.cookie(name, "", { maxAge: 0 })`), so the answer tells whether the token
    /// was live.
    unknown_token_extra_attribute {
        what: "adds Max-Age=0 to the clearing cookies when the token was not live",
        declares: ["LO-22"],
        build: || answer_logout(unknown_token_extra_attribute),
    }

    // ---- Headers (LO-23, LO-24) ----

    /// `Cache-Control: no-cache` allows storing, it only forces revalidation.
    cache_control_no_cache {
        what: "answers Cache-Control: no-cache instead of no-store",
        declares: ["LO-23"],
        build: || rewrite_logout(|r| {
            r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }),
    }

    /// `never_cache` on the success branch only: the early return for a token that is
    /// not live answers without it.
    no_store_only_when_live {
        what: "sends Cache-Control: no-store only when a live session ended",
        declares: ["LO-23"],
        build: || answer_logout(no_store_only_when_live),
    }

    /// Express `res.clearCookie(name)` without the options login used.
    clearing_without_httponly_samesite {
        what: "clears the cookies without HttpOnly and SameSite",
        declares: ["LO-24"],
        build: || rewrite_logout(|r| {
            map_set_cookies(r, |c| c.replace("; HttpOnly; SameSite=Strict", ""));
        }),
    }

    /// Login and logout built by different helpers: `--secure-cookies` reaches login only.
    secure_dropped_on_clear {
        what: "login sets Secure cookies, the clearing cookies lack Secure",
        declares: ["LO-24"],
        build: || {
            let state = AppState::new(Config {
                secure_cookies: true,
                ..Config::for_conformance()
            });
            rewrite(reference(&state), |head, r| {
                if head.is_logout() {
                    map_set_cookies(r, |c| c.replace("; Secure", ""));
                }
            })
            .boxed()
        },
    }

    // ---- Methods (LO-25) ----

    /// `router.get("/auth/logout", logout)` next to the POST route, for a logout link.
    get_logs_out {
        what: "logs out on GET /auth/logout too",
        declares: ["LO-25"],
        build: || {
            let state = reference_state();
            answer(&state, Method::GET, LOGOUT, reference_logout, reference(&state)).boxed()
        },
    }

    /// Express `router.all("/auth/logout", logout)`: every method logs out.
    any_method_logs_out {
        what: "logs out on GET, PUT and DELETE /auth/logout as well as POST",
        declares: ["LO-25"],
        build: || {
            let state = reference_state();
            let get = answer(&state, Method::GET, LOGOUT, reference_logout, reference(&state));
            let put = answer(&state, Method::PUT, LOGOUT, reference_logout, get);
            answer(&state, Method::DELETE, LOGOUT, reference_logout, put).boxed()
        },
    }

    // ---- CORS (LO-26) ----

    /// `cors({ origin: "*", credentials: true })`.
    cors_wildcard {
        what: "answers every request with an Origin with Access-Control-Allow-Origin: *",
        declares: ["LO-26"],
        build: || rewrite(reference(&reference_state()), |head, r| {
            if head.origin().is_some() {
                let headers = r.headers_mut();
                headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
                headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            }
        }).boxed(),
    }

    /// `cors({ origin: true, credentials: true })`: any origin is reflected.
    cors_reflects_any_origin {
        what: "reflects any Origin with credentials",
        declares: ["LO-26"],
        build: || rewrite(reference(&reference_state()), |head, r| {
            if let Some(origin) = head.origin().cloned() {
                let headers = r.headers_mut();
                headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            }
        }).boxed(),
    }

    // ---- The access token (LO-27) ----

    /// A self-contained (JWT-style) access token checked by signature and expiry only:
    /// logout cannot revoke it.
    access_token_stays_valid {
        what: "accepts every access token it issued until it expires, logged out or not",
        declares: ["LO-27"],
        build: access_token_stays_valid,
    }
}

/// The reference routes over a misbehaving store.
fn reference_over(store: MisbehavingStore) -> Routes {
    reference(&state_with_store(store)).boxed()
}

fn error(status: StatusCode, message: &str) -> Response {
    json(status, &json!({ "error": message }))
}

/// An answer as a CSRF middleware writes it: JSON, no cookies, no cache headers.
async fn refuses_every_logout_403(_: AppState, _: HeaderMap, _: BodyStream) -> Response {
    let mut response = warp::reply::json(&json!({ "error": "Forbidden" })).into_response();
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

async fn stale_access_token_401(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
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
    let presented = PresentedTokens::from_headers(&headers);
    if let Some(token) = presented.refresh.first()
        && let Ok(false) = state.store().remove_refresh(&hash_bytes(token)).await
    {
        return error(StatusCode::UNAUTHORIZED, "Invalid refresh token");
    }
    reference_logout(state, headers, body).await
}

async fn expired_token_401(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
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
    if !headers.contains_key(COOKIE) {
        return error(StatusCode::BAD_REQUEST, "No refresh token provided");
    }
    reference_logout(state, headers, body).await
}

async fn malformed_token_400(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
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
    let size: usize = headers.get_all(COOKIE).iter().map(HeaderValue::len).sum();
    if size > 4000 {
        return error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request Header Fields Too Large",
        );
    }
    reference_logout(state, headers, body).await
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

async fn non_utf8_cookie_500(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
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

async fn unknown_token_extra_attribute(
    state: AppState,
    headers: HeaderMap,
    body: BodyStream,
) -> Response {
    let presented = PresentedTokens::from_headers(&headers);
    let live = match presented.refresh.first() {
        // A failing store is left to the reference answer.
        Some(token) => state
            .store()
            .remove_refresh(&hash_bytes(token))
            .await
            .unwrap_or(true),
        None => false,
    };
    let mut response = reference_logout(state, headers, body).await;
    if !live {
        map_set_cookies(&mut response, |c| format!("{c}; Max-Age=0"));
    }
    response
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

async fn no_store_only_when_live(
    state: AppState,
    headers: HeaderMap,
    body: BodyStream,
) -> Response {
    let mut live = false;
    for token in &PresentedTokens::from_headers(&headers).refresh {
        let session = state
            .store()
            .refresh_session(&hash_bytes(token), SystemTime::now())
            .await;
        live |= matches!(session, Ok(Some(_)));
    }
    let mut response = reference_logout(state, headers, body).await;
    if !live {
        response.headers_mut().remove(CACHE_CONTROL);
    }
    response
}
