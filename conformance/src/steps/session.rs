//! Users, sessions and the liveness probe.

use cucumber::{given, then};

use crate::action;
use crate::profile::HttpRequest;
use crate::steps::mismatch;
use crate::verdict::could_not_run;
use crate::world::{Body, Cookies, LogoutWorld, Request, Session};

#[given("a user with a live session")]
async fn a_live_session(world: &mut LogoutWorld) {
    let session = open_session(world, None, Cookies::Jar).await;
    world.session = Some(session.unwrap_or_else(|e| could_not_run(e)));
}

#[given("the same user has a second live session")]
async fn a_second_session(world: &mut LogoutWorld) {
    let user = (
        world.session().email.clone(),
        world.session().password.clone(),
    );
    let second = open_session(world, Some(user), Cookies::None).await;
    world.second = Some(second.unwrap_or_else(|e| could_not_run(e)));
}

#[given("another user with a live session")]
async fn another_user(world: &mut LogoutWorld) {
    let other = open_session(world, None, Cookies::None).await;
    world.other = Some(other.unwrap_or_else(|e| could_not_run(e)));
}

#[given(regex = r"^(\d+) live sessions of one user$")]
async fn many_sessions(world: &mut LogoutWorld, count: usize) {
    let mut user = None;
    for _ in 0..count {
        let session = open_session(world, user.clone(), Cookies::None)
            .await
            .unwrap_or_else(|e| could_not_run(e));
        user = Some((session.email.clone(), session.password.clone()));
        world.sessions.push(session);
    }
}

#[given("an expired refresh token minted by the target")]
async fn an_expired_token(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(source) = target.profile.expired_session.clone() else {
        could_not_run("the profile declares no [expired_session]");
    };
    let output = action::run(&target, &source.source)
        .await
        .unwrap_or_else(|e| could_not_run(format!("minting an expired session: {e}")));
    let name = &target.profile.cookies.refresh;
    let from_cookie = output
        .set_cookies
        .iter()
        .filter_map(|h| crate::cookies::SetCookie::parse(h))
        .find(|c| &c.name == name && !c.value.is_empty())
        .map(|c| c.value);
    let token = match (from_cookie, output.status) {
        (Some(token), _) => token,
        (None, Some(_)) => serde_json::from_str::<serde_json::Value>(&output.output)
            .ok()
            .and_then(|json| json.pointer(&source.token_pointer).cloned())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| {
                could_not_run(format!(
                    "the expired-session answer has no {name} cookie and no string at {}",
                    source.token_pointer
                ))
            }),
        (None, None) => output.output.trim().to_owned(),
    };
    if token.is_empty() {
        could_not_run("the expired-session source gave an empty token");
    }
    world.expired_token = Some(token);
}

#[then(regex = r"^the probe (accepts|rejects) the (refresh|access) token$")]
async fn probe_finds(world: &mut LogoutWorld, verdict: String, which: String) {
    let token = session_token(world, &which);
    expect_probe(world, &which, &token, verdict == "accepts").await;
}

/// Before the request under test, the probe must see the session as it is: a probe that
/// rejects a token just issued cannot tell anything, so the check could not run.
#[given(regex = r"^the probe (accepts|rejects) the (refresh|access) token$")]
async fn probe_precondition(world: &mut LogoutWorld, verdict: String, which: String) {
    let token = session_token(world, &which);
    let live = verdict == "accepts";
    if probe(world, &which, &token).await != live {
        could_not_run(format!(
            "the liveness probe does not {} the {which} token the target has just issued; \
             check [probe] in the profile",
            if live { "accept" } else { "reject" }
        ));
    }
}

fn session_token(world: &LogoutWorld, which: &str) -> String {
    let session = world.session();
    let token = if which == "refresh" {
        Some(session.refresh.clone())
    } else {
        session.access.clone()
    };
    token.unwrap_or_else(|| could_not_run("login set no access token cookie to probe"))
}

#[then(regex = r"^the probe accepts the (second session's|other user's) refresh token$")]
async fn probe_second(world: &mut LogoutWorld, whose: String) {
    let session = if whose.starts_with("second") {
        world.second.clone()
    } else {
        world.other.clone()
    };
    let Some(session) = session else {
        could_not_run(format!("the scenario opened no {whose} session"));
    };
    expect_probe(world, "refresh", &session.refresh, true).await;
}

/// Probes a token and ends the step unless the probe says `live`.
pub(crate) async fn expect_probe(world: &mut LogoutWorld, which: &str, token: &str, live: bool) {
    let alive = probe(world, which, token).await;
    if alive != live {
        let word = |l: bool| {
            if l {
                "accepted (live)"
            } else {
                "rejected (gone)"
            }
        };
        mismatch(
            format!("the probe finds the {which} token {}", word(live)),
            format!("it is {}", word(alive)),
        );
    }
}

