Feature: What a logout revokes
  The logout removes the refresh token it was given — the session on this device — and
  invalidates the access token presented with it.

  @LO-20 @should @needs-refresh-probe
  Scenario Outline: A second session of the same user stays live: <body kind>
    Given a user with a live session
    And the same user has a second live session
    And the probe accepts the second session's refresh token
    When the client logs out with its session cookies and the body <body>
    Then the logout succeeded, or the clause is blocked
    And the probe accepts the second session's refresh token

    Examples:
      | body kind                | body                                   |
      | an empty object          | {}                                     |
      | a request to end them all | {"everywhere":true,"allDevices":true} |

  @LO-27 @should @needs-access-probe
  Scenario: The presented access token is no longer accepted
    Given a user with a live session
    And the probe accepts the access token
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    And the probe rejects the access token

  @LO-27 @should @needs-access-probe @needs-refresh-probe
  Scenario: An access token minted by a refresh before the logout is no longer accepted
    Given a user with a live session
    And a refresh mints another access token for the session
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    And the probe rejects the access token the refresh minted

  @LO-27 @should @needs-access-probe @needs-refresh-probe
  Scenario: An access token minted by a refresh during the logout is no longer accepted
    Given a user with a live session
    When a refresh races the logout of each of 8 fresh sessions
    Then the probe rejects every access token the racing refreshes minted
