Feature: Logging out a live session
  A signed-in user calls POST /auth/logout with the cookies that login set. The server
  answers 200 with the documented body, clears both cookies the way the document shows,
  and removes the refresh token from its store.

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
    Then both cookies are cleared

  @LO-03 @must
  Scenario: The clearing headers show the epoch date and Path=/
    Given a user with a live session
    When the client logs out with its session cookies
    Then each clearing header carries exactly "Expires=Thu, 01 Jan 1970 00:00:00 GMT" and "Path=/"

  @LO-04 @must @needs-refresh-probe
  Scenario: The refresh token is gone from the store after the logout
    Given a user with a live session
    And the probe accepts the refresh token
    When the client logs out with its session cookies
    Then the probe rejects the refresh token
