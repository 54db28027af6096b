//! LO-25's `OPTIONS` rows: an `OPTIONS` on the logout path carrying the session cookies,
//! plain or as a CORS preflight, must never log out, whatever it answers. A filter that
//! logs out on any method turns every preflight a browser sends before a cross-origin
//! logout — or any `OPTIONS` a crawler or proxy sends — into the logout itself
//! (spring-security PR #3945). What the answer says is left open (LO-26 judges the
//! preflight's CORS headers); the probe afterwards is the check.

use cucumber::when;

use crate::run::request::{Body, Cookies, Request};
use crate::run::world::LogoutWorld;

/// The origin a preflight comes from when the profile declares no `[cors]` origin: any
/// origin will do, since whether it is allowed changes nothing about logging out.
const ANY_ORIGIN: &str = "http://conformance.example";

#[when("the client sends OPTIONS to the logout path with its session cookies")]
async fn options(world: &mut LogoutWorld) {
    let request = options_request(world, "OPTIONS on the logout path with the session cookies");
    world.send_under_test(request).await;
}

#[when(
    "the client sends a CORS preflight from the configured origin to the logout path with its session cookies"
)]
async fn preflight_with_cookies(world: &mut LogoutWorld) {
    let target = world.target();
    let origin = target
        .profile
        .cors
        .as_ref()
        .map_or_else(|| ANY_ORIGIN.to_owned(), |cors| cors.origin.clone());
    let mut request = options_request(world, "CORS preflight with the session cookies");
    request.set_header("origin", origin);
    request.set_header(
        "access-control-request-method",
        target.profile.logout.method.to_ascii_uppercase(),
    );
    request.set_header("access-control-request-headers", "content-type".into());
    world.send_under_test(request).await;
}

/// The declared logout (its cookies and headers, as a browser's jar and script would
/// send them) as an `OPTIONS` without a body.
fn options_request(world: &LogoutWorld, label: &str) -> Request {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.label = label.into();
    request.method = "OPTIONS".into();
    request.body = Body::none();
    // A preflight fetches no CSRF token first.
    request.before = None;
    request
}
