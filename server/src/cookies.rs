//! The two session cookies: building `Set-Cookie` values and reading `Cookie` headers.
//!
//! Reading is lenient and byte-based on purpose: a `Cookie` header is attacker-controlled
//! input, and warp's cookie filters reject a request whose header is not UTF-8. Here any
//! byte sequence parses; whatever does not look like `name=value` is skipped, and a value
//! that is not a live token is simply a token no store knows.

use std::fmt;
use std::time::{Duration, SystemTime};

use warp::http::header::{COOKIE, HeaderMap, HeaderValue, InvalidHeaderValue, SET_COOKIE};
use warp::reply::Response;

use crate::token::Token;

/// The short-lived credential's cookie.
pub const ACCESS_COOKIE: &str = "accessToken";
/// The session's cookie.
pub const REFRESH_COOKIE: &str = "refreshToken";

/// At most this many values of each cookie are taken from one request, so a header packed
/// with thousands of `refreshToken=` pairs cannot turn into thousands of store calls.
pub const MAX_VALUES_PER_COOKIE: usize = 8;

/// Clearing values: the epoch as `Expires` (as the logout document shows, LO-03), no
/// `Max-Age`, and the same `Path`, `HttpOnly`, `SameSite` (and `Secure`) as login set, so
/// browsers apply the deletion in every context (LO-24).
const CLEAR_ACCESS: &str =
    "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict";
const CLEAR_ACCESS_SECURE: &str = "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict; Secure";
const CLEAR_REFRESH: &str =
    "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict";
const CLEAR_REFRESH_SECURE: &str = "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict; Secure";

/// `name=token` living `max_age` from `now`, with both `Max-Age` and `Expires` (for old
/// clients), `Path=/`, `HttpOnly`, `SameSite=Strict`, and `Secure` if asked.
pub fn session_cookie(
    name: &str,
    token: &Token,
    max_age: Duration,
    now: SystemTime,
    secure: bool,
) -> Result<HeaderValue, InvalidHeaderValue> {
    let expires = httpdate::fmt_http_date(now + max_age);
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{name}={}; Path=/; Max-Age={}; Expires={expires}; HttpOnly; SameSite=Strict{secure}",
        token.as_str(),
        max_age.as_secs(),
    );
    HeaderValue::from_str(&value)
}

/// Appends the two clearing `Set-Cookie` headers, one header per cookie.
pub fn append_clearing_cookies(response: &mut Response, secure: bool) {
    let (access, refresh) = if secure {
        (CLEAR_ACCESS_SECURE, CLEAR_REFRESH_SECURE)
    } else {
        (CLEAR_ACCESS, CLEAR_REFRESH)
    };
    let headers = response.headers_mut();
    headers.append(SET_COOKIE, HeaderValue::from_static(access));
    headers.append(SET_COOKIE, HeaderValue::from_static(refresh));
}

/// The session cookie values a request presented, as raw bytes. `Debug` shows counts only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PresentedTokens {
    /// Every `accessToken` value, in order (at most [`MAX_VALUES_PER_COOKIE`]).
    pub access: Vec<Vec<u8>>,
    /// Every `refreshToken` value, in order (at most [`MAX_VALUES_PER_COOKIE`]).
    pub refresh: Vec<Vec<u8>>,
}

impl fmt::Debug for PresentedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresentedTokens")
            .field("access", &self.access.len())
            .field("refresh", &self.refresh.len())
            .finish()
    }
}

impl PresentedTokens {
    /// Reads every `Cookie` header of a request (HTTP/2 may send several).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut tokens = Self::default();
        for header in headers.get_all(COOKIE) {
            for (name, value) in pairs(header.as_bytes()) {
                let list = match name {
                    b"accessToken" => &mut tokens.access,
                    b"refreshToken" => &mut tokens.refresh,
                    _ => continue,
                };
                if !value.is_empty() && list.len() < MAX_VALUES_PER_COOKIE {
                    list.push(value.to_vec());
                }
            }
        }
        tokens
    }
}

/// The `name=value` pairs of one `Cookie` header, split on `;`, trimmed, with one pair of
/// surrounding double quotes removed from a value (RFC 6265 §4.1.1). Pairs without `=`
/// are skipped.
fn pairs(header: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    header.split(|&b| b == b';').filter_map(|pair| {
        let eq = pair.iter().position(|&b| b == b'=')?;
        let (name, value) = (pair[..eq].trim_ascii(), pair[eq + 1..].trim_ascii());
        let value = match value {
            [b'"', inner @ .., b'"'] => inner,
            other => other,
        };
        Some((name, value))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn presented(raw: &[&[u8]]) -> PresentedTokens {
        let mut headers = HeaderMap::new();
        for value in raw {
            headers.append(COOKIE, HeaderValue::from_bytes(value).unwrap());
        }
        PresentedTokens::from_headers(&headers)
    }

    #[test]
    fn reads_both_cookies_among_others() {
        let tokens = presented(&[b"theme=dark; accessToken=a1;refreshToken=r1 ; x=y"]);
        assert_eq!(tokens.access, vec![b"a1".to_vec()]);
        assert_eq!(tokens.refresh, vec![b"r1".to_vec()]);
    }

    #[test]
    fn malformed_headers_yield_nothing_or_opaque_values() {
        assert_eq!(presented(&[b"refreshToken"]), PresentedTokens::default());
        assert_eq!(presented(&[b";;;"]), PresentedTokens::default());
        assert_eq!(presented(&[b"refreshToken="]), PresentedTokens::default());
        assert_eq!(
            presented(&[b"refreshToken=\"abc"]).refresh,
            vec![b"\"abc".to_vec()]
        );
        assert_eq!(
            presented(&[b"refreshToken=\"abc\""]).refresh,
            vec![b"abc".to_vec()]
        );
        assert_eq!(
            presented(&[b"refreshToken=\xff\xfe\xc3\x28"]).refresh,
            vec![b"\xff\xfe\xc3\x28".to_vec()]
        );
    }

    #[test]
    fn duplicates_and_several_headers_are_all_kept_up_to_the_cap() {
        let tokens = presented(&[b"refreshToken=one; refreshToken=two", b"refreshToken=three"]);
        assert_eq!(
            tokens.refresh,
            vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
        );
        let many = "refreshToken=x;".repeat(100);
        assert_eq!(
            presented(&[many.as_bytes()]).refresh.len(),
            MAX_VALUES_PER_COOKIE
        );
    }

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!(
            presented(&[b"RefreshToken=a; refreshtoken=b"]),
            PresentedTokens::default()
        );
    }

    #[test]
    fn session_cookies_carry_every_attribute() {
        let token = Token::generate().unwrap();
        let now = SystemTime::UNIX_EPOCH;
        let value =
            session_cookie(ACCESS_COOKIE, &token, Duration::from_secs(900), now, true).unwrap();
        assert_eq!(
            value.to_str().unwrap(),
            format!(
                "accessToken={}; Path=/; Max-Age=900; Expires=Thu, 01 Jan 1970 00:15:00 GMT; HttpOnly; SameSite=Strict; Secure",
                token.as_str()
            )
        );
    }
}
