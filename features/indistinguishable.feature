Feature: One answer for every token state
  An attacker must not learn from the logout answer whether a token was live: a live,
  an unknown, a removed and a missing token get the same status, body and clearing
  cookies.

  @LO-22 @should
  Scenario: Live, unknown, removed and missing tokens get the same answer
    Given a user with a live session
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    When the client logs out presenting an unknown refresh token
    And the client logs out again presenting the same refresh token
    And the client logs out without any Cookie header
    Then all four responses have the same status, body and clearing cookies
