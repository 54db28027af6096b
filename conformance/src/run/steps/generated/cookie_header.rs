//! Generated `Cookie` headers. LO-11: a header of malformed pairs (no live token) is an
//! invalid token — the invalid-token answer with both cookies cleared, never a 5xx,
//! never a dropped connection (a header over 8 KiB may get 431). LO-13: every live
//! refresh token among the generated pairs is revoked by a logout the target accepted.

use futures::future::BoxFuture;
use logout_generators::cookie::{CookieCase, HEADER_LIMIT, Names, Part, Tokens};

use crate::generate::property::{Fault, Property};
use crate::http::cookies::survivors_in_jar;
use crate::http::exchange::ResponseRecord;
use crate::plan::clause_id::ClauseId;
use crate::run::request::{Cookies, Expect};
use crate::run::send::no_answer;
use crate::run::steps::answer::expected_problem;
use crate::run::steps::probe::probe;
use crate::run::steps::raw::send_raw_cookie;
use crate::run::steps::session::{companions, is_signature, open_session};
use crate::run::world::{LogoutWorld, Session};
use crate::under_test::Target;
use crate::verdict::check::{Problem, could_not_run};

/// The live sessions a LO-13 case may present.
pub(super) const POOL: usize = 3;

/// The target's cookie names, as the generators take them: the refresh cookie. Not the
/// access cookie: what a logout does with an access token beside the refresh token is
/// LO-04's and LO-12's business, and these properties judge what it does with the Cookie
/// header's shape and its refresh values. Nor the CSRF cookies: the session's own follow
/// every generated header (as a browser sends them), and a mangled CSRF cookie ahead of
/// them is a refused CSRF check, not malformed token input.
fn names(target: &Target) -> Names {
    let profile = &target.profile;
    let refresh = profile
        .refresh_cookie()
        .unwrap_or_else(|| {
            could_not_run("the profile's session sends its refresh token in no cookie")
        })
        .to_owned();
    Names {
        refresh,
        access: None,
        others: Vec::new(),
    }
}

/// LO-11's property.
pub(super) struct Malformed {
    pub names: Names,
    session: Session,
}

impl Malformed {
    pub(super) fn new(world: &LogoutWorld) -> Self {
        Self {
            names: names(&world.target()),
            session: world.session().clone(),
        }
    }
}

impl Property for Malformed {
    type Input = CookieCase;

    fn case<'a>(
        &'a mut self,
        world: &'a mut LogoutWorld,
        input: CookieCase,
    ) -> BoxFuture<'a, Result<(), Fault>> {
        Box::pin(async move {
            let header = input.header(&self.names, &[]);
            let exchange = send_raw_cookie(world, header).await;
            // LO-11 allows 431 for a header block over 8 KiB: every header sent counts
            // (a profile's template may add a second Cookie header).
            let block: usize = exchange
                .request
                .headers
                .iter()
                .map(|(name, value)| name.len() + value.len() + 4)
                .sum();
            let response = exchange
                .response
                .map_err(|e| Fault::new(ClauseId::new(11), no_answer(&exchange.label, &e)))?;
            if block > HEADER_LIMIT && response.status == 431 {
                return Ok(());
            }
            let target = world.target();
            expected_problem(&target.profile.logout, Expect::InvalidToken, &response)
                .map_err(|p| Fault::new(ClauseId::new(1), p))?;
            cleared(&target, &self.session, &response).map_err(|p| Fault::new(ClauseId::new(2), p))
        })
    }

    fn describe(&self, input: &CookieCase) -> String {
        input.describe(&self.names)
    }

    /// `<refresh>=x`: a target that fails even that fails LO-05's own case, and
    /// generating more would only load it.
    fn simplest(&self) -> Option<CookieCase> {
        Some(CookieCase {
            parts: vec![Part::Pair {
                name: self.names.refresh.clone().into_bytes(),
                value: b"x".to_vec(),
            }],
            separator: 0,
            pad_to: None,
        })
    }
}

