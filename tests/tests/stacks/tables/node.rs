//! The verdict tables of the Node stacks (Express with Passport, iron-session and Auth.js;
//! Fastify).

use logout_conformance::ClauseStatus::{Failed, Info, NotRun, Passed, Warned};

use super::super::zoo::Expect::{self, InBrowser, Is};

/// Express + express-session + passport against its declared contract: the documented
/// logout (200 `{"message":"Logged out successfully"}` for every token), one session
/// cookie `connect.sid`, Express's own HTML 500 when the store fails.
pub const EXPRESS_PASSPORT: &[(&str, Expect)] = &[
    // The route answers res.json({ message: "Logged out successfully" }).
    ("LO-01", Is(Passed)),
    // res.clearCookie("connect.sid"): an empty value with the epoch Expires.
    ("LO-02", Is(Passed)),
    // Express 5's clearCookie writes `Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT` and
    // drops maxAge.
    ("LO-03", Is(Passed)),
    // passport's logOut saves the session without the user and regenerates it (the old
    // id is destroyed in Redis); session.destroy() ends the new one: /auth/me is 401.
    ("LO-04", Is(Passed)),
    // An unknown, garbage or expired id finds no session: req.logout() and destroy()
    // still run on a fresh one, the same 200 and clearCookie.
    ("LO-05", Is(Passed)),
    ("LO-06", Is(Passed)),
    // No cookie: the same route, the same answer.
    ("LO-07", Is(Passed)),
    // express.json() parses `{}`, an empty body and other objects; the route ignores them.
    ("LO-08", Is(Passed)),
    // Every store call failing: express-session hands the error to next(), Express's
    // final handler answers 500 "Internal Server Error" (HTML, no stack in production),
    // as declared in [logout.store_failure]; nothing is destroyed meanwhile.
    ("LO-09", Is(Passed)),
    // Redis DEL is idempotent: every concurrent logout answers 200.
    ("LO-10", Is(Passed)),
    // Malformed cookies parse to no (or an unsigned) connect.sid: a fresh session, 200.
    ("LO-11", Is(Passed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: the cookie module (0.7) keeps the first of two `connect.sid` values
    // (jshttp/cookie#60, expressjs/session#881); "an unknown token, then its own"
    // destroys nothing and its own session stays live (and of a dozen sessions in one
    // header only the first ends).
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    // Only the presented session's key is deleted; another session stays.
    ("LO-20", Is(Passed)),
    // REAL: express.json() runs before the route and answers a malformed body (`{`) with
    // 400 (Express's HTML error page), where `{}` gets 200.
    ("LO-21", Is(Warned)),
    // Every token state gets the same 200, body and clearing cookie.
    ("LO-22", Is(Passed)),
    // REAL: Express sets no Cache-Control on res.json().
    ("LO-23", Is(Warned)),
    // REAL: clearCookie(name) without options repeats neither HttpOnly nor SameSite=Lax,
    // which the session cookie was set with (Express's docs ask for the same options on
    // clear: expressjs/express#3874).
    ("LO-24", Is(Warned)),
    // Only POST /auth/logout is routed: GET, PUT and DELETE get Express's 404.
    ("LO-25", Is(Passed)),
    // cors({ origin, credentials: true }) allows the one configured origin; it sends that
    // fixed origin to any other (harmless: noted).
    ("LO-26", Is(Passed)),
    // The session cookie is the access token too, and its session is gone.
    ("LO-27", Is(Passed)),
    // Both instances read and delete the same Redis keys: a session ended on the second
    // is dead on the first, and split concurrent logouts all answer 200.
    ("LO-28", Is(Passed)),
    // Login sets no companion cookie that the logout leaves behind.
    ("LO-29", Is(Passed)),
    // The kit's page is its own blank document on the target's origin (Express's 404
    // with `Content-Security-Policy: default-src 'none'` is never shown): the logout
    // clears the cookie in Chromium's store and ends the session.
    ("LO-40", InBrowser(Passed)),
    // INFO: the 500 clears nothing (the route never reaches clearCookie).
    ("LO-30", Is(Info)),
    // INFO: no Content-Type and text/plain both log out (200): the SameSite=Lax cookie
    // keeps a cross-site form from carrying the session.
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the logout answer.
    ("LO-33", Is(Info)),
];

/// iron-session against its declared contract: the documented logout (200
/// `{"message":"Logged out successfully"}` for every token), one sealed session cookie
/// `session`, no store. The negative control: every clause that asks whether the server
/// ended the session fails, because there is nothing on the server to end
/// (vvo/iron-session#530: "stateless … by design").
pub const IRON_SESSION: &[(&str, Expect)] = &[
    ("LO-01", Is(Passed)),
    // session.destroy() writes `session=` with Max-Age=0.
    ("LO-02", Is(Passed)),
    // REAL: the clearing cookie has Max-Age=0 and no Expires (x
    // stringifySetCookie writes only what it is given), so not the epoch date.
    ("LO-03", Is(Failed)),
    // REAL: the sealed cookie is the session; a copy taken before the logout unseals
    // and /auth/me still answers 200 until its ttl (14 days).
    ("LO-04", Is(Failed)),
    // A seal that does not open (unknown, garbage, or past its own expiry) is an empty
    // session: destroy() and the same 200.
    ("LO-05", Is(Passed)),
    ("LO-06", Is(Passed)),
    ("LO-07", Is(Passed)),
    ("LO-08", Is(Passed)),
    // No store to fail: no [store_fault].
    ("LO-09", Is(NotRun)),
    // REAL: concurrent logouts all answer 200, but the token stays live (LO-04's cause).
    ("LO-10", Is(Failed)),
    // Malformed cookies do not unseal: an empty session, 200.
    ("LO-11", Is(Passed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: no value presented is ever revoked (LO-04's cause).
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    // Another session's seal is untouched.
    ("LO-20", Is(Passed)),
    // REAL: express.json() answers a malformed body (`{`) with 400 before the route runs.
    ("LO-21", Is(Warned)),
    // Every token state gets the same 200, body and clearing cookie.
    ("LO-22", Is(Passed)),
    // REAL: no Cache-Control on res.json().
    ("LO-23", Is(Warned)),
    // destroy() writes the clearing cookie with the same cookieOptions as save():
    // HttpOnly and SameSite=Lax repeated.
    ("LO-24", Is(Passed)),
    // Only POST /auth/logout is routed: GET, PUT and DELETE get Express's 404.
    ("LO-25", Is(Passed)),
    // cors({ origin, credentials: true }); the fixed origin sent to others is noted.
    ("LO-26", Is(Passed)),
    // REAL: the session cookie is the access token too, and still unseals.
    ("LO-27", Is(Warned)),
    // One instance (a second would share only the password: no state to share).
    ("LO-28", Is(NotRun)),
    // Login sets no companion cookie that the logout leaves behind.
    ("LO-29", Is(Passed)),
    // The kit's page on the target's origin (Express's CSP never applies to it): the
    // logout clears the sealed cookie from Chromium's store, and without it
    // validate-session is unauthenticated. A browser cannot replay the old seal, so the
    // stateless defect (LO-04: the seal stays valid) does not show here.
    ("LO-40", InBrowser(Passed)),
    // No store fault: nothing to report.
    ("LO-30", Is(NotRun)),
    // INFO: no Content-Type and text/plain both get 200, and the session stays live (as
    // after every logout here).
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the logout answer.
    ("LO-33", Is(Info)),
];

/// @fastify/session against its declared contract: the documented logout (200
/// `{"message":"Logged out successfully"}`), one session cookie `sessionId`, Fastify's
/// JSON 500 when the store fails. The session ends on the server, but the logout answer
/// never clears the cookie: destroy() sets `request.session = null`, and the plugin's
/// onSend hook writes no Set-Cookie for a null session (the cookie is only replaced or
/// cleared by a later request: SerayaEryn/fastify-session#57, the plugin's predecessor).
pub const FASTIFY_SESSION: &[(&str, Expect)] = &[
    ("LO-01", Is(Passed)),
    // REAL: no Set-Cookie in the logout answer: the browser keeps `sessionId`.
    ("LO-02", Is(Failed)),
    // REAL: no clearing header at all.
    ("LO-03", Is(Failed)),
    // destroy() deletes the session from the store: /auth/me is 401.
    ("LO-04", Is(Passed)),
    // REAL: an unknown, garbage or expired id gets the 200, but the cookie is not cleared
    // (LO-02's cause).
    ("LO-05", Is(Failed)),
    ("LO-06", Is(Failed)),
    // REAL: no cookie: 200 and nothing cleared — LO-02's cause again (the clause asks for
    // both cookies cleared even then).
    ("LO-07", Is(Failed)),
    // REAL: Fastify's JSON parser refuses an empty body sent as application/json: 400
    // FST_ERR_CTP_EMPTY_JSON_BODY, where `{}` gets 200.
    ("LO-08", Is(Failed)),
    // A rejected destroy() reaches Fastify's error handler: 500 `{"statusCode":500,
    // "error":"Internal Server Error","message":…}`, as declared; nothing is deleted.
    ("LO-09", Is(Passed)),
    // Map.delete is idempotent: every concurrent logout answers 200 and the session is
    // gone.
    ("LO-10", Is(Passed)),
    // REAL: malformed cookies get the 200 without clearing (LO-02's cause).
    ("LO-11", Is(Failed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: @fastify/cookie parses with the cookie module (2.0), which keeps the first of
    // two `sessionId` values; "an unknown token, then its own" leaves its own live.
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // No Set-Cookie of the logout answer gives a session cookie a live value.
    ("LO-15", Is(Passed)),
    // Only the presented session is deleted.
    ("LO-20", Is(Passed)),
    // REAL: a malformed JSON body (`{`) is Fastify's 400 before the route runs.
    ("LO-21", Is(Warned)),
    // Every token state gets the same 200 and body, and none a Set-Cookie.
    ("LO-22", Is(Passed)),
    // REAL: no Cache-Control on the reply.
    ("LO-23", Is(Warned)),
    // REAL: no clearing cookie to repeat the login cookie's HttpOnly and SameSite.
    ("LO-24", Is(Warned)),
    // Only POST /auth/logout is routed: GET, PUT and DELETE get Fastify's 404.
    ("LO-25", Is(Passed)),
    // @fastify/cors allows the one configured origin with credentials; the fixed origin
    // sent to others is noted.
    ("LO-26", Is(Passed)),
    // The session cookie is the access token too, and its session is gone.
    ("LO-27", Is(Passed)),
    // One instance: the store is this process's memory.
    ("LO-28", Is(NotRun)),
    // Login sets no companion cookie that the logout leaves behind.
    ("LO-29", Is(Passed)),
    // REAL: Chromium's own cookie store still holds `sessionId` after a fetch logout
    // (LO-02's cause, in a real browser); Fastify's 404 page sends no CSP, so the test
    // runs.
    ("LO-40", InBrowser(Warned)),
    // INFO: the 500 clears nothing.
    ("LO-30", Is(Info)),
    // INFO: a body without Content-Type is Fastify's 415 (not logged out); text/plain is
    // parsed and logs out, but the SameSite=Lax cookie keeps a cross-site form from
    // carrying the session.
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the logout answer.
    ("LO-33", Is(Info)),
];

/// Auth.js against its declared contract: `GET /auth/csrf` first (with the session's
/// cookies), then `POST /auth/signout` with `csrfToken` as a form, answered 302 to the
/// site's root (a refused sign-out is a 302 to `/auth/signin?error=MissingCSRF`: the
/// Location tells them apart). The session is an encrypted JWT in
/// `authjs.session-token`, nothing on the server: the second negative control for
/// revocation, beside iron-session.
pub const AUTHJS_EXPRESS: &[(&str, Expect)] = &[
    // The 302 to the callback URL (the site's root), empty body.
    ("LO-01", Is(Passed)),
    // sessionStore.clean() writes `authjs.session-token=; Max-Age=0`.
    ("LO-02", Is(Passed)),
    // REAL: Max-Age=0 and no Expires, so not the epoch date.
    ("LO-03", Is(Failed)),
    // REAL: the JWT strategy keeps nothing on the server; signOut only decodes the token
    // for the signOut event. A copy taken before the sign-out still decrypts, and
    // /auth/session answers with its user until the token's own expiry (30 days).
    ("LO-04", Is(Failed)),
    // A token that does not decrypt (unknown, garbage, expired: jwt.decode throws, which
    // signOut logs) is still cleared, with the same redirect.
    ("LO-05", Is(Passed)),
    ("LO-06", Is(Passed)),
    // REAL: with no session cookie signOut returns at once (`if (!sessionToken) return
    // { redirect, cookies }`): the same 302 but no clearing header. The request carries
    // only the CSRF cookies its `before` answer set, as a browser without a session
    // would (no session cookie, so no Cookie header of the session).
    ("LO-07", Is(Failed)),
    // REAL: the body is not ignored — it carries the CSRF token. LO-08's JSON objects
    // get the token as a member (as a page's script sends it) and are accepted; its
    // empty body has no room for one, and the sign-out is refused with the MissingCSRF
    // redirect, which clears nothing.
    ("LO-08", Is(Failed)),
    // No store to fail: no [store_fault].
    ("LO-09", Is(NotRun)),
    // REAL: 16 sign-outs, each after its own GET /auth/csrf, all get the 302, but the
    // token stays live (LO-04's cause).
    ("LO-10", Is(Failed)),
    // REAL: a malformed Cookie header names no session cookie Auth.js can read: the
    // early return of LO-07, the redirect without a clearing header.
    ("LO-11", Is(Failed)),
    // One credential (role "session"): there is no access token to be stale.
    ("LO-12", Is(NotRun)),
    // REAL: no value presented is ever revoked (LO-04's cause).
    ("LO-13", Is(Failed)),
    // No [rotating_refresh] declared: a refresh racing the logout does not apply.
    ("LO-14", Is(NotRun)),
    // One clearing Set-Cookie per chunk presented, none with a value (next-auth#12908,
    // a blank and a live session cookie in one sign-out answer, does not show here).
    ("LO-15", Is(Passed)),
    // Another session's JWT is untouched (its JSON bodies carry the token).
    ("LO-20", Is(Passed)),
    // REAL: bodies that cannot hold the token (a JSON array, a JSON string) get the
    // MissingCSRF redirect; express.json() answers a malformed `{` and a JSON string
    // with 400 before Auth.js runs.
    ("LO-21", Is(Warned)),
    // REAL: the sign-out without a session cookie gets no clearing header (LO-07).
    ("LO-22", Is(Warned)),
    // REAL: the redirect carries no Cache-Control.
    ("LO-23", Is(Warned)),
    // The clearing cookie repeats HttpOnly, SameSite=Lax and Path=/.
    ("LO-24", Is(Passed)),
    // REAL: GET /auth/signout renders Auth.js's sign-out page (200), PUT and DELETE get
    // 400; none of them signs out.
    ("LO-25", Is(Warned)),
    // cors({ origin, credentials: true }) before Auth.js's routes.
    ("LO-26", Is(Passed)),
    // REAL: the session cookie is the access token too, and still decrypts.
    ("LO-27", Is(Warned)),
    // One instance (a second would share only the secret: no state to share).
    ("LO-28", Is(NotRun)),
    // Login sets the session cookie alone (the CSRF and callback-URL cookies come from
    // GET /auth/csrf before it): no companion is left. A session of more than 4 KB would
    // be chunked (`.0`, `.1`): sessionStore.clean() clears every chunk presented.
    ("LO-29", Is(Passed)),
    // Not run: the kit's browser page does not fetch the CSRF token first.
    ("LO-40", Is(NotRun)),
    // No store fault: nothing to report.
    ("LO-30", Is(NotRun)),
    // INFO: without a form body there is no token: the MissingCSRF redirect, and the
    // session stays live.
    ("LO-31", Is(Info)),
    ("LO-32", Is(Info)),
    // INFO: no Clear-Site-Data on the redirect.
    ("LO-33", Is(Info)),
];
