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
    if ended && request_type.starts_with("text/plain") {
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
