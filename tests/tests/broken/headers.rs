//! Answers that tell token states apart (LO-22) and the headers of the answer (LO-23,
//! LO-24).

use std::time::SystemTime;

use conformance_tests::catalogue;
use conformance_tests::routes::{
    answer_logout, map_set_cookies, reference, reference_logout, rewrite, rewrite_logout,
};
use logout_server::body::BodyStream;
use logout_server::cookies::PresentedTokens;
use logout_server::token::hash_bytes;
use logout_server::{AppState, Config};
use warp::Filter as _;
use warp::http::header::{CACHE_CONTROL, HeaderMap, HeaderValue, SET_COOKIE};
use warp::reply::Response;

catalogue! {
    // ---- Indistinguishable answers (LO-22) ----

    /// A flash message for the next page (`req.flash("info", "Signed out")` in a
    /// cookie-backed flash store) set only when a session really ended: the answer's
    /// effect on the browser tells whether the token was live.
    flash_cookie_only_when_live {
        what: "sets a flash cookie when the refresh token was live, none otherwise",
        declares: ["LO-22"],
        build: || answer_logout(flash_cookie_only_when_live),
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
}

async fn flash_cookie_only_when_live(
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
    if live {
        response.headers_mut().append(
            SET_COOKIE,
            HeaderValue::from_static("flash=signed-out; Path=/; HttpOnly; SameSite=Lax"),
        );
    }
    response
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
