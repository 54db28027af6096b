//! Reading `Set-Cookie` headers two ways: strictly, attribute by attribute as written
//! (for the exact-format clauses), and as a browser would, by applying them to an
//! RFC 6265 cookie jar (for "the browser drops the cookie").

use std::time::SystemTime;

use cookie_store::CookieStore;
use reqwest::Url;

/// One `Set-Cookie` header split as RFC 6265 §5.2 splits it, keeping the text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub raw: String,
    pub name: String,
    pub value: String,
    /// Attribute names as written, each with its value if it has one.
    pub attributes: Vec<(String, Option<String>)>,
}

impl SetCookie {
    /// Splits a header value; `None` when it has no `name=value` pair.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.split(';');
        let (name, value) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let attributes = parts
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| match a.split_once('=') {
                Some((n, v)) => (n.trim().to_owned(), Some(v.trim().to_owned())),
                None => (a.to_owned(), None),
            })
            .collect();
        Some(Self {
            raw: raw.to_owned(),
            name: name.to_owned(),
            value: value.trim().to_owned(),
            attributes,
        })
    }

    /// The last value of an attribute (names compare without case, as RFC 6265 says).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Whether a flag attribute (`HttpOnly`, `Secure`) is present.
    pub fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    /// When the cookie expires, as a browser reads `Max-Age` (which wins) and `Expires`.
    pub fn expiry(&self) -> Expiry {
        if let Some(max_age) = self.attr("max-age") {
            return match max_age.parse::<i64>() {
                Ok(n) if n <= 0 => Expiry::Past,
                Ok(_) => Expiry::Future,
                Err(_) => Expiry::Unreadable(format!("Max-Age={max_age}")),
            };
        }
        let Some(expires) = self.attr("expires") else {
            return Expiry::Session;
        };
        match cookie_store::RawCookie::parse(format!("x=; Expires={expires}"))
            .ok()
            .and_then(|c| c.expires_datetime())
        {
            Some(at) if SystemTime::from(at) <= SystemTime::now() => Expiry::Past,
            Some(_) => Expiry::Future,
            None => Expiry::Unreadable(format!("Expires={expires}")),
        }
    }
}

/// The value an answer's `Set-Cookie` headers give to cookie `name` (see
/// [`cookie_value`]).
pub fn set_cookie_value(
    answer: &crate::http::exchange::ResponseRecord,
    name: &str,
) -> Result<Option<String>, String> {
    let headers: Vec<&[u8]> = answer
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_slice())
        .collect();
    cookie_value(&headers, name)
}

/// The first non-empty value that `Set-Cookie` headers (as bytes) give cookie `name`,
/// exactly as sent but for the surrounding whitespace a browser trims too.
///
/// The kit keeps tokens as text and sends them back as they came; a value that is not
/// UTF-8 would come back mangled (a lossy decoding is another token), so it is refused
/// here with the reason — a limit of the kit, never the target's failure.
pub fn cookie_value(headers: &[&[u8]], name: &str) -> Result<Option<String>, String> {
    for header in headers {
        let pair = header.split(|b| *b == b';').next().unwrap_or_default();
        let Some(eq) = pair.iter().position(|b| *b == b'=') else {
            continue;
        };
        if pair[..eq].trim_ascii() != name.as_bytes() {
            continue;
        }
        let value = pair[eq + 1..].trim_ascii();
        if value.is_empty() {
            continue;
        }
        return match std::str::from_utf8(value) {
            Ok(text) => Ok(Some(text.to_owned())),
            Err(_) => Err(format!(
                "the {name} cookie's value is not UTF-8 ({}); the kit keeps tokens as text \
                 and would send back another value, so it does not use it (a limit of the \
                 kit, not a failure of the target)",
                crate::http::exchange::escape_bytes(&value[..value.len().min(24)])
            )),
        };
    }
    Ok(None)
}

/// What a cookie's lifetime attributes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    Past,
    Future,
    /// Neither attribute: the cookie lives until the browser closes.
    Session,
    Unreadable(String),
}

