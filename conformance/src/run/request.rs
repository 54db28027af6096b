//! What a scenario sends: a request, the cookies and body it carries, and sending it under
//! the run's [`Policy`](crate::http::policy::Policy) so that the exchange is recorded
//! whatever happens (a missing answer is a finding too).

use std::time::Instant;

use crate::http::endpoint::Endpoint;
use crate::http::exchange::{Exchange, RequestRecord};
use crate::http::no_answer::NoAnswer;
use crate::run::check::{Problem, could_not_run};
use crate::run::template;
pub use crate::under_test::Instance;
use crate::under_test::Target;

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
}

impl Request {
    /// The ordinary logout as the profile's `[logout]` describes it — by default as the
    /// document shows it: POST, JSON content type, `{}` body — with the `[defaults]`
    /// headers.
    pub fn logout(target: &Target, cookies: Cookies) -> Self {
        let origin = template::origin(target);
        let ctx = template::bare_context(target.run_id(), &origin);
        let template = target.profile.logout.request();
        let mut request = template::build(target, "logout", &template, &ctx)
            .unwrap_or_else(|e| could_not_run(format!("the [logout] template: {e}")));
        request.cookies = cookies;
        request
    }

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

/// The problem of a request that got no complete HTTP answer: the target's failure
/// (it did not answer in time, broke off, or went beyond a limit of the policy). When the
/// kit itself could not send the request or read the answer, the step ends instead: the
/// check could not run.
pub fn no_answer(label: &str, error: &NoAnswer) -> Problem {
    if !error.blames_target() {
        could_not_run(format!("the {label}: {error}"));
    }
    Problem::new(
        error.key.clone(),
        format!("a complete HTTP answer to the {label}"),
        error.message.clone(),
    )
}

/// The exchange of a request that is not sent, because the scenario already saw the
/// target stop answering (`timeouts` requests went unanswered).
pub fn not_sent(endpoint: &Endpoint, request: &Request, timeouts: usize) -> Exchange {
    Exchange {
        label: request.label.clone(),
        request: RequestRecord {
            method: request.method.clone(),
            url: endpoint.url(&request.path).to_string(),
            headers: Vec::new(),
            body: request.body.bytes.clone(),
        },
        response: Err(NoAnswer::not_sent(timeouts, endpoint.timeout())),
        elapsed: std::time::Duration::ZERO,
    }
}

/// Sends one request with `client` under the endpoint's policy and records the exchange.
/// `jar_cookie` is what the client's jar adds, shown in the transcript; `previous` is the
/// session's login answer, for `{response:…}` in headers.
pub async fn send(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &Request,
    jar_cookie: Option<String>,
    previous: Option<&serde_json::Value>,
) -> Exchange {
    let url = endpoint.url(&request.path);
    let mut record = RequestRecord {
        method: request.method.clone(),
        url: url.to_string(),
        headers: Vec::new(),
        body: request.body.bytes.clone(),
    };
    let mut header = |name: &str, value: &str| {
        record
            .headers
            .push((name.to_owned(), value.as_bytes().to_vec()))
    };
    let method = match reqwest::Method::from_bytes(request.method.as_bytes()) {
        Ok(m) => m,
        Err(e) => could_not_run(format!("bad method {:?}: {e}", request.method)),
    };
    let mut builder = client.request(method, url);
    let cookie_sent = match &request.cookies {
        Cookies::Header(value) => Some(value.as_str()),
        Cookies::Jar => jar_cookie.as_deref(),
        Cookies::None => None,
    };
    let headers = template::late(&request.headers, cookie_sent, previous);
    match &request.cookies {
        Cookies::Header(value) => {
            header("cookie", value);
            builder = builder.header(reqwest::header::COOKIE, value);
        }
        Cookies::Jar => {
            if let Some(value) = jar_cookie.filter(|v| !v.is_empty()) {
                header("cookie", &value);
            }
        }
        Cookies::None => {}
    }
    if let Some(ct) = &request.body.content_type {
        header("content-type", ct);
        builder = builder.header(reqwest::header::CONTENT_TYPE, ct);
    }
    for (name, value) in &headers {
        header(name, value);
        builder = builder.header(name, value);
    }
    let builder = builder.body(request.body.bytes.clone());
    let started = Instant::now();
    let response = endpoint.policy().exchange(builder).await;
    Exchange {
        label: request.label.clone(),
        request: record,
        response,
        elapsed: started.elapsed(),
    }
}
