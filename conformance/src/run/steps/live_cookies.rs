//! LO-15: the logout answer never sets a session cookie to a live value.
//!
//! LO-02 asks what a browser holds after applying the answer in order; that hides the
//! defect when the live header comes first and a blank one after it (next-auth#12908: a
//! sign-out answer with two `Set-Cookie` for the session cookie, whose outcome depends on
//! the order a proxy or client applies them in). Here every header for a session cookie
//! must clear it on its own, in whichever order they come.

use cucumber::then;

use crate::http::cookies::{Expiry, SetCookie};
use crate::run::steps::cookies::received;
use crate::run::world::LogoutWorld;
use crate::verdict::check::Problem;

#[then("no Set-Cookie of the answer gives a session cookie a live value")]
fn no_live_session_cookie(world: &mut LogoutWorld) {
    let target = world.target();
    let answer = match world.answer() {
        Ok(answer) => answer,
        Err(problem) => world.fail_own(problem),
    };
    let names = target.profile.cleared_cookies();
    let headers: Vec<SetCookie> = answer
        .set_cookies()
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .collect();
    let total = headers.len();
    let live: Vec<String> = headers
        .iter()
        .enumerate()
        .filter(|(_, c)| names.contains(&c.name.as_str()) && gives_live_value(c))
        .map(|(i, c)| format!("{} (Set-Cookie {} of {total})", c.name, i + 1))
        .collect();
    let Some(first) = live.first() else {
        return;
    };
    world.fail_own(Problem::new(
        format!("the logout answer sets {first} to a live value"),
        format!(
            "every Set-Cookie for {} clears it (an empty value, or an expiry in the past)",
            names.join(" or ")
        ),
        format!(
            "{} carr{} a value that a browser keeps, whatever the order it applies them in\n  \
             Set-Cookie headers received: {}",
            live.join(" and "),
            if live.len() == 1 { "ies" } else { "y" },
            received(&answer)
        ),
    ));
}

/// A header a browser stores as a live cookie: a value other than empty or `""`, and no
/// expiry in the past (an unreadable `Expires` or `Max-Age` is ignored by browsers, so
/// the cookie lives for the session).
pub(crate) fn gives_live_value(cookie: &SetCookie) -> bool {
    let blank = cookie.value.is_empty() || cookie.value == "\"\"";
    !blank && cookie.expiry() != Expiry::Past
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(raw: &str) -> bool {
        gives_live_value(&SetCookie::parse(raw).expect("parses"))
    }

    #[test]
    fn only_a_value_that_a_browser_keeps_is_live() {
        assert!(live("refreshToken=abc; Path=/; HttpOnly"));
        assert!(live("refreshToken=abc; Path=/; Max-Age=900"));
        assert!(live("refreshToken=abc; Path=/; Expires=soon"));
        assert!(!live(
            "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        ));
        assert!(!live("refreshToken=\"\"; Max-Age=0; Path=/"));
        assert!(!live("refreshToken=abc; Path=/; Max-Age=0"));
        assert!(!live("refreshToken=; Path=/"));
    }
}
