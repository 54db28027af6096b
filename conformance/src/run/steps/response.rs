//! Checks on the status, headers and body of the answer under test.

use cucumber::then;

use crate::plan::clause_id::ClauseId;
use crate::plan::profile::{AnswerSpec, BodySpec};
use crate::run::late_body;
use crate::run::request::{Cookies, Expect, Request};
use crate::run::send::no_answer;
use crate::run::steps::answer::{
    DOCUMENTED_ANSWER, accepted, answer_problem, answer_text, body_problem, expected_problem,
    shown, status_problem, type_problem,
};
use crate::run::steps::session::documented_logout_works;
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Problem, could_not_run};

/// LO-01's scenario spells the documented success out (status 200, JSON, the body), and
/// LO-09's the documented store-failure answer (500, JSON, the error body). Under a
/// declared contract, those checks of these two clauses judge the declared answer's
/// status, content type and body instead: this is that answer and the documented one.
fn declared_answer(world: &LogoutWorld) -> Option<(AnswerSpec, AnswerSpec)> {
    let logout = &world.target().profile.logout;
    let (ours, documented) = match world.clause() {
        DOCUMENTED_ANSWER => (&logout.success, AnswerSpec::documented()),
        STORE_FAILURE => (&logout.store_failure, AnswerSpec::store_failure()),
        _ => return None,
    };
    (*ours != documented).then(|| (ours.clone(), documented))
}

/// The clause of the failing store's answer.
const STORE_FAILURE: ClauseId = ClauseId::LO_09;

#[then(regex = r"^the response status is (\d+)$")]
fn status_is(world: &mut LogoutWorld, expected: u16) {
    let actual = world.response().status;
    let outcome = match declared_answer(world).filter(|(_, d)| d.status == [expected]) {
        Some((spec, _)) => status_problem(actual, spec.status_ok(actual), &spec.status_text()),
        None => status_problem(actual, expected == actual, &format!("status {expected}")),
    };
    world.check_own(outcome);
}

#[then("the response status is 2xx")]
fn status_is_success(world: &mut LogoutWorld) {
    let actual = world.response().status;
    world.check_own(status_problem(
        actual,
        (200..300).contains(&actual),
        "a 2xx status",
    ));
}

#[then("the response status is 404 or 405")]
fn status_is_refusal(world: &mut LogoutWorld) {
    let actual = world.response().status;
    world.check_own(status_problem(
        actual,
        matches!(actual, 404 | 405),
        "status 404 or 405",
    ));
}

#[then("the response is JSON")]
fn is_json(world: &mut LogoutWorld) {
    let spec = declared_answer(world).map_or_else(AnswerSpec::documented, |(spec, _)| spec);
    let outcome = type_problem(&spec, &world.response());
    world.check_own(outcome);
}

#[then(regex = r"^the response body equals (.+)$")]
fn body_equals(world: &mut LogoutWorld, expected: String) {
    let expected: serde_json::Value = serde_json::from_str(&expected)
        .unwrap_or_else(|e| could_not_run(format!("the feature's expected body is not JSON: {e}")));
    let body = match declared_answer(world) {
        Some((spec, documented)) if BodySpec::Json(expected.clone()) == documented.body => {
            spec.body
        }
        _ => BodySpec::Json(expected),
    };
    let outcome = body_problem(&body, &world.response());
    world.check_own(outcome);
}

#[then("the response is the documented success")]
fn documented_success(world: &mut LogoutWorld) {
    let target = world.target();
    let expect = world.expect;
    let outcome = world
        .answer()
        .and_then(|r| expected_problem(&target.profile.logout, expect, &r));
    world.check(DOCUMENTED_ANSWER, outcome);
}

/// A precondition: the logout the scenario depends on was accepted (any 2xx: the target
/// says it logged out). Otherwise the scenario's clause cannot be judged — a refused
/// logout would make "the other session stays live" hold trivially. The documented
/// answer is re-checked on the way, as evidence for LO-01.
#[then("the logout succeeded, or the clause is blocked")]
async fn logout_succeeded(world: &mut LogoutWorld) {
    let target = world.target();
    let success = &target.profile.logout.success;
    let answer = world.answer();
    let ordinary = Request::logout(&target, Cookies::None);
    let varied = world
        .answers
        .last()
        .is_some_and(|e| !late_body::is_declared_body(&ordinary, &e.request.body));
    // A logout whose body is not the documented one is the request under test, not a
    // precondition. Refused, it is first compared with a control (another session
    // logged out the documented way): if that is refused too, the documented logout is
    // the defect (blocked by LO-01); otherwise the body is, and the refusal fails a
    // clause about bodies (LO-08, LO-21) or blocks any other by LO-08 — never evidence
    // against the documented logout.
    if varied {
        let outcome = answer.and_then(|r| accepted(success, &r));
        if outcome.is_err() {
            documented_logout_works(world).await;
        }
        if BODY_CLAUSES.contains(&world.clause()) {
            world.check_own(outcome);
        } else {
            world.precondition(ClauseId::LO_08, outcome);
        }
        return;
    }
    world.precondition(
        DOCUMENTED_ANSWER,
        answer.clone().and_then(|r| accepted(success, &r)),
    );
    if let Ok(answer) = answer {
        world.corroborate(DOCUMENTED_ANSWER, answer_problem(success, &answer));
    }
}

