Feature: Concurrent logouts
  A browser with several tabs, or a retrying client, may send the same logout many
  times at once. The document's status table has no answer for a race other than 200:
  500 means an unexpected error.

  @LO-10 @must @needs-refresh-probe
  Scenario: 16 logouts in flight with the same token all succeed
    Given a user with a live session
    And the probe accepts the refresh token
    When 16 clients log out at the same moment presenting the same refresh token
    Then every one of the responses is the documented success
    And the probe rejects the refresh token

  @LO-14 @must @needs-rotating-refresh @needs-refresh-probe
  Scenario: A refresh that rotates the session, racing its logout, leaves no live session
    Given a user with a live session
    And the rotating refresh gives the session a new refresh token that the probe accepts
    When a rotating refresh races the logout of each of 8 fresh sessions
    Then the probe rejects every refresh token of the raced sessions