/// What in the raw headers explains why a browser would keep cookie `name`; empty when
/// nothing does. Only an explanation: the jar ([`survivors_in_jar`]) decides LO-02. A
/// browser applies the headers in order, so the last one for the name counts.
pub fn clearing_notes(set_cookies: &[String], name: &str) -> Vec<String> {
    let parsed: Vec<SetCookie> = set_cookies
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .collect();
    let Some(cookie) = parsed.iter().rev().find(|c| c.name == name) else {
        let folded = set_cookies
            .iter()
            .any(|h| h.contains(&format!(", {name}=")) || h.contains(&format!(",{name}=")));
        return vec![if folded {
            format!("{name} is folded into another Set-Cookie header; browsers do not split it")
        } else {
            format!("no Set-Cookie header clears {name}")
        }];
    };
    let mut notes = Vec::new();
    if !matches!(cookie.value.as_str(), "" | "\"\"") {
        notes.push(format!("{name} is set to a value"));
    }
    if cookie.attr("path").is_none_or(|p| p != "/") {
        notes.push(format!(
            "{name} has {}, not Path=/ (a browser keeps the cookie login set on /)",
            cookie
                .attr("path")
                .map_or("no Path".to_owned(), |p| format!("Path={p}"))
        ));
    }
    match cookie.expiry() {
        Expiry::Past => {}
        Expiry::Future => notes.push(format!("{name} expires in the future")),
        Expiry::Session => notes.push(format!(
            "{name} has neither Expires nor Max-Age, so it lives on as a session cookie"
        )),
        Expiry::Unreadable(a) => notes.push(format!("{name} has an unreadable {a}")),
    }
    notes
}

