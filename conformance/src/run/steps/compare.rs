//! Comparing answers with each other: one answer for every token state (LO-22), and a
//! body that changes nothing (LO-08, LO-21).

use cucumber::then;

use crate::http::cookies::SetCookie;
use crate::http::exchange::{Exchange, ResponseRecord};
use crate::run::send::no_answer;
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Problem, could_not_run};

#[then(regex = r"^all (\w+) responses have the same status, body and clearing cookies$")]
fn all_alike(world: &mut LogoutWorld, _count: String) {
    let answers = answered(world, &world.answers);
    let Some(((first_label, first), rest)) = answers.split_first() else {
        could_not_run("no answers to compare");
    };
    let differences: Vec<String> = rest
        .iter()
        .flat_map(|(label, answer)| differences(world, label, answer, first))
        .collect();
    if let Some(key) = differences.first() {
        world.fail_own(Problem::new(
            key.clone(),
            format!("the same answer as the {first_label}"),
            differences.join("\n            "),
        ));
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
    let differences = differences(world, label, answer, before);
    if let Some(key) = differences.first() {
        world.fail_own(Problem::new(
            key.clone(),
            format!("the same answer as the {before_label}"),
            differences.join("\n            "),
        ));
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

/// How `answer` differs from `reference` in status, body and the contract's cookies.
pub(crate) fn differences(
    world: &LogoutWorld,
    label: &str,
    answer: &ResponseRecord,
    reference: &ResponseRecord,
) -> Vec<String> {
    let target = world.target();
    let names = target.profile.cleared_cookies();
    let shape = |r: &ResponseRecord| {
        (
            r.status,
            r.json().unwrap_or_else(|| r.text().into()),
            clearing_cookies(r, &names),
        )
    };
    let (theirs, ours) = (shape(answer), shape(reference));
    let mut differences = Vec::new();
    if theirs.0 != ours.0 {
        differences.push(format!("{label}: status {} vs {}", theirs.0, ours.0));
    }
    if theirs.1 != ours.1 {
        differences.push(format!("{label}: body {} vs {}", theirs.1, ours.1));
    }
    if theirs.2 != ours.2 {
        differences.push(format!(
            "{label}: clearing cookies [{}] vs [{}]",
            theirs.2.join(" | "),
            ours.2.join(" | ")
        ));
    }
    differences
}

/// The contract's cookies an answer sets, normalised: attribute names in lower case,
/// attributes sorted, so that only what a browser would act on differently counts.
/// Other cookies (a load balancer's stickiness cookie) are not the contract's business.
fn clearing_cookies(response: &ResponseRecord, names: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = response
        .set_cookies()
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .filter(|c| names.contains(&c.name.as_str()))
        .map(|c| {
            let mut attrs: Vec<String> = c
                .attributes
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("{}={v}", n.to_ascii_lowercase()),
                    None => n.to_ascii_lowercase(),
                })
                .collect();
            attrs.sort();
            format!("{}={}; {}", c.name, c.value, attrs.join("; "))
        })
        .collect();
    all.sort();
    all
}
