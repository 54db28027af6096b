//! Checks on the clearing cookies: as a browser applies them (LO-02), and as written
//! (LO-03's exact form, LO-24's attributes).

use cucumber::then;

use crate::http::cookies::{SetCookie, clearing_notes, survivors_in_jar};
use crate::http::exchange::{ResponseRecord, mask_header};
use crate::plan::clause_id::ClauseId;
use crate::run::world::LogoutWorld;
use crate::verdict::check::Problem;

/// The clause whose check "both cookies are cleared" is.
const CLEARED: ClauseId = ClauseId::LO_02;

/// The jar's verdict decides: how the deletion is spelled is LO-03's business. The raw
/// headers only explain a failure.
#[then("both cookies are cleared")]
fn both_cleared(world: &mut LogoutWorld) {
    let target = world.target();
    let names = target.profile.cleared_cookies();
    let answer = match world.answer() {
        Ok(answer) => answer,
        Err(problem) => return world.check(CLEARED, Err(problem)),
    };
    let set_cookies = answer.set_cookies();
    let session = world.session();
    let logout_url = target.endpoint.url(&target.profile.logout.path);
    let left = survivors_in_jar(
        &session.login_url,
        &session.login_set_cookies,
        &logout_url,
        &set_cookies,
        &names,
    );
    if left.is_empty() {
        return;
    }
    let notes: Vec<String> = names
        .iter()
        .flat_map(|name| clearing_notes(&set_cookies, name))
        .collect();
    let why = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    let problem = Problem::new(
        format!("a browser keeps {}", left.join(" and ")),
        format!(
            "a browser holding the login cookies holds neither {} after this answer",
            names.join(" nor ")
        ),
        format!(
            "it still holds {}{why}\n  Set-Cookie headers received: {}",
            left.join(" and "),
            received(&answer)
        ),
    );
    world.check(CLEARED, Err(problem));
}

#[then(regex = r#"^each clearing header carries exactly "(.+)" and "(.+)"$"#)]
fn carries_exactly(world: &mut LogoutWorld, first: String, second: String) {
    let target = world.target();
    let response = world.response();
    let wanted: Vec<(String, String)> = [first, second]
        .iter()
        .filter_map(|a| a.split_once('=').map(|(n, v)| (n.to_owned(), v.to_owned())))
        .collect();
    let mut problems = Vec::new();
    for name in target.profile.cleared_cookies() {
        let headers = clearing_headers(&response, name);
        if headers.is_empty() {
            problems.push(format!("no Set-Cookie header for {name}"));
        }
        // A clearing header sent twice is fine if each copy carries the form.
        for cookie in headers {
            for (attr, value) in &wanted {
                match cookie.attr(attr) {
                    Some(v) if v == value => {}
                    Some(v) => problems.push(format!("{name} has {attr}={v}")),
                    None => problems.push(format!("{name} has no {attr}")),
                }
            }
        }
    }
    problems.dedup();
    if let Some(first) = problems.first() {
        let expected: Vec<String> = wanted.iter().map(|(n, v)| format!("{n}={v}")).collect();
        world.fail_own(Problem::new(
            first.clone(),
            format!(
                "{} {}",
                counted(
                    target.profile.cleared_cookies().len(),
                    "clearing header",
                    "carries",
                    "carry"
                ),
                expected.join(" and ")
            ),
            format!(
                "{}\n  Set-Cookie headers received: {}",
                problems.join("; "),
                received(&response)
            ),
        ));
    }
}

#[then("each clearing cookie repeats the HttpOnly, SameSite and Secure attributes that login set")]
fn repeats_attributes(world: &mut LogoutWorld) {
    let target = world.target();
    let response = world.response();
    let login: Vec<SetCookie> = world
        .session()
        .login_set_cookies
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .collect();
    let mut problems = Vec::new();
    for name in target.profile.cleared_cookies() {
        let Some(set) = login.iter().find(|c| c.name == name) else {
            continue;
        };
        let cleared = clearing_headers(&response, name);
        if cleared.is_empty() {
            problems.push(format!("no Set-Cookie header clears {name}"));
        }
        for cleared in cleared {
            problems.extend(missing_attributes(name, set, &cleared));
        }
    }
    problems.dedup();
    if let Some(first) = problems.first() {
        world.fail_own(Problem::new(
            first.clone(),
            "the clearing cookies repeat the login cookies' HttpOnly, SameSite and Secure",
            format!(
                "{}\n  Set-Cookie headers received: {}",
                problems.join("; "),
                received(&response)
            ),
        ));
    }
}

fn missing_attributes(name: &str, set: &SetCookie, cleared: &SetCookie) -> Vec<String> {
    let mut problems = Vec::new();
    for flag in ["HttpOnly", "Secure"] {
        if set.has(flag) && !cleared.has(flag) {
            problems.push(format!(
                "{name}: login set {flag}, the clearing cookie lacks it"
            ));
        }
    }
    if let Some(same_site) = set.attr("SameSite") {
        match cleared.attr("SameSite") {
            Some(v) if v.eq_ignore_ascii_case(same_site) => {}
            Some(v) => problems.push(format!(
                "{name}: login set SameSite={same_site}, the clearing cookie has SameSite={v}"
            )),
            None => problems.push(format!(
                "{name}: login set SameSite={same_site}, the clearing cookie has none"
            )),
        }
    }
    problems
}

/// Every `Set-Cookie` header of the answer for cookie `name`.
pub(crate) fn clearing_headers(response: &ResponseRecord, name: &str) -> Vec<SetCookie> {
    response
        .set_cookies()
        .into_iter()
        .filter_map(|h| SetCookie::parse(&h))
        .filter(|c| c.name == name)
        .collect()
}

pub(crate) fn received(response: &ResponseRecord) -> String {
    let all: Vec<String> = response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(n, v)| mask_header(n, v))
        .collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(" | ")
    }
}

/// `the clearing header carries`, `both clearing headers carry`, `all 3 clearing headers
/// carry`: a one-cookie session never reads "both".
pub(crate) fn counted(n: usize, noun: &str, one: &str, many: &str) -> String {
    match n {
        1 => format!("the {noun} {one}"),
        2 => format!("both {noun}s {many}"),
        n => format!("all {n} {noun}s {many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_cookie_is_never_both_and_one_token_never_all() {
        assert_eq!(counted(1, "cookie", "is", "are"), "the cookie is");
        assert_eq!(counted(2, "cookie", "is", "are"), "both cookies are");
        assert_eq!(counted(12, "token", "is", "are"), "all 12 tokens are");
    }
}
