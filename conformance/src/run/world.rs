//! The state of one scenario: its target, its browser-like client with a cookie jar, the
//! sessions it opened and every HTTP exchange it made. Its `Debug` output — what a
//! failure prints — is that exchange transcript, with token values masked.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use reqwest::Url;
use reqwest_cookie_store::CookieStoreMutex;

use crate::browser::Visit;
use crate::generate::Seeded;
use crate::http::exchange::{Exchange, ResponseRecord};
use crate::http::no_answer::NoAnswer;
use crate::plan::clause_id::ClauseId;
use crate::run::request::{Cookies, Expect, Request};
use crate::run::send::{follow_before, no_answer, not_sent, send};
use crate::under_test::Target;
use crate::verdict::check::{Cause, Evidence, Judged, Problem, StepEnd, could_not_run, end};

/// How many requests of one scenario may go unanswered for the whole time limit before
/// the scenario sends no more. A target that stopped answering would otherwise cost a
/// time limit per request: LO-32 sends 100 logouts one after another. Two, not one: a
/// scenario whose first logout times out may still show a second one (LO-05's
/// "already-removed" token). Each scenario has its own count, so a target whose logout
/// alone hangs still has its logins tried — and its clauses blocked or failed, not
/// "not run" — in every other scenario.
pub const TIMEOUTS_PER_SCENARIO: usize = 2;

/// A session the scenario opened by logging in.
#[derive(Debug, Clone)]
pub struct Session {
    pub email: String,
    pub password: String,
    /// The access token; for a one-token session (role `session`), that token.
    pub access: Option<String>,
    /// The refresh token, or the one session token.
    pub refresh: String,
    /// Every cookie of the profile's `[session]` that login set (credentials and CSRF
    /// cookies), in the profile's order: what a browser sends back.
    pub cookies: Vec<(String, String)>,
    /// The login answer's JSON body, for `{response:…}` in later requests.
    pub login_body: Option<serde_json::Value>,
    pub login_url: Url,
    /// The login answer's `Set-Cookie` headers, to seed a jar "as login set them".
    pub login_set_cookies: Vec<String>,
}

