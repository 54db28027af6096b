//! Sending a request under the run's [`Policy`](crate::http::policy::Policy) so that the
//! exchange is recorded whatever happens (a missing answer is a finding too), with the
//! header placeholders only known at that moment filled in ([`template::late`]).

use std::time::Instant;

use crate::http::endpoint::Endpoint;
use crate::http::exchange::{Exchange, RequestRecord};
use crate::http::no_answer::NoAnswer;
use crate::run::late_body;
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

/// The cookies a request carries once the answer to its `before` request set `set`, as
/// a browser would send them: a `Cookie` header gets each pair, in place of the pairs of
/// that name it held, and no header becomes one of them. A jar took them in itself.
pub fn with_before_cookies(cookies: &Cookies, set: &[(String, String)]) -> Cookies {
    if set.is_empty() {
        return cookies.clone();
    }
    let held: Vec<&str> = match cookies {
        Cookies::Jar => return Cookies::Jar,
        Cookies::Header(value) => value.split(';').map(str::trim).collect(),
        Cookies::None => Vec::new(),
    };
    let named =
        |pair: &str, name: &str| pair.split_once('=').is_some_and(|(n, _)| n.trim() == name);
    let mut pairs: Vec<String> = held
        .into_iter()
        .filter(|pair| !pair.is_empty() && !set.iter().any(|(n, _)| named(pair, n)))
        .map(str::to_owned)
        .collect();
    pairs.extend(set.iter().map(|(n, v)| format!("{n}={v}")));
    Cookies::Header(pairs.join("; "))
}

/// What the answer to a request's `before` request hands on to it: the cookies it set
/// join the request's ([`with_before_cookies`]), and its JSON body, returned, is what the
/// request's `{response:…}` reads. Nothing when it did not answer.
pub fn follow_before(request: &mut Request, before: &Exchange) -> Option<serde_json::Value> {
    let answer = before.response.as_ref().ok()?;
    request.cookies = with_before_cookies(&request.cookies, &answer.set_cookie_pairs());
    answer.json()
}

/// Sends a request without a jar, its `before` request first (with the same cookies),
/// and returns both exchanges, the request's last. What the `before` answer sets and
/// says goes into the request as [`with_before_cookies`] and `{response:…}` say;
/// without an answer the request is sent as a client without the token would send it.
pub async fn send_after_before(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    request: &Request,
    previous: Option<&serde_json::Value>,
) -> Vec<Exchange> {
    let mut request = request.clone();
    let Some(mut before) = request.before.take() else {
        return vec![send(client, endpoint, &request, None, previous).await];
    };
    before.cookies = request.cookies.clone();
    let first = send(client, endpoint, &before, None, previous).await;
    let answer_json = follow_before(&mut request, &first);
    let previous = answer_json.as_ref().or(previous);
    let second = send(client, endpoint, &request, None, previous).await;
    vec![first, second]
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
    let cookie_sent = match &request.cookies {
        Cookies::Header(value) => Some(value.as_str()),
        Cookies::Jar => jar_cookie.as_deref(),
        Cookies::None => None,
    };
    let body = late_body::late_body(request, cookie_sent, previous);
    let mut record = RequestRecord {
        method: request.method.clone(),
        url: url.to_string(),
        headers: Vec::new(),
        body: body.bytes.clone(),
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
    if let Some(ct) = &body.content_type {
        header("content-type", ct);
        builder = builder.header(reqwest::header::CONTENT_TYPE, ct);
    }
    for (name, value) in &headers {
        header(name, value);
        builder = builder.header(name, value);
    }
    let builder = builder.body(body.bytes);
    let started = Instant::now();
    let response = endpoint.policy().exchange(builder).await;
    Exchange {
        label: request.label.clone(),
        request: record,
        response,
        elapsed: started.elapsed(),
    }
}
