Feature: Logging out a live session
  A signed-in user calls POST /auth/logout with the cookies that login set. The server
  answers 200 with the documented body, clears both cookies the way the document shows,
  and removes the refresh token from its store.

  "Then the logout succeeded, or the clause is blocked" is a precondition, not a check
  of the scenario's clause: the logout must be accepted (any 2xx) for the rest to mean
  anything. When it is refused, the clause is not judged here and the refusal counts
  against LO-01.

  @LO-01 @must
  Scenario: A live session logs out with 200 and the documented body
    Given a user with a live session
    When the client logs out with its session cookies
    Then the response status is 200
    And the response is JSON
    And the response body equals {"message":"Logged out successfully"}

  @LO-02 @must
  Scenario: A live session's logout clears both cookies
    Given a user with a live session
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    And both cookies are cleared

  @LO-03 @must
  Scenario: The clearing headers show the epoch date and Path=/
    Given a user with a live session
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    And each clearing header carries exactly "Expires=Thu, 01 Jan 1970 00:00:00 GMT" and "Path=/"

  @LO-04 @must @needs-refresh-probe
  Scenario: The refresh token is gone from the store after the logout
    Given a user with a live session
    And the probe accepts the refresh token
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    And the probe rejects the refresh token

  @LO-15 @must
  Scenario Outline: The logout answer never sets a session cookie to a live value: <token>
    Given a user with a live session
    When <logout>
    Then no Set-Cookie of the answer gives a session cookie a live value

    Examples:
      | token            | logout                                                    |
      | a live session   | the client logs out with its session cookies              |
      | an unknown token | the client logs out presenting an unknown refresh token   |

  @LO-29 @should
  Scenario: Companion cookies the login set are cleared too
    Given a user with a live session
    When the client logs out with its session cookies
    Then every other cookie the login set is cleared
