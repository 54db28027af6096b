//! Checks on the status, headers and body of the answer under test.

use cucumber::then;

use crate::exchange::ResponseRecord;
use crate::steps::mismatch;
use crate::verdict::{could_not_run, fail};
use crate::world::LogoutWorld;

/// The body the document shows for a successful logout.
const SUCCESS_BODY: &str = r#"{"message":"Logged out successfully"}"#;

#[then(regex = r"^the response status is (\d+)$")]
fn status_is(world: &mut LogoutWorld, expected: u16) {
    let actual = world.response().status;
    if actual != expected {
        mismatch(format!("status {expected}"), format!("status {actual}"));
    }
}

#[then("the response status is 2xx")]
fn status_is_success(world: &mut LogoutWorld) {
    let actual = world.response().status;
    if !(200..300).contains(&actual) {
        mismatch("a 2xx status", format!("status {actual}"));
    }
}

#[then("the response status is 404 or 405")]
fn status_is_refusal(world: &mut LogoutWorld) {
    let actual = world.response().status;
    if actual != 404 && actual != 405 {
        mismatch("status 404 or 405", format!("status {actual}"));
    }
}

#[then("the response is JSON")]
fn is_json(world: &mut LogoutWorld) {
    expect_json_type(world.response());
}

#[then(regex = r"^the response body equals (.+)$")]
fn body_equals(world: &mut LogoutWorld, expected: String) {
    let expected: serde_json::Value = serde_json::from_str(&expected)
        .unwrap_or_else(|e| could_not_run(format!("the feature's expected body is not JSON: {e}")));
    expect_body(world.response(), &expected);
}

#[then("the response is the documented success")]
fn documented_success(world: &mut LogoutWorld) {
    expect_documented_success(world.response());
}

#[then("every one of the responses is the documented success")]
fn all_documented_success(world: &mut LogoutWorld) {
    let mut problems = Vec::new();
    for exchange in &world.answers {
        let outcome = match &exchange.response {
            Ok(r) => success_problem(r),
            Err(e) => Some(format!("no answer: {e}")),
        };
        if let Some(problem) = outcome {
            problems.push(format!(
                "{}: {}",
                exchange.label,
                problem.replace("\n  ", " ")
            ));
        }
    }
    if !problems.is_empty() {
        fail(format!(
            "expected: all {} answers are 200 with the documented body\n  actual:   {} are not:\n    {}",
            world.answers.len(),
            problems.len(),
            problems.join("\n    ")
        ));
    }
}

#[then(regex = r#"^the response header "(.+)" has the directive "(.+)"$"#)]
fn header_directive(world: &mut LogoutWorld, name: String, directive: String) {
    let values = world.response().header_all(&name);
    let found = values
        .iter()
        .flat_map(|v| v.split(','))
        .any(|d| d.trim().eq_ignore_ascii_case(&directive));
    if !found {
        mismatch(format!("{name}: {directive}"), shown(&name, &values));
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
        mismatch(
            format!("Access-Control-Allow-Origin: {}", cors.origin),
            shown("Access-Control-Allow-Origin", &origins),
        );
    }
    let credentials = response.header_all("access-control-allow-credentials");
    if credentials != ["true"] {
        mismatch(
            "Access-Control-Allow-Credentials: true",
            shown("Access-Control-Allow-Credentials", &credentials),
        );
    }
}

#[then(regex = r#"^the response has no "(.+)" header$"#)]
fn no_header(world: &mut LogoutWorld, name: String) {
    let values = world.response().header_all(&name);
    if !values.is_empty() {
        mismatch(format!("no {name} header"), shown(&name, &values));
    }
}

/// Status 200, a JSON content type and the documented body.
pub(crate) fn expect_documented_success(response: &ResponseRecord) {
    if let Some(problem) = success_problem(response) {
        fail(problem);
    }
}

/// How an answer differs from the documented success, if it does.
pub(crate) fn success_problem(response: &ResponseRecord) -> Option<String> {
    if response.status != 200 {
        return Some(format!(
            "expected: status 200\n  actual:   status {}",
            response.status
        ));
    }
    type_problem(response).or_else(|| {
        let expected: serde_json::Value =
            serde_json::from_str(SUCCESS_BODY).unwrap_or(serde_json::Value::Null);
        body_problem(response, &expected)
    })
}

fn expect_json_type(response: &ResponseRecord) {
    if let Some(problem) = type_problem(response) {
        fail(problem);
    }
}

fn type_problem(response: &ResponseRecord) -> Option<String> {
    (!response.is_json()).then(|| {
        format!(
            "expected: Content-Type: application/json\n  actual:   {}",
            shown("Content-Type", &response.header_all("content-type"))
        )
    })
}

fn expect_body(response: &ResponseRecord, expected: &serde_json::Value) {
    if let Some(problem) = body_problem(response, expected) {
        fail(problem);
    }
}

fn body_problem(response: &ResponseRecord, expected: &serde_json::Value) -> Option<String> {
    let actual = match response.json() {
        Some(actual) if &actual == expected => return None,
        Some(actual) => format!("body {actual}"),
        None => format!(
            "a body that is not JSON: {}",
            crate::exchange::mask_body(&response.body)
        ),
    };
    Some(format!("expected: body {expected}\n  actual:   {actual}"))
}

fn shown(name: &str, values: &[String]) -> String {
    match values {
        [] => format!("no {name} header"),
        values => values
            .iter()
            .map(|v| format!("{name}: {v}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}
