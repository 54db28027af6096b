//! Methods (LO-25) and credentialed CORS (LO-26).

use conformance_tests::catalogue;
use conformance_tests::routes::{
    LOGOUT, answer, reference, reference_logout, reference_state, rewrite,
};
use warp::Filter as _;
use warp::http::Method;
use warp::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue,
};

catalogue! {
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
}
