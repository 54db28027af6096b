//! The exchanges the kit makes to set a scenario up and to log out — register, login,
//! logout — each a request template: method, path, headers, and a body as JSON or form
//! fields. Left out, each is the API family's.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use crate::plan::profile::actions::post;
use crate::plan::profile::answer::AnswerSpec;
use crate::plan::profile::before::Before;

/// A request as a profile describes it; its strings may hold placeholders
/// ([`values`](crate::plan::profile::values)).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTemplate {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: BodyTemplate,
}

/// A request body: JSON, form fields (`application/x-www-form-urlencoded`) or none.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyTemplate {
    None,
    Json(serde_json::Value),
    Form(BTreeMap<String, String>),
}

impl BodyTemplate {
    /// The body from a table's `json` and `form` keys (at most one is allowed), or
    /// `default` when neither is given.
    pub(crate) fn of(
        json: &Option<serde_json::Value>,
        form: &Option<BTreeMap<String, String>>,
        default: BodyTemplate,
    ) -> Self {
        match (json, form) {
            (_, Some(form)) => Self::Form(form.clone()),
            (Some(json), None) => Self::Json(json.clone()),
            (None, None) => default,
        }
    }

    /// The JSON body, if it is one (the browser clause reads it).
    pub fn json(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Json(v) => Some(v),
            _ => None,
        }
    }

    /// Every template string it holds.
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Self::None => Vec::new(),
            Self::Json(v) => crate::plan::profile::values::strings(v),
            Self::Form(fields) => fields.values().map(String::as_str).collect(),
        }
    }
}

impl RequestTemplate {
    /// Every template string: path, header values, body strings.
    pub fn strings(&self) -> Vec<&str> {
        let mut all = vec![self.path.as_str()];
        all.extend(self.headers.values().map(String::as_str));
        all.extend(self.body.strings());
        all
    }
}

/// How a user is created before each scenario logs in (`[register]`). With
/// `enabled = false`, every scenario logs in with the one account of `email` and
/// `password`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "post")]
    pub method: String,
    #[serde(default = "register_path")]
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    #[serde(default)]
    pub form: Option<BTreeMap<String, String>>,
    #[serde(default = "created")]
    pub expect_status: Vec<u16>,
    pub email: Option<String>,
    pub password: Option<String>,
    /// A request sent first (a CSRF token to fetch).
    #[serde(default)]
    pub before: Option<Before>,
}

fn yes() -> bool {
    true
}

fn register_path() -> String {
    "/auth/register".into()
}

fn created() -> Vec<u16> {
    vec![201]
}

fn ok() -> Vec<u16> {
    vec![200]
}

impl Default for Register {
    fn default() -> Self {
        Self {
            enabled: true,
            method: post(),
            path: register_path(),
            headers: BTreeMap::new(),
            json: None,
            form: None,
            expect_status: created(),
            email: None,
            password: None,
            before: None,
        }
    }
}

impl Register {
    /// The request that creates a user.
    pub fn request(&self) -> RequestTemplate {
        RequestTemplate {
            method: self.method.to_ascii_uppercase(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: BodyTemplate::of(
                &self.json,
                &self.form,
                BodyTemplate::Json(
                    json!({"name": "{name}", "email": "{email}", "password": "{password}"}),
                ),
            ),
        }
    }
}

/// How a session is opened (`[login]`): the answer carries the session.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    #[serde(default = "post")]
    pub method: String,
    #[serde(default = "login_path")]
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    #[serde(default)]
    pub form: Option<BTreeMap<String, String>>,
    #[serde(default = "ok")]
    pub expect_status: Vec<u16>,
    /// A request sent first (a CSRF token to fetch).
    #[serde(default)]
    pub before: Option<Before>,
}

fn login_path() -> String {
    "/auth/login".into()
}

impl Default for Login {
    fn default() -> Self {
        Self {
            method: post(),
            path: login_path(),
            headers: BTreeMap::new(),
            json: None,
            form: None,
            expect_status: ok(),
            before: None,
        }
    }
}

impl Login {
    /// The request that opens a session.
    pub fn request(&self) -> RequestTemplate {
        RequestTemplate {
            method: self.method.to_ascii_uppercase(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: BodyTemplate::of(
                &self.json,
                &self.form,
                BodyTemplate::Json(json!({"email": "{email}", "password": "{password}"})),
            ),
        }
    }
}

/// The endpoint under test (`[logout]`): the request of an ordinary logout, and the
/// answers the behaviour clauses judge against.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logout {
    #[serde(default = "post")]
    pub method: String,
    #[serde(default = "logout_path")]
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    #[serde(default)]
    pub form: Option<BTreeMap<String, String>>,
    /// A request sent just before every logout (Auth.js's `GET /auth/csrf`), carrying
    /// the same cookies: the cookies its answer sets join the logout's, and its JSON
    /// body is what `{response:…}` reads in the logout's headers and body.
    #[serde(default)]
    pub before: Option<Before>,
    /// The answer to a logout that ends a live session (LO-01's shape).
    #[serde(default = "AnswerSpec::documented")]
    pub success: AnswerSpec,
    /// The answer to an unknown, expired, removed or garbage token, or none; when left
    /// out, the same as `success` (the document's silent 200).
    #[serde(default)]
    pub invalid_token: Option<AnswerSpec>,
    /// The answer while the token store fails (LO-09's shape); left out, the document's
    /// `500 {"error":"Error logging out"}`.
    #[serde(default = "AnswerSpec::store_failure")]
    pub store_failure: AnswerSpec,
}

fn logout_path() -> String {
    "/auth/logout".into()
}

impl Default for Logout {
    fn default() -> Self {
        Self {
            method: post(),
            path: logout_path(),
            headers: BTreeMap::new(),
            json: None,
            form: None,
            before: None,
            success: AnswerSpec::documented(),
            invalid_token: None,
            store_failure: AnswerSpec::store_failure(),
        }
    }
}

impl Logout {
    /// The ordinary logout: by default POST, `{}` as JSON, as the document's Axios
    /// example sends it.
    pub fn request(&self) -> RequestTemplate {
        RequestTemplate {
            method: self.method.to_ascii_uppercase(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: BodyTemplate::of(&self.json, &self.form, BodyTemplate::Json(json!({}))),
        }
    }

    /// The answer to an invalid token.
    pub fn invalid_answer(&self) -> &AnswerSpec {
        self.invalid_token.as_ref().unwrap_or(&self.success)
    }
}

/// A `before` is one more request template (see [`Before`]).
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
