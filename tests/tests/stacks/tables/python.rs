//! The verdict tables of the Python stacks (Django, FastAPI, Flask).

use logout_conformance::ClauseStatus::{Failed, Info, NotRun, Passed, Warned};

use super::super::zoo::Expect::{self, InBrowser, Is};

/// dj-rest-auth against its declared contract: 200 `{"detail":"Successfully logged out."}`,
/// 401 `{"detail":…}` for an invalid, blacklisted or missing refresh token, cookies
/// `access` and `refresh`.
pub const DJ_REST_AUTH: &[(&str, Expect)] = &[
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
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
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
pub const FASTAPI_USERS: &[(&str, Expect)] = &[
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
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
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

/// Django's LogoutView against its declared contract: POST only, behind the CSRF check
/// (`X-CSRFToken` from the `csrftoken` cookie), 302 to LOGOUT_REDIRECT_URL with no body
/// for any session, `sessionid` the one credential. Sign-up and login are Django's
/// forms, each after a GET of its page for the CSRF cookie (`before`).
pub const DJANGO_SESSION: &[(&str, Expect)] = &[
    // auth.logout() flushes the session; LogoutView redirects: 302, empty body.
    ("LO-01", Is(Passed)),
    // SessionMiddleware deletes `sessionid` when the flushed session is empty.
    ("LO-02", Is(Passed)),
    // delete_cookie writes `expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`.
    ("LO-03", Is(Passed)),
    // flush() deletes the session row: login_required redirects (302).
    ("LO-04", Is(Passed)),
    // An unknown, garbage or expired session id (with the CSRF cookie a browser sends
    // beside it) is an anonymous logout: the same 302, `sessionid` deleted.
    ("LO-05", Is(Passed)),
    ("LO-06", Is(Passed)),
    // REAL: no Cookie header means no CSRF cookie: CsrfViewMiddleware refuses the POST
    // with 403 "CSRF verification failed" before LogoutView runs, and clears nothing.
    ("LO-07", Is(Failed)),
    // The view reads no body.
    ("LO-08", Is(Passed)),
    // A failing database: flush() raises, Django's 500 page ("Server Error (500)") as
    // declared; the session row stays.
    ("LO-09", Is(Passed)),
    // Deleting a session row twice is no error: every concurrent logout gets the 302.
    ("LO-10", Is(Passed)),
    // The kit's malformed rows are raw `Cookie` headers without the `csrftoken` cookie:
    // the CSRF middleware answers 403 (LO-07's cause). Issue #17's whole-session work
    // sends the CSRF cookie beside them; this row is to be re-checked then.
    ("LO-11", Is(Failed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: django.http.parse_cookie keeps the last of two `sessionid` values; "its own
    // token, then a garbage one" flushes an empty session and its own stays live.
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    // Only the presented session's row is deleted.
    ("LO-20", Is(Passed)),
    // The view reads no body: a malformed one is ignored too.
    ("LO-21", Is(Passed)),
    // REAL: the no-cookie logout's 403 differs from the 302 every other state gets
    // (LO-07's cause).
    ("LO-22", Is(Warned)),
    // REAL: LogoutView's never_cache sets `no-store` on the 302, but the CSRF 403 for a
    // logout without cookies carries no Cache-Control.
    ("LO-23", Is(Warned)),
    // REAL: delete_cookie repeats SameSite=Lax but not HttpOnly, which login set.
    ("LO-24", Is(Warned)),
    // http_method_names = ["post", "options"]: GET, PUT and DELETE are 405.
    ("LO-25", Is(Passed)),
    // No CORS: a same-origin form app; no [cors].
    ("LO-26", Is(NotRun)),
    // The session id is the access credential too, and its row is gone.
    ("LO-27", Is(Passed)),
    // One instance.
    ("LO-28", Is(NotRun)),
    // REAL: logout() flushes the session but leaves the csrftoken cookie (Django
    // rotates it at login, never clears it): a companion cookie outlives the session.
    ("LO-29", Is(Warned)),
    // The page GETs the sign-up and login forms first (`before`) and posts them with
    // `csrfmiddlewaretoken` read from `document.cookie` (csrftoken is not HttpOnly), then
    // the logout with `X-CSRFToken`: each answer is a 302 the page does not follow (the
    // declared success). Chromium's store no longer holds `sessionid`, and /accounts/me/
    // redirects (dead).
    ("LO-40", InBrowser(Passed)),
    // INFO: the 500 clears nothing.
    ("LO-30", Is(Info)),
    // INFO: no Content-Type and text/plain both log out (302): the CSRF header is what
    // protects the logout, and SameSite=Lax keeps a cross-site form's session out.
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the logout answer.
    ("LO-33", Is(Info)),
];

/// django-allauth headless against its declared contract: `DELETE
/// /_allauth/browser/v1/auth/session` behind Django's CSRF check, answered 401 with the
/// unauthenticated state for any session; sign-up and login are JSON after a GET of the
/// session endpoint for the CSRF cookie (`before`).
pub const ALLAUTH_HEADLESS: &[(&str, Expect)] = &[
    // The adapter's logout() flushes the session; 401 `{"status":401,…,"meta":
    // {"is_authenticated":false}}`.
    ("LO-01", Is(Passed)),
    // SessionMiddleware deletes `sessionid` (the epoch, Max-Age=0, Path=/).
    ("LO-02", Is(Passed)),
    ("LO-03", Is(Passed)),
    // flush() deletes the session row: the session endpoint answers 401.
    ("LO-04", Is(Passed)),
    // An unknown, garbage or expired id (beside the CSRF cookie) is an anonymous logout:
    // the same 401, `sessionid` deleted.
    ("LO-05", Is(Passed)),
    ("LO-06", Is(Passed)),
    // REAL: no Cookie header means no CSRF cookie: Django's CSRF middleware answers 403
    // before the view runs, and clears nothing.
    ("LO-07", Is(Failed)),
    // `{}` and an empty body: the view reads neither.
    ("LO-08", Is(Passed)),
    // A failing database: Django's 500 page, as declared; the session row stays.
    ("LO-09", Is(Passed)),
    // Deleting a session row twice is no error: every concurrent logout gets the 401.
    ("LO-10", Is(Passed)),
    // The kit's malformed rows are raw `Cookie` headers without `csrftoken`: the CSRF
    // 403 (LO-07's cause); to be re-checked when issue #17 sends the CSRF cookie beside
    // them.
    ("LO-11", Is(Failed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: django.http.parse_cookie keeps the last of two `sessionid` values; "its own
    // token, then a garbage one" leaves its own live.
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    // Only the presented session's row is deleted.
    ("LO-20", Is(Passed)),
    // REAL: allauth's headless views parse a JSON body on every method: a malformed one
    // (`{`) is an empty 400, and nothing is logged out.
    ("LO-21", Is(Warned)),
    // REAL: the no-cookie 403 differs from the 401 every other state gets (LO-07's cause).
    ("LO-22", Is(Warned)),
    // REAL: the 401 carries never_cache's `no-store`; the CSRF 403 carries none.
    ("LO-23", Is(Warned)),
    // REAL: delete_cookie repeats SameSite=Lax but not HttpOnly, which login set.
    ("LO-24", Is(Warned)),
    // REAL: GET on the logout path is the session endpoint's read: 200 with the user
    // (it does not log out, but it is not 404 or 405). By design: one resource.
    ("LO-25", Is(Warned)),
    // No CORS: an SPA on the same site; no [cors].
    ("LO-26", Is(NotRun)),
    // The session id is the access credential too, and its row is gone.
    ("LO-27", Is(Passed)),
    // One instance.
    ("LO-28", Is(NotRun)),
    // Login sets no companion cookie that the logout leaves behind.
    ("LO-29", Is(Passed)),
    // The page GETs the session endpoint first (`before`, for the CSRF cookie), signs up
    // and logs in with `X-CSRFToken` read from `document.cookie`, and logs out with
    // DELETE: the declared 401. Chromium's store no longer holds `sessionid`, and the
    // session endpoint answers 401 (dead).
    ("LO-40", InBrowser(Passed)),
    // INFO: the 500 clears nothing.
    ("LO-30", Is(Info)),
    // INFO: no Content-Type and text/plain both log out (401); the CSRF header protects
    // it.
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the logout answer.
    ("LO-33", Is(Info)),
];

/// Flask-Security-Too against its declared contract: `POST /logout` answered 200
/// `{"meta":{"code":200},"response":{}}` for any session, `session` (Flask's signed
/// cookie) the one credential, `XSRF-TOKEN` its CSRF companion. The session is
/// stateless: nothing of it is on the server, so logout can only rewrite the browser's
/// cookie — a copy of the old one stays valid (the negative control for revocation).
pub const FLASK_SECURITY: &[(&str, Expect)] = &[
    // logout_user() empties the session; the JSON request gets 200 and the envelope.
    ("LO-01", Is(Passed)),
    // Flask deletes `session` when the emptied session is saved, and Flask-Security
    // deletes XSRF-TOKEN (fs_cc = "clear"): `expires` at the epoch, Max-Age=0, Path=/.
    ("LO-02", Is(Passed)),
    ("LO-03", Is(Passed)),
    // REAL: stateless. logout_user() only rewrites the browser's cookie; the copy the
    // probe presents still names the user's fs_uniquifier and is accepted (200).
    ("LO-04", Is(Failed)),
    // REAL: an unknown, garbage or expired cookie opens an empty session; the view has
    // no user to log out, modifies nothing, and Flask sends no Set-Cookie: the browser
    // keeps `session` and XSRF-TOKEN. (The already-removed case is a live copy: it logs
    // out again and clears both.)
    ("LO-05", Is(Failed)),
    // The second logout presents the same copied cookie, still valid: it logs out again.
    ("LO-06", Is(Passed)),
    // REAL: no Cookie header: the same anonymous 200 without Set-Cookie (LO-05's cause).
    ("LO-07", Is(Failed)),
    // The JSON objects of the fixed cases are parsed into the (optional) logout form and
    // ignored.
    ("LO-08", Is(Passed)),
    // A failing database: loading the user raises before the view runs; Flask's own HTML
    // 500, as declared; the cookie is untouched.
    ("LO-09", Is(Passed)),
    // REAL: every concurrent logout answers 200, but the token stays live (LO-04's cause).
    ("LO-10", Is(Failed)),
    // REAL: malformed Cookie headers are an empty session: 200 without Set-Cookie
    // (LO-05's cause).
    ("LO-11", Is(Failed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: a live session cookie presented survives any logout (LO-04's cause).
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // No Set-Cookie of the logout answer gives `session` a live value: it is deleted.
    ("LO-15", Is(Passed)),
    // The other session's cookie is untouched (nothing is shared on the server).
    ("LO-20", Is(Passed)),
    // REAL: a JSON body that is not an object (an array, a string) is a 500:
    // `_build_form_from_request` does `MultiDict(request.get_json())` (the class of
    // flask-security-3.0#681); malformed JSON is Flask's 400. Neither logs out.
    ("LO-21", Is(Warned)),
    // REAL: an unknown or missing session gets no clearing cookies (LO-05's cause).
    ("LO-22", Is(Warned)),
    // REAL: SECURITY_CACHE_CONTROL (pallets-eco/flask-security#1180) is applied as
    // `resp.cache_control[k] = True`, which Werkzeug 3.1 writes as
    // `private=True, no-store=True`: a `no-store` with an argument, not `no-store`.
    ("LO-23", Is(Warned)),
    // The clearing headers repeat HttpOnly and SameSite=Lax (session) and SameSite=Strict
    // (XSRF-TOKEN).
    ("LO-24", Is(Passed)),
    // SECURITY_LOGOUT_METHODS = ["POST"]: GET, PUT and DELETE are 405; OPTIONS does not
    // log out.
    ("LO-25", Is(Passed)),
    // No CORS: the SPA note serves the app and the API from one origin; no [cors].
    ("LO-26", Is(NotRun)),
    // REAL: the session cookie is the access credential too and stays valid (LO-04's
    // cause); the second row (an access token minted by a refresh) has none to mint.
    ("LO-27", Is(Warned)),
    // One instance.
    ("LO-28", Is(NotRun)),
    // XSRF-TOKEN, the companion cookie, is deleted with the session.
    ("LO-29", Is(Passed)),
    // In Chromium: the sign-up logs the user in, the visit drops that session cookie
    // (as the kit's setup does; else the login is refused: 400 "The CSRF token is
    // missing", with the header 400 "You can only access this endpoint when not logged
    // in"), logs in, logs out: neither cookie is left and /api/me answers 401.
    ("LO-40", InBrowser(Passed)),
    // INFO: the 500 clears nothing.
    ("LO-30", Is(Info)),
    // INFO: no Content-Type and text/plain both log out (the copy stays valid) and get a
    // 302 to SECURITY_POST_LOGOUT_VIEW: SECURITY_LOGOUT_CSRF is off by default, and
    // SameSite=Lax keeps a cross-site form's session out.
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the logout answer.
    ("LO-33", Is(Info)),
];
