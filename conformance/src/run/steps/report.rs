//! INFO scenarios: they observe and report, and never fail the target.

use cucumber::then;

use crate::http::cookies::{SetCookie, clearing_notes, survivors_in_jar};
use crate::http::exchange::Exchange;
use crate::http::no_answer::Failure;
use crate::plan::catalogue::Capability;
use crate::run::steps::probe::probe;
use crate::run::world::LogoutWorld;
use crate::verdict::check::could_not_run;

#[then("the report says whether the 500 answer clears both cookies")]
fn cookies_on_error(world: &mut LogoutWorld) {
    let target = world.target();
    let response = world.response();
    let names = target.profile.cleared_cookies();
    let session = world.session();
    let left = survivors_in_jar(
        &session.login_url,
        &session.login_set_cookies,
        &target.endpoint.url(&target.profile.logout.path),
        &response.set_cookies(),
        &names,
    );
    let note = if left.is_empty() {
        format!(
            "with a failing store the answer ({}) clears {}",
            response.status,
            match names.as_slice() {
                [one] => format!("the session cookie {one}"),
                [_, _] => "both cookies".to_owned(),
                all => format!("all {} cookies", all.len()),
            }
        )
    } else {
        let notes: Vec<String> = names
            .iter()
            .flat_map(|name| clearing_notes(&response.set_cookies(), name))
            .collect();
        format!(
            "with a failing store the answer ({}) leaves {} in the browser: {}",
            response.status,
            left.join(" and "),
            notes.join("; ")
        )
    };
    world.observe(note);
}

#[then("the report says the status and whether the session ended")]
async fn status_and_session(world: &mut LogoutWorld) {
    let target = world.target();
    let request_type = world
        .answers
        .last()
        .and_then(|e| {
            e.request
                .headers
                .iter()
                .find(|(n, _)| n == "content-type")
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        })
        .unwrap_or_else(|| "no Content-Type".into());
    let status = world.response().status;
    if !target.profile.offers(Capability::RefreshProbe) {
        world.observe(format!(
            "{request_type}: status {status} (no probe to tell whether the session ended)"
        ));
        return;
    }
    let token = world.session().refresh.clone();
    let ended = !probe(world, "refresh", &token).await;
    let mut note = format!(
        "{request_type}: status {status}, session {}",
        if ended { "ended" } else { "still live" }
    );
    let custom = custom_headers(&target);
    if ended && request_type.starts_with("text/plain") && !custom.is_empty() {
        note.push_str(&format!(
            " — no logout-CSRF exposure: the declared logout sends {}, a header no \
             cross-site form can send (a cross-site script would need a preflight)",
            custom.join(" and ")
        ));
    } else if ended && request_type.starts_with("text/plain") {
        let same_site = world
            .session()
            .login_set_cookies
            .iter()
            .filter_map(|h| SetCookie::parse(h))
            .find(|c| Some(c.name.as_str()) == target.profile.refresh_cookie())
            .and_then(|c| c.attr("SameSite").map(str::to_owned))
            .filter(|v| !v.eq_ignore_ascii_case("none"));
        note.push_str(&match same_site {
            Some(v) => format!(
                " — a cross-site form could send this without a preflight, but the refresh \
                 cookie is SameSite={v}, so it would carry no session"
            ),
            None => " — logout-CSRF exposure: a cross-site form can send this request without \
                      a preflight and the refresh cookie has no SameSite protection"
                .into(),
        });
    }
    world.observe(note);
}

/// Headers a cross-site HTML form cannot send. A form sends only the CORS-safelisted
/// ones and those the browser sets itself, so a logout that declares any other header (a
/// CSRF token copied from a cookie, `X-Requested-With`) cannot be forged by a form.
const FORM_HEADERS: [&str; 8] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "cookie",
    "origin",
    "referer",
    "user-agent",
];

/// The headers the declared logout sends (its own and `[defaults]`) that no cross-site
/// form can send.
fn custom_headers(target: &crate::under_test::Target) -> Vec<String> {
    let profile = &target.profile;
    let mut names: Vec<String> = profile
        .logout
        .headers
        .keys()
        .chain(profile.defaults.headers.keys())
        .filter(|n| !FORM_HEADERS.contains(&n.to_ascii_lowercase().as_str()))
        .cloned()
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Only exchanges that completed count as latencies; the others are counted apart, and
/// so are the logouts not sent once the scenario saw the target stop answering.
#[then("the report gives the median latency of both")]
fn median_latency(world: &mut LogoutWorld) {
    let sent = |e: &&Exchange| {
        !e.response
            .as_ref()
            .is_err_and(|n| n.failure == Failure::NotSent)
    };
    let median = |word: &str| {
        let of_kind = world.answers.iter().filter(|e| e.label.ends_with(word));
        let failed = of_kind
            .clone()
            .filter(sent)
            .filter(|e| e.response.is_err())
            .count();
        let mut ms: Vec<f64> = of_kind
            .filter(|e| e.response.is_ok())
            .map(|e| e.elapsed.as_secs_f64() * 1000.0)
            .collect();
        ms.sort_by(f64::total_cmp);
        (ms.len(), ms.get(ms.len() / 2).copied(), failed)
    };
    let (n_live, live, failed_live) = median("live token");
    let (n_unknown, unknown, failed_unknown) = median("unknown token");
    let answered = world.answers.iter().filter(sent).count();
    let unsent = (2 * world.sessions.len()).saturating_sub(answered);
    let unsent = if unsent > 0 {
        format!("; {unsent} not sent: the target had stopped answering")
    } else {
        String::new()
    };
    let (Some(live), Some(unknown)) = (live, unknown) else {
        could_not_run(format!(
            "no timed logout completed ({failed_live} live and {failed_unknown} unknown got no \
             answer{unsent})"
        ));
    };
    let mut note = format!(
        "median latency: live token {live:.2} ms (n={n_live}), unknown token {unknown:.2} ms (n={n_unknown})"
    );
    if failed_live + failed_unknown > 0 {
        note.push_str(&format!(
            "; not counted: {failed_live} live and {failed_unknown} unknown logouts got no answer"
        ));
    }
    note.push_str(&unsent);
    world.observe(note);
}

/// LO-33: `Clear-Site-Data` (W3C) lets a logout ask the browser to drop the origin's
/// cookies, storage and cache at once; whether it is there is the target's choice.
#[then("the report says whether the answer carries Clear-Site-Data")]
fn clear_site_data(world: &mut LogoutWorld) {
    let response = world.response();
    let values = response.header_all("clear-site-data");
    let note = if values.is_empty() {
        format!(
            "the logout answer ({}) carries no Clear-Site-Data",
            response.status
        )
    } else {
        format!(
            "the logout answer ({}) carries Clear-Site-Data: {}",
            response.status,
            values.join(", ")
        )
    };
    world.observe(note);
}
