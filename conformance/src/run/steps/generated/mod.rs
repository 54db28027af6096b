//! The steps of the generated scenarios (`features/generated.feature`): each runs
//! `--generate N` cases of one property against the target (see [`crate::generate`]) and
//! fails the scenario with the minimal case when a case breaks the clause.
//!
//! - [`cookie_header`]: malformed `Cookie` headers (LO-11) and live tokens among
//!   generated pairs (LO-13);
//! - [`body`]: well-formed JSON bodies (LO-08) and bodies that are not JSON (LO-21);
//! - [`unknown_token`]: unknown tokens shaped like real ones (LO-22).

mod body;
mod cookie_header;
mod unknown_token;

use cucumber::then;
use logout_generators::proptest::strategy::Strategy;

use crate::generate::property::{Found, Property, check};
use crate::plan::clause_id::ClauseId;
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Judged, Problem, could_not_run};

#[then(
    "every generated malformed Cookie header gets the invalid-token answer with both cookies cleared"
)]
async fn malformed_cookie_headers(world: &mut LogoutWorld) {
    let property = cookie_header::Malformed::new(world);
    let names = property.names.clone();
    judge(
        world,
        move || logout_generators::cookie::case(&names, 0),
        property,
    )
    .await;
}

#[then("every live refresh token among generated Cookie pairs is revoked")]
async fn live_tokens_among_pairs(world: &mut LogoutWorld) {
    let property = cookie_header::LiveAmong::new(world);
    let names = property.names.clone();
    let sessions = cookie_header::POOL;
    judge(
        world,
        move || logout_generators::cookie::case(&names, sessions),
        property,
    )
    .await;
}

#[then("every generated JSON body gets the same answer as the body {}")]
async fn json_bodies(world: &mut LogoutWorld) {
    let property = body::Ignored::new(world, ClauseId::new(8)).await;
    judge(
        world,
        body::with_live(logout_generators::body::well_formed),
        property,
    )
    .await;
}

#[then("every generated body that is not JSON is ignored")]
async fn not_json_bodies(world: &mut LogoutWorld) {
    let property = body::Ignored::new(world, ClauseId::new(21)).await;
    judge(
        world,
        body::with_live(logout_generators::body::not_json),
        property,
    )
    .await;
}

#[then("every generated unknown refresh token gets the same answer as that logout")]
async fn unknown_tokens(world: &mut LogoutWorld) {
    let property = unknown_token::SameAnswer::new(world);
    let live = world.session().refresh.clone();
    judge(
        world,
        move || logout_generators::token::token_shaped(&live),
        property,
    )
    .await;
}

/// Runs the property's cases in a scratch world bound to the same target (with the
/// scenario's session, whose login cookies the clearing checks start from), and fails
/// the scenario with the minimal failing case, its exchanges added to the transcript.
async fn judge<S, P>(
    world: &mut LogoutWorld,
    strategy: impl FnOnce() -> S + Send + 'static,
    property: P,
) where
    S: Strategy<Value = P::Input>,
    P: Property,
{
    let generation = world.generation;
    if generation.cases == 0 {
        could_not_run("generation is off (--generate 0)");
    }
    let mut scratch = LogoutWorld::blank();
    scratch.bind(world.target(), Judged::default());
    scratch.session = world.session.clone();
    let Some(found) = check(
        scratch,
        generation.seed,
        property.cases(generation.cases),
        strategy,
        property,
    )
    .await
    else {
        return;
    };
    let Found {
        fault,
        minimal,
        first_failing,
        cases,
        transcript,
    } = found;
    world.transcript.extend(transcript);
    let how = if first_failing == 0 {
        "failed before any generated case".to_owned()
    } else {
        format!(
            "generated case {first_failing} of {cases} failed; shrunk by proptest; --seed {} \
             --generate {} replays it",
            generation.run_seed, generation.cases
        )
    };
    let problem = Problem {
        actual: format!(
            "{}\n  minimal case: {minimal}\n  ({how})",
            fault.problem.actual
        ),
        ..fault.problem
    };
    world.check(fault.home, Err(problem));
}
