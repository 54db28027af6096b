//! The example stacks of `profiles/`, each started by its own `start.sh PORT` and judged
//! by the suite with its own `profile.toml`: the verdict table must hold clause by clause.
//! Each expected status carries the stack's behaviour that causes it.
//!
//! The stacks install from PyPI into their folders (`.ci/run` installs them first). Under
//! `CI=true` a stack that cannot be installed or started fails its test; elsewhere a
//! missing python3 or an unreachable registry skips it with the reason printed.

use std::sync::Arc;

use conformance_tests::harness::{REQUEST_TIMEOUT, suite, with_browser};
use conformance_tests::stack::{Stack, StackError};
use logout_conformance::ClauseStatus::{self, Failed, Info, NotRun, Passed, Warned};
use logout_conformance::plan::contract::ContractKind;
use logout_conformance::{Profile, RunOptions, RunReport, Target, Verdict};

/// One stack at a time: each is a real server with its workers, on 2 cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

/// Installs and starts `name`, runs the suite (not strict, as the CLI by default) with
/// its profile; `None` when the stack is unavailable here outside CI.
async fn judge(name: &'static str) -> Option<RunReport> {
    let _turn = ONE_AT_A_TIME.lock().await;
    let stack = Stack::named(name);
    let ready = tokio::task::spawn_blocking(move || {
        let installed = stack.install()?;
        let running = stack.start()?;
        Ok::<_, StackError>((stack, installed, running))
    })
    .await
    .expect("the install and start task does not panic");
    let (stack, installed, running) = match ready {
        Ok(ready) => ready,
        Err(StackError::Unavailable(reason)) if !in_ci() => {
            eprintln!("skipped: the {name} stack is unavailable here: {reason}");
            return None;
        }
        Err(StackError::Unavailable(reason) | StackError::Broken(reason)) => {
            panic!("the {name} stack does not come up: {reason}")
        }
    };
    eprintln!(
        "{name}: install step {:.1} s, start {:.1} s, on {}",
        installed.as_secs_f64(),
        running.startup.as_secs_f64(),
        running.url
    );
    let profile = match Profile::load(&stack.profile()) {
        Ok(profile) => profile,
        Err(e) => panic!("{}: {e}", stack.profile().display()),
    };
    let target = Target::new(&running.url, profile, REQUEST_TIMEOUT).expect("a loopback URL");
    // With this machine's Chromium, so that LO-40 is judged too.
    let options = with_browser(RunOptions::default());
    let report = logout_conformance::run(Arc::clone(&target), suite(), &options)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "the suite reaches no verdict on {name}: {e}\n{}",
                running.log_tail()
            )
        });
    eprintln!("{name}: suite {:.1} s", report.wall_time.as_secs_f64());
    drop(running);
    Some(report)
}

/// What a stack's clause must come to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// This status, from the stack's own behaviour.
    Is(ClauseStatus),
    /// This status from a clause that needs Chromium (LO-40): outside CI, a machine
    /// without one may leave it not run.
    InBrowser(ClauseStatus),
}
use Expect::{InBrowser, Is};

/// Every clause of the report has the expected status, and every expected clause is in
/// the report; the message lists each difference with the clause's reason.
fn assert_table(name: &str, report: &RunReport, expected: &[(&str, Expect)]) {
    let mut problems = Vec::new();
    for clause in &report.clauses {
        match expected.iter().find(|(id, _)| *id == clause.id) {
            None => problems.push(format!("{} is not in the expected table", clause.id)),
            Some((_, InBrowser(_))) if clause.status == NotRun && !in_ci() => eprintln!(
                "{name}: {} not run here (no browser?): {}",
                clause.id,
                clause.reason.as_deref().unwrap_or("no reason given")
            ),
            Some((_, Is(want) | InBrowser(want))) if *want != clause.status => {
                problems.push(format!(
                    "{} {} is {} (expected {}): {}",
                    clause.id,
                    clause.grade,
                    clause.status.label(),
                    want.label(),
                    clause.reason.as_deref().unwrap_or("no reason given")
                ))
            }
            Some(_) => {}
        }
    }
    // A clause of the table that the catalogue does not have (yet) is only noted: a typo
    // leaves the real clause out of the table, which fails above.
    for (id, _) in expected {
        if report.clause(id).is_none() {
            eprintln!("{name}: {id} is in the expected table but not in the catalogue");
        }
    }
    assert!(
        problems.is_empty(),
        "{name}: the verdict table differs:\n  {}",
        problems.join("\n  ")
    );
}