/// Whether the liveness probe accepts a token, sent as its cookie alone.
pub(crate) async fn probe(world: &mut LogoutWorld, which: &str, token: &str) -> bool {
    let target = world.target();
    let cookies = &target.profile.cookies;
    let name = if which == "refresh" {
        &cookies.refresh
    } else {
        &cookies.access
    };
    let probe = &target.profile.probe;
    let exchange = world
        .send(Request {
            label: format!("probe the {which} token"),
            method: probe.method.clone(),
            path: probe.path.clone(),
            cookies: Cookies::Header(format!("{name}={token}")),
            body: Body::none(),
            headers: Vec::new(),
        })
        .await;
    let status = match &exchange.response {
        Ok(r) => r.status,
        Err(e) => could_not_run(format!("the liveness probe got no answer: {e}")),
    };
    if probe.live_status.contains(&status) {
        true
    } else if probe.gone_status.contains(&status) {
        false
    } else {
        could_not_run(format!(
            "the liveness probe answered {status}, which is neither live {:?} nor gone {:?} \
             (set [probe] in the profile)",
            probe.live_status, probe.gone_status
        ))
    }
}

/// Creates a user (unless `user` names one) and logs in. With `Cookies::Jar` the
/// browser-like jar keeps the login cookies, as a browser would. The error says why no
/// session could be opened.
pub async fn open_session(
    world: &mut LogoutWorld,
    user: Option<(String, String)>,
    jar: Cookies,
) -> Result<Session, String> {
    let target = world.target();
    let profile = &target.profile;
    let (email, password) = match (user, profile.register.enabled) {
        (Some(user), _) => user,
        (None, false) => (
            profile.register.email.clone().unwrap_or_default(),
            profile.register.password.clone().unwrap_or_default(),
        ),
        (None, true) => {
            let id = target.next_id();
            let email = format!("conformance-{id}@example.test");
            let password = format!("pw-{}", super::unknown_token());
            let name = format!("Conformance {id}");
            let request = profile.register.request();
            let exchange = world
                .send(setup_request(
                    "register a user",
                    &request,
                    &name,
                    &email,
                    &password,
                ))
                .await;
            expect_setup(&exchange, &profile.register.expect_status, "create a user")?;
            (email, password)
        }
    };
    let request = profile.login.request();
    let mut login = setup_request("log in", &request, "", &email, &password);
    login.cookies = jar;
    let exchange = world.send(login).await;
    let response = expect_setup(&exchange, &profile.login.expect_status, "log in")?;
    let set_cookies = response.set_cookies();
    let value_of = |name: &str| {
        set_cookies
            .iter()
            .filter_map(|h| crate::cookies::SetCookie::parse(h))
            .find(|c| c.name == name && !c.value.is_empty())
            .map(|c| c.value)
    };
    let Some(refresh) = value_of(&profile.cookies.refresh) else {
        return Err(format!(
            "the login answer sets no {} cookie (set [cookies] in the profile)",
            profile.cookies.refresh
        ));
    };
    Ok(Session {
        email,
        password,
        access: value_of(&profile.cookies.access),
        refresh,
        login_url: target.url(&request.path),
        login_set_cookies: set_cookies,
    })
}

fn setup_request(
    label: &str,
    request: &HttpRequest,
    name: &str,
    email: &str,
    password: &str,
) -> Request {
    let body = request
        .body
        .as_ref()
        .map(|b| fill(b, name, email, password));
    Request {
        label: label.into(),
        method: request.method.to_ascii_uppercase(),
        path: request.path.clone(),
        cookies: Cookies::None,
        body: body.map_or_else(Body::none, |b| Body::json(&b.to_string())),
        headers: request.headers.clone().into_iter().collect(),
    }
}

fn fill(value: &serde_json::Value, name: &str, email: &str, password: &str) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(
            s.replace("{name}", name)
                .replace("{email}", email)
                .replace("{password}", password),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| fill(v, name, email, password))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, name, email, password)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn expect_setup<'a>(
    exchange: &'a crate::exchange::Exchange,
    expected: &[u16],
    what: &str,
) -> Result<&'a crate::exchange::ResponseRecord, String> {
    match &exchange.response {
        Ok(r) if expected.contains(&r.status) => Ok(r),
        Ok(r) => Err(format!(
            "cannot {what}: {} {} answered {} (expected {expected:?}): {}",
            exchange.request.method,
            exchange.request.url,
            r.status,
            crate::exchange::mask_body(&r.body)
        )),
        Err(e) => Err(format!(
            "cannot {what}: {} {} got no answer: {e}",
            exchange.request.method, exchange.request.url
        )),
    }
}
