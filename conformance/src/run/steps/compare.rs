//! Comparing answers with each other: one answer for every token state (LO-22), and a
//! body that changes nothing (LO-08, LO-21). "The same answer" is the one notion of
//! [`same_answer`]: status, masked body, effect on the cookie jar.

use std::sync::Arc;

use cucumber::then;

use crate::http::exchange::{Exchange, ResponseRecord};
use crate::http::same_answer::{self, Difference, Shape};
use crate::http::secrets::Masker;
use crate::run::send::no_answer;
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Problem, could_not_run};

#[then(regex = r"^all (\w+) responses have the same status, body and clearing cookies$")]
fn all_alike(world: &mut LogoutWorld, _count: String) {
    let answers = answered(world, &world.answers);
    let Some(((first_label, first), rest)) = answers.split_first() else {
        could_not_run("no answers to compare");
    };
    let found: Vec<Difference> = rest
        .iter()
        .flat_map(|(label, answer)| differences(world, label, answer, first_label, first))
        .collect();
    if let Some(problem) = problem(first_label, &found) {
        world.fail_own(problem);
    }
}

/// The last answer against the one before it: the same logout with another body must
/// get the same answer.
#[then("the answer is the same as the other user's")]
fn same_as_before(world: &mut LogoutWorld) {
    let answers = answered(world, &world.answers);
    let [.., (before_label, before), (label, answer)] = answers.as_slice() else {
        could_not_run("fewer than two answers to compare");
    };
    let found = differences(world, label, answer, before_label, before);
    if let Some(problem) = problem(before_label, &found) {
        world.fail_own(problem);
    }
}

/// Every answer with its label; a request without an answer fails the own clause.
fn answered(world: &LogoutWorld, exchanges: &[Exchange]) -> Vec<(String, ResponseRecord)> {
    exchanges
        .iter()
        .map(|e| match &e.response {
            Ok(r) => (e.label.clone(), r.clone()),
            Err(err) => world.fail_own(no_answer(&e.label, err)),
        })
        .collect()
}

/// How `answer` differs from `reference`, as [`same_answer`] tells it: status, body
/// with the run's secrets masked, and the effect on a browser's cookie jar. Bodies
/// equal byte for byte are equal masked too: they are compared without masking (the
/// generated cases compare hundreds of answers, nearly all of them equal).
pub(crate) fn differences(
    world: &LogoutWorld,
    label: &str,
    answer: &ResponseRecord,
    reference_label: &str,
    reference: &ResponseRecord,
) -> Vec<Difference> {
    let masker = if answer.body == reference.body {
        Arc::new(Masker::nothing())
    } else {
        world.target().secrets.masker()
    };
    same_answer::differences(
        label,
        &Shape::of(answer, &masker),
        reference_label,
        &Shape::of(reference, &masker),
    )
}

/// The problem of the differences found, if any: the first one's key, every one's text.
pub(crate) fn problem(reference_label: &str, found: &[Difference]) -> Option<Problem> {
    let first = found.first()?;
    let texts: Vec<&str> = found.iter().map(|d| d.text.as_str()).collect();
    Some(Problem::new(
        first.key.clone(),
        format!("the same answer as the {reference_label}"),
        texts.join("\n            "),
    ))
}