/// LO-02's check of an answer: a browser that held the session's login cookies holds
/// neither of the contract's cookies after it.
fn cleared(target: &Target, session: &Session, response: &ResponseRecord) -> Result<(), Problem> {
    let names = target.profile.cleared_cookies();
    let logout_url = target.endpoint.url(&target.profile.logout.path);
    let left = survivors_in_jar(
        &session.login_url,
        &session.login_set_cookies,
        &logout_url,
        &response.set_cookies(),
        &names,
    );
    if left.is_empty() {
        return Ok(());
    }
    Err(Problem::new(
        format!("a browser keeps {}", left.join(" and ")),
        format!(
            "a browser holding the login cookies holds neither {} after this answer",
            names.join(" nor ")
        ),
        format!(
            "it still holds {}\n  Set-Cookie headers received: {}",
            left.join(" and "),
            response.set_cookies().join(" | ")
        ),
    ))
}

/// LO-13's property: a pool of live sessions of one user, which cases present by index;
/// a session a case revoked is replaced by a new login before it is presented again.
pub(super) struct LiveAmong {
    pub names: Names,
    user: (String, String),
    pool: Vec<Option<Session>>,
}

impl LiveAmong {
    pub(super) fn new(world: &LogoutWorld) -> Self {
        let session = world.session();
        Self {
            names: names(&world.target()),
            user: (session.email.clone(), session.password.clone()),
            pool: vec![None; POOL],
        }
    }

    /// The pool's sessions, each live: revoked ones replaced by a new login.
    async fn live(&mut self, world: &mut LogoutWorld, used: &[usize]) -> Vec<Tokens> {
        for &i in used {
            if self.pool.get(i).is_some_and(Option::is_none) {
                let session = open_session(world, Some(self.user.clone()), Cookies::None)
                    .await
                    .unwrap_or_else(|e| could_not_run(e));
                // Known to the world, so that its probes carry its companion cookies.
                world.sessions.push(session.clone());
                self.pool[i] = Some(session);
            }
        }
        self.pool
            .iter()
            .map(|s| Tokens {
                refresh: s.as_ref().map(|s| s.refresh.clone()).unwrap_or_default(),
                access: s.as_ref().and_then(|s| s.access.clone()),
            })
            .collect()
    }
}

impl Property for LiveAmong {
    type Input = CookieCase;

    fn case<'a>(
        &'a mut self,
        world: &'a mut LogoutWorld,
        input: CookieCase,
    ) -> BoxFuture<'a, Result<(), Fault>> {
        Box::pin(async move {
            let used: Vec<usize> = (0..POOL).filter(|i| input.presents(*i, true)).collect();
            let tokens = self.live(world, &(0..POOL).collect::<Vec<_>>()).await;
            let mut header = input.header(&self.names, &tokens);
            // Each presented session's signature cookie (`name.sig`) travels with its
            // token, as with LO-13's dozen sessions; the scenario's own companions follow.
            let target = world.target();
            for session in used.iter().filter_map(|&i| self.pool[i].as_ref()) {
                for pair in companions(&target, session) {
                    if is_signature(&pair) {
                        header.extend_from_slice(b"; ");
                        header.extend_from_slice(pair.as_bytes());
                    }
                }
            }
            let exchange = send_raw_cookie(world, header).await;
            // A logout the target did not accept (a 4xx, a 5xx, no answer) revoked
            // nothing by its own account: whether it may refuse that header is LO-11's
            // business, judged on the same headers. LO-13 judges the accepted ones.
            if !exchange
                .response
                .as_ref()
                .is_ok_and(|r| (200..300).contains(&r.status))
            {
                return Ok(());
            }
            let mut survivors = Vec::new();
            for &i in &used {
                let token = tokens[i].refresh.clone();
                if probe(world, "refresh", &token).await {
                    survivors.push(i);
                } else {
                    self.pool[i] = None;
                }
            }
            if survivors.is_empty() {
                return Ok(());
            }
            let answer = match &exchange.response {
                Ok(r) => format!("status {}", r.status),
                Err(e) => no_answer(&exchange.label, e).actual,
            };
            Err(Fault::new(
                ClauseId::new(13),
                Problem::new(
                    "a presented live refresh token survives",
                    format!("all {} live refresh tokens presented are gone", used.len()),
                    format!("{} of them still live (answer: {answer})", survivors.len()),
                ),
            ))
        })
    }

    fn describe(&self, input: &CookieCase) -> String {
        input.describe(&self.names)
    }

    /// Each case may log in again: a third of the cases.
    fn cases(&self, n: u32) -> u32 {
        n.div_ceil(3)
    }
}
