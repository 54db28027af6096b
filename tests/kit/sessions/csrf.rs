//! The CSRF double-submit stack: a readable `csrf_token` cookie that every unsafe request
//! must echo in `X-CSRF-Token`, and the profiles that declare it.

use warp::http::header::HeaderMap;
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use super::{CAPABILITIES, LOGIN, LOGOUT_ROUTE, REFRESH, VALIDATE, fresh, is};
use crate::routes::{Routes, json, reference_state, replace_set_cookies, set_cookies};
use crate::shim::{self, Shim, cookie};

/// The readable cookie of the CSRF double-submit stack.
pub const CSRF_COOKIE: &str = "csrf_token";

/// JWT cookies with CSRF double-submit: login sets a readable `csrf_token` cookie, and
/// the logout, the session endpoint and the rotating refresh refuse (401, "missing CSRF
/// header") a request carrying a session cookie whose `X-CSRF-Token` header does not
/// repeat it.
#[derive(Debug, Clone, Copy)]
pub struct Csrf;

impl Shim for Csrf {
    fn inbound(
        &self,
        method: &Method,
        path: &str,
        headers: HeaderMap,
    ) -> Result<HeaderMap, Box<Response>> {
        let credentials = ["accessToken", "refreshToken"]
            .iter()
            .any(|name| cookie(&headers, name).is_some());
        let guarded = [LOGOUT_ROUTE, VALIDATE, REFRESH]
            .into_iter()
            .any(|route| is(method, path, route));
        // A request with no session cookie has nothing to protect.
        if !guarded || !credentials {
            return Ok(headers);
        }
        let header = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match (cookie(&headers, CSRF_COOKIE), header) {
            (Some(c), Some(h)) if !c.is_empty() && c == h => Ok(headers),
            _ => Err(Box::new(json(
                StatusCode::UNAUTHORIZED,
                &serde_json::json!({ "error": "missing CSRF header" }),
            ))),
        }
    }

    fn outbound(&self, method: &Method, path: &str, _: &HeaderMap, answer: &mut Response) {
        if is(method, path, LOGIN) && answer.status() == StatusCode::OK {
            let mut all = set_cookies(answer);
            all.push(format!("{CSRF_COOKIE}={}; Path=/; SameSite=Lax", fresh()));
            replace_set_cookies(answer, all);
        }
        // The logout ends the CSRF cookie with the session (LO-29).
        if is(method, path, LOGOUT_ROUTE) && answer.status().is_success() {
            let mut all = set_cookies(answer);
            all.push(format!(
                "{CSRF_COOKIE}=; Path=/; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
            ));
            replace_set_cookies(answer, all);
        }
    }
}

/// The CSRF stack's routes.
pub fn csrf() -> Routes {
    shim::routes(reference_state(), Csrf)
}

/// The CSRF stack's profile: the logout, both probes and the rotating refresh (LO-14)
/// copy the readable cookie into the header, and a refusal for a missing header is no
/// dead token.
pub fn csrf_profile() -> String {
    format!(
        r#"
version = 2

[session]
cookies = [
  {{ name = "accessToken", role = "access" }},
  {{ name = "refreshToken", role = "refresh" }},
  {{ name = "{CSRF_COOKIE}", role = "csrf" }},
]

[logout]
headers = {{ X-CSRF-Token = "{{cookie:{CSRF_COOKIE}}}" }}

[probes.refresh]
path = "/auth/validate-session"
headers = {{ X-CSRF-Token = "{{cookie:{CSRF_COOKIE}}}" }}
live = {{ status = [200] }}
dead = {{ status = [401], unless = {{ body_contains = "CSRF" }} }}

[probes.access]
path = "/auth/validate-session"
headers = {{ X-CSRF-Token = "{{cookie:{CSRF_COOKIE}}}" }}
live = {{ status = [200] }}
dead = {{ status = [401], unless = {{ body_contains = "CSRF" }} }}

[rotating_refresh]
path = "/auth/refresh"
headers = {{ X-CSRF-Token = "{{cookie:{CSRF_COOKIE}}}" }}
{CAPABILITIES}"#
    )
}

/// The CSRF stack's profile as a new user writes it first: the probes forget the CSRF
/// header and read every 401 as a dead token, so they answer "dead" to everything.
pub fn always_dead_profile() -> String {
    format!(
        r#"
version = 2

[session]
cookies = [
  {{ name = "accessToken", role = "access" }},
  {{ name = "refreshToken", role = "refresh" }},
  {{ name = "{CSRF_COOKIE}", role = "csrf" }},
]

[logout]
headers = {{ X-CSRF-Token = "{{cookie:{CSRF_COOKIE}}}" }}

[probes.refresh]
path = "/auth/validate-session"
live = {{ status = [200] }}
dead = {{ status = [401] }}

[probes.access]
path = "/auth/validate-session"
live = {{ status = [200] }}
dead = {{ status = [401] }}
{CAPABILITIES}"#
    )
}
