//! LO-29: the cookies a login sets beside the two tokens — a CSRF double-submit cookie, a
//! session-cache cookie, the chunks `name.0`, `name.1` of a cookie too big for one — are
//! cleared by the logout as the tokens are (flask-jwt-extended#34 left the CSRF cookies
//! behind; chunked session cookies in Auth.js). Judged as LO-02 is, by applying the login's
//! and the logout's `Set-Cookie` headers to a browser's jar.

use cucumber::then;

use crate::http::cookies::{Expiry, SetCookie, survivors_in_jar};
use crate::plan::clause_id::ClauseId;
use crate::run::steps::answer::accepted;
use crate::run::steps::cookies::received;
use crate::run::steps::live_cookies::gives_live_value;
use crate::run::world::LogoutWorld;
use crate::verdict::check::Problem;

#[then("every other cookie the login set is cleared")]
fn companions_cleared(world: &mut LogoutWorld) {
    let target = world.target();
    let answer = match world.answer() {
        Ok(answer) => answer,
        Err(problem) => world.fail_own(problem),
    };
    let tokens = target.profile.cleared_cookies();
    let outliving = target.profile.outliving_cookies();
    // A cookie the logout answer sets again to a live value is kept on purpose: a load
    // balancer's stickiness cookie re-set on every answer, a fresh CSRF token for the
    // signed-out page. Left behind is one the answer does not clear.
    let reissued: Vec<String> = answer
        .set_cookies()
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .filter(gives_live_value)
        .map(|c| c.name)
        .collect();
    let session = world.session();
    let mut companions: Vec<String> = session
        .login_set_cookies
        .iter()
        .filter_map(|h| SetCookie::parse(h))
        .filter(|c| !c.value.is_empty() && c.expiry() != Expiry::Past)
        .map(|c| c.name)
        .filter(|name| !tokens.contains(&name.as_str()) && !outliving.contains(name))
        .filter(|name| !reissued.contains(name))
        .collect();
    companions.sort_unstable();
    companions.dedup();
    let companions: Vec<&str> = companions.iter().map(String::as_str).collect();
    if companions.is_empty() {
        // The login set nothing beside the tokens: there is nothing to leave behind,
        // whatever the logout answered.
        return;
    }
    // Only now does the logout's success matter: a refused logout leaves its companions
    // for LO-01's reason, and the clause is not judged.
    let success = &target.profile.logout.success;
    world.precondition(ClauseId::LO_01, accepted(success, &answer));
    let session = world.session();
    let logout_url = target.endpoint.url(&target.profile.logout.path);
    let left = survivors_in_jar(
        &session.login_url,
        &session.login_set_cookies,
        &logout_url,
        &answer.set_cookies(),
        &companions,
    );
    if left.is_empty() {
        return;
    }
    world.fail_own(Problem::new(
        format!(
            "a browser keeps the companion cookie{} {}",
            plural(&left),
            left.join(" and ")
        ),
        format!(
            "a browser holding the login's cookies holds none of {} after the logout \
             (a cookie meant to outlive the session is declared in the profile's \
             [session] outlives)",
            companions.join(", ")
        ),
        format!(
            "it still holds {}\n  Set-Cookie headers received: {}",
            left.join(" and "),
            received(&answer)
        ),
    ));
}

fn plural(items: &[String]) -> &'static str {
    if items.len() == 1 { "" } else { "s" }
}
