//! A refresh racing the logout of its session. LO-14: a refresh that rotates the session
//! (issues a new refresh token) must not leave a refresh token of the session live once
//! the logout has answered — neither the one presented nor one the refresh minted
//! (keycloak#31651: a rotation that read the old token before the logout removed it
//! minted a new one the logout never saw). LO-27's "during" case: the refresh-token
//! probe, which mints an access token, racing the logout must not leave that access
//! token live either.
//!
//! Each round opens a fresh session, proves the probe on it, then releases the refresh
//! and the logout together, one of them a few milliseconds behind the other
//! ([`SCHEDULE`]), so that the refresh coming first, the logout coming first and the two
//! overlapping are all met; afterwards every token of every round is probed. Bounded:
//! [`ROUNDS`] rounds of two requests and a few probes each.

use std::time::Duration;

use cucumber::{given, then, when};

use crate::http::cookies::set_cookie_value;
use crate::http::exchange::Exchange;
use crate::plan::clause_id::ClauseId;
use crate::plan::profile::{NewToken, Role};
use crate::run::request::{Cookies, Instance, Request};
use crate::run::send::{no_answer, send, send_after_before};
use crate::run::steps::answer::{DOCUMENTED_ANSWER, accepted};
use crate::run::steps::probe::{probe_answer, probe_request, trusted};
use crate::run::steps::session::open_session;
use crate::run::steps::session_cookies::{companions, session_cookies};
use crate::run::template;
use crate::run::world::{LogoutWorld, RaceRound, Session};
use crate::verdict::check::{Problem, could_not_run};

/// Rounds of one refresh against one logout.
pub(crate) const ROUNDS: usize = SCHEDULE.len();
/// Per round, how many milliseconds the refresh and the logout wait before they are
/// sent: the logout behind (the refresh reads the session first and a store round trip
/// later writes what it minted, while the logout ends the session) or ahead.
const SCHEDULE: [(u64, u64); 8] = [
    (0, 0),
    (0, 2),
    (2, 0),
    (0, 5),
    (5, 0),
    (0, 10),
    (10, 0),
    (0, 20),
];

/// The waits of a round, refresh first.
fn waits(round: usize) -> (Duration, Duration) {
    let (refresh, logout) = SCHEDULE[round % SCHEDULE.len()];
    (
        Duration::from_millis(refresh),
        Duration::from_millis(logout),
    )
}

/// The declared rotating refresh, sent with the whole session as a browser sends it.
fn rotation_request(world: &LogoutWorld, session: &Session) -> Request {
    let target = world.target();
    let Some(spec) = target.profile.rotating_refresh.clone() else {
        could_not_run("the profile declares no [rotating_refresh]");
    };
    let origin = template::origin(&target);
    let ctx = crate::plan::profile::values::Context {
        token: Some(&session.refresh),
        ..template::bare_context(target.run_id(), &origin)
    };
    let mut request = template::build(&target, "rotating refresh", &spec.request(), &ctx)
        .unwrap_or_else(|e| could_not_run(format!("the [rotating_refresh] template: {e}")));
    request.cookies = Cookies::Header(session_cookies(world, session));
    request
}

/// The new refresh token a rotating refresh's answer carries, if it carries one that
/// differs from the one presented.
fn new_refresh(world: &LogoutWorld, exchange: &Exchange, presented: &str) -> Option<String> {
    let target = world.target();
    let spec = target.profile.rotating_refresh.as_ref()?;
    let answer = exchange.response.as_ref().ok()?;
    let cookie = target.profile.refresh_cookie()?;
    let token = match spec.new_token(cookie) {
        NewToken::Cookie(name) => set_cookie(exchange, &name),
        NewToken::Body(pointer) => answer
            .json()
            .and_then(|j| j.pointer(&pointer)?.as_str().map(str::to_owned)),
    };
    token.filter(|t| !t.is_empty() && t != presented)
}

/// The value a `Set-Cookie` of the answer gives to cookie `name`.
fn set_cookie(exchange: &Exchange, name: &str) -> Option<String> {
    let answer = exchange.response.as_ref().ok()?;
    set_cookie_value(answer, name).ok().flatten()
}