/// One round of a refresh racing the logout of a fresh session (LO-14, LO-27): the
/// token the refresh presented, and the token it minted, if its answer carried one.
#[derive(Debug, Clone)]
pub struct RaceRound {
    pub presented: String,
    pub minted: Option<String>,
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
    /// An access token a refresh minted for the session before the logout (LO-27).
    pub minted_access: Option<String>,
    /// The rounds of a refresh racing the logout (LO-14, LO-27).
    pub raced: Vec<RaceRound>,
    /// Whether the probe was seen to accept a refresh token a rotation minted (LO-14).
    pub rotation_proven: bool,
    /// What INFO scenarios found, for the report.
    pub observations: Vec<String>,
    /// The answer the last request under test must get.
    pub expect: Expect,
    /// The scenario's clause and the clauses its text demands.
    judged: Judged,
    /// Failed checks of other clauses, for those clauses.
    pub evidence: Vec<Evidence>,
    /// Requests of this scenario that went unanswered for the whole time limit.
    timeouts: usize,
    /// The run's Chromium, if it has one (LO-40).
    pub chromium: Option<PathBuf>,
    /// What the browser did and held (LO-40), once it is gone.
    pub visit: Option<Visit>,
    /// What the scenario's generated cases draw from (`--generate`, `--seed`).
    pub generation: Seeded,
    /// The tokens the liveness probe was seen to accept: only for these is a later
    /// "dead" a revocation rather than a probe that refuses everything.
    pub proven: Vec<String>,
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
            minted_access: None,
            raced: Vec::new(),
            rotation_proven: false,
            observations: Vec::new(),
            expect: Expect::Success,
            judged: Judged::default(),
            evidence: Vec::new(),
            timeouts: 0,
            chromium: None,
            visit: None,
            generation: Seeded::default(),
            proven: Vec::new(),
        }
    }

    /// Binds the world to the run's target and the scenario's clause; the runner does
    /// this before each scenario.
    pub fn bind(&mut self, target: Arc<Target>, judged: Judged) {
        self.browser = Some(target.endpoint.client(Some(self.jar.clone())));
        self.plain = Some(target.endpoint.client(None));
        self.target = Some(target);
        self.judged = judged;
    }

    /// The scenario's own clause.
    pub fn clause(&self) -> ClauseId {
        self.judged.clause
    }

    /// Judges a check that belongs to clause `home`: a failure ends the scenario when
    /// its clause owns the check, and is evidence for `home` otherwise.
    pub fn check(&mut self, home: ClauseId, outcome: Result<(), Problem>) {
        let Err(problem) = outcome else { return };
        let cause = Cause {
            clause: home,
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
    pub fn corroborate(&mut self, home: ClauseId, outcome: Result<(), Problem>) {
        if let Err(problem) = outcome {
            self.evidence.push(Evidence {
                cause: Cause {
                    clause: home,
                    key: problem.key.clone(),
                },
                message: problem.message(),
            });
        }
    }

    /// A precondition of the scenario: when it fails, the scenario's clause is not
    /// judged here (blocked by `home`), and the failure is evidence for `home`.
    pub fn precondition(&mut self, home: ClauseId, outcome: Result<(), Problem>) {
        if let Err(problem) = outcome {
            end(StepEnd::Blocked {
                cause: Cause {
                    clause: home,
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

    /// The session a token belongs to, among every session the scenario opened.
    pub fn session_of(&self, token: &str) -> Option<Session> {
        let owns = |s: &&Session| s.cookies.iter().any(|(_, v)| v == token);
        self.session
            .iter()
            .chain(&self.second)
            .chain(&self.other)
            .chain(&self.control)
            .chain(&self.sessions)
            .find(owns)
            .cloned()
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

    /// Whether the scenario has seen the target stop answering: it sends no more.
    pub fn unresponsive(&self) -> bool {
        self.timeouts >= TIMEOUTS_PER_SCENARIO
    }

    /// Records an exchange sent without [`send`](Self::send) (side by side, or raw) in
    /// the transcript, counting a timeout.
    pub fn keep(&mut self, exchange: &Exchange) {
        if exchange.response.as_ref().is_err_and(|e| e.timed_out()) {
            self.timeouts += 1;
        }
        self.transcript.push(exchange.clone());
    }

    /// The exchange of a request this scenario does not send any more, since it saw the
    /// target stop answering.
    pub fn not_sent(&self, request: &Request) -> Exchange {
        not_sent(&self.target().endpoint, request, self.timeouts)
    }

    /// Why a request is not to be sent, once the scenario saw the target stop answering.
    pub fn stopped(&self) -> Option<NoAnswer> {
        self.unresponsive()
            .then(|| NoAnswer::not_sent(self.timeouts, self.target().endpoint.timeout()))
    }

    /// Sends a request, records it in the transcript and returns the exchange. Once the
    /// scenario has seen the target stop answering, nothing is sent: the exchange says so.
    pub async fn send(&mut self, request: Request) -> Exchange {
        self.send_learning(request, false).await
    }

    /// Sends a setup request (register, log in): everything token-like in its answer is
    /// a secret.
    pub async fn send_setup(&mut self, request: Request) -> Exchange {
        self.send_learning(request, true).await
    }

    /// Sends the request's `before` request first, if it has one (with the same
    /// cookies; its answer's secrets learned as a setup answer's), then the request with
    /// what that answer set and said ([`follow_before`]).
    async fn send_learning(&mut self, mut request: Request, setup: bool) -> Exchange {
        let login_body = self.session.as_ref().and_then(|s| s.login_body.clone());
        let Some(mut before) = request.before.take() else {
            return self.send_one(request, setup, login_body.as_ref()).await;
        };
        before.cookies = request.cookies.clone();
        let first = self.send_one(*before, true, login_body.as_ref()).await;
        let previous = follow_before(&mut request, &first).or(login_body);
        self.send_one(request, setup, previous.as_ref()).await
    }

    /// Sends one request; `previous` is the answer `{response:…}` reads.
    async fn send_one(
        &mut self,
        request: Request,
        setup: bool,
        previous: Option<&serde_json::Value>,
    ) -> Exchange {
        let target = self.target();
        let client = match request.cookies {
            Cookies::Jar => self.browser.clone(),
            _ => self.plain.clone(),
        };
        let Some(client) = client else {
            could_not_run("the scenario was not bound to a target");
        };
        let Some(endpoint) = target.endpoint_of(request.instance) else {
            could_not_run("no second instance of the target: give --also URL");
        };
        let jar_cookie = match request.cookies {
            Cookies::Jar => self.jar.lock().ok().map(|jar| {
                let url = endpoint.url(&request.path);
                jar.get_request_values(&url)
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            _ => None,
        };
        let exchange = if self.unresponsive() {
            not_sent(endpoint, &request, self.timeouts)
        } else {
            send(&client, endpoint, &request, jar_cookie, previous).await
        };
        target.secrets.learn_exchange(&exchange, setup);
        self.keep(&exchange);
        exchange
    }

    /// Sends a request under test: its answer becomes "the response".
    pub async fn send_under_test(&mut self, request: Request) -> Exchange {
        self.expect = request.expect;
        let exchange = self.send(request).await;
        self.answers.push(exchange.clone());
        exchange
    }

    /// Puts a cookie in the browser-like jar, as a page's script would (`Path=/`).
    pub fn add_to_jar(&self, name: &str, value: &str, url: &Url) {
        if let Ok(mut jar) = self.jar.lock() {
            let _ = jar.parse(&format!("{name}={value}; Path=/"), url);
        }
    }

    /// A client with no cookie jar, for requests that run side by side.
    pub fn plain_client(&self) -> reqwest::Client {
        match &self.plain {
            Some(c) => c.clone(),
            None => could_not_run("the scenario was not bound to a target"),
        }
    }
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
