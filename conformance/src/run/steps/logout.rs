//! The requests under test: logouts in every form the contract speaks of.

use cucumber::when;

use crate::http::endpoint::Endpoint;
use crate::run::request::{Body, Cookies, Expect, Instance, Request};
use crate::run::send::send_after_before;
use crate::run::steps::session::{
    companions, csrf_pairs, is_signature, refresh_name, session_cookies, unknown_token,
};
use crate::run::template;
use crate::run::world::LogoutWorld;
use crate::verdict::check::could_not_run;

/// The most logouts of one step in flight at once: LO-10 sends 16 "at the same moment";
/// a feature file asking for thousands gets them in batches of this size.
const MAX_IN_FLIGHT: usize = 64;

#[when("the client logs out with its session cookies")]
async fn with_session_cookies(world: &mut LogoutWorld) {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.label = "logout with the session cookies".into();
    world.send_under_test(request).await;
}

#[when(regex = r"^the client logs out with its session cookies and the body (.+)$")]
async fn with_body(world: &mut LogoutWorld, body: String) {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.body = if body == "(empty)" {
        Body::json("")
    } else {
        Body::json(&body)
    };
    world.send_under_test(request).await;
}

#[when(
    "the client logs out with its session cookies and a body naming the other user's refresh token"
)]
async fn with_body_naming_another_token(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(other) = world.other.clone() else {
        could_not_run("the scenario opened no session of another user");
    };
    let body = serde_json::json!({ refresh_name(world): other.refresh });
    let mut request = Request::logout(&target, Cookies::Jar);
    request.label = "logout whose body names another user's token".into();
    request.body = Body::json(&body.to_string());
    world.send_under_test(request).await;
}

#[when(regex = r#"^the client logs out with its session cookies and the Content-Type "(.+)"$"#)]
async fn with_content_type(world: &mut LogoutWorld, content_type: String) {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.body.content_type = Some(content_type);
    world.send_under_test(request).await;
}

#[when("the client logs out with its session cookies and no Content-Type")]
async fn without_content_type(world: &mut LogoutWorld) {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.body.content_type = None;
    world.send_under_test(request).await;
}

#[when(
    regex = r"^the client logs out presenting (an unknown|a garbage|an already-removed|the expired) refresh token$"
)]
async fn presenting(world: &mut LogoutWorld, kind: String) {
    let target = world.target();
    let token = match kind.as_str() {
        "an unknown" => unknown_token(),
        "a garbage" => "!!garbage.not-a-token!!".to_owned(),
        "an already-removed" => {
            let token = world.session().refresh.clone();
            let whole = Cookies::Header(session_cookies(world, world.session()));
            let mut first = Request::logout(&target, whole);
            first.label = "logout that removes the token".into();
            world.send(first).await;
            token
        }
        _ => match &world.expired_token {
            Some(t) => t.clone(),
            None => could_not_run("no expired token was minted"),
        },
    };
    let mut request =
        Request::logout(&target, refresh_cookie(world, &token)).expecting(Expect::InvalidToken);
    request.label = format!("logout presenting {kind} refresh token");
    world.send_under_test(request).await;
}

#[when(regex = r"^the other user logs out with the body (.+)$")]
async fn other_user_with_body(world: &mut LogoutWorld, body: String) {
    let Some(other) = world.other.clone() else {
        could_not_run("the scenario opened no session of another user");
    };
    let cookies = Cookies::Header(session_cookies(world, &other));
    let mut request = Request::logout(&world.target(), cookies);
    request.label = format!("logout of the other user with the body {body}");
    request.body = Body::json(&body);
    world.send_under_test(request).await;
}

/// LO-12: the refresh token is live, the access token beside it is not.
#[when(
    regex = r"^the client logs out presenting its refresh token and (a garbage|an already-revoked) access token$"
)]
async fn with_stale_access(world: &mut LogoutWorld, kind: String) {
    let target = world.target();
    let access = if kind == "a garbage" {
        "!!garbage.not-a-token!!".to_owned()
    } else {
        let revoked = world.control.as_ref().and_then(|c| c.access.clone());
        revoked.unwrap_or_else(|| {
            could_not_run(
                "no revoked access token: the scenario needs \"Given the target logs out \
                 another live session\" on a target whose login sets an access cookie",
            )
        })
    };
    let Some(access_name) = target.profile.access_cookie() else {
        could_not_run(
            "the profile's session has no access cookie beside the refresh cookie: \
             no stale access token can be presented",
        );
    };
    let mut pairs = vec![
        format!("{access_name}={access}"),
        format!("{}={}", refresh_name(world), world.session().refresh),
    ];
    pairs.extend(csrf_pairs(world));
    let cookie = pairs.join("; ");
    let mut request = Request::logout(&target, Cookies::Header(cookie));
    request.label = format!("logout with the live refresh token and {kind} access token");
    world.send_under_test(request).await;
}

