//! A logout that needs the access cookie, and two answers rewritten: a clearing cookie
//! dated a year back, a logout answer echoing the token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use warp::Filter as _;
use warp::http::header::HeaderMap;
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use super::{LOGOUT_ROUTE, is};
use crate::routes::{
    Routes, json, map_set_cookies, reference, reference_state, rewrite, set_json, state_with_store,
};
use crate::shim::{self, Shim, cookie};
use crate::store::{MisbehavingStore, Removal};

/// A logout behind an auth layer that wants the access cookie (401 without it), over
/// a store whose removal races (read, a slow round trip, delete).
#[derive(Debug, Clone, Copy)]
pub struct NeedsAccess;

impl Shim for NeedsAccess {
    fn inbound(
        &self,
        method: &Method,
        path: &str,
        headers: HeaderMap,
    ) -> Result<HeaderMap, Box<Response>> {
        if is(method, path, LOGOUT_ROUTE) && cookie(&headers, "accessToken").is_none() {
            return Err(Box::new(json(
                StatusCode::UNAUTHORIZED,
                &serde_json::json!({ "error": "Unauthorized" }),
            )));
        }
        Ok(headers)
    }
}

/// The racing, access-cookie-needing stack's routes.
pub fn needs_access_racing() -> Routes {
    let store = MisbehavingStore::new(Removal::ReadThenDelete {
        window: Duration::from_millis(150),
    });
    shim::routes(state_with_store(store), NeedsAccess)
}

// ---- Answers rewritten ---------------------------------------------------------------

/// The reference, but its logout clears each cookie with `Max-Age=0` and an `Expires`
/// a year back, as actix-web does — and each answer's date a second before the last,
/// so that two answers always fall in different seconds.
pub fn cleared_a_year_back() -> Routes {
    static SECONDS: AtomicU64 = AtomicU64::new(0);
    rewrite(reference(&reference_state()), |head, answer| {
        if !head.is_logout() {
            return;
        }
        map_set_cookies(answer, |c| {
            let back = 365 * 24 * 3600 + SECONDS.fetch_add(1, Ordering::Relaxed);
            let at = SystemTime::now() - Duration::from_secs(back);
            c.replace(
                "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                &format!("Max-Age=0; Expires={}", http_date(at)),
            )
        });
    })
    .boxed()
}

/// The reference, but its logout's body echoes the refresh token it revoked.
pub fn echoes_the_token() -> Routes {
    rewrite(reference(&reference_state()), |head, answer| {
        if !head.is_logout() || answer.status() != StatusCode::OK {
            return;
        }
        let mut body = serde_json::json!({ "message": "Logged out successfully" });
        if let Some(token) = cookie(&head.headers, "refreshToken") {
            body["revoked"] = serde_json::Value::String(token);
        }
        set_json(answer, StatusCode::OK, &body);
    })
    .boxed()
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil from days (Howard Hinnant's algorithm), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_are_imf_fixdates() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777);
        assert_eq!(super::http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
