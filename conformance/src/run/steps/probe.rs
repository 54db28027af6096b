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
use crate::run::template;
use crate::run::world::LogoutWorld;
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
/// rejects a token just issued cannot tell anything, so the check could not run.
#[given(regex = r"^the probe (accepts|rejects) the (refresh|access) token$")]
async fn probe_precondition(world: &mut LogoutWorld, verdict: String, which: String) {
    let token = session_token(world, &which);
    let live = verdict == "accepts";
    if probe(world, &which, &token).await != live {
        could_not_run(format!(
            "the liveness probe does not {} the {which} token the target has just issued; \
             check [probes.{which}] in the profile",
            if live { "accept" } else { "reject" }
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

#[then(regex = r"^the probe accepts the (second session's|other user's) refresh token$")]
async fn probe_second(world: &mut LogoutWorld, whose: String) {
    let (session, home) = if whose.starts_with("second") {
        (world.second.clone(), ClauseId::LO_20)
    } else {
        (world.other.clone(), ClauseId::LO_08)
    };
    let Some(session) = session else {
        could_not_run(format!("the scenario opened no {whose} session"));
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
        if probe(world, "refresh", token).await {
            live += 1;
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

/// Probes a token: the problem when the probe does not say `live`.
async fn expect_probe(
    world: &mut LogoutWorld,
    which: &str,
    token: &str,
    live: bool,
) -> Result<(), Problem> {
    let alive = probe(world, which, token).await;
    if alive == live {
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
            if alive { "still live" } else { "gone" }
        ),
        format!("the probe finds the {which} token {}", word(live)),
        format!("it is {}", word(alive)),
    ))
}

/// Whether the liveness probe accepts a token, sent as its cookie alone.
pub(crate) async fn probe(world: &mut LogoutWorld, which: &str, token: &str) -> bool {
    probe_on(world, Instance::First, which, token).await
}

/// Whether the liveness probe of one instance of the target accepts a token: the
/// profile's probe for that role, the token in its cookie (and wherever the probe's
/// template says `{token}`), judged by its `live` and `dead` predicates.
pub(crate) async fn probe_on(
    world: &mut LogoutWorld,
    instance: Instance,
    which: &str,
    token: &str,
) -> bool {
    let target = world.target();
    let (mut request, spec) =
        probe_request(&target, which, token).unwrap_or_else(|e| could_not_run(e));
    request.instance = instance;
    if instance == Instance::Second {
        request.label = format!("probe the {which} token on the second instance");
    }
    let exchange = world.send(request).await;
    let (status, body) = match &exchange.response {
        Ok(r) => (r.status, r.body.clone()),
        Err(e) => could_not_run(format!("the liveness probe got no answer: {e}")),
    };
    match spec.judge(status, &body) {
        Liveness::Live => true,
        Liveness::Dead => false,
        Liveness::Unknown => could_not_run(format!(
            "the liveness probe answered {status} {}, which is neither live ({}) nor dead \
             ({}) (set [probes.{which}] in the profile)",
            mask_body(&body),
            spec.live.text(),
            spec.dead.text()
        )),
    }
}

/// The probe request for a role's token (`refresh` or `access`), and its spec.
pub(crate) fn probe_request(
    target: &Target,
    which: &str,
    token: &str,
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
    request.cookies = Cookies::Header(format!("{name}={token}"));
    Ok((request, spec.clone()))
}
