Feature: Headers of the logout answer
  The answer must not be stored by caches, and the clearing cookies must carry the same
  security attributes that login set, so that browsers apply the deletion in cross-site
  and HTTPS contexts.

  @LO-23 @should
  Scenario Outline: The answer is not cached: <token>
    Given the target logs out another live session, or the clause is blocked
    And a user with a live session
    When <logout>
    Then the response header "Cache-Control" has the directive "no-store"

    Examples:
      | token          | logout                                                      |
      | a live session | the client logs out with its session cookies               |
      | an unknown token | the client logs out presenting an unknown refresh token  |
      | no cookie      | the client logs out without any Cookie header               |

  @LO-24 @should
  Scenario: The clearing cookies repeat the login cookies' security attributes
    Given a user with a live session
    When the client logs out with its session cookies
    Then the logout succeeded, or the clause is blocked
    And each clearing cookie repeats the HttpOnly, SameSite and Secure attributes that login set
