//! The steps of `check-profile`, in order: register, log in, probe, log out, probe.

use std::sync::Arc;

use crate::check_profile::hints;
use crate::check_profile::{Outcome, Step};
use crate::http::exchange::ResponseRecord;
use crate::plan::profile::values::{Context, User};
use crate::plan::profile::{Before, Liveness, RequestTemplate};
use crate::run::request::{Cookies, Request};
use crate::run::steps::answer::answer_problem;
use crate::run::steps::probe::probe_request;
use crate::run::steps::session::{companions, learn_password, session_cookies, session_from_login};
use crate::run::steps::setup::Setup;
use crate::run::template;
use crate::run::world::{LogoutWorld, Session};
use crate::under_test::Target;

pub(super) async fn steps(target: &Arc<Target>, world: &mut LogoutWorld, steps: &mut Vec<Step>) {
    let Some(session) = log_in(target, world, steps).await else {
        not_run(
            steps,
            &["probe the session", "log out", "probe after the logout"],
        );
        return;
    };
    let probes: Vec<&str> = ["refresh", "access"]
        .into_iter()
        .filter(|w| {
            let p = &target.profile.probes;
            if *w == "refresh" {
                p.refresh.is_some()
            } else {
                p.access.is_some() && target.profile.session.has_separate_access()
            }
        })
        .collect();
    for which in &probes {
        probe(world, steps, &session, which, true).await;
    }
    let mut request = Request::logout(target, Cookies::Header(session_cookies(world, &session)));
    request.label = "logout with the session cookies".into();
    let mark = world.transcript.len();
    let exchange = world.send(request).await;
    let (title, success) = ("log out".to_owned(), &target.profile.logout.success);
    let outcome = match &exchange.response {
        Err(e) => Outcome::Problem {
            what: format!("no answer: {e}"),
            hint: "is the target running, and is [logout] path right?".into(),
        },
        Ok(r) => match answer_problem(success, r) {
            Ok(()) => Outcome::Ok(format!("{} (the success answer)", r.status)),
            Err(p) => Outcome::Problem {
                what: format!("expected {}, got {}", p.expected, p.actual),
                hint: hints::logout(r),
            },
        },
    };
    steps.push(step(world, mark, title, outcome));
    for which in &probes {
        probe(world, steps, &session, which, false).await;
    }
}

/// Register (if the profile does) and log in; the session, or `None` after a problem.
async fn log_in(
    target: &Arc<Target>,
    world: &mut LogoutWorld,
    steps: &mut Vec<Step>,
) -> Option<Session> {
    let profile = &target.profile;
    let mut gathered = Setup::new(target);
    let user = if profile.register.enabled {
        let user = profile.values.user(&target.next_id());
        learn_password(target, &user.password);
        let exchange = Exchange {
            title: "register a user",
            table: "register",
            template: profile.register.request(),
            before: profile.register.before.as_ref(),
            expected: &profile.register.expect_status,
        };
        setup(world, steps, &exchange, &user, &mut gathered).await?;
        user
    } else {
        User {
            email: profile.register.email.clone().unwrap_or_default(),
            password: profile.register.password.clone().unwrap_or_default(),
            name: String::new(),
        }
    };
    learn_password(target, &user.password);
    let template = profile.login.request();
    let exchange = Exchange {
        title: "log in",
        table: "login",
        template: template.clone(),
        before: profile.login.before.as_ref(),
        expected: &profile.login.expect_status,
    };
    let answer = setup(world, steps, &exchange, &user, &mut gathered).await?;
    match session_from_login(target, user, &answer, &template.path) {
        Ok(session) => {
            let held: Vec<&str> = session.cookies.iter().map(|(n, _)| n.as_str()).collect();
            if let Some(last) = steps.last_mut() {
                last.outcome = Outcome::Ok(format!(
                    "{} with the session cookies {}",
                    answer.status,
                    held.join(", ")
                ));
            }
            Some(session)
        }
        Err(what) => {
            if let Some(last) = steps.last_mut() {
                let expected = profile.refresh_cookie().unwrap_or("refresh");
                last.outcome = Outcome::Problem {
                    what,
                    hint: hints::cookies(expected, &answer.set_cookies()),
                };
            }
            None
        }
    }
}

/// A setup exchange of the profile: its step title, its table, its request, the
/// request sent before it and the statuses that mean success.
struct Exchange<'a> {
    title: &'a str,
    table: &'a str,
    template: RequestTemplate,
    before: Option<&'a Before>,
    expected: &'a [u16],
}

