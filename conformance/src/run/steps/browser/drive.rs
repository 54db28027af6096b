//! The visit itself: a fresh headless Chromium opens a page of the target's origin,
//! whose `fetch` calls log in and out, and its cookie store is read after each. The
//! browser is closed (killed, its profile removed) whatever happens.

use std::path::Path;
use std::time::Duration;

use crate::browser::{self, Chromium, Event, FetchRequest, Fetched, HeldCookie, Page, Visit};
use crate::http::secrets::Secrets;

use super::requests::Requests;

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
        let got = fetch(chromium, &page, REGISTER, register, visit).await?;
        expect(
            &got,
            &requests.register_status,
            "create a user",
            register,
            visit,
        )?;
        // A sign-up that logs the user in (Flask-Security's) leaves a session that the
        // login would meet, and a stack may refuse to log in a user who is logged in:
        // as the kit's own setup does, the login starts without the credential cookies
        // the sign-up set, and with every other one (a CSRF cookie).
        chromium
            .forget_cookies(&page, &requests.cookies)
            .await
            .map_err(|e| e.to_string())?;
    }
    let got = fetch(chromium, &page, LOGIN, &requests.login, visit).await?;
    expect(
        &got,
        &requests.login_status,
        "log in",
        &requests.login,
        visit,
    )?;
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

/// A setup request that did not succeed: the visit cannot go on.
fn expect(
    got: &Fetched,
    expected: &[u16],
    what: &str,
    request: &FetchRequest,
    visit: &Visit,
) -> Result<(), String> {
    match got {
        Fetched::Answer { status, .. } if expected.contains(status) => Ok(()),
        _ => Err(format!(
            "cannot {what} in the browser: {} got {got} (expected {expected:?})\n{visit}",
            request.line()
        )),
    }
}
