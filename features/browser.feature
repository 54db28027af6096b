Feature: Logout in a real browser
  LO-02 judges the clearing cookies with a cookie jar that models a browser. Here a real
  one decides: headless Chromium opens a page of the target's origin (any page: a 404
  will do), and the page logs in and out with fetch(…, {credentials: "include"}), as a
  single-page app does. The browser's own cookie store, read over the DevTools protocol
  with its HttpOnly cookies, must hold neither cookie afterwards, and the page's next
  validate-session call must be unauthenticated. A browser that never held both cookies
  after login cannot show anything: the clause is blocked, never passed. Needs a
  Chromium on the machine running the suite (on PATH, or --browser PATH).

  @LO-40 @should @needs-browser @needs-refresh-probe
  Scenario: After a logout with fetch, the browser holds neither cookie and is logged out
    When a browser on the target's origin logs in and then out with fetch, credentials included
    Then the browser held both cookies after login, or the clause is blocked
    And the browser's logout was accepted, or the clause is blocked
    And the browser's cookie store holds neither cookie
    And the browser's validate-session call is unauthenticated
