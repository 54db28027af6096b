Feature: A failing token store
  When the server cannot reach or update its token store it answers 500 with the
  documented error body and nothing more: no driver message, no stack trace. These
  scenarios switch the target's store off and on again, so they run alone (@serial).

  @LO-09 @must @needs-store-fault @serial
  Scenario: A failing store answers 500 with the documented error
    Given the target logs out another live session, or the clause is blocked
    And a user with a live session
    And the token store is failing
    When the client logs out with its session cookies
    Then the response status is 500
    And the response is JSON
    And the response body equals {"error":"Error logging out"}

  @LO-30 @info @needs-store-fault @serial
  Scenario: What the 500 answer does with the cookies
    Given the target logs out another live session, or the clause is blocked
    And a user with a live session
    And the token store is failing
    When the client logs out with its session cookies
    Then the report says whether the 500 answer clears both cookies
