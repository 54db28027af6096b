//! A root cause's title: the check that failed and the request it failed on, with the
//! grouping key after them — `the response is the documented success, on "logout with
//! an unknown refresh token" (LO-01: status 401)`. The key alone (`LO-01: status 401`)
//! reads as a contradiction on a run where LO-01 itself passed: the check is LO-01's,
//! the request was another clause's.

use crate::verdict::outcome::RunReport;
use crate::verdict::root_cause::RootCause;

/// The title of `cause` in `report`; the key alone when the example scenario says
/// nothing more.
pub fn title(report: &RunReport, cause: &RootCause) -> String {
    let example = report.scenarios().find(|s| s.key == cause.example);
    let own = example.filter(|s| s.root_cause.as_ref() == Some(&cause.cause));
    let check = own.and_then(|s| s.step.as_deref()).map(check_of);
    let transcript = own
        .and_then(|s| s.transcript.as_deref())
        .unwrap_or_default();
    // A key that names its request already (a comparison of several answers) says more
    // than the last one of them would.
    let named = labels(transcript).any(|label| cause.cause.key.contains(label));
    let request = last_request(transcript).filter(|_| !named);
    match (check, request) {
        (Some(check), Some(request)) => format!("{check}, on \"{request}\" ({})", cause.cause),
        (Some(check), None) => format!("{check} ({})", cause.cause),
        _ => cause.cause.to_string(),
    }
}

/// `Then the response is the documented success (line 11)` → `the response is the
/// documented success`.
fn check_of(step: &str) -> String {
    let text = step.trim();
    let text = text
        .rsplit_once(" (line ")
        .filter(|(_, rest)| rest.ends_with(')'))
        .map_or(text, |(head, _)| head);
    let text = ["Given ", "When ", "Then ", "And ", "But ", "* "]
        .iter()
        .find_map(|k| text.strip_prefix(k))
        .unwrap_or(text);
    text.to_owned()
}

/// The label of the last exchange in a transcript (`  --- logout (3 ms)`): the request
/// whose answer the failed check read.
fn last_request(transcript: &str) -> Option<String> {
    labels(transcript).last().map(str::to_owned)
}

/// Every exchange's label, in order.
fn labels(transcript: &str) -> impl Iterator<Item = &str> {
    transcript
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--- "))
        .map(|label| {
            label
                .rsplit_once(" (")
                .filter(|(_, t)| t.ends_with(')'))
                .map_or(label, |(l, _)| l)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_and_the_request_come_from_the_step_and_the_transcript() {
        assert_eq!(
            check_of("Then the response is the documented success (line 11)"),
            "the response is the documented success"
        );
        let transcript = "HTTP exchanges:\n  --- register a user (17 ms)\n  > POST /x\n  \
                          --- logout with an unknown refresh token (3 ms)\n  < 401";
        assert_eq!(
            last_request(transcript).as_deref(),
            Some("logout with an unknown refresh token")
        );
        assert_eq!(last_request("no exchanges"), None);
    }
}
