Feature: Headers of the logout answer
  The answer must not be stored by caches, and the clearing cookies must carry the same
  security attributes that login set, so that browsers apply the deletion in cross-site
  and HTTPS contexts.

  @LO-23 @should
  Scenario: The answer is not cached
    Given a user with a live session
    When the client logs out with its session cookies
    Then the response header "Cache-Control" has the directive "no-store"

  @LO-24 @should
  Scenario: The clearing cookies repeat the login cookies' security attributes
    Given a user with a live session
    When the client logs out with its session cookies
    Then each clearing cookie repeats the HttpOnly, SameSite and Secure attributes that login set
