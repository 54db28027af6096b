//! What the browser's page sends for LO-40, built from the profile's templates like the
//! kit's own setup requests: the one place the browser steps read the profile, so that a
//! change of its shape is made here alone.

use crate::browser::{BodyFill, FetchRequest};
use crate::plan::profile::before::Before;
use crate::plan::profile::values::Context;
use crate::plan::profile::{BodyTemplate, Liveness, RequestTemplate};
use crate::run::request::Request;
use crate::run::template;
use crate::under_test::Target;

/// The page's requests, in the order it sends them, with the statuses that mean success.
/// A setup exchange's `before` is a `fetch` of its own just before it, as the HTTP client
/// sends it: its cookies land in the browser's store, where the exchange's
/// `{cookie:NAME}` reads them.
#[derive(Debug)]
pub(super) struct Requests {
    /// `[register] before`.
    pub register_before: Option<FetchRequest>,
    /// `None` when the profile logs in with one fixed account.
    pub register: Option<FetchRequest>,
    pub register_status: Vec<u16>,
    /// `[login] before`.
    pub login_before: Option<FetchRequest>,
    pub login: FetchRequest,
    pub login_status: Vec<u16>,
    pub logout: FetchRequest,
    /// Validate-session: the refresh probe's request, sent with the browser's cookies.
    pub validate: FetchRequest,
    /// The credential cookies login sets and logout must clear.
    pub cookies: Vec<String>,
}

/// The requests for a fresh user (or the profile's fixed account); the password is
/// learnt as a secret. `{cookie:NAME}` in a header or the body is filled by the page from
/// its own cookies when it sends the request (a CSRF double-submit header, a form's CSRF
/// field); the error says what the page cannot send.
pub(super) fn requests(target: &Target) -> Result<Requests, String> {
    let profile = &target.profile;
    // The page sends a sign-up's and a login's `before`, not yet a logout's.
    if profile.logout.before.is_some() {
        return Err(
            "its page does not send the [logout] before request (a token fetched first)".into(),
        );
    }
    let origin = template::origin(target);
    let user = if profile.register.enabled {
        profile.values.user(&target.next_id())
    } else {
        crate::plan::profile::User {
            email: profile.register.email.clone().unwrap_or_default(),
            password: profile.register.password.clone().unwrap_or_default(),
            name: String::new(),
        }
    };
    target.secrets.learn(&user.password);
    let ctx = Context {
        user: Some(&user),
        ..template::bare_context(target.run_id(), &origin)
    };
    let build = |label: &str, request: &RequestTemplate| {
        let built = template::build(target, label, request, &ctx)
            .map_err(|e| format!("cannot {label} in the browser: {e}"))?;
        fetch(target, label, &built, &request.body)
    };
    let before = |label: &str, before: Option<&Before>| {
        before
            .map(|b| build(&format!("{label} (before it)"), &b.request()))
            .transpose()
    };
    let (register_before, register) = if profile.register.enabled {
        (
            before("register a user", profile.register.before.as_ref())?,
            Some(build("register a user", &profile.register.request())?),
        )
    } else {
        (None, None)
    };
    let Some(probe) = &profile.probes.refresh else {
        return Err("the profile has no [probes.refresh] to call validate-session".into());
    };
    Ok(Requests {
        register_before,
        register,
        register_status: profile.register.expect_status.clone(),
        login_before: before("log in", profile.login.before.as_ref())?,
        login: build("log in", &profile.login.request())?,
        login_status: profile.login.expect_status.clone(),
        logout: build("log out", &profile.logout.request())?,
        validate: build("validate the session", &probe.request())?,
        cookies: cookie_names(target),
    })
}

/// The credential cookies login sets and logout must clear.
pub(super) fn cookie_names(target: &Target) -> Vec<String> {
    target
        .profile
        .cleared_cookies()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// What the refresh probe's answer says of the session: validate-session's verdict. A
/// redirect the page did not follow has no status to read (the fetch sees 0): it says
/// what every redirect status the probe names says, when they agree.
pub(super) fn liveness(target: &Target, status: u16, body: &str) -> Liveness {
    let Some(probe) = &target.profile.probes.refresh else {
        return Liveness::Unknown;
    };
    if status != 0 {
        return probe.judge(status, body.as_bytes());
    }
    let said: Vec<Liveness> = probe
        .live
        .status
        .iter()
        .chain(&probe.dead.status)
        .filter(|s| (300..400).contains(*s))
        .map(|s| probe.judge(*s, body.as_bytes()))
        .collect();
    match said.first() {
        Some(first) if said.iter().all(|l| l == first) => *first,
        _ => Liveness::Unknown,
    }
}

/// Whether an answer the page got is one of `expected`: a redirect the page did not
/// follow (status 0) is when `expected` names a redirect status.
pub(super) fn status_is(status: u16, expected: &[u16]) -> bool {
    expected.contains(&status) || (status == 0 && expected.iter().any(|s| (300..400).contains(s)))
}

/// The kit's request as the page's `fetch`, `body` the template it was built from (how
/// the page fills a cookie into it). A placeholder the page cannot fill (a previous
/// answer's value, the probe's token) makes the visit impossible.
fn fetch(
    target: &Target,
    label: &str,
    request: &Request,
    body_template: &BodyTemplate,
) -> Result<FetchRequest, String> {
    let mut headers = request.headers.clone();
    if let Some(content_type) = &request.body.content_type {
        headers.push(("Content-Type".into(), content_type.clone()));
    }
    let body = (!request.body.bytes.is_empty() || request.body.content_type.is_some())
        .then(|| String::from_utf8_lossy(&request.body.bytes).into_owned());
    let texts = headers
        .iter()
        .map(|(_, v)| v.as_str())
        .chain(body.as_deref())
        .chain([request.path.as_str()]);
    for text in texts {
        if let Some(start) = text.find("{response:").or_else(|| text.find("{token}")) {
            let end = text[start..]
                .find('}')
                .map_or(text.len(), |e| start + e + 1);
            return Err(format!(
                "cannot {label} in the browser: its page cannot fill {}",
                &text[start..end]
            ));
        }
    }
    Ok(FetchRequest {
        method: request.method.clone(),
        path: target.endpoint.url(&request.path).to_string(),
        headers,
        body,
        body_fill: match body_template {
            BodyTemplate::Form(_) => BodyFill::Form,
            BodyTemplate::None | BodyTemplate::Json(_) => BodyFill::Json,
        },
    })
}