/// The report judged the declared contract, with this many deviations listed.
fn assert_declared(report: &RunReport, deviations: usize) {
    assert_eq!(report.contract.judged, ContractKind::Declared);
    assert_eq!(
        report.contract.deviations.len(),
        deviations,
        "deviations: {:?}",
        report.contract.deviations
    );
}

/// The control: the reference server, started like any stack, passes every clause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_stack_passes_every_clause() {
    let Some(report) = judge("reference").await else {
        return;
    };
    let expected: Vec<(String, Expect)> = report
        .clauses
        .iter()
        .map(|c| {
            let want = match c.grade {
                _ if !c.applies => Is(NotRun), // LO-28: one instance only
                logout_conformance::Grade::Info => Is(Info),
                _ if c.id == "LO-40" => InBrowser(Passed),
                _ => Is(Passed),
            };
            (c.id.to_string(), want)
        })
        .collect();
    let expected: Vec<(&str, Expect)> = expected.iter().map(|(id, e)| (id.as_str(), *e)).collect();
    assert_table("reference", &report, &expected);
    assert_eq!(report.contract.judged, ContractKind::Documented);
    assert_eq!(report.verdict, Verdict::Conformant);
}

/// dj-rest-auth 7.2 with simplejwt 5.5, cookie JWT mode, refresh blacklist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dj_rest_auth_verdict_table() {
    let Some(report) = judge("dj-rest-auth").await else {
        return;
    };
    assert_table("dj-rest-auth", &report, DJ_REST_AUTH);
    // Path /auth/logout/, its success body, the invalid-token status and body, the
    // failing store's answer (its body and content type), both cookie names.
    assert_declared(&report, 8);
    assert_eq!(report.verdict, Verdict::NonConformant);
}

/// fastapi-users 15.0, cookie transport, database strategy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fastapi_users_verdict_table() {
    let Some(report) = judge("fastapi-users").await else {
        return;
    };
    assert_table("fastapi-users", &report, FASTAPI_USERS);
    // Path /auth/cookie/logout, 204, an empty body of any content type, the invalid-token
    // status and body, the failing store's answer (body and content type), one cookie
    // for two.
    assert_declared(&report, 9);
    assert_eq!(report.verdict, Verdict::NonConformant);
}

