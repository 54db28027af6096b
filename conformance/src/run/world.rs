//! The state of one scenario: its target, its browser-like client with a cookie jar, the
//! sessions it opened and every HTTP exchange it made. Its `Debug` output — what a
//! failure prints — is that exchange transcript, with token values masked.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use reqwest::Url;
use reqwest_cookie_store::CookieStoreMutex;

use crate::http::exchange::{Exchange, Header, RequestRecord, ResponseRecord};
use crate::run::check::{Cause, Evidence, Judged, Problem, StepEnd, could_not_run, end};
use crate::target::Target;

/// A session the scenario opened by logging in.
#[derive(Debug, Clone)]
pub struct Session {
    pub email: String,
    pub password: String,
    pub access: Option<String>,
    pub refresh: String,
    pub login_url: Url,
    /// The login answer's `Set-Cookie` headers, to seed a jar "as login set them".
    pub login_set_cookies: Vec<String>,
}

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
            method: "POST".into(),
            path: target.profile.logout.path.clone(),
            cookies,
            body: Body::empty_object(),
            headers: Vec::new(),
        }
    }
}

/// The cucumber World of the logout suite.
#[derive(cucumber::World)]
#[world(init = Self::blank)]
pub struct LogoutWorld {
    target: Option<Arc<Target>>,
    jar: Arc<CookieStoreMutex>,
    browser: Option<reqwest::Client>,
    plain: Option<reqwest::Client>,
    /// The session the scenario is about.
    pub session: Option<Session>,
    /// A second session of the same user (LO-20).
    pub second: Option<Session>,
    /// A session of another user (LO-08).
    pub other: Option<Session>,
    /// A session the target has logged out, to show that it logs out at all.
    pub control: Option<Session>,
    /// More sessions (LO-32).
    pub sessions: Vec<Session>,
    /// The answers to the requests under test, in order; the last is "the response".
    pub answers: Vec<Exchange>,
    /// Every exchange, including setup and probes, for failure output.
    pub transcript: Vec<Exchange>,
    /// An expired refresh token minted by the target.
    pub expired_token: Option<String>,
    /// What INFO scenarios found, for the report.
    pub observations: Vec<String>,
    /// The scenario's clause and the clauses its text demands.
    judged: Judged,
    /// Failed checks of other clauses, for those clauses.
    pub evidence: Vec<Evidence>,
}

impl LogoutWorld {
    /// A world bound to no target yet.
    pub fn blank() -> Self {
        Self {
            target: None,
            jar: Arc::new(CookieStoreMutex::default()),
            browser: None,
            plain: None,
            session: None,
            second: None,
            other: None,
            control: None,
            sessions: Vec::new(),
            answers: Vec::new(),
            transcript: Vec::new(),
            expired_token: None,
            observations: Vec::new(),
            judged: Judged::default(),
            evidence: Vec::new(),
        }
    }

    /// Binds the world to the run's target and the scenario's clause; the runner does
    /// this before each scenario.
    pub fn bind(&mut self, target: Arc<Target>, judged: Judged) {
        self.browser = Some(target.client(Some(self.jar.clone())));
        self.plain = Some(target.client(None));
        self.target = Some(target);
        self.judged = judged;
    }

    /// The scenario's own clause.
    pub fn clause(&self) -> String {
        self.judged.clause.clone()
    }

    /// Judges a check that belongs to clause `home`: a failure ends the scenario when
    /// its clause owns the check, and is evidence for `home` otherwise.
    pub fn check(&mut self, home: &str, outcome: Result<(), Problem>) {
        let Err(problem) = outcome else { return };
        let cause = Cause {
            clause: home.to_owned(),
            key: problem.key.clone(),
        };
        if self.judged.owns(home) {
            end(StepEnd::Failed {
                cause,
                message: problem.message(),
            });
        }
        self.evidence.push(Evidence {
            cause,
            message: problem.message(),
        });
    }

    /// Judges a check of the scenario's own clause.
    pub fn check_own(&self, outcome: Result<(), Problem>) {
        if let Err(problem) = outcome {
            self.fail_own(problem);
        }
    }

    /// Records a failed check of `home` as evidence for it, without ending the scenario
    /// whatever clause the scenario is about (re-checks made while setting up).
    pub fn corroborate(&mut self, home: &str, outcome: Result<(), Problem>) {
        if let Err(problem) = outcome {
            self.evidence.push(Evidence {
                cause: Cause {
                    clause: home.to_owned(),
                    key: problem.key.clone(),
                },
                message: problem.message(),
            });
        }
    }

