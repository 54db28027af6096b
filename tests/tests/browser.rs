//! LO-40 in a real browser: headless Chromium logs in and out on the target's origin and
//! its own cookie store is read. Against the reference it passes; against targets whose
//! clearing cookies LO-02's jar (cookie_store) applies but Chromium does not, only LO-40
//! catches them; without a browser it is not run, with the reason.
//!
//! What Chromium 156 does, found by experiment on http://127.0.0.1 (login cookies
//! `…; Path=/; HttpOnly; SameSite=Strict`, no `Secure`):
//! - a clearing cookie with `Partitioned` but without `Secure` is rejected whole (a
//!   CHIPS cookie must be Secure), so the login cookie stays; with `Secure` it is
//!   accepted into the partitioned jar of `http://127.0.0.1`, apart from the
//!   unpartitioned login cookie, which stays too. cookie_store ignores `Partitioned`
//!   and deletes both.
//! - a clearing cookie with `SameSite=None` but without `Secure` is rejected whole;
//!   cookie_store ignores `SameSite` and deletes it (LO-24 sees the changed SameSite).
//! - a login cookie with `SameSite=None` and no `Secure` is never stored: the browser
//!   holds nothing to clear, so LO-40 is blocked, not passed.
//!   (Clearing cookies with an extra `Secure`, `Domain=127.0.0.1`, `Max-Age=-1` or a
//!   two-digit year are applied by both.)

use conformance_tests::catalogue;
use conformance_tests::harness::{outcome, run_against, strict, suite, with_browser};
use conformance_tests::routes::{
    Head, Routes, json, map_set_cookies, reference, reference_state, replace_set_cookies, rewrite,
    rewrite_logout,
};
use conformance_tests::shim::{self, Shim, cookie};
use logout_conformance::{ClauseStatus, Profile, RunOptions, RunReport};
use warp::Filter as _;
use warp::http::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, HOST, HeaderMap, LOCATION};
use warp::http::{HeaderValue, Method, StatusCode};
use warp::reply::Response;

catalogue! {
    /// A framework that marks every cookie it writes `Partitioned` (CHIPS) but sets
    /// `Secure` only in production: on http Chromium rejects the clearing cookies.
    clearing_partitioned {
        what: "clears both cookies with a Partitioned attribute and no Secure",
        declares: ["LO-40"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| format!("{c}; Partitioned"))),
    }

    /// Clearing cookies written by a helper that defaults to `SameSite=None`, without
    /// `Secure` on http: Chromium rejects them; the changed SameSite is LO-24's too.
    clearing_samesite_none_without_secure {
        what: "clears both cookies with SameSite=None and no Secure",
        declares: ["LO-24", "LO-40"],
        build: || rewrite_logout(|r| map_set_cookies(r, |c| c.replace("SameSite=Strict", "SameSite=None"))),
    }
}

/// Whether this machine has a browser; under `CI=true` it must.
fn browser_present() -> bool {
    with_browser(strict()).browser.is_some()
}

/// The suite's scenarios of `tags` against `routes`, with `browser`.
async fn run_tags(routes: Routes, tags: &str, browser: RunOptions) -> RunReport {
    let options = RunOptions {
        tags: Some(tags.into()),
        ..browser
    };
    match run_against(routes, Profile::reference(), suite(), &options).await {
        Ok(report) => report,
        Err(e) => panic!("no verdict for {tags}: {e}"),
    }
}

