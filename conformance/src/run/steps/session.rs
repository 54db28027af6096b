//! Users and sessions: registering, logging in, and the sessions a scenario starts from.

use std::hash::BuildHasher as _;

use cucumber::given;

use crate::http::cookies::cookie_value;
use crate::http::exchange::{Exchange, ResponseRecord, mask_body};
use crate::plan::profile::values::{Context, User};
use crate::plan::profile::{Role, SendAs};
use crate::run::request::{Cookies, Request};
use crate::run::send::no_answer;
use crate::run::steps::answer::{DOCUMENTED_ANSWER, accepted, answer_problem};
pub(crate) use crate::run::steps::session_cookies::{
    companions, csrf_pairs, is_signature, kept_cookies, refresh_name, session_cookies,
};
use crate::run::steps::setup::Setup;
use crate::run::template;
use crate::run::world::{LogoutWorld, Session};
use crate::under_test::Target;
use crate::under_test::action;
use crate::verdict::check::could_not_run;

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
    documented_logout_works(world).await;
}

/// The control of [`control_logout`]: a fresh session logged out with the documented
/// request, or the step ends blocked by LO-01.
pub(crate) async fn documented_logout_works(world: &mut LogoutWorld) {
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
    let success = &target.profile.logout.success;
    world.precondition(
        DOCUMENTED_ANSWER,
        answer.clone().and_then(|r| accepted(success, &r)),
    );
    if let Ok(answer) = answer {
        world.corroborate(DOCUMENTED_ANSWER, answer_problem(success, &answer));
    }
    world.control = Some(session);
}