    /// A precondition of the scenario: when it fails, the scenario's clause is not
    /// judged here (blocked by `home`), and the failure is evidence for `home`.
    pub fn precondition(&mut self, home: &str, outcome: Result<(), Problem>) {
        if let Err(problem) = outcome {
            end(StepEnd::Blocked {
                cause: Cause {
                    clause: home.to_owned(),
                    key: problem.key.clone(),
                },
                message: problem.message(),
            });
        }
    }

    /// The run's target.
    pub fn target(&self) -> Arc<Target> {
        match &self.target {
            Some(t) => t.clone(),
            None => could_not_run("the scenario was not bound to a target"),
        }
    }

    /// The scenario's session, opened by "Given a user with a live session".
    pub fn session(&self) -> &Session {
        match &self.session {
            Some(s) => s,
            None => could_not_run(
                "the scenario has no session: it needs \"Given a user with a live session\"",
            ),
        }
    }

    /// The answer to the last request under test, or the problem that there is none.
    pub fn answer(&self) -> Result<ResponseRecord, Problem> {
        let Some(last) = self.answers.last() else {
            could_not_run("no request was sent before this check");
        };
        last.response
            .clone()
            .map_err(|e| no_answer(&last.label, &e))
    }

    /// The answer to the last request under test; no answer fails the scenario's own
    /// clause.
    pub fn response(&self) -> ResponseRecord {
        self.answer()
            .unwrap_or_else(|problem| self.fail_own(problem))
    }

    /// Ends the step: the scenario's own clause is broken.
    pub fn fail_own(&self, problem: Problem) -> ! {
        end(StepEnd::Failed {
            cause: Cause {
                clause: self.clause(),
                key: problem.key.clone(),
            },
            message: problem.message(),
        })
    }

    /// Records a note for the report (INFO clauses).
    pub fn observe(&mut self, note: impl Into<String>) {
        self.observations.push(note.into());
    }

    /// Sends a request, records it in the transcript and returns the exchange.
    pub async fn send(&mut self, request: Request) -> Exchange {
        let target = self.target();
        let client = match request.cookies {
            Cookies::Jar => self.browser.clone(),
            _ => self.plain.clone(),
        };
        let Some(client) = client else {
            could_not_run("the scenario was not bound to a target");
        };
        let jar_cookie = match request.cookies {
            Cookies::Jar => self.jar.lock().ok().map(|jar| {
                let url = target.url(&request.path);
                jar.get_request_values(&url)
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            _ => None,
        };
        let exchange = send(&client, &target, &request, jar_cookie).await;
        target.secrets.learn_exchange(&exchange, false);
        self.transcript.push(exchange.clone());
        exchange
    }

    /// Sends a setup request (register, log in): everything token-like in its answer is
    /// a secret.
    pub async fn send_setup(&mut self, request: Request) -> Exchange {
        let exchange = self.send(request).await;
        self.target().secrets.learn_exchange(&exchange, true);
        exchange
    }

    /// Sends a request under test: its answer becomes "the response".
    pub async fn send_under_test(&mut self, request: Request) -> Exchange {
        let exchange = self.send(request).await;
        self.answers.push(exchange.clone());
        exchange
    }

    /// A client with no cookie jar, for requests that run side by side.
    pub fn plain_client(&self) -> reqwest::Client {
        match &self.plain {
            Some(c) => c.clone(),
            None => could_not_run("the scenario was not bound to a target"),
        }
    }
}

/// The problem of a request that got no HTTP answer.
pub fn no_answer(label: &str, error: &str) -> Problem {
    Problem::new(
        "no answer",
        format!("an HTTP answer to the {label}"),
        format!("no answer: {error}"),
    )
}

/// Sends one request with `client` and records the exchange. `jar_cookie` is what the
/// client's jar adds, shown in the transcript.
pub async fn send(
    client: &reqwest::Client,
    target: &Target,
    request: &Request,
    jar_cookie: Option<String>,
) -> Exchange {
    let url = target.url(&request.path);
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
    let response = read(builder.send().await).await;
    Exchange {
        label: request.label.clone(),
        request: record,
        response,
        elapsed: started.elapsed(),
    }
}

async fn read(sent: Result<reqwest::Response, reqwest::Error>) -> Result<ResponseRecord, String> {
    let response = sent.map_err(|e| crate::target::action::error_chain(&e))?;
    let status = response.status().as_u16();
    let headers: Vec<Header> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let body = response
        .bytes()
        .await
        .map_err(|e| crate::target::action::error_chain(&e))?
        .to_vec();
    Ok(ResponseRecord {
        status,
        headers,
        body,
    })
}

impl fmt::Debug for LogoutWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "HTTP exchanges of this scenario (token values masked):")?;
        for exchange in &self.transcript {
            write!(f, "{exchange}")?;
        }
        Ok(())
    }
}
