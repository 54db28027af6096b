//! Targets whose sessions are more than one token cookie, built as [`shim`](crate::shim)s
//! in front of the reference server, with the profile that declares each: a CSRF
//! double-submit stack, a signed cookie pair (`koa.sess` + `koa.sess.sig`), a session
//! cookie under another name, a logout that needs the access cookie; and two answer
//! rewrites (a clearing cookie dated a year back, a logout answer echoing the token).

use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use warp::Filter as _;
use warp::http::header::HeaderMap;
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use crate::routes::{
    LOGOUT, Routes, json, map_set_cookies, reference, reference_state, replace_set_cookies,
    rewrite, set_cookies, set_json, state_with_store,
};
use crate::shim::{self, Shim, cookie, cookie_pairs, with_cookies};
use crate::store::{MisbehavingStore, Removal};

/// The hooks and CORS origin of the reference, for every profile here.
const CAPABILITIES: &str = r#"
[store_fault]
on = { method = "POST", path = "/__conformance/store/fail" }
off = { method = "POST", path = "/__conformance/store/recover" }

[expired_session]
source = { method = "POST", path = "/__conformance/expired-session" }

[cors]
origin = "http://localhost:5173"
"#;

/// A fresh value no two calls share (a CSRF token).
fn fresh() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let state = std::collections::hash_map::RandomState::new();
    format!(
        "{:016x}{:016x}",
        state.hash_one(COUNT.fetch_add(1, Ordering::Relaxed)),
        state.hash_one(SystemTime::now())
    )
}

fn is(method: &Method, path: &str, wanted: (&Method, &str)) -> bool {
    method == wanted.0 && path == wanted.1
}

const LOGIN: (&Method, &str) = (&Method::POST, "/auth/login");
const VALIDATE: (&Method, &str) = (&Method::GET, "/auth/validate-session");
const LOGOUT_ROUTE: (&Method, &str) = (&Method::POST, LOGOUT);
const REFRESH: (&Method, &str) = (&Method::POST, "/auth/refresh");

// ---- CSRF double-submit ------------------------------------------------------------

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

// ---- A signed cookie pair -----------------------------------------------------------

/// The session cookie of the signed-pair stack, and its signature cookie.
pub const SIGNED: &str = "koa.sess";
const SIGNATURE: &str = "koa.sess.sig";

fn sign(value: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(b"a key only the server knows");
    hasher.write(value);
    format!("{:016x}", hasher.finish())
}

/// A session in a signed pair, as Koa's sessions and Express's cookie-session keep it:
/// `koa.sess` and `koa.sess.sig`. A value whose signature is not presented is no session
/// at all. With `first_only`, the target reads the first `koa.sess` alone (the common
/// cookie parser); otherwise every value a presented signature vouches for.
#[derive(Debug, Clone, Copy)]
pub struct Signed {
    pub first_only: bool,
}

impl Shim for Signed {
    fn inbound(&self, _: &Method, _: &str, headers: HeaderMap) -> Result<HeaderMap, Box<Response>> {
        let pairs = cookie_pairs(&headers);
        let signatures: Vec<Vec<u8>> = pairs
            .iter()
            .filter(|(n, _)| n == SIGNATURE)
            .filter_map(|(_, v)| v.clone())
            .collect();
        let values = pairs
            .iter()
            .filter(|(n, _)| n == SIGNED)
            .filter_map(|(_, v)| v.clone());
        let read: Vec<Vec<u8>> = if self.first_only {
            values.take(1).collect()
        } else {
            values.collect()
        };
        let mut inner: Vec<(String, Vec<u8>)> = read
            .into_iter()
            .filter(|v| signatures.iter().any(|s| *s == sign(v).into_bytes()))
            .map(|v| ("refreshToken".to_owned(), v))
            .collect();
        inner.extend(
            pairs
                .into_iter()
                .filter(|(n, _)| {
                    ![SIGNED, SIGNATURE, "refreshToken", "accessToken"].contains(&n.as_str())
                })
                .filter_map(|(n, v)| v.map(|v| (n, v))),
        );
        Ok(with_cookies(headers, &inner))
    }

    fn outbound(&self, _: &Method, _: &str, _: &HeaderMap, answer: &mut Response) {
        let mut out = Vec::new();
        for set_cookie in set_cookies(answer) {
            let Some(rest) = set_cookie.strip_prefix("refreshToken=") else {
                continue;
            };
            let (value, attributes) = rest.split_once(';').unwrap_or((rest, ""));
            let signature = if value.is_empty() {
                String::new()
            } else {
                sign(value.as_bytes())
            };
            out.push(format!("{SIGNED}={value};{attributes}"));
            out.push(format!("{SIGNATURE}={signature};{attributes}"));
        }
        replace_set_cookies(answer, out);
    }
}

/// The signed-pair stack's routes.
pub fn signed(first_only: bool) -> Routes {
    shim::routes(reference_state(), Signed { first_only })
}

