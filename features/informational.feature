Feature: What the document leaves open
  These scenarios never fail a target. They report what it does, so that its owners can
  decide.

  @LO-31 @info
  Scenario Outline: A logout with <content type>
    Given a user with a live session
    When the client logs out with its session cookies and <content type>
    Then the report says the status and whether the session ended

    Examples:
      | content type                   |
      | no Content-Type                |
      | the Content-Type "text/plain"  |

  @LO-32 @info
  Scenario: Latency of logouts with live and unknown tokens
    Given 50 live sessions of one user
    When each session logs out and as many unknown tokens log out, one after another
    Then the report gives the median latency of both

  @LO-33 @info
  Scenario: Clear-Site-Data on the logout answer
    Given a user with a live session
    When the client logs out with its session cookies
    Then the report says whether the answer carries Clear-Site-Data
