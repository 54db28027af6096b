Feature: The request body is ignored
  The document says no request body is required and that the body is ignored, since
  authentication relies only on cookies.

  # Each body is compared with the answer the same target gives the body {} (the
  # document's own example), so a target whose every answer is wrong in the same way
  # fails LO-01, not this clause.
  @LO-08 @must
  Scenario Outline: The body does not change the answer: <body kind>
    Given a user with a live session
    And another user with a live session
    When the other user logs out with the body {}
    Then the logout succeeded, or the clause is blocked
    When the client logs out with its session cookies and the body <body>
    Then the answer is the same as the other user's

    Examples:
      | body kind           | body                                              |
      | an empty body       | (empty)                                           |
      | another JSON object | {"refreshToken":"someone-else","everywhere":true} |

  @LO-08 @must @needs-refresh-probe
  Scenario: A body naming another user's token does not end that user's session
    Given a user with a live session
    And another user with a live session
    And the probe accepts the other user's refresh token
    When the client logs out with its session cookies and a body naming the other user's refresh token
    Then the logout succeeded, or the clause is blocked
    And the probe accepts the other user's refresh token

  @LO-21 @should
  Scenario Outline: A body that is not a JSON object is ignored: <body kind>
    Given a user with a live session
    And another user with a live session
    When the other user logs out with the body {}
    Then the logout succeeded, or the clause is blocked
    When the client logs out with its session cookies and the body <body>
    Then the answer is the same as the other user's

    Examples:
      | body kind        | body      |
      | a JSON array     | [1, 2, 3] |
      | a JSON string    | "logout"  |
      | malformed JSON   | {         |
