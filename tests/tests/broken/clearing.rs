//! Clearing the cookies (LO-02, LO-03): where, when and how the clearing headers go wrong.

use conformance_tests::catalogue;
use conformance_tests::routes::{
    map_set_cookies, replace_set_cookies, rewrite_logout, set_cookies,
};

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
}