/// The session as it is after a refresh set `value` for the cookie of `role`: kept among
/// the scenario's sessions, so that a probe of the new token carries this session's
/// other cookies (its CSRF cookie), as the browser holding it would.
fn with_new(world: &mut LogoutWorld, session: &Session, role: Role, value: &str) {
    let target = world.target();
    let Some(name) = target.profile.session.cookie_for(role) else {
        return;
    };
    let mut renewed = session.clone();
    for (n, v) in &mut renewed.cookies {
        if n == name {
            value.clone_into(v);
        }
    }
    world.sessions.push(renewed);
}

/// The refresh and the logout, each released after its wait.
async fn race(
    world: &mut LogoutWorld,
    refresh: Request,
    logout: Request,
    (refresh_wait, logout_wait): (Duration, Duration),
) -> (Exchange, Exchange) {
    if world.unresponsive() {
        return (world.not_sent(&refresh), world.not_sent(&logout));
    }
    let target = world.target();
    let client = world.plain_client();
    let (refreshed, mut logged_out) = tokio::join!(
        async {
            tokio::time::sleep(refresh_wait).await;
            send(&client, &target.endpoint, &refresh, None, None).await
        },
        async {
            tokio::time::sleep(logout_wait).await;
            // A logout that fetches its token first (`[logout] before`) does so here too.
            send_after_before(&client, &target.endpoint, &logout, None).await
        }
    );
    target.secrets.learn_exchange(&refreshed, true);
    world.keep(&refreshed);
    for exchange in &logged_out {
        world.keep(exchange);
    }
    // The logout's own exchange comes last (after its `before`, if any).
    let logged_out = match logged_out.pop() {
        Some(exchange) => exchange,
        None => world.not_sent(&logout),
    };
    (refreshed, logged_out)
}

/// A fresh session, its probe proven for the token of `role`, and its logout; the round
/// is blocked unless the logout was accepted.
async fn fresh_round(world: &mut LogoutWorld, role: &str) -> (Session, Request) {
    let session = open_session(world, None, Cookies::None)
        .await
        .unwrap_or_else(|e| could_not_run(e));
    world.sessions.push(session.clone());
    let token = if role == "refresh" {
        Some(session.refresh.clone())
    } else {
        session.access.clone()
    };
    let token = token.unwrap_or_else(|| could_not_run("login set no access token cookie"));
    let answer = probe_answer(world, Instance::First, role, &token).await;
    if !answer.live {
        could_not_run(format!(
            "the liveness probe does not accept the {role} token of a fresh session (it \
             answered {}); check [probes.{role}] in the profile",
            answer.answer
        ));
    }
    let target = world.target();
    let mut logout = Request::logout(&target, Cookies::Header(session_cookies(world, &session)));
    logout.label = "logout racing a refresh".into();
    (session, logout)
}

/// The logout of a round must have been accepted, or the round shows nothing.
fn logout_accepted(world: &mut LogoutWorld, exchange: &Exchange) {
    let success = world.target().profile.logout.success.clone();
    let answer = exchange
        .response
        .clone()
        .map_err(|e| no_answer(&exchange.label, &e));
    world.precondition(
        DOCUMENTED_ANSWER,
        answer.and_then(|r| accepted(&success, &r)),
    );
}

#[given("the rotating refresh gives the session a new refresh token that the probe accepts")]
async fn rotation_proven(world: &mut LogoutWorld) {
    let session = world.session().clone();
    let request = rotation_request(world, &session);
    let exchange = world.send(request).await;
    world.target().secrets.learn_exchange(&exchange, true);
    let Some(minted) = new_refresh(world, &exchange, &session.refresh) else {
        could_not_run(format!(
            "the declared rotating refresh gave no new refresh token (answer: {}); check \
             [rotating_refresh] in the profile",
            exchange
                .response
                .as_ref()
                .map_or_else(|e| e.to_string(), |r| format!("status {}", r.status))
        ));
    };
    with_new(world, &session, Role::Refresh, &minted);
    let answer = probe_answer(world, Instance::First, "refresh", &minted).await;
    if !answer.live {
        could_not_run(format!(
            "the liveness probe does not accept the refresh token the rotating refresh \
             minted (it answered {}): nothing it says of a minted token can be trusted",
            answer.answer
        ));
    }
    world.rotation_proven = true;
}

