//! Generated logout bodies. LO-08: a well-formed JSON body of any shape, depth or size
//! changes nothing — the same answer as the body `{}`. LO-21: a body that is not JSON
//! (malformed JSON, arbitrary bytes) sent as JSON gets that same answer too; under
//! another content type or none, what it gets is open (LO-31), but never a 5xx and never
//! a dropped connection.
//!
//! Most cases present an unknown refresh token, compared with the answer the same
//! unknown-token logout gets with `{}`; one in eight logs in and presents a live
//! session, compared with the live logout with `{}`.

use futures::future::BoxFuture;
use logout_generators::body::{BodyCase, JSON_TYPES};
use logout_generators::proptest::prelude::*;

use crate::generate::property::{Fault, Property};
use crate::http::exchange::ResponseRecord;
use crate::plan::clause_id::ClauseId;
use crate::run::request::{Body, Cookies, Expect, Request};
use crate::run::send::no_answer;
use crate::run::steps::answer::{DOCUMENTED_ANSWER, accepted};
use crate::run::steps::compare::{differences, problem};
use crate::run::steps::session::{
    csrf_pairs, open_session, refresh_name, session_cookies, unknown_token,
};
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Problem, could_not_run};

/// A body, and whether the case presents a live session (else an unknown token).
pub(super) type Input = (BodyCase, bool);

/// `bodies` with a live session in one case of eight.
pub(super) fn with_live<S: Strategy<Value = BodyCase> + 'static>(
    bodies: fn() -> S,
) -> impl FnOnce() -> BoxedStrategy<Input> + Send + 'static {
    move || (bodies(), prop::bool::weighted(0.125)).boxed()
}

/// LO-08's and LO-21's property.
pub(super) struct Ignored {
    clause: ClauseId,
    refresh: String,
    csrf: Vec<String>,
    user: (String, String),
    /// The answers to `{}`: with an unknown token, and with a live session.
    unknown: ResponseRecord,
    live: ResponseRecord,
}

impl Ignored {
    /// Logs out twice with `{}` — an unknown token, then the scenario's live session — for
    /// the answers each case must match; a refused live logout blocks the clause.
    pub(super) async fn new(world: &mut LogoutWorld, clause: ClauseId) -> Self {
        let refresh = refresh_name(world);
        let csrf = csrf_pairs(world);
        let session = world.session().clone();
        let mut pairs = vec![format!(
            "{refresh}={}",
            known_secret(world, unknown_token())
        )];
        pairs.extend(csrf.iter().cloned());
        let unknown = baseline(world, Cookies::Header(pairs.join("; ")), "an unknown token").await;
        let cookies = Cookies::Header(session_cookies(world, &session));
        let live = baseline(world, cookies, "the live session").await;
        let target = world.target();
        world.precondition(
            DOCUMENTED_ANSWER,
            accepted(&target.profile.logout.success, &live),
        );
        Self {
            clause,
            refresh,
            csrf,
            user: (session.email, session.password),
            unknown,
            live,
        }
    }
}

/// The answer to a logout with `{}`; none blocks nothing but cannot be compared with.
async fn baseline(world: &mut LogoutWorld, cookies: Cookies, whose: &str) -> ResponseRecord {
    let mut request = Request::logout(&world.target(), cookies);
    request.body = Body::empty_object();
    request.label = format!("logout of {whose} with the body {{}}, to compare with");
    let exchange = world.send(request).await;
    match exchange.response {
        Ok(answer) => answer,
        Err(e) => world.fail_own(no_answer(&exchange.label, &e)),
    }
}

impl Property for Ignored {
    type Input = Input;

    fn case<'a>(
        &'a mut self,
        world: &'a mut LogoutWorld,
        (body, live): Input,
    ) -> BoxFuture<'a, Result<(), Fault>> {
        Box::pin(async move {
            let target = world.target();
            let cookies = if live {
                let session = open_session(world, Some(self.user.clone()), Cookies::None)
                    .await
                    .unwrap_or_else(|e| could_not_run(e));
                session_cookies(world, &session)
            } else {
                let token = known_secret(world, unknown_token());
                let mut pairs = vec![format!("{}={}", self.refresh, token)];
                pairs.extend(self.csrf.iter().cloned());
                pairs.join("; ")
            };
            let mut request =
                Request::logout(&target, Cookies::Header(cookies)).expecting(if live {
                    Expect::Success
                } else {
                    Expect::InvalidToken
                });
            request.label = "logout with a generated body".into();
            request.body = Body {
                content_type: body.content_type.map(str::to_owned),
                bytes: body.shape.bytes(),
            };
            let exchange = world.send(request).await;
            let answer = exchange
                .response
                .map_err(|e| Fault::new(self.clause, no_answer(&exchange.label, &e)))?;
            let as_json = body.content_type.is_some_and(|t| JSON_TYPES.contains(&t));
            if !as_json {
                // Another content type: what it gets is open (LO-31), a 5xx is not.
                if answer.status >= 500 {
                    return Err(Fault::new(
                        self.clause,
                        Problem::new(
                            format!("status {}", answer.status),
                            "any answer but a 5xx to a body of another content type",
                            format!("status {}", answer.status),
                        ),
                    ));
                }
                return Ok(());
            }
            let reference = if live { &self.live } else { &self.unknown };
            let label = if live {
                "live session"
            } else {
                "unknown token"
            };
            let reference_label = format!("{label} with the body {{}}");
            let differences = differences(world, label, &answer, &reference_label, reference);
            match problem(&reference_label, &differences) {
                None => Ok(()),
                Some(p) => Err(Fault::new(self.clause, p)),
            }
        })
    }

    fn describe(&self, (body, live): &Input) -> String {
        format!(
            "{} (presenting {})",
            body.describe(),
            if *live {
                "a live session"
            } else {
                "an unknown refresh token"
            }
        )
    }
}

/// A token the kit made up is a secret like the target's own: an answer that echoes it
/// differs from another only by a secret, and is compared masked (LO-08, LO-21).
fn known_secret(world: &LogoutWorld, token: String) -> String {
    world.target().secrets.learn(&token);
    token
}
