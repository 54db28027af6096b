//! Judging an answer against what the profile says it must be: the status, content type
//! and body of a declared answer, and whether a logout was accepted at all. Shared by the
//! response checks, the session setup (the control logout) and `check-profile`.

use crate::http::exchange::{ResponseRecord, mask_body};
use crate::plan::clause_id::ClauseId;
use crate::plan::profile::{AnswerSpec, BodySpec, Logout};
use crate::run::request::Expect;
use crate::text::shorten;
use crate::verdict::check::Problem;

/// The clause whose check "the answer is the documented success" is.
pub(crate) const DOCUMENTED_ANSWER: ClauseId = ClauseId::LO_01;

/// The answer a logout must get, as the profile declares it (by default the documented
/// success: status 200, a JSON content type and the documented body).
pub(crate) fn answer_problem(spec: &AnswerSpec, response: &ResponseRecord) -> Result<(), Problem> {
    status_problem(
        response.status,
        spec.status_ok(response.status),
        &spec.status_text(),
    )
    .map_err(|p| Problem {
        actual: format!("{} {}", p.actual, mask_body(&response.body)),
        ..p
    })?;
    type_problem(spec, response)?;
    header_problem(spec, response)?;
    body_problem(&spec.body, response)
}

/// The answer the logout must get by what it presented: the success answer, the
/// invalid-token answer, or either (concurrent logouts of one token).
pub(crate) fn expected_problem(
    logout: &Logout,
    expect: Expect,
    response: &ResponseRecord,
) -> Result<(), Problem> {
    match expect {
        Expect::Success => answer_problem(&logout.success, response),
        Expect::InvalidToken => answer_problem(logout.invalid_answer(), response),
        Expect::Either => answer_problem(&logout.success, response)
            .or_else(|p| answer_problem(logout.invalid_answer(), response).map_err(|_| p)),
    }
}

/// An answer spec in a few words: `status 204, an empty body`.
pub(crate) fn answer_text(spec: &AnswerSpec) -> String {
    format!("{}, {}", spec.status_text(), spec.body.text())
}

/// Whether the target accepted a logout: any 2xx, or a status of the declared success.
/// A declared status that is no 2xx (a redirect) is an acceptance only with the declared
/// headers (where it redirects): Auth.js refuses a sign-out with a 302 too.
pub(crate) fn accepted(spec: &AnswerSpec, response: &ResponseRecord) -> Result<(), Problem> {
    status_problem(
        response.status,
        (200..300).contains(&response.status) || spec.status_ok(response.status),
        "a 2xx answer: the logout succeeded",
    )
    .map_err(|p| Problem {
        actual: format!("{} {}", p.actual, mask_body(&response.body)),
        ..p
    })?;
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    header_problem(spec, response)
}

/// The first header the answer does not carry as the spec declares it.
fn header_problem(spec: &AnswerSpec, response: &ResponseRecord) -> Result<(), Problem> {
    let Some((name, wanted)) = spec.header_missed(|name| response.header(name)) else {
        return Ok(());
    };
    let shown = shown(name, &response.header_all(name));
    Err(Problem::new(
        shown.clone(),
        format!("{name}: {}", wanted.text()),
        shown,
    ))
}

pub(crate) fn status_problem(actual: u16, ok: bool, expected: &str) -> Result<(), Problem> {
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        format!("status {actual}"),
        expected,
        format!("status {actual}"),
    ))
}

pub(crate) fn type_problem(spec: &AnswerSpec, response: &ResponseRecord) -> Result<(), Problem> {
    if spec.content_type_ok(response.header("content-type").as_deref()) {
        return Ok(());
    }
    let shown = shown("Content-Type", &response.header_all("content-type"));
    Err(Problem::new(
        shown.clone(),
        format!("Content-Type: {}", spec.content_type()),
        shown,
    ))
}

pub(crate) fn body_problem(spec: &BodySpec, response: &ResponseRecord) -> Result<(), Problem> {
    if spec.matches(&response.body) {
        return Ok(());
    }
    let actual = match (spec, response.json()) {
        (BodySpec::Json(_) | BodySpec::JsonSubset(_), None) => {
            format!("a body that is not JSON: {}", mask_body(&response.body))
        }
        (_, _) if response.body.is_empty() => "an empty body".to_owned(),
        (_, Some(actual)) => format!("body {actual}"),
        (_, None) => format!("body {}", mask_body(&response.body)),
    };
    Err(Problem::new(shorten(&actual, 80), spec.text(), actual))
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
