//! LO-40 in a real browser: headless Chromium on the target's origin logs in and out
//! with `fetch(…, {credentials: "include"})`, and its own cookie store says what is left.
//! The visit is made in one step and the browser closed there; the checks read its
//! record.

mod drive;
mod requests;

use cucumber::{then, when};

use crate::browser::{Fetched, Visit};
use crate::plan::profile::Liveness;
use crate::run::steps::answer::DOCUMENTED_ANSWER;
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Problem, could_not_run};

use drive::{AFTER_LOGIN, AFTER_LOGOUT, LOGOUT, VALIDATE};

#[when("a browser on the target's origin logs in and then out with fetch, credentials included")]
async fn log_in_and_out(world: &mut LogoutWorld) {
    let Some(path) = world.chromium.clone() else {
        could_not_run("the run has no Chromium browser (give --browser PATH)");
    };
    let target = world.target();
    let requests = requests::requests(&target).unwrap_or_else(|why| could_not_run(why));
    let origin = target.endpoint.base().to_string();
    let limit = target.endpoint.timeout();
    match drive::visit(&path, &origin, &requests, limit, &target.secrets).await {
        Ok(visit) => world.visit = Some(visit),
        Err(why) => could_not_run(target.secrets.masker().mask(&why)),
    }
}

/// A browser that never held both cookies cannot show that a logout clears them.
#[then("the browser held both cookies after login, or the clause is blocked")]
fn held_after_login(world: &mut LogoutWorld) {
    let visit = visit(world);
    let held = held_of(&visit, AFTER_LOGIN);
    let names = cookie_names(world);
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !held.contains(n))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return;
    }
    let home = world.clause();
    world.precondition(
        home,
        Err(Problem::new(
            format!(
                "the browser did not keep {} after login",
                missing.join(" and ")
            ),
            format!(
                "a browser that logged in holds {}, the cookies login sets",
                names.join(" and ")
            ),
            format!(
                "it holds no {} after the login\n  what the browser did:\n{visit}",
                missing.join(" and ")
            ),
        )),
    );
}

/// Like "the logout succeeded, or the clause is blocked", for the browser's logout: a
/// 2xx or the profile's declared success (a redirect the page did not follow is one when
/// the profile declares a redirect).
#[then("the browser's logout was accepted, or the clause is blocked")]
fn logout_accepted(world: &mut LogoutWorld) {
    let visit = visit(world);
    let success = world.target().profile.logout.success.status.clone();
    let outcome = match visit.fetched(LOGOUT) {
        None => could_not_run("the browser did not log out"),
        Some(Fetched::Answer { status, .. })
            if (200..300).contains(status) || requests::status_is(*status, &success) =>
        {
            Ok(())
        }
        Some(got) => Err(Problem::new(
            match got {
                Fetched::Answer { status, .. } => {
                    format!("the browser's logout got status {status}")
                }
                Fetched::Failed(_) => "no answer to the browser's logout".to_owned(),
            },
            format!(
                "the logout of a live session is accepted (2xx, or {success:?} as the profile declares)"
            ),
            format!("{got}\n  what the browser did:\n{visit}"),
        )),
    };
    world.precondition(DOCUMENTED_ANSWER, outcome);
}

#[then("the browser's cookie store holds neither cookie")]
fn holds_neither(world: &mut LogoutWorld) {
    let visit = visit(world);
    let held = held_of(&visit, AFTER_LOGOUT);
    let names = cookie_names(world);
    let left: Vec<&str> = names
        .iter()
        .filter(|n| held.contains(n))
        .map(String::as_str)
        .collect();
    if left.is_empty() {
        return;
    }
    world.fail_own(Problem::new(
        format!("the browser keeps {}", left.join(" and ")),
        format!(
            "the browser's cookie store holds neither {} after the logout",
            names.join(" nor ")
        ),
        format!(
            "it still holds {}\n  what the browser did:\n{visit}",
            left.join(" and ")
        ),
    ));
}

#[then("the browser's validate-session call is unauthenticated")]
fn validate_unauthenticated(world: &mut LogoutWorld) {
    let visit = visit(world);
    let target = world.target();
    let problem = match visit.fetched(VALIDATE) {
        None => could_not_run("the browser did not call validate-session"),
        Some(Fetched::Answer { status, body }) => {
            match requests::liveness(&target, *status, body) {
                Liveness::Dead => return,
                Liveness::Live => {
                    format!("the browser is still logged in (validate-session {status})")
                }
                Liveness::Unknown => could_not_run(format!(
                    "the refresh probe's answer ({status}) says neither live nor dead; check \
                 [probes.refresh] in the profile"
                )),
            }
        }
        Some(Fetched::Failed(_)) => "no answer to the browser's validate-session".to_owned(),
    };
    let got = visit
        .fetched(VALIDATE)
        .map(ToString::to_string)
        .unwrap_or_default();
    world.fail_own(Problem::new(
        problem,
        "validate-session after the logout is unauthenticated, as [probes.refresh] judges it",
        format!("{got}\n  what the browser did:\n{visit}"),
    ));
}

/// The record of the scenario's visit.
fn visit(world: &LogoutWorld) -> Visit {
    match &world.visit {
        Some(visit) => visit.clone(),
        None => could_not_run("no browser visit was made before this check"),
    }
}

/// The names of the cookies held at a snapshot, partitioned ones included: a cookie in
/// either jar is sent.
fn held_of(visit: &Visit, label: &str) -> Vec<String> {
    match visit.held(label) {
        Some(held) => held.iter().map(|c| c.name.clone()).collect(),
        None => could_not_run(format!("the browser's cookie store was not read {label}")),
    }
}

fn cookie_names(world: &LogoutWorld) -> Vec<String> {
    requests::cookie_names(&world.target())
}
