//! A request sent just before a setup exchange (`before = { path = "/auth/csrf" }` in
//! `[register]` or `[login]`), as a page fetches a CSRF token before it posts its form:
//! Django's `csrftoken` cookie from a page that calls `get_token`, Auth.js's
//! `GET /auth/csrf`. Its answer's cookies join the session's (the exchange that follows
//! carries them, and `{cookie:NAME}` reads them), and its JSON body is the previous
//! answer that `{response:/pointer}` reads in that exchange.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `before = { method = "GET", path = "…", headers = {…} }`: no body. Its request
/// template is [`Before::request`] (in `exchange`, beside the other templates).
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
