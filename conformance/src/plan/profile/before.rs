//! A request sent just before a setup exchange (`before = { path = "/auth/csrf" }` in
//! `[register]` or `[login]`), as a page fetches a CSRF token before it posts its form:
//! Django's `csrftoken` cookie from a page that calls `get_token`, Auth.js's
//! `GET /auth/csrf`. Its answer's cookies join the session's (the exchange that follows
//! carries them, and `{cookie:NAME}` reads them), and its JSON body is the previous
//! answer that `{response:/pointer}` reads in that exchange.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::plan::profile::exchange::{BodyTemplate, RequestTemplate};

/// `before = { method = "GET", path = "…", headers = {…} }`: no body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Before {
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn get() -> String {
    "GET".into()
}

impl Before {
    /// The request, its method upper-cased.
    pub fn request(&self) -> RequestTemplate {
        RequestTemplate {
            method: self.method.to_ascii_uppercase(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: BodyTemplate::None,
        }
    }
}