/// dj-rest-auth against its declared contract: 200 `{"detail":"Successfully logged out."}`,
/// 401 `{"detail":…}` for an invalid, blacklisted or missing refresh token, cookies
/// `access` and `refresh`.
const DJ_REST_AUTH: &[(&str, Expect)] = &[
    // 200 and its declared body.
    ("LO-01", Is(Passed)),
    // unset_jwt_cookies: both cookies `""` with Max-Age=0 and the epoch Expires.
    ("LO-02", Is(Passed)),
    // Django's delete_cookie writes `expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`.
    ("LO-03", Is(Passed)),
    // The refresh token goes on simplejwt's blacklist: the refresh view answers 401.
    ("LO-04", Is(Passed)),
    // Its declared 401 `{"detail":…}` for unknown, garbage and expired tokens ("Token is
    // expired"), cookies cleared.
    ("LO-05", Is(Passed)),
    // A blacklisted token: the declared 401 `{"detail":"Token is blacklisted"}`.
    ("LO-06", Is(Passed)),
    // No cookie: 401 "Refresh token was not included in cookie data.", cookies cleared.
    ("LO-07", Is(Passed)),
    ("LO-08", Is(Passed)),
    // A failing database: Django's 500 HTML page ("Server Error (500)"), as declared in
    // [logout.store_failure]; nothing is revoked while it fails.
    ("LO-09", Is(Passed)),
    // The first logout blacklists the token, the others get the declared 401.
    ("LO-10", Is(Passed)),
    // Malformed cookies reach simplejwt as invalid tokens: the declared 401.
    ("LO-11", Is(Passed)),
    // REAL: JWTCookieAuthentication validates the access cookie before LogoutView runs;
    // a garbage access token is 401 "Given token not valid for any token type", nothing
    // is cleared and the refresh token stays live.
    ("LO-12", Is(Failed)),
    // REAL: Django keeps the last of two `refresh` values; "its own token, then a garbage
    // one" blacklists nothing (401 "Token is invalid") and its own token stays live.
    ("LO-13", Is(Failed)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    ("LO-20", Is(Passed)),
    ("LO-21", Is(Passed)),
    // REAL: live 200 `Successfully logged out.` vs unknown 401 `Token is invalid`.
    ("LO-22", Is(Warned)),
    // REAL: DRF sets no Cache-Control on the logout answer.
    ("LO-23", Is(Warned)),
    // REAL: delete_cookie does not repeat HttpOnly (login set it on both cookies).
    ("LO-24", Is(Warned)),
    // GET is 405 (ACCOUNT_LOGOUT_ON_GET is off); PUT and DELETE 405.
    ("LO-25", Is(Passed)),
    // django-cors-headers allows the one configured origin with credentials.
    ("LO-26", Is(Passed)),
    // REAL: simplejwt access tokens are stateless; the probe accepts one after logout
    // until it expires (5 minutes here).
    ("LO-27", Is(Warned)),
    // One instance.
    ("LO-28", Is(NotRun)),
    ("LO-29", Is(Passed)),
    // Chromium's own cookie store holds neither cookie after a fetch logout, and the
    // refresh probe is dead.
    ("LO-40", InBrowser(Passed)),
    // INFO: the 500 clears neither cookie.
    ("LO-30", Is(Info)),
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data.
    ("LO-33", Is(Info)),
];

/// fastapi-users against its declared contract: 204 with no body, 401
/// `{"detail":"Unauthorized"}` for an invalid or missing token, one session cookie
/// `fastapiusersauth`.
const FASTAPI_USERS: &[(&str, Expect)] = &[
    // 204, no body: its declared success.
    ("LO-01", Is(Passed)),
    // The cookie is cleared with `""` and Max-Age=0.
    ("LO-02", Is(Passed)),
    // REAL: Starlette's set_cookie(max_age=0) writes no Expires, so not the epoch date.
    ("LO-03", Is(Failed)),
    // DatabaseStrategy.destroy_token deletes the access-token row: /users/me is 401.
    ("LO-04", Is(Passed)),
    // REAL: logout depends on current_user_token(active=True), which answers 401 before
    // the route runs, so an unknown or expired token's cookie is not cleared: the browser
    // keeps it.
    ("LO-05", Is(Failed)),
    // REAL: the same 401 without clearing for an already-deleted token.
    ("LO-06", Is(Failed)),
    // REAL: the same 401 without clearing when no cookie is sent.
    ("LO-07", Is(Failed)),
    ("LO-08", Is(Passed)),
    // A failing database: Starlette's plain-text 500 "Internal Server Error", as declared
    // in [logout.store_failure]; nothing is revoked while it fails.
    ("LO-09", Is(Passed)),
    // Concurrent logouts all find the row before any deletes it: 204 (or the declared 401).
    ("LO-10", Is(Passed)),
    // REAL: malformed cookies get the same 401 without clearing (LO-05's cause).
    ("LO-11", Is(Failed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: Starlette keeps the last of two cookie values; "its own token, then a garbage
    // one" deletes nothing and its own token stays live.
    ("LO-13", Is(Failed)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    ("LO-20", Is(Passed)),
    ("LO-21", Is(Passed)),
    // REAL: live 204 vs unknown 401 `{"detail":"Unauthorized"}`.
    ("LO-22", Is(Warned)),
    // REAL: no Cache-Control on the logout answer.
    ("LO-23", Is(Warned)),
    // CookieTransport clears with the same HttpOnly and SameSite=lax it set.
    ("LO-24", Is(Passed)),
    // GET is 405; PUT and DELETE 405.
    ("LO-25", Is(Passed)),
    // Starlette's CORSMiddleware allows the one configured origin with credentials.
    ("LO-26", Is(Passed)),
    // The session cookie is the access token too, and its row is deleted.
    ("LO-27", Is(Passed)),
    // One instance.
    ("LO-28", Is(NotRun)),
    ("LO-29", Is(Passed)),
    // Chromium's own cookie store no longer holds the session cookie after a fetch
    // logout, and the session probe is dead.
    ("LO-40", InBrowser(Passed)),
    // INFO: the 500 does not clear the cookie.
    ("LO-30", Is(Info)),
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data.
    ("LO-33", Is(Info)),
];
