Feature: Credentialed CORS for browser clients
  The document's Axios example sends the logout with withCredentials: true from a
  browser page. For a page on another origin, the browser sends a preflight first and
  only exposes the answer when the server names that exact origin and allows
  credentials. Other origins get no Access-Control-Allow-Origin that lets them read
  the answer; a fixed header naming the allowed origin is harmless (browsers block the
  read) and only noted. Whether the logout itself succeeded is LO-01's business.

  @LO-26 @should @needs-cors-origin
  Scenario: The preflight from the configured origin is allowed with credentials
    When the configured browser origin sends a preflight for the logout
    Then the response status is 2xx
    And the response allows the configured origin with credentials
    And the response header "Access-Control-Allow-Headers" lists "content-type"

  @LO-26 @should @needs-cors-origin
  Scenario: The logout answer to the configured origin carries the CORS headers
    Given a user with a live session
    When the client logs out with its session cookies from the configured browser origin
    Then the response allows the configured origin with credentials

  @LO-26 @should @needs-cors-origin
  Scenario: An origin that is not allowed may not read the answer
    Given a user with a live session
    When an origin that is not allowed sends a preflight for the logout
    Then the response does not let the origin that is not allowed read it
    When the client logs out with its session cookies from an origin that is not allowed
    Then the response does not let the origin that is not allowed read it
