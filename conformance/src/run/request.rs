//! What a scenario sends: a request, the cookies and body it carries, and sending it under
//! the run's [`Policy`](crate::http::policy::Policy) so that the exchange is recorded
//! whatever happens (a missing answer is a finding too).

use std::time::Instant;

use crate::http::endpoint::Endpoint;
use crate::http::exchange::{Exchange, RequestRecord};
use crate::http::no_answer::NoAnswer;
use crate::run::check::{Problem, could_not_run};
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
}

impl Request {
    /// A logout as the document shows it: POST, JSON content type, `{}` body.
    pub fn logout(target: &Target, cookies: Cookies) -> Self {
        Self {
            label: "logout".into(),
            instance: Instance::First,
            method: "POST".into(),
            path: target.profile.logout.path.clone(),
            cookies,
            body: Body::empty_object(),
            headers: Vec::new(),
        }
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
/// `jar_cookie` is what the client's jar adds, shown in the transcript.
pub async fn send(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &Request,
    jar_cookie: Option<String>,
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
    for (name, value) in &request.headers {
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