/// LO-13: the live refresh token beside another value of the same cookie.
#[when(
    regex = r"^the client logs out presenting (an unknown refresh token, then its own|its own refresh token, then a garbage one)$"
)]
async fn beside_another_value(world: &mut LogoutWorld, order: String) {
    let live = world.session().refresh.clone();
    let values = if order.starts_with("an unknown") {
        [unknown_token(), live]
    } else {
        [live, "!!garbage.not-a-token!!".to_owned()]
    };
    let name = refresh_name(world);
    let cookie = with_csrf(world, format!("{name}={}; {name}={}", values[0], values[1]));
    let mut request = Request::logout(&world.target(), Cookies::Header(cookie));
    request.label = format!("logout presenting {order}");
    world.send_under_test(request).await;
}

/// LO-13: every session's refresh token in one header, a garbage value between each.
#[when("the client logs out presenting every session's refresh token, with garbage between")]
async fn many_values(world: &mut LogoutWorld) {
    if world.sessions.is_empty() {
        could_not_run("the scenario opened no sessions");
    }
    let name = refresh_name(world);
    let cookie = world
        .sessions
        .iter()
        .map(|s| format!("{name}={}; {name}=garbage", s.refresh))
        .collect::<Vec<_>>()
        .join("; ");
    // The sessions' other cookies: each CSRF (or other) cookie once, the first
    // session's value, as one browser holds it; but every session's signature cookie
    // (`name.sig`), since each token presented travels with its own signature.
    let mut pairs = vec![cookie];
    let target = world.target();
    for session in &world.sessions {
        for pair in companions(&target, session) {
            let name = pair.split('=').next().unwrap_or_default();
            if is_signature(&pair) || !pairs.iter().any(|p| p.starts_with(&format!("{name}="))) {
                pairs.push(pair);
            }
        }
    }
    let cookie = pairs.join("; ");
    let mut request = Request::logout(&target, Cookies::Header(cookie));
    request.label = format!(
        "logout presenting {} live refresh tokens with garbage between",
        world.sessions.len()
    );
    world.send_under_test(request).await;
}

#[when("the client logs out again presenting the same refresh token")]
async fn again(world: &mut LogoutWorld) {
    let token = world.session().refresh.clone();
    let mut request = Request::logout(&world.target(), refresh_cookie(world, &token))
        .expecting(Expect::InvalidToken);
    request.label = "second logout with the same token".into();
    world.send_under_test(request).await;
}

#[when("the client logs out without any Cookie header")]
async fn without_cookies(world: &mut LogoutWorld) {
    let mut request =
        Request::logout(&world.target(), Cookies::None).expecting(Expect::InvalidToken);
    request.label = "logout without a Cookie header".into();
    world.send_under_test(request).await;
}

/// LO-10 on one instance; LO-28 with every other logout sent to the second instance.
/// At most [`MAX_IN_FLIGHT`] at once; a scenario that saw the target stop answering sends
/// no further batch.
#[when(
    regex = r"^(\d+) clients log out at the same moment presenting the same refresh token(, half on each instance)?$"
)]
async fn concurrently(world: &mut LogoutWorld, count: usize, split: String) {
    let target = world.target();
    let client = world.plain_client();
    // The whole session, as a browser's tabs send it: a logout needing the access
    // cookie or a CSRF header must meet the race, not a missing cookie.
    let whole = Cookies::Header(session_cookies(world, world.session()));
    let request = Request::logout(&target, whole);
    world.expect = Expect::Either;
    let previous = world.session().login_body.clone();
    if !split.is_empty() && target.second.is_none() {
        could_not_run("no second instance of the target: give --also URL");
    }
    let all: Vec<(Request, Endpoint)> = (0..count)
        .map(|i| {
            let mut request = request.clone();
            let second = !split.is_empty() && i % 2 == 1;
            request.label = format!(
                "concurrent logout {}{}",
                i + 1,
                if second {
                    " on the second instance"
                } else {
                    ""
                }
            );
            let endpoint = match (second, &target.second) {
                (true, Some(second)) => second.clone(),
                _ => target.endpoint.clone(),
            };
            (request, endpoint)
        })
        .collect();
    for batch in all.chunks(MAX_IN_FLIGHT) {
        let exchanges = if world.unresponsive() {
            batch.iter().map(|(r, _)| vec![world.not_sent(r)]).collect()
        } else {
            // Each logout fetches its `before` answer first (a CSRF token), as each
            // tab of a browser would; only the logouts are the answers under test.
            let sends = batch
                .iter()
                .map(|(r, e)| send_after_before(&client, e, r, previous.as_ref()));
            futures::future::join_all(sends).await
        };
        for mut exchanges in exchanges {
            let Some(logout) = exchanges.pop() else {
                continue;
            };
            for before in &exchanges {
                target.secrets.learn_exchange(before, true);
                world.keep(before);
            }
            world.keep(&logout);
            world.answers.push(logout);
        }
    }
}

