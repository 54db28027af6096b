//! The liveness probe: whether the target still accepts a token, asked the way the
//! profile's `[probes]` say, before the request under test (a precondition) and after it
//! (the revocation checks).

use cucumber::{given, then};

use crate::http::exchange::mask_body;
use crate::plan::clause_id::ClauseId;
use crate::plan::profile::values::Context;
use crate::plan::profile::{Liveness, ProbeSpec, Role};
use crate::run::request::{Cookies, Instance, Request};
use crate::run::steps::cookies::counted;
use crate::run::steps::session::companions;
use crate::run::template;
use crate::run::world::{LogoutWorld, Session};
use crate::under_test::Target;
use crate::verdict::check::{Problem, could_not_run};

/// After the request under test. "Rejects" is the revocation check of LO-04 (refresh)
/// or LO-27 (access), wherever it is made; "accepts" is the scenario's own.
#[then(regex = r"^the probe (accepts|rejects) the (refresh|access) token$")]
async fn probe_finds(world: &mut LogoutWorld, verdict: String, which: String) {
    let token = session_token(world, &which);
    let live = verdict == "accepts";
    let outcome = expect_probe(world, &which, &token, live).await;
    let home = match (live, which.as_str()) {
        (true, _) => world.clause(),
        (false, "refresh") => ClauseId::LO_04,
        (false, _) => ClauseId::LO_27,
    };
    world.check(home, outcome);
}

/// Before the request under test, the probe must see the session as it is: a probe that
/// rejects a token just issued cannot tell anything, so the check could not run. A
/// probe that accepts it is proven for that token: a later "dead" can be trusted.
#[given(regex = r"^the probe (accepts|rejects) the (refresh|access) token$")]
async fn probe_precondition(world: &mut LogoutWorld, verdict: String, which: String) {
    let token = session_token(world, &which);
    let live = verdict == "accepts";
    let answer = probe_answer(world, Instance::First, &which, &token).await;
    if answer.live != live {
        could_not_run(format!(
            "the liveness probe does not {} the {which} token the target has just issued \
             (it answered {}); check [probes.{which}] in the profile",
            if live { "accept" } else { "reject" },
            answer.answer
        ));
    }
}

/// Proves the probe on another session before the request under test (LO-08, LO-20).
#[given(regex = r"^the probe accepts the (second session's|other user's) refresh token$")]
async fn probe_second_precondition(world: &mut LogoutWorld, whose: String) {
    let token = other_session(world, &whose).refresh;
    prove(world, "refresh", &token).await;
}

/// Proves the probe on every session the scenario opened (LO-13's dozen sessions).
#[given("the probe accepts every session's refresh token")]
async fn probe_every_precondition(world: &mut LogoutWorld) {
    let tokens: Vec<String> = world.sessions.iter().map(|s| s.refresh.clone()).collect();
    if tokens.is_empty() {
        could_not_run("the scenario opened no sessions");
    }
    for token in tokens {
        prove(world, "refresh", &token).await;
    }
}

/// The probe must accept a live token, or nothing it says later can be trusted.
async fn prove(world: &mut LogoutWorld, which: &str, token: &str) {
    let answer = probe_answer(world, Instance::First, which, token).await;
    if !answer.live {
        could_not_run(format!(
            "the liveness probe does not accept a {which} token the target has just issued \
             (it answered {}); check [probes.{which}] in the profile",
            answer.answer
        ));
    }
}

fn session_token(world: &LogoutWorld, which: &str) -> String {
    let session = world.session();
    let token = if which == "refresh" {
        Some(session.refresh.clone())
    } else {
        session.access.clone()
    };
    token.unwrap_or_else(|| could_not_run("login set no access token cookie to probe"))
}

fn other_session(world: &LogoutWorld, whose: &str) -> Session {
    let session = if whose.starts_with("second") {
        world.second.clone()
    } else {
        world.other.clone()
    };
    session.unwrap_or_else(|| could_not_run(format!("the scenario opened no {whose} session")))
}

#[then(regex = r"^the probe accepts the (second session's|other user's) refresh token$")]
async fn probe_second(world: &mut LogoutWorld, whose: String) {
    let session = other_session(world, &whose);
    let home = if whose.starts_with("second") {
        ClauseId::LO_20
    } else {
        ClauseId::LO_08
    };
    let outcome = expect_probe(world, "refresh", &session.refresh, true).await;
    world.check(home, outcome);
}

/// LO-13: every live refresh token the logout presented is gone, whatever else the
/// header carried beside it.
#[then("the probe rejects every live refresh token presented")]
async fn probe_rejects_all(world: &mut LogoutWorld) {
    let mut tokens: Vec<String> = world.sessions.iter().map(|s| s.refresh.clone()).collect();
    if let Some(session) = &world.session {
        tokens.push(session.refresh.clone());
    }
    if tokens.is_empty() {
        could_not_run("the scenario opened no session");
    }
    let mut live = 0;
    for token in &tokens {
        let answer = probe_answer(world, Instance::First, "refresh", token).await;
        if answer.live {
            live += 1;
        } else {
            trusted(world, "refresh", token, &answer);
        }
    }
    if live > 0 {
        world.check(
            ClauseId::LO_13,
            Err(Problem::new(
                "a presented live refresh token survives",
                format!(
                    "{} gone",
                    counted(
                        tokens.len(),
                        "live refresh token",
                        "presented is",
                        "presented are"
                    )
                ),
                format!(
                    "{live} of them still live (answer: {})",
                    world
                        .answer()
                        .map_or_else(|p| p.actual, |r| format!("status {}", r.status))
                ),
            )),
        );
    }
}

