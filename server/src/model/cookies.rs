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

use crate::model::token::Token;

/// The short-lived credential's cookie.
pub const ACCESS_COOKIE: &str = "accessToken";
/// The session's cookie.
pub const REFRESH_COOKIE: &str = "refreshToken";

/// The most `Cookie` bytes a logout reads: 8 KiB (8192 bytes), the header-block size LO-11
/// lets a server refuse with 431. Logout bounds its work by bytes, not by a count of
/// values: within this limit every presented value is revoked (LO-13), so a header packed
/// with `refreshToken=` pairs costs at most a few hundred store calls; beyond it the
/// logout refuses outright (431) and revokes nothing, never 200 with a session left alive.
/// See [`cookie_bytes`] for what is counted.
pub const MAX_COOKIE_BYTES: usize = 8 * 1024;

/// Clearing values: the epoch as `Expires` (as the logout document shows, LO-03), no
/// `Max-Age`, and the same `Path`, `HttpOnly`, `SameSite` (and `Secure`) as login set, so
/// browsers apply the deletion in every context (LO-24).
/// (Header values built at compile time: `from_static` checks every byte, which at run
/// time costs more than the rest of a logout's answer.)
static CLEAR_ACCESS: HeaderValue = HeaderValue::from_static(
    "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict",
);
static CLEAR_ACCESS_SECURE: HeaderValue = HeaderValue::from_static(
    "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict; Secure",
);
static CLEAR_REFRESH: HeaderValue = HeaderValue::from_static(
    "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict",
);
static CLEAR_REFRESH_SECURE: HeaderValue = HeaderValue::from_static(
    "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict; Secure",
);

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
        (&CLEAR_ACCESS_SECURE, &CLEAR_REFRESH_SECURE)
    } else {
        (&CLEAR_ACCESS, &CLEAR_REFRESH)
    };
    let headers = response.headers_mut();
    headers.append(SET_COOKIE, access.clone());
    headers.append(SET_COOKIE, refresh.clone());
}

/// The session cookie values a request presented, as raw bytes. `Debug` shows counts only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PresentedTokens {
    /// Every non-empty `accessToken` value, in order, duplicates included (no cap).
    pub access: Vec<Vec<u8>>,
    /// Every non-empty `refreshToken` value, in order, duplicates included (no cap).
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
    /// Reads every `Cookie` header of a request (HTTP/2 may send several) and keeps every
    /// non-empty value of the two cookies: there is no count cap, so a caller that must
    /// bound its work checks [`cookie_bytes`] against [`MAX_COOKIE_BYTES`] first, as logout
    /// does.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut tokens = Self::default();
        each_token(headers, |cookie, value| {
            let list = match cookie {
                SessionCookie::Access => &mut tokens.access,
                SessionCookie::Refresh => &mut tokens.refresh,
            };
            list.push(value.to_vec());
        });
        tokens
    }
}

/// Which of the two session cookies a value was presented as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionCookie {
    /// `accessToken`.
    Access,
    /// `refreshToken`.
    Refresh,
}

/// Calls `each` with every non-empty value of the two session cookies in every `Cookie`
/// header, in order, duplicates included: what [`PresentedTokens`] keeps, without a copy
/// of any value (a logout hashes each where it lies).
pub fn each_token(headers: &HeaderMap, mut each: impl FnMut(SessionCookie, &[u8])) {
    for header in headers.get_all(COOKIE) {
        for (name, value) in pairs(header.as_bytes()) {
            let cookie = match name {
                b"accessToken" => SessionCookie::Access,
                b"refreshToken" => SessionCookie::Refresh,
                _ => continue,
            };
            if !value.is_empty() {
                each(cookie, value);
            }
        }
    }
}

/// The size of a request's cookies: the bytes of every `Cookie` header value, summed (the
/// header names, `: ` and line ends are not counted).
pub fn cookie_bytes(headers: &HeaderMap) -> usize {
    headers.get_all(COOKIE).iter().map(HeaderValue::len).sum()
}

/// The `name=value` pairs of one `Cookie` header, split on `;`, trimmed, with one pair of
/// surrounding double quotes removed from a value (RFC 6265 §4.1.1). Pairs without `=`
/// are skipped.
fn pairs(header: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    // `memchr` rather than `split`/`position`: a byte-at-a-time scan was a tenth of a
    // logout's own work.
    let mut rest = Some(header);
    std::iter::from_fn(move || {
        loop {
            let text = rest?;
            let pair = match memchr::memchr(b';', text) {
                Some(at) => {
                    rest = Some(&text[at + 1..]);
                    &text[..at]
                }
                None => {
                    rest = None;
                    text
                }
            };
            let Some(eq) = memchr::memchr(b'=', pair) else {
                continue;
            };
            let (name, value) = (pair[..eq].trim_ascii(), pair[eq + 1..].trim_ascii());
            let value = match value {
                [b'"', inner @ .., b'"'] => inner,
                other => other,
            };
            return Some((name, value));
        }
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
    fn duplicates_and_several_headers_are_all_kept_without_a_cap() {
        let tokens = presented(&[b"refreshToken=one; refreshToken=two", b"refreshToken=three"]);
        assert_eq!(
            tokens.refresh,
            vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
        );
        let many = "refreshToken=x; accessToken=y;".repeat(100);
        let tokens = presented(&[many.as_bytes(), b"refreshToken=last"]);
        assert_eq!(tokens.refresh.len(), 101);
        assert_eq!(tokens.access.len(), 100);
        assert_eq!(tokens.refresh.last().unwrap(), b"last");
    }

    #[test]
    fn cookie_bytes_sums_every_cookie_header_value() {
        assert_eq!(cookie_bytes(&HeaderMap::new()), 0);
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=b"));
        headers.append(COOKIE, HeaderValue::from_static("refreshToken=xyz"));
        headers.append(
            warp::http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        );
        assert_eq!(cookie_bytes(&headers), 3 + 16);
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