#[when(regex = r"^the client sends (GET|PUT|DELETE) to the logout path with its session cookies$")]
async fn other_method(world: &mut LogoutWorld, method: String) {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.label = format!("{method} on the logout path");
    request.method = method;
    world.send_under_test(request).await;
}

#[when(
    regex = r"^the client logs out with its session cookies from (the configured browser origin|an origin that is not allowed)$"
)]
async fn from_origin(world: &mut LogoutWorld, which: String) {
    let origin = origin(world, &which);
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.set_header("origin", origin);
    world.send_under_test(request).await;
}

#[when(
    regex = r"^(the configured browser origin|an origin that is not allowed) sends a preflight for the logout$"
)]
async fn preflight(world: &mut LogoutWorld, which: String) {
    let origin = origin(world, &which);
    let target = world.target();
    let mut request = Request {
        label: "CORS preflight".into(),
        instance: Instance::First,
        method: "OPTIONS".into(),
        path: target.profile.logout.path.clone(),
        cookies: Cookies::None,
        body: Body::none(),
        headers: vec![
            ("origin".into(), origin),
            (
                "access-control-request-method".into(),
                target.profile.logout.method.to_ascii_uppercase(),
            ),
            (
                "access-control-request-headers".into(),
                "content-type".into(),
            ),
        ],
        expect: Expect::Success,
        before: None,
        deferred: None,
    };
    template::add_defaults(&target, &mut request);
    world.send_under_test(request).await;
}

/// LO-32. Logouts that get no answer are recorded as such, never as latencies; once the
/// scenario has seen the target stop answering, the rest are not sent (the report
/// counts them).
#[when("each session logs out and as many unknown tokens log out, one after another")]
async fn timed(world: &mut LogoutWorld) {
    let target = world.target();
    let sessions = world.sessions.clone();
    if sessions.is_empty() {
        could_not_run("the scenario opened no sessions");
    }
    for session in sessions {
        if world.unresponsive() {
            break;
        }
        let live = Cookies::Header(session_cookies(world, &session));
        let mut request = Request::logout(&target, live);
        request.label = "timed logout, live token".into();
        world.send_under_test(request).await;
        let mut pairs = vec![format!("{}={}", refresh_name(world), unknown_token())];
        pairs.extend(companions(&target, &session));
        let unknown = Cookies::Header(pairs.join("; "));
        let mut request = Request::logout(&target, unknown).expecting(Expect::InvalidToken);
        request.label = "timed logout, unknown token".into();
        world.send_under_test(request).await;
    }
}

/// The refresh cookie alone, carrying `token`, beside the session's other cookies that
/// are no credentials (CSRF, signature cookies): the steps that use it say they present
/// one refresh token.
fn refresh_cookie(world: &LogoutWorld, token: &str) -> Cookies {
    let name = refresh_name(world);
    Cookies::Header(with_csrf(world, format!("{name}={token}")))
}

/// A `Cookie` header with the session's companion cookies appended.
fn with_csrf(world: &LogoutWorld, cookie: String) -> String {
    let mut pairs = vec![cookie];
    pairs.extend(csrf_pairs(world));
    pairs.join("; ")
}

fn origin(world: &LogoutWorld, which: &str) -> String {
    let target = world.target();
    let Some(cors) = &target.profile.cors else {
        could_not_run("the profile declares no [cors] origin");
    };
    if which.starts_with("the configured") {
        cors.origin.clone()
    } else {
        cors.disallowed_origin.clone()
    }
}
