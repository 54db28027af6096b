//! The visit itself: a fresh headless Chromium opens a page of the target's origin,
//! whose `fetch` calls log in and out, and its cookie store is read after each. The
//! browser is closed (killed, its profile removed) whatever happens.

use std::path::Path;
use std::time::Duration;

use crate::browser::{self, Chromium, Event, FetchRequest, Fetched, HeldCookie, Page, Visit};
use crate::http::secrets::Secrets;

use super::requests::{Requests, status_is};

/// The labels of the visit's events, which the checks look up.
pub(super) const REGISTER: &str = "register a user";
pub(super) const LOGIN: &str = "log in";
pub(super) const LOGOUT: &str = "log out";
pub(super) const VALIDATE: &str = "validate the session";
pub(super) const AFTER_LOGIN: &str = "after login";
pub(super) const AFTER_LOGOUT: &str = "after logout";

/// Logs in and out in the browser at `path` on the page `origin`, every browser command
/// within `limit`. The error says why the visit could not be made (the check could not
/// run); a login whose cookies the browser did not keep is no error: the visit stops
/// there and the checks say so.
pub(super) async fn visit(
    path: &Path,
    origin: &str,
    requests: &Requests,
    limit: Duration,
    secrets: &Secrets,
) -> Result<Visit, String> {
    let chromium = browser::launch(path, limit)
        .await
        .map_err(|e| e.to_string())?;
    let mut visit = Visit::default();
    let outcome = steps(&chromium, origin, requests, secrets, &mut visit).await;
    chromium.close().await;
    outcome.map(|()| visit)
}

async fn steps(
    chromium: &Chromium,
    origin: &str,
    requests: &Requests,
    secrets: &Secrets,
    visit: &mut Visit,
) -> Result<(), String> {
    let page = chromium
        .open_blank_at(origin)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(register) = &requests.register {
        before(
            chromium,
            &page,
            REGISTER,
            requests.register_before.as_ref(),
            visit,
        )
        .await?;
        let got = fetch(chromium, &page, REGISTER, register, visit).await?;
        let expected = &requests.register_status;
        expect(chromium, &got, expected, "create a user", register, visit).await?;
        // A sign-up that logs the user in (allauth headless) would make the login a
        // second one (409): as in the HTTP client's setup, the login does not carry the
        // credentials the sign-up set.
        chromium
            .forget_cookies(&page, origin, &requests.cookies)
            .await
            .map_err(|e| e.to_string())?;
    }
    before(
        chromium,
        &page,
        LOGIN,
        requests.login_before.as_ref(),
        visit,
    )
    .await?;
    let got = fetch(chromium, &page, LOGIN, &requests.login, visit).await?;
    let expected = &requests.login_status;
    expect(chromium, &got, expected, "log in", &requests.login, visit).await?;
    let held = snapshot(chromium, AFTER_LOGIN, secrets, visit).await?;
    let both = requests
        .cookies
        .iter()
        .all(|name| held.iter().any(|c| &c.name == name));
    if !both {
        return Ok(());
    }
    fetch(chromium, &page, LOGOUT, &requests.logout, visit).await?;
    snapshot(chromium, AFTER_LOGOUT, secrets, visit).await?;
    fetch(chromium, &page, VALIDATE, &requests.validate, visit).await?;
    Ok(())
}

async fn fetch(
    chromium: &Chromium,
    page: &Page,
    label: &str,
    request: &FetchRequest,
    visit: &mut Visit,
) -> Result<Fetched, String> {
    let outcome = chromium
        .fetch(page, request)
        .await
        .map_err(|e| e.to_string())?;
    visit.events.push(Event::Fetch {
        label: label.into(),
        request: request.line(),
        outcome: outcome.clone(),
    });
    Ok(outcome)
}

/// Reads the cookie store, learning every value as a secret.
async fn snapshot(
    chromium: &Chromium,
    label: &str,
    secrets: &Secrets,
    visit: &mut Visit,
) -> Result<Vec<HeldCookie>, String> {
    let cookies = chromium.cookies().await.map_err(|e| e.to_string())?;
    for cookie in &cookies {
        secrets.learn(&cookie.value);
    }
    let held: Vec<HeldCookie> = cookies.iter().map(HeldCookie::from).collect();
    visit.events.push(Event::Held {
        label: label.into(),
        cookies: held.clone(),
    });
    Ok(held)
}

/// A setup exchange's `before`: the page fetches it first, as the HTTP client sends it,
/// so that the cookies it sets (a CSRF cookie) are in the browser's store. Any answer
/// will do, as for the HTTP client; none at all ends the visit.
async fn before(
    chromium: &Chromium,
    page: &Page,
    label: &str,
    request: Option<&FetchRequest>,
    visit: &mut Visit,
) -> Result<(), String> {
    let Some(request) = request else {
        return Ok(());
    };
    let label = format!("{label} (before it)");
    match fetch(chromium, page, &label, request, visit).await? {
        Fetched::Answer { .. } => Ok(()),
        Fetched::Failed(why) => Err(format!(
            "cannot {label} in the browser: {} got no answer ({why})\n{visit}",
            request.line()
        )),
    }
}

/// A setup request that did not succeed: the visit cannot go on. When the request
/// carried a cookie's value the page could not read (an HttpOnly cookie, hidden from
/// `document.cookie`), the error says so.
async fn expect(
    chromium: &Chromium,
    got: &Fetched,
    expected: &[u16],
    what: &str,
    request: &FetchRequest,
    visit: &Visit,
) -> Result<(), String> {
    if let Fetched::Answer { status, .. } = got
        && status_is(*status, expected)
    {
        return Ok(());
    }
    let mut unread = String::new();
    let read = request.cookies_read();
    if !read.is_empty() {
        let held = chromium.cookies().await.unwrap_or_default();
        for name in &read {
            match held.iter().find(|c| &c.name == name) {
                Some(c) if c.http_only => unread.push_str(&format!(
                    "\n  the page cannot read {name}: the browser holds it HttpOnly, so \
                     {{cookie:{name}}} was sent empty, as an app's script would send it"
                )),
                None => unread.push_str(&format!(
                    "\n  the browser holds no {name} cookie: {{cookie:{name}}} was sent empty"
                )),
                Some(_) => {}
            }
        }
    }
    Err(format!(
        "cannot {what} in the browser: {} got {got} (expected {expected:?}){unread}\n{visit}",
        request.line()
    ))
}