/// One setup exchange, after its `before` request (both in one step): its answer when
/// the status is expected; `gathered` takes in the cookies and JSON of each answer.
async fn setup(
    world: &mut LogoutWorld,
    steps: &mut Vec<Step>,
    exchange: &Exchange<'_>,
    user: &User,
    gathered: &mut Setup,
) -> Option<ResponseRecord> {
    let Exchange {
        title,
        table,
        template,
        before,
        expected,
    } = exchange;
    let target = world.target();
    let origin = template::origin(&target);
    let mark = world.transcript.len();
    if let Some(before) = before {
        let previous = gathered.previous.clone();
        let ctx = Context {
            user: Some(user),
            run: target.run_id(),
            origin: &origin,
            cookies: gathered.cookies.clone(),
            previous: previous.as_ref(),
            ..Context::default()
        };
        if let Err(what) = gathered
            .send_before(world, &target, table, before, &ctx)
            .await
        {
            let hint = format!("is the target running, and is [{table}] before's path right?");
            steps.push(step(
                world,
                mark,
                (*title).into(),
                Outcome::Problem { what, hint },
            ));
            return None;
        }
    }
    let previous = gathered.previous.clone();
    let ctx = Context {
        user: Some(user),
        run: target.run_id(),
        origin: &origin,
        cookies: gathered.cookies.clone(),
        previous: previous.as_ref(),
        ..Context::default()
    };
    let mut request = match template::build(&target, title, template, &ctx) {
        Ok(r) => r,
        Err(e) => {
            let hint = if before.is_none() && e.contains("{cookie:") {
                format!(
                    "check the placeholders of [{table}]; a cookie a page sets before the \
                     form is posted needs `before = {{ path = \"/that/page\" }}`"
                )
            } else {
                format!("check the placeholders of [{table}]")
            };
            steps.push(step(
                world,
                mark,
                (*title).into(),
                Outcome::Problem {
                    what: format!("cannot build the request: {e}"),
                    hint,
                },
            ));
            return None;
        }
    };
    gathered.carry(&mut request);
    let exchange = world.send_setup(request).await;
    let (outcome, answer) = match &exchange.response {
        Err(e) => (
            Outcome::Problem {
                what: format!("no answer: {e}"),
                hint: format!("is the target running at {}?", target.endpoint.base()),
            },
            None,
        ),
        Ok(r) if expected.contains(&r.status) => {
            gathered.previous = r.json();
            gathered.learn_cookies(r.set_cookie_pairs());
            (Outcome::Ok(r.status.to_string()), Some(r.clone()))
        }
        Ok(r) => (
            Outcome::Problem {
                what: format!("answered {} (expected {expected:?})", r.status),
                hint: hints::setup(table, template, r),
            },
            None,
        ),
    };
    steps.push(step(world, mark, (*title).into(), outcome));
    answer
}

/// Probes a session token; `live` is what it must find.
async fn probe(
    world: &mut LogoutWorld,
    steps: &mut Vec<Step>,
    session: &Session,
    which: &str,
    live: bool,
) {
    let target = world.target();
    let title = format!(
        "probe the {which} token {}",
        if live {
            "(live expected)"
        } else {
            "after the logout (dead expected)"
        }
    );
    let mark = world.transcript.len();
    let token = if which == "refresh" {
        Some(session.refresh.clone())
    } else {
        session.access.clone()
    };
    let Some(token) = token else {
        steps.push(step(
            world,
            mark,
            title,
            Outcome::NotRun(format!("login set no {which} token")),
        ));
        return;
    };
    let companions = companions(&target, session);
    let (request, spec) = match probe_request(&target, which, &token, &companions) {
        Ok(r) => r,
        Err(e) => {
            steps.push(step(world, mark, title, Outcome::NotRun(e)));
            return;
        }
    };
    let exchange = world.send(request).await;
    let outcome = match &exchange.response {
        Err(e) => Outcome::Problem {
            what: format!("no answer: {e}"),
            hint: format!("check [probes.{which}] path"),
        },
        Ok(r) => {
            let found = match spec.judge(r.status, &r.body) {
                Liveness::Live => Some(true),
                Liveness::Dead => Some(false),
                Liveness::Unknown => None,
            };
            if found == Some(live) {
                Outcome::Ok(format!(
                    "{} ({})",
                    r.status,
                    if live { "live" } else { "dead" }
                ))
            } else {
                Outcome::Problem {
                    what: format!(
                        "{} means {}",
                        r.status,
                        match found {
                            Some(true) => "live",
                            Some(false) => "dead",
                            None => "neither live nor dead",
                        }
                    ),
                    hint: hints::probe(which, r.status, live, found),
                }
            }
        }
    };
    steps.push(step(world, mark, title, outcome));
}

fn step(world: &LogoutWorld, mark: usize, title: String, outcome: Outcome) -> Step {
    let transcript = world.transcript[mark.min(world.transcript.len())..]
        .iter()
        .map(|e| e.to_string())
        .collect();
    Step {
        title,
        outcome,
        transcript,
    }
}

fn not_run(steps: &mut Vec<Step>, titles: &[&str]) {
    for title in titles {
        steps.push(Step {
            title: (*title).into(),
            outcome: Outcome::NotRun("no session was opened".into()),
            transcript: String::new(),
        });
    }
}
