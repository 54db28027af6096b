//! A header an answer must carry (`headers = { Location = { regex = "…" } }` in
//! `[logout.success]`, `[logout.invalid_token]`, `[logout.store_failure]`): a logout
//! answered with a redirect says it succeeded only through where it redirects — Auth.js
//! answers a refused sign-out (a missing CSRF token) with a 302 as well, to its error
//! page, so the status alone cannot tell the two apart.

use serde::Deserialize;

/// What one header's value must be: exactly a text, or a match of a regular expression
/// somewhere in it (anchor it with `^…$`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawHeader")]
pub enum HeaderSpec {
    Equals(String),
    Regex(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    equals: Option<String>,
    regex: Option<String>,
}

impl TryFrom<RawHeader> for HeaderSpec {
    type Error = String;

    fn try_from(raw: RawHeader) -> Result<Self, String> {
        match (raw.equals, raw.regex) {
            (Some(text), None) => Ok(Self::Equals(text)),
            (None, Some(r)) => match regex::Regex::new(&r) {
                Ok(_) => Ok(Self::Regex(r)),
                Err(e) => Err(format!("header regex {r:?} does not compile: {e}")),
            },
            _ => Err("a header takes exactly one of equals, regex".into()),
        }
    }
}

impl HeaderSpec {
    /// Whether a header's value (the first of its name, or none) is the declared one.
    pub fn matches(&self, value: Option<&str>) -> bool {
        let Some(value) = value else { return false };
        match self {
            Self::Equals(text) => value == text,
            Self::Regex(r) => regex::Regex::new(r).is_ok_and(|re| re.is_match(value)),
        }
    }

    /// As a reader writes it, after the header's name: `matching /^\/$/`, `"/"`.
    pub fn text(&self) -> String {
        match self {
            Self::Equals(text) => format!("{text:?}"),
            Self::Regex(r) => format!("matching /{r}/"),
        }
    }
}

/// Whether a header name is a token (RFC 9110 §5.1), so that a typo with a space or a
/// colon is told when the profile is read.
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_matches_as_declared() {
        let root = HeaderSpec::Regex("^https?://[^/?]+/?$".into());
        assert!(root.matches(Some("http://127.0.0.1:8000")));
        assert!(!root.matches(Some("http://127.0.0.1:8000/auth/signin?error=MissingCSRF")));
        assert!(!root.matches(None));
        let exact = HeaderSpec::Equals("/".into());
        assert!(exact.matches(Some("/")));
        assert!(!exact.matches(Some("/x")));
        assert!(is_header_name("Location"));
        assert!(!is_header_name("Loca tion"));
    }
}
