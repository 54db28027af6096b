Feature: Several instances behind one token store
  Real deployments run several instances of the API behind a load balancer, with the
  token store outside the process. A logout served by one instance must end the session
  on every instance; a revocation that only the serving instance knows of leaves the
  session live on the others. These scenarios run when a second instance is given
  (--also URL); the first instance is the target itself.

  @LO-28 @must @needs-second-instance @needs-refresh-probe
  Scenario: A session logged out on the second instance is dead on both
    Given a user with a live session
    And the probe accepts the refresh token
    When the client logs out on the second instance with its session cookies
    Then the logout succeeded, or the clause is blocked
    And the probe rejects the refresh token on both instances

  @LO-28 @must @needs-second-instance @needs-refresh-probe
  Scenario: Concurrent logouts split across both instances all succeed
    Given a user with a live session
    And the probe accepts the refresh token
    When 16 clients log out at the same moment presenting the same refresh token, half on each instance
    Then every one of the responses is the documented success
    And the probe rejects the refresh token on both instances
