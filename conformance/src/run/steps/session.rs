//! Users, sessions and the liveness probe.

use cucumber::{given, then};

use crate::plan::profile::HttpRequest;
use crate::run::check::{Problem, could_not_run};
use crate::run::steps::response::{DOCUMENTED_ANSWER, accepted, success_problem};
use crate::run::world::{Body, Cookies, LogoutWorld, Request, Session};
use crate::target::action;

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
        .map_err(|e| crate::run::world::no_answer(&exchange.label, &e));
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
    let output = action::run(&target, &source.source)
        .await
        .unwrap_or_else(|e| could_not_run(format!("minting an expired session: {e}")));
    for set_cookie in &output.set_cookies {
        if let Some((_, value)) = set_cookie.split(';').next().and_then(|p| p.split_once('=')) {
            target.secrets.learn(value);
        }
    }
    let name = &target.profile.cookies.refresh;
    let from_cookie = output
        .set_cookies
        .iter()
        .filter_map(|h| crate::http::cookies::SetCookie::parse(h))
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
    target.secrets.learn(&token);
    world.expired_token = Some(token);
}

/// After the request under test. "Rejects" is the revocation check of LO-04 (refresh)
/// or LO-27 (access), wherever it is made; "accepts" is the scenario's own.
#[then(regex = r"^the probe (accepts|rejects) the (refresh|access) token$")]
async fn probe_finds(world: &mut LogoutWorld, verdict: String, which: String) {
    let token = session_token(world, &which);
    let live = verdict == "accepts";
    let outcome = expect_probe(world, &which, &token, live).await;
    let home = match (live, which.as_str()) {
        (true, _) => world.clause(),
        (false, "refresh") => "LO-04".to_owned(),
        (false, _) => "LO-27".to_owned(),
    };
    world.check(&home, outcome);
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
    let (session, home) = if whose.starts_with("second") {
        (world.second.clone(), "LO-20")
    } else {
        (world.other.clone(), "LO-08")
    };
    let Some(session) = session else {
        could_not_run(format!("the scenario opened no {whose} session"));
    };
    let outcome = expect_probe(world, "refresh", &session.refresh, true).await;
    world.check(home, outcome);
}

/// LO-13: every live refresh token the logout presented is gone, whatever else the
/// header carried beside it.
#[then("the probe rejects every live refresh token presented")]
async fn probe_rejects_all(world: &mut LogoutWorld) {
    let mut tokens: Vec<String> = world.sessions.iter().map(|s| s.refresh.clone()).collect();
    if let Some(session) = &world.session {
        tokens.push(session.refresh.clone());
    }
    if tokens.is_empty() {
        could_not_run("the scenario opened no session");
    }
    let mut live = 0;
    for token in &tokens {
        if probe(world, "refresh", token).await {
            live += 1;
        }
    }
    if live > 0 {
        world.check(
            "LO-13",
            Err(Problem::new(
                "a presented live refresh token survives",
                format!(
                    "all {} live refresh tokens presented are gone",
                    tokens.len()
                ),
                format!(
                    "{live} of them still live (answer: {})",
                    world
                        .answer()
                        .map_or_else(|p| p.actual, |r| format!("status {}", r.status))
                ),
            )),
        );
    }
}

/// Probes a token: the problem when the probe does not say `live`.
pub(crate) async fn expect_probe(
    world: &mut LogoutWorld,
    which: &str,
    token: &str,
    live: bool,
) -> Result<(), Problem> {
    let alive = probe(world, which, token).await;
    if alive == live {
        return Ok(());
    }
    let word = |l: bool| {
        if l {
            "accepted (live)"
        } else {
            "rejected (gone)"
        }
    };
    Err(Problem::new(
        format!(
            "the {which} token is {}",
            if alive { "still live" } else { "gone" }
        ),
        format!("the probe finds the {which} token {}", word(live)),
        format!("it is {}", word(alive)),
    ))
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
        set_cookies
            .iter()
            .filter_map(|h| crate::http::cookies::SetCookie::parse(h))
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
    exchange: &'a crate::http::exchange::Exchange,
    expected: &[u16],
    what: &str,
) -> Result<&'a crate::http::exchange::ResponseRecord, String> {
    match &exchange.response {
        Ok(r) if expected.contains(&r.status) => Ok(r),
        Ok(r) => Err(format!(
            "cannot {what}: {} {} answered {} (expected {expected:?}): {}",
            exchange.request.method,
            exchange.request.url,
            r.status,
            crate::http::exchange::mask_body(&r.body)
        )),
        Err(e) => Err(format!(
            "cannot {what}: {} {} got no answer: {e}",
            exchange.request.method, exchange.request.url
        )),
    }
}
