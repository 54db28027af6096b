//! Checks on the status, headers and body of the answer under test.

use cucumber::then;

use crate::http::exchange::{ResponseRecord, mask_body};
use crate::run::check::{Problem, could_not_run};
use crate::run::request::no_answer;
use crate::run::world::LogoutWorld;

/// The body the document shows for a successful logout.
const SUCCESS_BODY: &str = r#"{"message":"Logged out successfully"}"#;

/// The clause whose check "the answer is the documented success" is.
pub(crate) const DOCUMENTED_ANSWER: &str = "LO-01";

#[then(regex = r"^the response status is (\d+)$")]
fn status_is(world: &mut LogoutWorld, expected: u16) {
    let actual = world.response().status;
    world.check_own(status_problem(
        actual,
        expected == actual,
        &format!("status {expected}"),
    ));
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
    let outcome = type_problem(&world.response());
    world.check_own(outcome);
}

#[then(regex = r"^the response body equals (.+)$")]
fn body_equals(world: &mut LogoutWorld, expected: String) {
    let expected: serde_json::Value = serde_json::from_str(&expected)
        .unwrap_or_else(|e| could_not_run(format!("the feature's expected body is not JSON: {e}")));
    let outcome = body_problem(&world.response(), &expected);
    world.check_own(outcome);
}

#[then("the response is the documented success")]
fn documented_success(world: &mut LogoutWorld) {
    let outcome = world.answer().and_then(|r| success_problem(&r));
    world.check(DOCUMENTED_ANSWER, outcome);
}

/// A precondition: the logout the scenario depends on was accepted (any 2xx: the target
/// says it logged out). Otherwise the scenario's clause cannot be judged — a refused
/// logout would make "the other session stays live" hold trivially. The documented
/// answer is re-checked on the way, as evidence for LO-01.
#[then("the logout succeeded, or the clause is blocked")]
fn logout_succeeded(world: &mut LogoutWorld) {
    let answer = world.answer();
    world.precondition(DOCUMENTED_ANSWER, answer.clone().and_then(|r| accepted(&r)));
    if let Ok(answer) = answer {
        world.corroborate(DOCUMENTED_ANSWER, success_problem(&answer));
    }
}

#[then("every one of the responses is the documented success")]
fn all_documented_success(world: &mut LogoutWorld) {
    let mut problems: Vec<(String, Problem)> = Vec::new();
    for exchange in &world.answers {
        let outcome = match &exchange.response {
            Ok(r) => success_problem(r),
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
            "all {} answers are 200 with the documented body",
            world.answers.len()
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

/// Status 200, a JSON content type and the documented body.
pub(crate) fn success_problem(response: &ResponseRecord) -> Result<(), Problem> {
    status_problem(response.status, response.status == 200, "status 200").map_err(|p| Problem {
        actual: format!("{} {}", p.actual, mask_body(&response.body)),
        ..p
    })?;
    type_problem(response)?;
    let expected: serde_json::Value =
        serde_json::from_str(SUCCESS_BODY).unwrap_or(serde_json::Value::Null);
    body_problem(response, &expected)
}

/// Whether the target accepted a logout: any 2xx.
pub(crate) fn accepted(response: &ResponseRecord) -> Result<(), Problem> {
    status_problem(
        response.status,
        (200..300).contains(&response.status),
        "a 2xx answer: the logout succeeded",
    )
    .map_err(|p| Problem {
        actual: format!("{} {}", p.actual, mask_body(&response.body)),
        ..p
    })
}

fn status_problem(actual: u16, ok: bool, expected: &str) -> Result<(), Problem> {
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        format!("status {actual}"),
        expected,
        format!("status {actual}"),
    ))
}

fn type_problem(response: &ResponseRecord) -> Result<(), Problem> {
    if response.is_json() {
        return Ok(());
    }
    let shown = shown("Content-Type", &response.header_all("content-type"));
    Err(Problem::new(
        shown.clone(),
        "Content-Type: application/json",
        shown,
    ))
}

fn body_problem(response: &ResponseRecord, expected: &serde_json::Value) -> Result<(), Problem> {
    let actual = match response.json() {
        Some(actual) if &actual == expected => return Ok(()),
        Some(actual) => format!("body {actual}"),
        None => format!("a body that is not JSON: {}", mask_body(&response.body)),
    };
    Err(Problem::new(
        shorten(&actual, 80),
        format!("body {expected}"),
        actual,
    ))
}

/// Header values as a reader would write them.
pub(crate) fn shown(name: &str, values: &[String]) -> String {
    match values {
        [] => format!("no {name} header"),
        values => values
            .iter()
            .map(|v| format!("{name}: {v}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
