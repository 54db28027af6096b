Feature: Only POST logs out
  A logout reachable by GET can be triggered cross-site by an image tag, since SameSite=Lax
  cookies are sent on top-level GET navigations.

  @LO-25 @should @needs-refresh-probe
  Scenario Outline: <method> on the logout path does not log out
    Given a user with a live session
    And the probe accepts the refresh token
    When the client sends <method> to the logout path with its session cookies
    Then the response status is 404 or 405
    And the probe accepts the refresh token

    Examples:
      | method |
      | GET    |
      | PUT    |
      | DELETE |

  @LO-25 @should @needs-refresh-probe
  Scenario Outline: OPTIONS carrying the session cookies does not log out: <kind>
    Given a user with a live session
    And the probe accepts the refresh token
    When the client sends <kind> to the logout path with its session cookies
    Then the probe accepts the refresh token

    Examples:
      | kind                                       |
      | OPTIONS                                    |
      | a CORS preflight from the configured origin |
