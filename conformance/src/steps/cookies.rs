//! Checks on the clearing cookies, strictly as written and as a browser applies them.

use cucumber::then;

use crate::cookies::{SetCookie, clearing_problems, survivors_in_jar};
use crate::exchange::ResponseRecord;
use crate::steps::mismatch;
use crate::verdict::fail;
use crate::world::LogoutWorld;

#[then("both cookies are cleared")]
fn both_cleared(world: &mut LogoutWorld) {
    let target = world.target();
    let names = target.profile.cookies.both();
    let response = world.response().clone();
    let set_cookies = response.set_cookies();
    let mut problems: Vec<String> = names
        .iter()
        .flat_map(|name| clearing_problems(&set_cookies, name))
        .collect();
    let session = world.session();
    let logout_url = target.url(&target.profile.logout.path);
    let left = survivors_in_jar(
        &session.login_url,
        &session.login_set_cookies,
        &logout_url,
        &set_cookies,
        &names,
    );
    if !left.is_empty() {
        problems.push(format!(
            "a browser's cookie jar still holds {} after applying this answer",
            left.join(" and ")
        ));
    }
    if !problems.is_empty() {
        fail(format!(
            "expected: one Set-Cookie per cookie clearing {} (empty value, Path=/, expiry in the past)\n  actual:   {}\n  Set-Cookie headers received: {}",
            names.join(" and "),
            problems.join("; "),
            received(&response)
        ));
    }
}

#[then(regex = r#"^each clearing header carries exactly "(.+)" and "(.+)"$"#)]
fn carries_exactly(world: &mut LogoutWorld, first: String, second: String) {
    let target = world.target();
    let response = world.response().clone();
    let wanted: Vec<(String, String)> = [first, second]
        .iter()
        .filter_map(|a| a.split_once('=').map(|(n, v)| (n.to_owned(), v.to_owned())))
        .collect();
    let mut problems = Vec::new();
    for name in target.profile.cookies.both() {
        let cookie = clearing_cookie(&response, name);
        let Some(cookie) = cookie else {
            problems.push(format!("no single Set-Cookie header for {name}"));
            continue;
        };
        for (attr, value) in &wanted {
            match cookie.attr(attr) {
                Some(v) if v == value => {}
                Some(v) => problems.push(format!("{name} has {attr}={v}")),
                None => problems.push(format!("{name} has no {attr}")),
            }
        }
    }
    if !problems.is_empty() {
        let expected: Vec<String> = wanted.iter().map(|(n, v)| format!("{n}={v}")).collect();
        mismatch(
            format!("both clearing headers carry {}", expected.join(" and ")),
            format!(
                "{}\n  Set-Cookie headers received: {}",
                problems.join("; "),
                received(&response)
            ),
        );
    }
}

#[then("each clearing cookie repeats the HttpOnly, SameSite and Secure attributes that login set")]
fn repeats_attributes(world: &mut LogoutWorld) {
    let target = world.target();
    let response = world.response().clone();
    let login: Vec<SetCookie> = world
        .session()
        .login_set_cookies
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .collect();
    let mut problems = Vec::new();
    for name in target.profile.cookies.both() {
        let Some(set) = login.iter().find(|c| c.name == name) else {
            continue;
        };
        let Some(cleared) = clearing_cookie(&response, name) else {
            problems.push(format!("no single Set-Cookie header clears {name}"));
            continue;
        };
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
    }
    if !problems.is_empty() {
        mismatch(
            "the clearing cookies repeat the login cookies' HttpOnly, SameSite and Secure",
            format!(
                "{}\n  Set-Cookie headers received: {}",
                problems.join("; "),
                received(&response)
            ),
        );
    }
}

/// The one `Set-Cookie` header of a cookie, if there is exactly one.
pub(crate) fn clearing_cookie(response: &ResponseRecord, name: &str) -> Option<SetCookie> {
    let mut all = response
        .set_cookies()
        .into_iter()
        .filter_map(|h| SetCookie::parse(&h))
        .filter(|c| c.name == name);
    match (all.next(), all.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

fn received(response: &ResponseRecord) -> String {
    let all: Vec<String> = response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(n, v)| crate::exchange::mask_header(n, v))
        .collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(" | ")
    }
}
