//! Users and sessions: registering, logging in, and the sessions a scenario starts from.

use std::hash::BuildHasher as _;

use cucumber::given;

use crate::http::cookies::cookie_value;
use crate::http::exchange::{Exchange, ResponseRecord, mask_body};
use crate::plan::profile::HttpRequest;
use crate::run::check::could_not_run;
use crate::run::request::{Body, Cookies, Instance, Request, no_answer};
use crate::run::steps::response::{DOCUMENTED_ANSWER, accepted, success_problem};
use crate::run::world::{LogoutWorld, Session};
use crate::under_test::action;

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

/// A control: the target logs out a fresh session of its own. A target that refuses
/// every logout (a CSRF check, a misrouted path) blocks the scenario's clause instead of
/// failing it, and the refusal is evidence for LO-01. The control session's access token
/// is then one the target has revoked (LO-12).
#[given("the target logs out another live session, or the clause is blocked")]
async fn control_logout(world: &mut LogoutWorld) {
    let session = open_session(world, None, Cookies::None)
        .await
        .unwrap_or_else(|e| could_not_run(e));
    let target = world.target();
    let mut request = Request::logout(&target, Cookies::Header(session_cookies(world, &session)));
    request.label = "control: logout of another live session".into();
    let exchange = world.send(request).await;
    let answer = exchange
        .response
        .clone()
        .map_err(|e| no_answer(&exchange.label, &e));
    world.precondition(DOCUMENTED_ANSWER, answer.clone().and_then(|r| accepted(&r)));
    if let Ok(answer) = answer {
        world.corroborate(DOCUMENTED_ANSWER, success_problem(&answer));
    }
    world.control = Some(session);
}

/// Both cookies of a session as one `Cookie` header, as a browser sends them.
pub(crate) fn session_cookies(world: &LogoutWorld, session: &Session) -> String {
    let target = world.target();
    let names = &target.profile.cookies;
    let mut pairs = vec![format!("{}={}", names.refresh, session.refresh)];
    if let Some(access) = &session.access {
        pairs.insert(0, format!("{}={access}", names.access));
    }
    pairs.join("; ")
}

#[given("an expired refresh token minted by the target")]
async fn an_expired_token(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(source) = target.profile.expired_session.clone() else {
        could_not_run("the profile declares no [expired_session]");
    };
    let output = action::run(&target.endpoint, &source.source)
        .await
        .unwrap_or_else(|e| could_not_run(format!("minting an expired session: {e}")));
    for set_cookie in &output.set_cookies {
        let set_cookie = String::from_utf8_lossy(set_cookie);
        if let Some((_, value)) = set_cookie.split(';').next().and_then(|p| p.split_once('=')) {
            target.secrets.learn(value);
        }
    }
    let name = &target.profile.cookies.refresh;
    let headers: Vec<&[u8]> = output.set_cookies.iter().map(Vec::as_slice).collect();
    let from_cookie = cookie_value(&headers, name)
        .unwrap_or_else(|e| could_not_run(format!("the expired-session answer: {e}")));
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
    target.secrets.learn(&token);
    world.expired_token = Some(token);
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
            let password = format!("pw-{}", unknown_token());
            let name = format!("Conformance {id}");
            let request = profile.register.request();
            target.secrets.learn(&password);
            let exchange = world
                .send_setup(setup_request(
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
    target.secrets.learn(&password);
    let exchange = world.send_setup(login).await;
    let response = expect_setup(&exchange, &profile.login.expect_status, "log in")?;
    let set_cookies = response.set_cookies();
    let value_of = |name: &str| {
        cookie_value(&response.set_cookie_bytes(), name)
            .map_err(|e| format!("cannot use the login answer: {e}"))
    };
    let Some(refresh) = value_of(&profile.cookies.refresh)? else {
        return Err(format!(
            "the login answer sets no {} cookie (set [cookies] in the profile)",
            profile.cookies.refresh
        ));
    };
    Ok(Session {
        email,
        password,
        access: value_of(&profile.cookies.access)?,
        refresh,
        login_url: target.endpoint.url(&request.path),
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
        instance: Instance::First,
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
    exchange: &'a Exchange,
    expected: &[u16],
    what: &str,
) -> Result<&'a ResponseRecord, String> {
    match &exchange.response {
        Ok(r) if expected.contains(&r.status) => Ok(r),
        Ok(r) => Err(format!(
            "cannot {what}: {} {} answered {} (expected {expected:?}): {}",
            exchange.request.method,
            exchange.request.url,
            r.status,
            mask_body(&r.body)
        )),
        Err(e) => Err(format!(
            "cannot {what}: {} {}: {e}",
            exchange.request.method, exchange.request.url
        )),
    }
}

/// A well-formed token the target never issued: 43 URL-safe characters, the length of a
/// 256-bit token.
pub(super) fn unknown_token() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let mut token = String::new();
    let mut n = 0u64;
    while token.len() < 43 {
        token.push_str(&format!("{:016x}", state.hash_one(n)));
        n += 1;
    }
    token.truncate(43);
    token
}