#[when(regex = r"^a rotating refresh races the logout of each of (\d+) fresh sessions$")]
async fn rotation_races(world: &mut LogoutWorld, rounds: usize) {
    for round in 0..rounds.min(ROUNDS) {
        let (session, logout) = fresh_round(world, "refresh").await;
        let mut refresh = rotation_request(world, &session);
        refresh.label = format!("rotating refresh racing the logout (round {})", round + 1);
        let (refreshed, logged_out) = race(world, refresh, logout, waits(round)).await;
        logout_accepted(world, &logged_out);
        let minted = new_refresh(world, &refreshed, &session.refresh);
        if let Some(minted) = &minted {
            with_new(world, &session, Role::Refresh, minted);
        }
        world.raced.push(RaceRound {
            presented: session.refresh.clone(),
            minted,
        });
    }
}

#[then("the probe rejects every refresh token of the raced sessions")]
async fn raced_refresh_dead(world: &mut LogoutWorld) {
    if !world.rotation_proven {
        could_not_run("the probe was never seen to accept a refresh token a rotation minted");
    }
    let rounds = world.raced.clone();
    let mut live = (0, 0);
    for round in &rounds {
        let answer = probe_answer(world, Instance::First, "refresh", &round.presented).await;
        if answer.live {
            live.0 += 1;
        } else {
            trusted(world, "refresh", &round.presented, &answer);
        }
        if let Some(minted) = &round.minted
            && probe_answer(world, Instance::First, "refresh", minted)
                .await
                .live
        {
            live.1 += 1;
        }
    }
    let minted = rounds.iter().filter(|r| r.minted.is_some()).count();
    world.observe(format!(
        "the rotating refresh minted a new refresh token in {minted} of {} rounds (in the \
         others the logout came first)",
        rounds.len()
    ));
    if live != (0, 0) {
        world.fail_own(Problem::new(
            "a refresh racing the logout left a live refresh token",
            "every refresh token of the raced sessions, presented or minted, dead once the \
             logout has answered",
            format!(
                "{} of {minted} minted and {} of {} presented refresh tokens still live",
                live.1,
                live.0,
                rounds.len()
            ),
        ));
    }
}

#[when(regex = r"^a refresh races the logout of each of (\d+) fresh sessions$")]
async fn access_races(world: &mut LogoutWorld, rounds: usize) {
    let target = world.target();
    let Some(access) = target.profile.session.cookie_for(Role::Access) else {
        could_not_run("the profile's session has no access cookie: nothing to mint");
    };
    for round in 0..rounds.min(ROUNDS) {
        let (session, logout) = fresh_round(world, "access").await;
        let (mut refresh, _) = probe_request(
            &target,
            "refresh",
            &session.refresh,
            &companions(&target, &session),
        )
        .unwrap_or_else(|e| could_not_run(e));
        refresh.label = format!("refresh racing the logout (round {})", round + 1);
        let (refreshed, logged_out) = race(world, refresh, logout, waits(round)).await;
        logout_accepted(world, &logged_out);
        let minted = set_cookie(&refreshed, access)
            .filter(|v| !v.is_empty() && Some(v) != session.access.as_ref());
        if let Some(minted) = &minted {
            target.secrets.learn(minted);
            with_new(world, &session, Role::Access, minted);
        }
        world.raced.push(RaceRound {
            presented: session.refresh.clone(),
            minted,
        });
    }
}

#[then("the probe rejects every access token the racing refreshes minted")]
async fn raced_access_dead(world: &mut LogoutWorld) {
    let rounds = world.raced.clone();
    let minted: Vec<String> = rounds.iter().filter_map(|r| r.minted.clone()).collect();
    world.observe(format!(
        "the refresh minted an access token in {} of {} rounds (in the others the logout \
         came first)",
        minted.len(),
        rounds.len()
    ));
    let mut live = 0;
    for token in &minted {
        if probe_answer(world, Instance::First, "access", token)
            .await
            .live
        {
            live += 1;
        }
    }
    if live > 0 {
        world.check(
            ClauseId::LO_27,
            Err(Problem::new(
                "an access token minted by a refresh racing the logout is still live",
                "every access token a refresh racing the logout minted, dead once the logout \
                 has answered",
                format!("{live} of {} minted access tokens still live", minted.len()),
            )),
        );
    }
}
