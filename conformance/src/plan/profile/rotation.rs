//! A refresh that rotates the session (`[rotating_refresh]`, LO-14): the request that
//! renews a session and issues a new refresh token, and where that token comes back.
//! Declaring it says the target has the race LO-14 is about (a refresh overlapping the
//! logout of its session); a target without one has no such race, and LO-14 does not
//! apply to it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::plan::profile::actions::post;
use crate::plan::profile::exchange::{BodyTemplate, RequestTemplate};

/// The rotating refresh: a request sent like a probe (the refresh token in its cookie
/// beside the session's other cookies, `{token}` and `{cookie:NAME}` filled), and where
/// its answer carries the new refresh token.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotatingRefresh {
    #[serde(default = "post")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    #[serde(default)]
    pub form: Option<BTreeMap<String, String>>,
    /// Where the new refresh token comes back: `cookie:NAME` (a `Set-Cookie` of that
    /// cookie; by default the session's refresh cookie) or `body:/POINTER` (a JSON
    /// pointer into the answer's body).
    #[serde(default)]
    pub new_token: Option<NewToken>,
}

/// Where a rotating refresh's answer carries the new refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum NewToken {
    /// A `Set-Cookie` of this cookie.
    Cookie(String),
    /// The string at this JSON pointer of the answer's body.
    Body(String),
}

impl TryFrom<String> for NewToken {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.split_once(':') {
            Some(("cookie", name)) if !name.is_empty() => Ok(Self::Cookie(name.into())),
            Some(("body", pointer)) if pointer.starts_with('/') => Ok(Self::Body(pointer.into())),
            _ => Err(format!(
                "new_token {text:?} is not \"cookie:NAME\" or \"body:/POINTER\""
            )),
        }
    }
}

impl RotatingRefresh {
    /// The reference server's `POST /auth/refresh` (with `--rotate-refresh`): the new
    /// token in a `Set-Cookie` of the refresh cookie.
    pub fn reference() -> Self {
        Self {
            method: post(),
            path: "/auth/refresh".into(),
            headers: BTreeMap::new(),
            json: None,
            form: None,
            new_token: None,
        }
    }

    /// Its request.
    pub fn request(&self) -> RequestTemplate {
        RequestTemplate {
            method: self.method.to_ascii_uppercase(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: BodyTemplate::of(&self.json, &self.form, BodyTemplate::None),
        }
    }

    /// Where the new token comes back, the refresh cookie `refresh_cookie` by default.
    pub fn new_token(&self, refresh_cookie: &str) -> NewToken {
        self.new_token
            .clone()
            .unwrap_or_else(|| NewToken::Cookie(refresh_cookie.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_token_is_a_cookie_or_a_pointer() {
        let text = r#"
            path = "/api/token/refresh"
            new_token = "body:/refresh"
        "#;
        let spec: RotatingRefresh = toml::from_str(text).expect("parses");
        assert_eq!(spec.method, "POST");
        assert_eq!(spec.new_token("rt"), NewToken::Body("/refresh".into()));
        assert_eq!(
            RotatingRefresh::reference().new_token("rt"),
            NewToken::Cookie("rt".into())
        );
        let bad = toml::from_str::<RotatingRefresh>("path = \"/r\"\nnew_token = \"header:x\"");
        assert!(bad.is_err());
    }
}
