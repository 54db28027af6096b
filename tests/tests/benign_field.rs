//! Benign variants for the newer clauses: a login with companion cookies that the logout
//! clears (LO-29 passes), several clearing headers for one cookie (LO-15 allows any
//! number, as long as each clears), and a `Clear-Site-Data` header (LO-33 reports it).

use conformance_tests::catalogue;
use conformance_tests::routes::{
    reference, reference_state, replace_set_cookies, rewrite, rewrite_logout, set_cookies,
};
use warp::Filter as _;
use warp::http::header::HeaderValue;
use warp::http::{Method, StatusCode};

/// The login path of the reference profile.
const LOGIN: &str = "/auth/login";

/// The companion cookies of [`companion_cookies_cleared`]: a CSRF cookie and a session
/// cookie chunked over two names, as Auth.js splits one too big for 4 KiB.
const COMPANIONS: [&str; 3] = ["csrf_refresh_token", "session.0", "session.1"];

catalogue! {
    /// flask-jwt-extended's `unset_jwt_cookies` done right, and Auth.js's chunks cleared.
    companion_cookies_cleared {
        what: "login sets a CSRF cookie and a chunked cookie; logout clears them all",
        declares: [],
        build: || rewrite(reference(&reference_state()), |head, response| {
            let login = head.is(&Method::POST, LOGIN) && response.status() == StatusCode::OK;
            if !login && !head.is_logout() {
                return;
            }
            let mut headers = set_cookies(response);
            for name in COMPANIONS {
                headers.push(if login {
                    format!("{name}=c0ffee{}; Path=/; SameSite=Strict", name.len())
                } else {
                    format!("{name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
                });
            }
            replace_set_cookies(response, headers);
        })
        .boxed(),
    }

    /// Every clearing header sent twice, `Max-Age=0` on the copy: several headers for one
    /// cookie are fine when each clears it (LO-15).
    clearing_headers_twice {
        what: "each clearing cookie sent twice, the copy with Max-Age=0",
        declares: [],
        build: || rewrite_logout(|r| {
            let headers = set_cookies(r);
            let copies = headers.iter().map(|c| format!("{c}; Max-Age=0"));
            let all: Vec<String> = headers.iter().cloned().chain(copies).collect();
            replace_set_cookies(r, all);
        }),
    }

    /// Spring Security's `ClearSiteDataHeaderWriter` on logout.
    clear_site_data {
        what: "the logout answer carries Clear-Site-Data: \"cookies\", \"storage\"",
        declares: [],
        build: || rewrite_logout(|r| {
            r.headers_mut().insert(
                "clear-site-data",
                HeaderValue::from_static("\"cookies\", \"storage\""),
            );
        }),
    }
}
