//! Benign variants: targets that differ from the reference only in ways the contract
//! allows. A correct suite passes every MUST and SHOULD clause on each.

use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use conformance_tests::catalogue;
use conformance_tests::routes::{
    LOGOUT, Routes, answer_logout, json, map_set_cookies, reference, reference_logout,
    reference_state, replace_set_cookies, rewrite, rewrite_logout, set_body, set_cookies, set_json,
};
use logout_server::body::BodyStream;
use logout_server::cookies::PresentedTokens;
use logout_server::token::hash_bytes;
use logout_server::{AppState, Config};
use serde_json::json;
use warp::Filter as _;
use warp::Reply as _;
use warp::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, EXPIRES,
    HeaderMap, HeaderValue, PRAGMA, SET_COOKIE,
};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

catalogue! {
    /// The reference server itself, as the baseline row of the matrix.
    reference_routes {
        what: "the reference routes, unchanged",
        declares: [],
        build: || reference(&reference_state()).boxed(),
    }

    /// RFC 6265 attribute names are case-insensitive and unordered.
    attribute_case_and_order {
        what: "clearing attributes in lower case and another order",
        declares: [],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| {
            let name = c.split('=').next().unwrap_or_default();
            format!(
                "{name}=; httponly; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=strict; path=/"
            )
        })),
    }

    /// Two code paths that spell the clearing differently (`res.clearCookie` vs
    /// `res.cookie(name, "", { maxAge: 0 })`): the text differs, the effect on a
    /// browser's jar does not (LO-22 compares effects; LO-03 alone pins the spelling, and
    /// the epoch date stays).
    clearing_spelled_differently_when_not_live {
        what: "adds Max-Age=0 to the clearing cookies when the token was not live",
        declares: [],
        build: || answer_logout(clearing_spelled_differently_when_not_live),
    }

    /// Express and Spring add a charset parameter to JSON.
    json_charset {
        what: "Content-Type: application/json; charset=utf-8",
        declares: [],
        build: || rewrite_logout(|r| {
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
        }),
    }

    /// Pretty-printed JSON (Django REST framework's browsable defaults, `JSON.stringify(b,
    /// null, 2)`): equal as JSON.
    json_formatting {
        what: "pretty-printed JSON bodies with extra whitespace",
        declares: [],
        build: || rewrite_logout(|r| {
            let text = if r.status() == StatusCode::OK {
                "{\n  \"message\" :  \"Logged out successfully\"\n}\n"
            } else {
                "\r\n{ \"error\"\t: \"Error logging out\" }  "
            };
            set_body(r, "application/json", text);
        }),
    }

    /// Django's `delete_cookie` sends both the epoch and `Max-Age=0`.
    max_age_zero_with_epoch {
        what: "clearing cookies carry Max-Age=0 besides the epoch Expires",
        declares: [],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| format!("{c}; Max-Age=0"))),
    }

    /// The clearing headers in the other order.
    cookies_in_other_order {
        what: "clears refreshToken first, then accessToken",
        declares: [],
        build: || rewrite_logout(|r| {
            let mut cookies = set_cookies(r);
            cookies.reverse();
            replace_set_cookies(r, cookies);
        }),
    }

    /// Many routers answer an unrouted method with 404.
    not_found_for_other_methods {
        what: "GET, PUT and DELETE on the logout path answer 404 instead of 405",
        declares: [],
        build: || rewrite(reference(&reference_state()), |head, r| {
            let other = [Method::GET, Method::PUT, Method::DELETE];
            if head.path == LOGOUT && other.contains(&head.method) {
                r.headers_mut().remove(ALLOW);
                set_json(r, StatusCode::NOT_FOUND, &json!({ "error": "Not found" }));
            }
        }).boxed(),
    }

    /// A CSRF defence: only JSON may log out (LO-31 leaves it open).
    json_only_415 {
        what: "answers 415 to a logout without an application/json Content-Type",
        declares: [],
        build: || answer_logout(json_only_415),
    }

    /// Spring Security's default cache headers.
    spring_cache_headers {
        what: "Cache-Control: no-cache, no-store, max-age=0, must-revalidate, Pragma, Expires",
        declares: [],
        build: || rewrite_logout(|r| {
            let headers = r.headers_mut();
            headers.insert(
                CACHE_CONTROL,
                HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"),
            );
            headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
            headers.insert(EXPIRES, HeaderValue::from_static("0"));
        }),
    }

    /// Express `cors()` answers preflights 200 and lists headers in title case.
    preflight_200_title_case {
        what: "preflight answered 200 with Content-Type, Authorization, X-Requested-With",
        declares: [],
        build: || rewrite(reference(&reference_state()), |head, r| {
            if head.method == Method::OPTIONS && r.status() == StatusCode::NO_CONTENT {
                *r.status_mut() = StatusCode::OK;
                let headers = r.headers_mut();
                headers.insert(
                    ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("Content-Type, Authorization, X-Requested-With"),
                );
                headers.insert(
                    ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("POST,OPTIONS"),
                );
            }
        }).boxed(),
    }

    /// The 500 of a failing store may leave the cookies alone (LO-30 leaves it open).
    no_cookies_on_500 {
        what: "the 500 answer of a failing store clears no cookies",
        declares: [],
        build: || rewrite_logout(|r| {
            if r.status() == StatusCode::INTERNAL_SERVER_ERROR {
                r.headers_mut().remove(SET_COOKIE);
            }
        }),
    }

    /// A streaming framework: the answers come chunked, without Content-Length.
    chunked_answers {
        what: "logout answers sent with Transfer-Encoding: chunked",
        declares: [],
        build: || rewrite_logout(|r| {
            let text: &'static [u8] = if r.status() == StatusCode::OK {
                br#"{"message":"Logged out successfully"}"#
            } else {
                br#"{"error":"Error logging out"}"#
            };
            let (first, second) = text.split_at(11);
            let chunks = [
                Ok::<_, std::io::Error>(Bytes::from_static(first)),
                Ok(Bytes::from_static(second)),
            ];
            let streamed = warp::reply::stream(futures::stream::iter(chunks)).into_response();
            r.headers_mut().remove(CONTENT_LENGTH);
            *r.body_mut() = streamed.into_body();
        }),
    }

    /// The reference run with `--secure-cookies`: Secure on login and clearing cookies.
    secure_cookies {
        what: "the reference with Secure login and clearing cookies",
        declares: [],
        build: || reference(&AppState::new(Config {
            secure_cookies: true,
            ..Config::for_conformance()
        })).boxed(),
    }

    /// Django's `response.delete_cookie(name, samesite=…)`: a quoted empty value, a
    /// lower-case `expires`, `Max-Age=0`. Every browser deletes the cookie (LO-02), and
    /// it carries the epoch and `Path=/` that LO-03 asks for.
    django_delete_cookie {
        what: "clears with name=\"\"; expires=<epoch>; HttpOnly; Max-Age=0; Path=/; SameSite=Strict",
        declares: [],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| {
            let name = c.split('=').next().unwrap_or_default();
            format!(
                "{name}=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=0; Path=/; SameSite=Strict"
            )
        })),
    }

    /// A TypeScript library whose cookie helper and framework both clear: every clearing
    /// header is sent twice, which a browser applies twice to the same effect.
    duplicated_clearing_headers {
        what: "sends each clearing Set-Cookie header twice",
        declares: [],
        build: || rewrite_logout(|r| {
            let cookies = set_cookies(r);
            replace_set_cookies(r, cookies.iter().chain(&cookies).cloned());
        }),
    }

    /// PHP's `setcookie(name, "")`: the value `deleted` with an expiry in the past. A
    /// browser drops it; the value of a deleted cookie does not matter.
    value_deleted {
        what: "clears with the value `deleted` and the epoch Expires",
        declares: [],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| c.replacen("=;", "=deleted;", 1))),
    }

    /// A CORS layer configured with one fixed origin sends it to every origin: a page on
    /// another origin cannot read the answer, since the header names someone else.
    cors_fixed_origin {
        what: "sends Access-Control-Allow-Origin: <the allowed origin> to every Origin",
        declares: [],
        build: || rewrite(reference(&reference_state()), |head, r| {
            if head.origin().is_some() {
                let headers = r.headers_mut();
                headers.insert(
                    ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("http://localhost:5173"),
                );
                headers.insert(
                    ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
        }).boxed(),
    }

    /// A load balancer's stickiness cookie (AWS ALB `AWSALB`), new on every answer:
    /// LO-22 compares only the contract's cookies.
    load_balancer_cookie {
        what: "every answer also sets a rotating AWSALB stickiness cookie",
        declares: [],
        build: load_balancer_cookie,
    }
}

async fn json_only_415(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        let body = json!({ "error": "Content-Type must be application/json" });
        return json(StatusCode::UNSUPPORTED_MEDIA_TYPE, &body);
    }
    reference_logout(state, headers, body).await
}

fn load_balancer_cookie() -> Routes {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    rewrite(reference(&reference_state()), |_, r| {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let cookie = format!(
            "AWSALB={:016x}{n:08x}; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Path=/",
            n.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            r.headers_mut().append(SET_COOKIE, value);
        }
    })
    .boxed()
}

async fn clearing_spelled_differently_when_not_live(
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