/// Its profile: one session cookie; the signature cookie is the kit's to carry along.
pub fn signed_profile() -> String {
    format!(
        r#"
version = 2

[session]
cookies = [{{ name = "{SIGNED}", role = "session" }}]
{CAPABILITIES}"#
    )
}

// ---- A session cookie under another name ---------------------------------------------

/// The renamed stack's session cookie.
pub const RENAMED: &str = "sid";

/// One session cookie `sid` (the reference's refresh token renamed; no access cookie).
/// With `strict`, a malformed `sid` value (no `=`, a quote, bytes outside URL-safe
/// base64, or longer than 512) makes its cookie parser throw: 500.
#[derive(Debug, Clone, Copy)]
pub struct Renamed {
    pub strict: bool,
}

impl Shim for Renamed {
    fn inbound(&self, _: &Method, _: &str, headers: HeaderMap) -> Result<HeaderMap, Box<Response>> {
        let pairs = cookie_pairs(&headers);
        let malformed = |v: &Option<Vec<u8>>| match v {
            None => true,
            Some(v) => {
                v.len() > 512
                    || !v
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            }
        };
        if self.strict && pairs.iter().any(|(n, v)| n == RENAMED && malformed(v)) {
            return Err(Box::new(json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({ "error": "Internal Server Error" }),
            )));
        }
        let inner: Vec<(String, Vec<u8>)> = pairs
            .into_iter()
            .filter(|(n, _)| n != "refreshToken" && n != "accessToken")
            .filter_map(|(n, v)| {
                let v = v?;
                Some(if n == RENAMED {
                    ("refreshToken".to_owned(), v)
                } else {
                    (n, v)
                })
            })
            .collect();
        Ok(with_cookies(headers, &inner))
    }

    fn outbound(&self, _: &Method, _: &str, _: &HeaderMap, answer: &mut Response) {
        let renamed: Vec<String> = set_cookies(answer)
            .into_iter()
            .filter_map(|c| {
                c.strip_prefix("refreshToken=")
                    .map(|rest| format!("{RENAMED}={rest}"))
            })
            .collect();
        replace_set_cookies(answer, renamed);
    }
}

/// The renamed stack's routes.
pub fn renamed(strict: bool) -> Routes {
    shim::routes(reference_state(), Renamed { strict })
}

/// Its profile.
pub fn renamed_profile() -> String {
    format!(
        r#"
version = 2

[session]
cookies = [{{ name = "{RENAMED}", role = "session" }}]
{CAPABILITIES}"#
    )
}

// ---- A logout that needs the access cookie --------------------------------------------

/// A logout behind an auth layer that wants the access cookie (401 without it), over
/// a store whose removal races (read, a slow round trip, delete).
#[derive(Debug, Clone, Copy)]
pub struct NeedsAccess;

impl Shim for NeedsAccess {
    fn inbound(
        &self,
        method: &Method,
        path: &str,
        headers: HeaderMap,
    ) -> Result<HeaderMap, Box<Response>> {
        if is(method, path, LOGOUT_ROUTE) && cookie(&headers, "accessToken").is_none() {
            return Err(Box::new(json(
                StatusCode::UNAUTHORIZED,
                &serde_json::json!({ "error": "Unauthorized" }),
            )));
        }
        Ok(headers)
    }
}

/// The racing, access-cookie-needing stack's routes.
pub fn needs_access_racing() -> Routes {
    let store = MisbehavingStore::new(Removal::ReadThenDelete {
        window: Duration::from_millis(150),
    });
    shim::routes(state_with_store(store), NeedsAccess)
}

// ---- Answers rewritten ---------------------------------------------------------------

/// The reference, but its logout clears each cookie with `Max-Age=0` and an `Expires`
/// a year back, as actix-web does — and each answer's date a second before the last,
/// so that two answers always fall in different seconds.
pub fn cleared_a_year_back() -> Routes {
    static SECONDS: AtomicU64 = AtomicU64::new(0);
    rewrite(reference(&reference_state()), |head, answer| {
        if !head.is_logout() {
            return;
        }
        map_set_cookies(answer, |c| {
            let back = 365 * 24 * 3600 + SECONDS.fetch_add(1, Ordering::Relaxed);
            let at = SystemTime::now() - Duration::from_secs(back);
            c.replace(
                "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                &format!("Max-Age=0; Expires={}", http_date(at)),
            )
        });
    })
    .boxed()
}

/// The reference, but its logout's body echoes the refresh token it revoked.
pub fn echoes_the_token() -> Routes {
    rewrite(reference(&reference_state()), |head, answer| {
        if !head.is_logout() || answer.status() != StatusCode::OK {
            return;
        }
        let mut body = serde_json::json!({ "message": "Logged out successfully" });
        if let Some(token) = cookie(&head.headers, "refreshToken") {
            body["revoked"] = serde_json::Value::String(token);
        }
        set_json(answer, StatusCode::OK, &body);
    })
    .boxed()
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil from days (Howard Hinnant's algorithm), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_are_imf_fixdates() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777);
        assert_eq!(super::http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