/// Probes a token: the problem when the probe does not say `live`. A "dead" answer for
/// a token the probe never accepted ends the step: could not run.
async fn expect_probe(
    world: &mut LogoutWorld,
    which: &str,
    token: &str,
    live: bool,
) -> Result<(), Problem> {
    let answer = probe_answer(world, Instance::First, which, token).await;
    if !answer.live {
        trusted(world, which, token, &answer);
    }
    if answer.live == live {
        return Ok(());
    }
    let word = |l: bool| {
        if l {
            "accepted (live)"
        } else {
            "rejected (gone)"
        }
    };
    Err(Problem::new(
        format!(
            "the {which} token is {}",
            if answer.live { "still live" } else { "gone" }
        ),
        format!("the probe finds the {which} token {}", word(live)),
        format!("it is {}", word(answer.live)),
    ))
}

/// A probe's "dead" counts only for a token the same probe was seen to accept: a probe
/// that refuses every request (a missing CSRF header, a wrong path answering 401) would
/// otherwise read as a revoked session. Ends the step (could not run) otherwise, with
/// the probe's answer as the reason.
pub(crate) fn trusted(world: &LogoutWorld, which: &str, token: &str, answer: &ProbeAnswer) {
    if !world.proven.iter().any(|t| t == token) {
        could_not_run(format!(
            "the {which} probe answered {} (dead) but was never seen to accept this \
             session's {which} token while it was live: a probe that refuses every \
             request cannot show a revocation (check [probes.{which}] in the profile)",
            answer.answer
        ));
    }
}

/// What a probe said: whether the token is live, and the answer in a reader's words.
#[derive(Debug, Clone)]
pub(crate) struct ProbeAnswer {
    pub live: bool,
    pub answer: String,
}

/// Whether the liveness probe accepts a token, sent with its session's other cookies.
pub(crate) async fn probe(world: &mut LogoutWorld, which: &str, token: &str) -> bool {
    probe_on(world, Instance::First, which, token).await
}

/// Whether the liveness probe of one instance of the target accepts a token.
pub(crate) async fn probe_on(
    world: &mut LogoutWorld,
    instance: Instance,
    which: &str,
    token: &str,
) -> bool {
    probe_answer(world, instance, which, token).await.live
}

/// Asks the liveness probe of one instance of the target about a token: the profile's
/// probe for that role, the token in its cookie beside every other cookie of the
/// session it belongs to (CSRF and signature cookies: the whole session, as a browser
/// sends it, so `{cookie:NAME}` in the probe's headers fills), and wherever the
/// template says `{token}`; judged by its `live` and `dead` predicates. A token the
/// probe accepts is proven: a later "dead" for it can be trusted.
pub(crate) async fn probe_answer(
    world: &mut LogoutWorld,
    instance: Instance,
    which: &str,
    token: &str,
) -> ProbeAnswer {
    let target = world.target();
    // A token no session of the scenario holds (an access token a refresh minted, say)
    // goes with the scenario's own session's companions: the browser holds those.
    let companions = world
        .session_of(token)
        .or_else(|| world.session.clone())
        .map(|s| companions(&target, &s))
        .unwrap_or_default();
    let (mut request, spec) =
        probe_request(&target, which, token, &companions).unwrap_or_else(|e| could_not_run(e));
    request.instance = instance;
    if instance == Instance::Second {
        request.label = format!("probe the {which} token on the second instance");
    }
    let exchange = world.send(request).await;
    let (status, body) = match &exchange.response {
        Ok(r) => (r.status, r.body.clone()),
        Err(e) => could_not_run(format!("the liveness probe got no answer: {e}")),
    };
    let answer = format!("{status} {}", mask_body(&body));
    match spec.judge(status, &body) {
        Liveness::Live => {
            world.proven.push(token.to_owned());
            ProbeAnswer { live: true, answer }
        }
        Liveness::Dead => ProbeAnswer {
            live: false,
            answer,
        },
        Liveness::Unknown => could_not_run(format!(
            "the liveness probe answered {answer}, which is neither live ({}) nor dead \
             ({}) (set [probes.{which}] in the profile)",
            spec.live.text(),
            spec.dead.text()
        )),
    }
}

/// The probe request for a role's token (`refresh` or `access`), and its spec: the token
/// in its cookie, after `companions` (the session's other cookies, `name=value`).
pub(crate) fn probe_request(
    target: &Target,
    which: &str,
    token: &str,
    companions: &[String],
) -> Result<(Request, ProbeSpec), String> {
    let profile = &target.profile;
    let (spec, name) = if which == "refresh" {
        (profile.probes.refresh.as_ref(), profile.refresh_cookie())
    } else {
        (
            profile.probes.access.as_ref(),
            profile.session.cookie_for(Role::Access),
        )
    };
    let (Some(spec), Some(name)) = (spec, name) else {
        return Err(format!(
            "the profile declares no probe for the {which} token ([probes.{which}])"
        ));
    };
    let origin = template::origin(target);
    let ctx = Context {
        token: Some(token),
        ..template::bare_context(target.run_id(), &origin)
    };
    let label = format!("probe the {which} token");
    let mut request = template::build(target, &label, &spec.request(), &ctx)
        .map_err(|e| format!("the [probes.{which}] template: {e}"))?;
    let mut pairs = vec![format!("{name}={token}")];
    pairs.extend(companions.iter().cloned());
    request.cookies = Cookies::Header(pairs.join("; "));
    Ok((request, spec.clone()))
}