fn status_and_reason(report: &RunReport, id: &str) -> (ClauseStatus, String) {
    let clause = report
        .clause(id)
        .unwrap_or_else(|| panic!("{id} is reported"));
    (clause.status, clause.reason.clone().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lo40_passes_against_the_reference_in_a_real_browser() {
    if !browser_present() {
        return;
    }
    let report = run_tags(
        reference(&reference_state()).boxed(),
        "@LO-40",
        with_browser(strict()),
    )
    .await;
    let (status, reason) = status_and_reason(&report, "LO-40");
    assert_eq!(status, ClauseStatus::Passed, "{reason}");
    assert!(report.clause("LO-40").is_some_and(|c| c.applies));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_clearing_passes_the_jar_but_the_browser_keeps_both_cookies() {
    if !browser_present() {
        return;
    }
    let case = all()
        .into_iter()
        .find(|c| c.name == "clearing_partitioned")
        .expect("in the catalogue");
    let report = match outcome(&case).await {
        Ok(report) => report,
        Err(e) => panic!("no verdict: {e}"),
    };
    let (lo02, why) = status_and_reason(&report, "LO-02");
    assert_eq!(lo02, ClauseStatus::Passed, "LO-02's jar is fooled: {why}");
    let (lo40, reason) = status_and_reason(&report, "LO-40");
    assert_eq!(lo40, ClauseStatus::Warned, "{reason}");
    for wanted in [
        "it still holds accessToken and refreshToken",
        "cookie store after logout: accessToken",
    ] {
        assert!(
            reason.contains(wanted),
            "the reason says {wanted:?}: {reason}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_never_held_the_login_cookies_blocks_lo40() {
    if !browser_present() {
        return;
    }
    // Login cookies with SameSite=None and no Secure: Chromium stores neither.
    let routes = rewrite(reference(&reference_state()), |head, response| {
        if head.path == "/auth/login" {
            map_set_cookies(response, |c| c.replace("SameSite=Strict", "SameSite=None"));
        }
    })
    .boxed();
    let report = run_tags(routes, "@LO-40", with_browser(strict())).await;
    let (status, reason) = status_and_reason(&report, "LO-40");
    assert_eq!(status, ClauseStatus::Blocked, "{reason}");
    assert!(
        reason.contains("did not keep accessToken and refreshToken after login"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_browser_lo40_is_not_run_with_the_reason() {
    let cases = [
        (
            Some("/nonexistent/chromium".into()),
            "/nonexistent/chromium",
        ),
        (None, "on PATH"),
    ];
    for (browser, says) in cases {
        let options = RunOptions {
            browser,
            ..strict()
        };
        let report = run_tags(
            reference(&reference_state()).boxed(),
            "@LO-40 or @LO-01",
            options,
        )
        .await;
        let (status, reason) = status_and_reason(&report, "LO-40");
        assert_eq!(status, ClauseStatus::NotRun, "{reason}");
        let lo40 = report.clause("LO-40").expect("reported");
        assert!(!lo40.applies, "without a browser LO-40 does not count");
        assert!(reason.contains("no Chromium browser"), "{reason}");
        assert!(reason.contains(says), "the reason says {says:?}: {reason}");
    }
}

/// What a target serves at `/`, which LO-40's page must not depend on: the page is the
/// kit's own blank document on the target's origin whatever comes back there.
fn root_answered(change: fn(&Head, &mut Response)) -> Routes {
    rewrite(reference(&reference_state()), move |head, response| {
        if head.is(&Method::GET, "/") {
            change(head, response);
        }
    })
    .boxed()
}

/// LO-40 against `routes` passes: the browser's page was on the target's origin and the
/// logout cleared both cookies.
async fn lo40_passes_on(routes: Routes, what: &str) {
    let report = run_tags(routes, "@LO-40", with_browser(strict())).await;
    let (status, reason) = status_and_reason(&report, "LO-40");
    assert_eq!(status, ClauseStatus::Passed, "{what}: {reason}");
}

/// Chromium shows its own error page for an empty 404 (actix's default): the page is no
/// longer of the target's origin and every `fetch` failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lo40_is_judged_when_the_root_is_an_empty_404() {
    if !browser_present() {
        return;
    }
    let routes = root_answered(|_, response| {
        *response = Response::new(Vec::new().into());
        *response.status_mut() = StatusCode::NOT_FOUND;
    });
    lo40_passes_on(routes, "an empty 404 at /").await;
}

/// Express's default 404 page sends `default-src 'none'`; here every answer does, the
/// API's too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lo40_is_judged_when_every_answer_forbids_everything_by_csp() {
    if !browser_present() {
        return;
    }
    let routes = rewrite(reference(&reference_state()), |_, response| {
        response.headers_mut().insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'"),
        );
    })
    .boxed();
    lo40_passes_on(routes, "default-src 'none' on every answer").await;
}

/// A front page that sends visitors elsewhere (a login page on another origin): the page
/// must stay on the target's origin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lo40_is_judged_when_the_root_redirects_elsewhere() {
    if !browser_present() {
        return;
    }
    let routes = root_answered(|head, response| {
        let host = head
            .headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let elsewhere = format!("http://{}/app/", host.replace("127.0.0.1", "localhost"));
        *response = Response::new(Vec::new().into());
        *response.status_mut() = StatusCode::FOUND;
        if let Ok(location) = HeaderValue::from_str(&elsewhere) {
            response.headers_mut().insert(LOCATION, location);
        }
    });
    lo40_passes_on(routes, "a redirect of / to another origin").await;
}

/// A root that answers with a file to download: the browser would stay on `about:blank`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lo40_is_judged_when_the_root_is_a_download() {
    if !browser_present() {
        return;
    }
    let routes = root_answered(|_, response| {
        *response = Response::new(b"not a page".to_vec().into());
        response.headers_mut().insert(
            CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"data.bin\""),
        );
    });
    lo40_passes_on(routes, "a download at /").await;
}

/// A Django-like form stack: the CSRF cookie comes only from a page fetched first
/// (`GET /auth/csrf`, the profile's `before`), and sign-up, login, logout and the session
/// endpoint all refuse (403) a request whose `X-CSRF-Token` header does not repeat it —
/// so a browser that skips the `before`, or cannot read the cookie, never logs in.
#[derive(Debug, Clone, Copy)]
struct CsrfFirst {
    /// The CSRF cookie is HttpOnly: no page can read it.
    http_only: bool,
}

const CSRF_FIRST_COOKIE: &str = "csrf_first";

impl Shim for CsrfFirst {
    fn inbound(
        &self,
        method: &Method,
        path: &str,
        headers: HeaderMap,
    ) -> Result<HeaderMap, Box<Response>> {
        if method == Method::GET && path == "/auth/csrf" {
            let mut answer = json(
                StatusCode::OK,
                &serde_json::json!({ "detail": "CSRF cookie set" }),
            );
            let http_only = if self.http_only { "; HttpOnly" } else { "" };
            let value = format!(
                "{CSRF_FIRST_COOKIE}=t{}; Path=/; SameSite=Lax{http_only}",
                std::process::id()
            );
            replace_set_cookies(&mut answer, [value]);
            return Err(Box::new(answer));
        }
        if method != Method::POST && path != "/auth/validate-session" {
            return Ok(headers);
        }
        let header = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        match (cookie(&headers, CSRF_FIRST_COOKIE), header) {
            (Some(c), Some(h)) if !c.is_empty() && c == h => Ok(headers),
            _ => Err(Box::new(json(
                StatusCode::FORBIDDEN,
                &serde_json::json!({ "error": "CSRF verification failed" }),
            ))),
        }
    }
}

/// The profile of [`CsrfFirst`]: each setup exchange fetches the CSRF page first and
/// copies the cookie into the header, as does every other request.
fn csrf_first_profile() -> Profile {
    let header = format!("headers = {{ X-CSRF-Token = \"{{cookie:{CSRF_FIRST_COOKIE}}}\" }}");
    let text = format!(
        r#"
version = 2

[session]
cookies = [
  {{ name = "accessToken", role = "access" }},
  {{ name = "refreshToken", role = "refresh" }},
  {{ name = "{CSRF_FIRST_COOKIE}", role = "csrf" }},
]

[register]
before = {{ path = "/auth/csrf" }}
{header}

[login]
before = {{ path = "/auth/csrf" }}
{header}

[logout]
{header}

[probes.refresh]
path = "/auth/validate-session"
{header}
live = {{ status = [200] }}
dead = {{ status = [401] }}
"#
    );
    Profile::parse(&text).unwrap_or_else(|e| panic!("the CSRF-first profile: {e}\n{text}"))
}

/// LO-40 on a stack whose sign-up and login need a `before` request and a CSRF header
/// (Django's forms, allauth headless): the page fetches the `before` first and fills the
/// header from `document.cookie`, as the HTTP client does — judged, and passed. With the
/// CSRF cookie HttpOnly no page can read it: not run, and the reason says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lo40_follows_a_before_request_and_a_csrf_header() {
    if !browser_present() {
        return;
    }
    let run = async |http_only: bool| {
        let routes = shim::routes(reference_state(), CsrfFirst { http_only });
        let options = RunOptions {
            tags: Some("@LO-40".into()),
            ..with_browser(strict())
        };
        match run_against(routes, csrf_first_profile(), suite(), &options).await {
            Ok(report) => status_and_reason(&report, "LO-40"),
            Err(e) => panic!("no verdict: {e}"),
        }
    };
    let (status, reason) = run(false).await;
    assert_eq!(status, ClauseStatus::Passed, "{reason}");
    let (status, reason) = run(true).await;
    assert_eq!(status, ClauseStatus::NotRun, "{reason}");
    assert!(
        reason.contains("the page cannot read csrf_first: the browser holds it HttpOnly"),
        "{reason}"
    );
}
