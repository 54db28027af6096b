//! What a session's requests carry: every cookie login set (kept as a browser keeps
//! them), the whole session as one `Cookie` header, and the companions — the cookies
//! that are no credential (CSRF, signature cookies) — that go beside whatever token a
//! request presents.

use crate::http::cookies::{Expiry, SetCookie};
use crate::run::world::{LogoutWorld, Session};
use crate::under_test::Target;
use crate::verdict::check::could_not_run;

/// The whole session as one `Cookie` header, as a browser sends it: every cookie login
/// set (credentials, CSRF and signature cookies, any other) and the body tokens the
/// client sends back as cookies.
pub(crate) fn session_cookies(_world: &LogoutWorld, session: &Session) -> String {
    session
        .cookies
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The cookies of `session` that are no credential (CSRF cookies, a signature cookie,
/// any other cookie login set), `name=value`: a browser sends them beside whatever
/// token a request presents.
pub(crate) fn companions(target: &Target, session: &Session) -> Vec<String> {
    let credentials = target.profile.session.credential_cookies();
    session
        .cookies
        .iter()
        .filter(|(n, _)| !credentials.contains(&n.as_str()))
        .map(|(n, v)| format!("{n}={v}"))
        .collect()
}

/// Whether a `name=value` pair is a signature cookie (`name.sig`, as Express's
/// cookie-session and Koa sign theirs): it travels with the token it signs, so a request
/// presenting several sessions' tokens carries each session's.
pub(crate) fn is_signature(pair: &str) -> bool {
    pair.split('=').next().is_some_and(|n| n.ends_with(".sig"))
}

/// The companion cookies of the scenario's session ([`companions`]).
pub(crate) fn csrf_pairs(world: &LogoutWorld) -> Vec<String> {
    match &world.session {
        Some(session) => companions(&world.target(), session),
        None => Vec::new(),
    }
}

/// The name of the cookie the refresh token (or the one session token) travels in.
pub(crate) fn refresh_name(world: &LogoutWorld) -> String {
    match world.target().profile.refresh_cookie() {
        Some(name) => name.to_owned(),
        None => could_not_run(
            "the profile's session sends its refresh token in no cookie: this step \
             presents a refresh cookie",
        ),
    }
}

/// The cookies a browser keeps from `Set-Cookie` headers: the last one of each name,
/// unless it is empty or already expired.
pub(crate) fn kept_cookies(set_cookies: &[String]) -> Vec<(String, String)> {
    let mut kept: Vec<(String, String)> = Vec::new();
    for cookie in set_cookies.iter().filter_map(|h| SetCookie::parse(h)) {
        kept.retain(|(n, _)| *n != cookie.name);
        if !cookie.value.is_empty() && cookie.expiry() != Expiry::Past {
            kept.push((cookie.name, cookie.value));
        }
    }
    kept
}
