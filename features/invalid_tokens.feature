Feature: Logging out without a valid token
  The document says that a logout with an expired or invalid refresh token "silently
  fails" but still answers 200 OK, and that the server clears the cookies "even if the
  refresh token was already invalid". A missing cookie is an expected client state, not
  an unexpected error, so it gets the same silent 200.

  @LO-05 @must
  Scenario Outline: <kind> refresh token gets the silent 200
    Given a user with a live session
    When the client logs out presenting <kind> refresh token
    Then the response is the documented success
    And both cookies are cleared

    Examples:
      | kind               |
      | an unknown         |
      | a garbage          |
      | an already-removed |

  @LO-05 @must @needs-expired-session
  Scenario: An expired refresh token gets the silent 200
    Given a user with a live session
    And an expired refresh token minted by the target
    When the client logs out presenting the expired refresh token
    Then the response is the documented success
    And both cookies are cleared

  @LO-06 @must
  Scenario: Logging out twice with the same token
    Given a user with a live session
    When the client logs out with its session cookies
    And the client logs out again presenting the same refresh token
    Then the response is the documented success
    And both cookies are cleared

  @LO-07 @must
  Scenario: No Cookie header at all
    Given a user with a live session
    When the client logs out without any Cookie header
    Then the response is the documented success
    And both cookies are cleared

  # These requests are written byte by byte on a raw connection, because an HTTP client
  # library would refuse or repair them. In the table, {bytes ff fe} stands for the bytes
  # 0xFF 0xFE, {N × "c"} for the character c repeated N times, and {refresh} for the
  # profile's refresh (or session) cookie name; the session's other cookies (CSRF,
  # signature cookies) follow each row.
  @LO-11 @must
  Scenario Outline: Malformed cookie input is an invalid token: <input>
    Given a user with a live session
    When the client logs out over a raw connection with the Cookie header <header>
    Then the response is the documented success
    And both cookies are cleared

    Examples:
      | input               | header                                       |
      | no "="              | {refresh}                                    |
      | only semicolons     | ;;;                                          |
      | an unmatched quote  | {refresh}="abc                               |
      | non-UTF-8 bytes     | {refresh}={bytes ff fe c3 28}                |
      | a duplicated cookie | {refresh}=unknown-one; {refresh}=unknown-two |
      | a 4 KiB value       | {refresh}={4096 × "a"}                       |

  # A user who comes back after the access token expired clicks logout: the stale access
  # token must not make an auth layer refuse the logout and leave the session live. The
  # first step shows the target logs out at all; if it does not, LO-01 is the defect.
  @LO-12 @must @needs-refresh-probe
  Scenario Outline: A stale access token does not block logout: <access> access token
    Given the target logs out another live session, or the clause is blocked
    And a user with a live session
    And the probe accepts the refresh token
    When the client logs out presenting its refresh token and <access> access token
    Then the response is the documented success
    And the probe rejects the refresh token

    Examples:
      | access             |
      | a garbage          |
      | an already-revoked |

  # Browsers send a cookie twice when it exists at two paths or domains, and an attacker
  # can toss in a same-name cookie: the logout must end the live session whichever value
  # comes first.
  @LO-13 @must @needs-refresh-probe
  Scenario Outline: Every refresh token presented is revoked: <presented>
    Given the target logs out another live session, or the clause is blocked
    And a user with a live session
    And the probe accepts the refresh token
    When the client logs out presenting <presented>
    Then the probe rejects every live refresh token presented

    Examples:
      | presented                                 |
      | an unknown refresh token, then its own    |
      | its own refresh token, then a garbage one |

  @LO-13 @must @needs-refresh-probe
  Scenario: A dozen live refresh tokens in one header are all revoked
    Given the target logs out another live session, or the clause is blocked
    And 12 live sessions of one user
    And the probe accepts every session's refresh token
    When the client logs out presenting every session's refresh token, with garbage between
    Then the probe rejects every live refresh token presented
