//! Comparing answers with each other (LO-22).

use cucumber::then;

use crate::cookies::SetCookie;
use crate::exchange::ResponseRecord;
use crate::verdict::{could_not_run, fail};
use crate::world::LogoutWorld;

#[then(regex = r"^all (\w+) responses have the same status, body and clearing cookies$")]
fn all_alike(world: &mut LogoutWorld, _count: String) {
    let answers: Vec<(&str, &ResponseRecord)> = world
        .answers
        .iter()
        .map(|e| match &e.response {
            Ok(r) => (e.label.as_str(), r),
            Err(err) => fail(format!(
                "expected: an answer to the {}\n  actual:   none: {err}",
                e.label
            )),
        })
        .collect();
    let Some(((first_label, first), rest)) = answers.split_first() else {
        could_not_run("no answers to compare");
    };
    let target = world.target();
    let names = target.profile.cookies.both();
    let shape = |r: &ResponseRecord| {
        (
            r.status,
            r.json().unwrap_or_else(|| r.text().into()),
            clearing_cookies(r, &names),
        )
    };
    let reference = shape(first);
    let mut differences = Vec::new();
    for (label, answer) in rest {
        let other = shape(answer);
        if other.0 != reference.0 {
            differences.push(format!("{label}: status {} vs {}", other.0, reference.0));
        }
        if other.1 != reference.1 {
            differences.push(format!("{label}: body {} vs {}", other.1, reference.1));
        }
        if other.2 != reference.2 {
            differences.push(format!(
                "{label}: clearing cookies [{}] vs [{}]",
                other.2.join(" | "),
                reference.2.join(" | ")
            ));
        }
    }
    if !differences.is_empty() {
        fail(format!(
            "expected: the same answer as the {first_label}\n  actual:   {}",
            differences.join("\n            ")
        ));
    }
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