/// Applies the login answer's and then the logout answer's `Set-Cookie` headers to a
/// fresh RFC 6265 jar, and names the cookies a browser would still hold and send.
pub fn survivors_in_jar(
    login_url: &Url,
    login_set_cookies: &[String],
    logout_url: &Url,
    logout_set_cookies: &[String],
    names: &[&str],
) -> Vec<String> {
    let mut jar = CookieStore::new();
    let parse = |headers: &[String]| {
        headers
            .iter()
            .filter_map(|h| cookie_store::RawCookie::parse(h.clone()).ok())
            .collect::<Vec<_>>()
    };
    jar.store_response_cookies(parse(login_set_cookies).into_iter(), login_url);
    jar.store_response_cookies(parse(logout_set_cookies).into_iter(), logout_url);
    let mut left: Vec<String> = jar
        .iter_unexpired()
        .filter(|c| names.contains(&c.name()))
        .map(|c| format!("{} (Path={})", c.name(), String::from(c.path.clone())))
        .collect();
    left.sort();
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPOCH: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

    #[test]
    fn splits_attributes_as_written() {
        let c = SetCookie::parse(&format!("refreshToken=; path=/; expires={EPOCH}; HttpOnly"))
            .expect("parses");
        assert_eq!(c.name, "refreshToken");
        assert_eq!(c.value, "");
        assert_eq!(c.attr("Path"), Some("/"));
        assert_eq!(c.attr("Expires"), Some(EPOCH));
        assert!(c.has("httponly"));
        assert!(!c.has("Secure"));
        assert_eq!(c.expiry(), Expiry::Past);
        assert!(SetCookie::parse("no pair here").is_none());
    }

    #[test]
    fn token_values_are_read_from_bytes_and_never_mangled() {
        let headers: Vec<&[u8]> = vec![
            b"refreshToken=; Path=/",
            b"accessToken= abc\xc3\xa9 ; Path=/",
            b"refreshToken=r1; Path=/",
            b"other=\xff\xfe",
        ];
        assert_eq!(
            cookie_value(&headers, "refreshToken"),
            Ok(Some("r1".into()))
        );
        assert_eq!(
            cookie_value(&headers, "accessToken"),
            Ok(Some("abc\u{e9}".into()))
        );
        assert_eq!(cookie_value(&headers, "missing"), Ok(None));
        let refused = cookie_value(&[b"t=ab\xff\xfe; Path=/"], "t").expect_err("not UTF-8");
        assert!(refused.contains("ab\\xff\\xfe"), "{refused}");
    }

    #[test]
    fn clearing_notes_explain_what_a_browser_keeps() {
        let good = vec![format!("a=; Path=/; Expires={EPOCH}")];
        assert!(clearing_notes(&good, "a").is_empty());
        assert!(clearing_notes(&["a=; Path=/; Max-Age=0".into()], "a").is_empty());
        let django = format!("a=\"\"; expires={EPOCH}; Max-Age=0; Path=/");
        assert!(clearing_notes(&[django], "a").is_empty());
        let wrong_path = clearing_notes(&[format!("a=; Path=/auth; Expires={EPOCH}")], "a");
        assert!(wrong_path[0].contains("Path=/auth"), "{wrong_path:?}");
        let folded = clearing_notes(&[format!("b=; Path=/; Expires={EPOCH}, a=; Path=/")], "a");
        assert!(folded[0].contains("folded"), "{folded:?}");
        let positive = clearing_notes(&[format!("a=; Path=/; Expires={EPOCH}; Max-Age=60")], "a");
        assert!(positive[0].contains("future"), "{positive:?}");
        assert!(clearing_notes(&["a=; Path=/".into()], "a")[0].contains("session cookie"));
    }

    #[test]
    fn the_jar_drops_every_spelling_of_a_deletion() {
        let url = Url::parse("http://127.0.0.1:3000/auth/login").expect("url");
        let out = Url::parse("http://127.0.0.1:3000/auth/logout").expect("url");
        let login = vec![
            "a=1234; Path=/; Max-Age=900; HttpOnly".to_owned(),
            "b=5678; Path=/; Max-Age=900; HttpOnly".to_owned(),
        ];
        let spellings = [
            // Django's delete_cookie.
            vec![
                format!("a=\"\"; expires={EPOCH}; Max-Age=0; Path=/"),
                format!("b=\"\"; expires={EPOCH}; Max-Age=0; Path=/"),
            ],
            // Each clearing header twice.
            vec![
                format!("a=; Path=/; Expires={EPOCH}"),
                format!("a=; Path=/; Expires={EPOCH}"),
                format!("b=; Path=/; Expires={EPOCH}"),
                format!("b=; Path=/; Expires={EPOCH}"),
            ],
            // Attribute names in lower case, Max-Age=0 alone.
            vec![
                "a=; path=/; max-age=0".into(),
                "b=; PATH=/; MAX-AGE=0".into(),
            ],
        ];
        for cleared in spellings {
            assert!(
                survivors_in_jar(&url, &login, &out, &cleared, &["a", "b"]).is_empty(),
                "{cleared:?}"
            );
        }
    }

    #[test]
    fn the_jar_drops_cleared_cookies_only_on_the_right_path() {
        let url = Url::parse("http://127.0.0.1:3000/auth/login").expect("url");
        let out = Url::parse("http://127.0.0.1:3000/auth/logout").expect("url");
        let login = vec![
            "a=1234; Path=/; Max-Age=900; HttpOnly".to_owned(),
            "b=5678; Path=/; Max-Age=900; HttpOnly".to_owned(),
        ];
        let cleared = vec![
            format!("a=; Path=/; Expires={EPOCH}"),
            format!("b=; Path=/; Expires={EPOCH}"),
        ];
        assert!(survivors_in_jar(&url, &login, &out, &cleared, &["a", "b"]).is_empty());
        let wrong = vec![
            format!("a=; Path=/auth; Expires={EPOCH}"),
            format!("b=; Path=/; Expires={EPOCH}"),
        ];
        assert_eq!(
            survivors_in_jar(&url, &login, &out, &wrong, &["a", "b"]),
            vec!["a (Path=/)"]
        );
    }
}
