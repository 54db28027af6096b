Feature: Generated inputs
  The fixed cases of LO-08, LO-11, LO-13, LO-21 and LO-22 catch the defects someone
  thought of. These scenarios send `--generate N` generated cases each (random Cookie
  headers, unknown tokens and bodies, from the seed the report names) and judge every
  one by the clause's own oracle. A failing case is shrunk to a minimal one — fewer
  pairs, shorter values, shallower or smaller bodies — whose exchange is the one shown,
  and `--seed S --generate N` replays it. With `--generate 0` they are not run.

  # Names from the profile (the refresh and CSRF cookies; an access token beside is
  # LO-04's and LO-12's business) and others (non-ASCII, odd), values with %-escapes such as
  # %00, quotes, commas, non-ASCII text and obs-text bytes, duplicates, up to 64 pairs,
  # now and then padded to around the 8 KiB header limit; none carries a live token.
  @LO-11 @must @generated
  Scenario: Generated malformed Cookie headers are answered as an invalid token
    Given a user with a live session
    Then every generated malformed Cookie header gets the invalid-token answer with both cookies cleared

  # The same headers with the refresh tokens of live sessions among the pairs, intact or
  # mangled; every live one presented must be gone after a logout the target accepted
  # (2xx). Whether it may refuse a header at all is LO-11's business. Each case may log in again, so a third of N cases run.
  @LO-13 @must @needs-refresh-probe @generated
  Scenario: Live refresh tokens among generated Cookie pairs are all revoked
    Given the target logs out another live session, or the clause is blocked
    And a user with a live session
    Then every live refresh token among generated Cookie pairs is revoked

  # JSON of every shape: scalars, arrays and objects a few levels deep, 1 to 100 levels
  # of nesting, objects padded up to 128 KiB; sent as application/json.
  @LO-08 @must @generated
  Scenario: Generated JSON bodies do not change the answer
    Given a user with a live session
    Then every generated JSON body gets the same answer as the body {}

  # Malformed JSON and arbitrary bytes (1 byte to 4 KiB: no body at all is LO-08's case)
  # sent as JSON must get the answer {} gets; under another content type or none the
  # answer is open (LO-31), a 5xx not.
  @LO-21 @should @generated
  Scenario: Generated bodies that are not JSON are ignored
    Given a user with a live session
    Then every generated body that is not JSON is ignored

  # Unknown refresh tokens shaped like the live one: as long, of the same character
  # classes (a token of another shape may be told apart: LO-05 judges its answer).
  @LO-22 @should @generated
  Scenario: Generated unknown tokens get the same answer as a live logout
    Given a user with a live session
    When the client logs out with its session cookies
    Then every generated unknown refresh token gets the same answer as that logout
