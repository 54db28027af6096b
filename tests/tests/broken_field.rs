//! Broken targets for the field's logout defects that LO-15, LO-25's `OPTIONS` rows and
//! LO-29 were written for: each breaks one thing the way a real library did, and
//! declares the clauses the suite must catch it on (see `broken.rs` for the rules).

use conformance_tests::catalogue;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use conformance_tests::routes::{
    LOGOUT, Routes, reference, reference_state, replace_set_cookies, rewrite, set_cookies, set_json,
};
use logout_server::cookies::PresentedTokens;
use serde_json::json;
use warp::Filter as _;
use warp::filters::path::FullPath;
use warp::http::header::{COOKIE, HeaderMap};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

/// The login path of the reference profile.
const LOGIN: &str = "/auth/login";

/// The reference profile's liveness probe, which refreshes: a live refresh token alone
/// gets a new access cookie.
const VALIDATE: &str = "/auth/validate-session";

/// The value [`live_then_blank_session_cookie`] sets: the same on every answer, as a
/// session token re-sent from a cache would be, so that only LO-15 (and LO-03's exact
/// form) can tell the answers apart from the reference's.
const REISSUED: &str = "0f3c9d2e7b1a4c5d8e9f0a1b2c3d4e5f";

catalogue! {
    /// next-auth#12908: a sign-out answer with two `Set-Cookie` for the session cookie,
    /// the live one first and the blank one after it. A browser applying them in order
    /// ends up cleared (LO-02 passes); one applying them otherwise keeps the session.
    live_then_blank_session_cookie {
        what: "sets refreshToken to a live value in a Set-Cookie before the clearing one",
        // LO-03 too: one of the answer's headers for refreshToken is not the epoch form.
        declares: ["LO-15", "LO-03"],
        build: || rewrite(reference(&reference_state()), |head, response| {
            if !head.is_logout() {
                return;
            }
            let live = format!(
                "refreshToken={REISSUED}; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict"
            );
            let headers = std::iter::once(live).chain(set_cookies(response)).collect::<Vec<_>>();
            replace_set_cookies(response, headers);
        })
        .boxed(),
    }

    /// flask-jwt-extended#34: login sets a CSRF double-submit cookie beside the tokens,
    /// and logout clears the tokens only.
    csrf_cookie_left {
        what: "login also sets a csrf_refresh_token cookie, which logout never clears",
        declares: ["LO-29"],
        build: || rewrite(reference(&reference_state()), |head, response| {
            if head.is(&Method::POST, LOGIN) && response.status() == StatusCode::OK {
                let mut headers = set_cookies(response);
                headers.push("csrf_refresh_token=5b2e8c1d9a7f; Path=/; SameSite=Strict".into());
                replace_set_cookies(response, headers);
            }
        })
        .boxed(),
    }

    /// simplejwt and most JWT stacks: the refresh endpoint mints stateless access tokens,
    /// valid until they expire whatever becomes of the session. The login's access token
    /// is revoked at logout (LO-27's first scenario passes); one minted by a refresh is not.
    stateless_minted_access {
        what: "access tokens minted by a refresh stay valid after the logout",
        declares: ["LO-27"],
        build: stateless_minted_access,
    }

    /// spring-security PR #3945: the logout filter matched the path on any method, so
    /// every `OPTIONS` — a CORS preflight among them — logged the user out. The answer is
    /// the reference's own preflight answer; the revocation happens on the side.
    options_logs_out {
        what: "an OPTIONS on the logout path revokes the tokens it carries",
        declares: ["LO-25"],
        build: options_logs_out,
    }
}

fn options_logs_out() -> Routes {
    let state = reference_state();
    let revoking = state.clone();
    let side_effect = warp::options()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and_then(move |path: FullPath, headers: HeaderMap| {
            let state = revoking.clone();
            async move {
                if path.as_str() == LOGOUT {
                    let presented = PresentedTokens::from_headers(&headers);
                    let _ =
                        logout_server::sessions::revoke(state.store().as_ref(), &presented).await;
                }
                // Then on to the reference routes, which answer the OPTIONS as ever.
                Err::<Response, _>(warp::reject::not_found())
            }
        });
    side_effect.or(reference(&state)).unify().boxed()
}

fn stateless_minted_access() -> Routes {
    let minted: Arc<Mutex<HashSet<String>>> = Arc::default();
    rewrite(reference(&reference_state()), move |head, response| {
        if !head.is(&Method::GET, VALIDATE) {
            return;
        }
        let mut minted = minted.lock().unwrap_or_else(PoisonError::into_inner);
        // Remember every access token this answer mints…
        for cookie in set_cookies(response) {
            if let Some(value) = cookie
                .split(';')
                .next()
                .and_then(|pair| pair.strip_prefix("accessToken="))
                .filter(|v| !v.is_empty())
            {
                minted.insert(value.to_owned());
            }
        }
        // …and accept it later as a signature check would, without asking the store.
        let presented = head
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().strip_prefix("accessToken="))
            .any(|v| minted.contains(v));
        if presented && response.status() != StatusCode::OK {
            let user = json!({ "name": "minted", "email": "minted@example.test",
                               "mfaEnabled": false, "role": "user" });
            set_json(
                response,
                StatusCode::OK,
                &json!({ "authenticated": true, "user": user }),
            );
        }
    })
    .boxed()
}