#[given("an expired refresh token minted by the target")]
async fn an_expired_token(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(source) = target.profile.expired_session.clone() else {
        could_not_run("the profile declares no [expired_session]");
    };
    let label = "expired session (capability action)";
    let (result, exchange) = action::run_recorded(&target.endpoint, &source.source, label).await;
    target.secrets.learn_exchange(&exchange, true);
    world.keep(&exchange);
    let output =
        result.unwrap_or_else(|e| could_not_run(format!("minting an expired session: {e}")));
    for set_cookie in &output.set_cookies {
        let set_cookie = String::from_utf8_lossy(set_cookie);
        if let Some((_, value)) = set_cookie.split(';').next().and_then(|p| p.split_once('=')) {
            target.secrets.learn(value);
        }
    }
    let name = &refresh_name(world);
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

/// Creates a user (unless `user` names one) and logs in, as the profile's `[register]`
/// and `[login]` say. With `Cookies::Jar` the browser-like jar keeps the login cookies,
/// as a browser would. The error says why no session could be opened.
pub async fn open_session(
    world: &mut LogoutWorld,
    user: Option<(String, String)>,
    jar: Cookies,
) -> Result<Session, String> {
    let target = world.target();
    let profile = &target.profile;
    let origin = template::origin(&target);
    let in_jar = matches!(jar, Cookies::Jar);
    let mut setup = Setup::new(&target);
    let values = match (user, profile.register.enabled) {
        (Some((email, password)), _) => User {
            email,
            password,
            name: String::new(),
        },
        (None, false) => User {
            email: profile.register.email.clone().unwrap_or_default(),
            password: profile.register.password.clone().unwrap_or_default(),
            name: String::new(),
        },
        (None, true) => {
            let values = profile.values.user(&target.next_id());
            learn_password(&target, &values.password);
            let mut ctx = Context {
                user: Some(&values),
                run: target.run_id(),
                origin: &origin,
                ..Context::default()
            };
            if let Some(before) = &profile.register.before {
                setup
                    .send_before(world, &target, "register", before, &ctx)
                    .await?;
                ctx.cookies = setup.cookies.clone();
                ctx.previous = setup.previous.as_ref();
            }
            let mut request = template::build(
                &target,
                "register a user",
                &profile.register.request(),
                &ctx,
            )
            .map_err(|e| format!("cannot create a user: [register] {e}"))?;
            setup.carry(&mut request);
            let exchange = world.send_setup(request).await;
            let answer = expect_setup(&exchange, &profile.register.expect_status, "create a user")?;
            setup.previous = answer.json();
            setup.learn_cookies(answer.set_cookie_pairs());
            values
        }
    };
    learn_password(&target, &values.password);
    if let Some(before) = &profile.login.before {
        let previous = setup.previous.clone();
        let ctx = Context {
            user: Some(&values),
            run: target.run_id(),
            origin: &origin,
            cookies: setup.cookies.clone(),
            previous: previous.as_ref(),
            ..Context::default()
        };
        setup
            .send_before(world, &target, "login", before, &ctx)
            .await?;
    }
    let ctx = Context {
        user: Some(&values),
        run: target.run_id(),
        origin: &origin,
        cookies: setup.cookies.clone(),
        previous: setup.previous.as_ref(),
        ..Context::default()
    };
    let template = profile.login.request();
    let mut login = template::build(&target, "log in", &template, &ctx)
        .map_err(|e| format!("cannot log in: [login] {e}"))?;
    setup.carry(&mut login);
    if in_jar {
        setup.seed_jar(world, &target.endpoint.url(&template.path));
        login.cookies = jar;
    }
    let exchange = world.send_setup(login).await;
    let response = expect_setup(&exchange, &profile.login.expect_status, "log in")?;
    let session = session_from_login(&target, values, response, &template.path)?;
    if in_jar {
        // Tokens from the login body that the client sends as cookies: a browser's
        // script would set them; the server set the others itself.
        let set: Vec<String> = response.set_cookies();
        for (name, value) in &session.cookies {
            if !set
                .iter()
                .any(|h| h.trim_start().starts_with(&format!("{name}=")))
            {
                world.add_to_jar(name, value, &session.login_url);
            }
        }
    }
    Ok(session)
}

/// The session a login answer carries, as the profile's `[session]` says: every role
/// cookie it sets; the refresh (or session) credential is required.
pub(crate) fn session_from_login(
    target: &Target,
    values: User,
    response: &ResponseRecord,
    login_path: &str,
) -> Result<Session, String> {
    let profile = &target.profile;
    let set_cookies = response.set_cookies();
    let bytes = response.set_cookie_bytes();
    let mut cookies = Vec::new();
    for c in &profile.session.cookies {
        let value = cookie_value(&bytes, &c.name)
            .map_err(|e| format!("cannot use the login answer: {e}"))?;
        if let Some(value) = value {
            cookies.push((c.name.clone(), value));
        }
    }
    // Every other cookie login set and a browser keeps (a signature cookie
    // `name.sig`, a CSRF cookie the profile does not name, a session-cache cookie):
    // it goes back with every request of the session, as a browser sends it.
    for (name, value) in kept_cookies(&set_cookies) {
        if !cookies.iter().any(|(n, _)| *n == name) {
            cookies.push((name, value));
        }
    }
    let login_body = response.json();
    let mut roles: Vec<(Role, String)> = profile
        .session
        .cookies
        .iter()
        .map(|c| (c.role, c.name.clone()))
        .collect();
    for token in &profile.session.tokens {
        let SendAs::Cookie(name) = &token.send_as else {
            continue;
        };
        let value = login_body
            .as_ref()
            .and_then(|b| b.pointer(&token.pointer))
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                format!(
                    "the login answer has no string at {} for the {} token (set [session] \
                     tokens)",
                    token.pointer,
                    token.role.name()
                )
            })?;
        target.secrets.learn(value);
        cookies.push((name.clone(), value.to_owned()));
        roles.push((token.role, name.clone()));
    }
    let by_role = |wanted: &[Role]| {
        roles
            .iter()
            .filter(|(r, _)| wanted.contains(r))
            .find_map(|(_, name)| cookies.iter().find(|(n, _)| n == name))
            .map(|(_, v)| v.clone())
    };
    let Some(refresh) = by_role(&[Role::Refresh, Role::Session]) else {
        let name = profile.refresh_cookie().unwrap_or("refresh");
        return Err(format!(
            "the login answer sets no {name} cookie (set [session] cookies in the profile; \
             it set: {})",
            set_cookie_names(&set_cookies)
        ));
    };
    Ok(Session {
        email: values.email,
        password: values.password,
        access: by_role(&[Role::Access, Role::Session]),
        refresh,
        cookies,
        login_body,
        login_url: target.endpoint.url(login_path),
        login_set_cookies: set_cookies,
    })
}

/// A password is masked in every output, also as a form field writes it.
pub(crate) fn learn_password(target: &Target, password: &str) {
    target.secrets.learn(password);
    target.secrets.learn(&template::form_encode(password));
}

/// The names of the cookies set, or `none`.
pub(crate) fn set_cookie_names(set_cookies: &[String]) -> String {
    let names: Vec<&str> = set_cookies
        .iter()
        .filter_map(|h| h.split('=').next())
        .map(str::trim)
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
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
