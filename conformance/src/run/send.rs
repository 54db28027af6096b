//! Sending a request under the run's [`Policy`](crate::http::policy::Policy) so that the
//! exchange is recorded whatever happens (a missing answer is a finding too), with the
//! header placeholders only known at that moment filled in ([`template::late`]).

use std::time::Instant;

use crate::http::endpoint::Endpoint;
use crate::http::exchange::{Exchange, RequestRecord};
use crate::http::no_answer::NoAnswer;
use crate::run::request::{Cookies, Request};
use crate::run::template;
use crate::verdict::check::{Problem, could_not_run};

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
