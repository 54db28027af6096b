//! LO-22 with generated tokens: an unknown refresh token shaped like the live one (as
//! long, of the same character classes) gets the same answer as the live logout before
//! it.

use futures::future::BoxFuture;

use crate::generate::property::{Fault, Property};
use crate::http::exchange::ResponseRecord;
use crate::plan::clause_id::ClauseId;
use crate::run::request::{Cookies, Expect, Request};
use crate::run::send::no_answer;
use crate::run::steps::compare::{differences, problem};
use crate::run::steps::session::{csrf_pairs, refresh_name};
use crate::run::world::LogoutWorld;
use crate::verdict::check::could_not_run;

/// LO-22's property: each token's answer against the live logout's.
pub(super) struct SameAnswer {
    refresh: String,
    csrf: Vec<String>,
    live: ResponseRecord,
}

impl SameAnswer {
    /// After "the client logs out with its session cookies": that answer is the one to
    /// match.
    pub(super) fn new(world: &LogoutWorld) -> Self {
        let live = match world.answer() {
            Ok(live) => live,
            Err(problem) => world.fail_own(problem),
        };
        if world.answers.is_empty() {
            could_not_run("no live logout to compare with");
        }
        Self {
            refresh: refresh_name(world),
            csrf: csrf_pairs(world),
            live,
        }
    }
}

impl Property for SameAnswer {
    type Input = String;

    fn case<'a>(
        &'a mut self,
        world: &'a mut LogoutWorld,
        token: String,
    ) -> BoxFuture<'a, Result<(), Fault>> {
        Box::pin(async move {
            let mut pairs = vec![format!("{}={token}", self.refresh)];
            pairs.extend(self.csrf.iter().cloned());
            let mut request = Request::logout(&world.target(), Cookies::Header(pairs.join("; ")))
                .expecting(Expect::InvalidToken);
            request.label = "logout with a generated unknown refresh token".into();
            let exchange = world.send(request).await;
            let answer = exchange
                .response
                .map_err(|e| Fault::new(ClauseId::new(22), no_answer(&exchange.label, &e)))?;
            let differences =
                differences(world, "unknown token", &answer, "live session", &self.live);
            match problem("live logout", &differences) {
                None => Ok(()),
                Some(p) => Err(Fault::new(ClauseId::new(22), p)),
            }
        })
    }

    fn describe(&self, token: &String) -> String {
        format!("{}={token} ({} characters)", self.refresh, token.len())
    }
}