/// The clauses about the logout's request body: a logout they send with another body
/// is the request under test.
const BODY_CLAUSES: [ClauseId; 2] = [ClauseId::LO_08, ClauseId::new(21)];

#[then("every one of the responses is the documented success")]
fn all_documented_success(world: &mut LogoutWorld) {
    let target = world.target();
    let mut problems: Vec<(String, Problem)> = Vec::new();
    for exchange in &world.answers {
        let outcome = match &exchange.response {
            Ok(r) => expected_problem(&target.profile.logout, Expect::Either, r),
            Err(e) => Err(no_answer(&exchange.label, e)),
        };
        if let Err(problem) = outcome {
            problems.push((exchange.label.clone(), problem));
        }
    }
    let Some((_, first)) = problems.first() else {
        return;
    };
    let lines: Vec<String> = problems
        .iter()
        .map(|(label, p)| format!("{label}: {}", p.actual))
        .collect();
    let problem = Problem::new(
        first.key.clone(),
        format!(
            "all {} answers are the success answer ({})",
            world.answers.len(),
            answer_text(&target.profile.logout.success)
        ),
        format!("{} are not:\n    {}", problems.len(), lines.join("\n    ")),
    );
    world.check(DOCUMENTED_ANSWER, Err(problem));
}

#[then(regex = r#"^the response header "(.+)" has the directive "(.+)"$"#)]
fn header_directive(world: &mut LogoutWorld, name: String, directive: String) {
    let values = world.response().header_all(&name);
    let found = values
        .iter()
        .flat_map(|v| v.split(','))
        .any(|d| d.trim().eq_ignore_ascii_case(&directive));
    if !found {
        world.fail_own(Problem::new(
            format!("no {name}: {directive}"),
            format!("{name}: {directive}"),
            shown(&name, &values),
        ));
    }
}

#[then(regex = r#"^the response header "(.+)" lists "(.+)"$"#)]
fn header_lists(world: &mut LogoutWorld, name: String, item: String) {
    header_directive(world, name, item);
}

#[then("the response allows the configured origin with credentials")]
fn allows_origin(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(cors) = &target.profile.cors else {
        could_not_run("the profile declares no [cors] origin");
    };
    let response = world.response();
    let origins = response.header_all("access-control-allow-origin");
    if origins != [cors.origin.clone()] {
        world.fail_own(Problem::new(
            "the configured origin is not allowed",
            format!("Access-Control-Allow-Origin: {}", cors.origin),
            shown("Access-Control-Allow-Origin", &origins),
        ));
    }
    let credentials = response.header_all("access-control-allow-credentials");
    if credentials != ["true"] {
        world.fail_own(Problem::new(
            "credentials are not allowed",
            "Access-Control-Allow-Credentials: true",
            shown("Access-Control-Allow-Credentials", &credentials),
        ));
    }
}

/// A browser lets a page read a credentialed answer only when
/// `Access-Control-Allow-Origin` names the page's own origin (`*` is refused with
/// credentials, but lets uncredentialed reads through). A fixed header naming the one
/// allowed origin is harmless: it is noted, not failed.
#[then("the response does not let the origin that is not allowed read it")]
fn denies_origin(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(cors) = &target.profile.cors else {
        could_not_run("the profile declares no [cors] origin");
    };
    let origins = world.response().header_all("access-control-allow-origin");
    let lets_in = |v: &String| v.trim() == "*" || v.trim() == cors.disallowed_origin;
    if origins.iter().any(lets_in) {
        world.fail_own(Problem::new(
            "an origin that is not allowed may read the answer",
            format!(
                "no Access-Control-Allow-Origin that lets {} read the answer",
                cors.disallowed_origin
            ),
            shown("Access-Control-Allow-Origin", &origins),
        ));
    }
    if !origins.is_empty() {
        world.observe(format!(
            "an origin that is not allowed gets {} (a fixed value naming another origin: \
             browsers block the read, so this is harmless)",
            shown("Access-Control-Allow-Origin", &origins)
        ));
    }
}
