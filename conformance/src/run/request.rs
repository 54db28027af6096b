//! What a scenario sends: a request, the cookies and body it carries, and the answer it
//! must get. Requests are built from the profile's templates in [`super::template`] and
//! sent by [`super::send`].

pub use crate::under_test::Instance;

use crate::plan::profile::BodyTemplate;

/// Which cookies a request carries.
#[derive(Debug, Clone)]
pub enum Cookies {
    /// Whatever the browser-like jar holds for the URL.
    Jar,
    /// Exactly this `Cookie` header.
    Header(String),
    /// No `Cookie` header at all.
    None,
}

/// What body a request carries, and with which `Content-Type`.
#[derive(Debug, Clone)]
pub struct Body {
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Body {
    /// `{}` as JSON, as the document's Axios example sends.
    pub fn empty_object() -> Self {
        Self::json("{}")
    }

    /// Text sent as `application/json` (it need not be valid JSON).
    pub fn json(text: &str) -> Self {
        Self {
            content_type: Some("application/json".into()),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// No body and no `Content-Type`.
    pub fn none() -> Self {
        Self {
            content_type: None,
            bytes: Vec::new(),
        }
    }
}

/// Which declared answer a logout must get: the success answer (a live session), the
/// invalid-token answer, or either (concurrent logouts of one token: one wins).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Expect {
    #[default]
    Success,
    InvalidToken,
    Either,
}

/// One request to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub label: String,
    pub instance: Instance,
    pub method: String,
    pub path: String,
    pub cookies: Cookies,
    pub body: Body,
    pub headers: Vec<(String, String)>,
    /// The answer a logout must get (other requests: unused).
    pub expect: Expect,
    /// A request sent just before this one, with the same cookies (`[logout] before`):
    /// its answer's cookies join this request's, its JSON body fills `{response:…}`.
    pub before: Option<Box<Request>>,
    /// The declared body while it still holds `{cookie:…}` or `{response:…}`, filled
    /// when the request is sent; a step that sends a body of its own replaces `body`,
    /// and this is then left alone.
    pub deferred: Option<Deferred>,
}

/// A body whose placeholders are known only when it is sent (a CSRF token the `before`
/// answer hands out), and the bytes it was sent as until then.
#[derive(Debug, Clone)]
pub struct Deferred {
    pub template: BodyTemplate,
    pub placeholder_bytes: Vec<u8>,
}

impl Request {
    /// Sets a header, replacing any of the same name (a `[defaults]` `Origin`).
    pub fn set_header(&mut self, name: &str, value: String) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value));
    }

    /// The same request, expecting `expect`.
    pub fn expecting(mut self, expect: Expect) -> Self {
        self.expect = expect;
        self
    }
}
