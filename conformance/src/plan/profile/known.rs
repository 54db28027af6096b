//! `[[known_failure]]`: a clause the stack is known to break, with the reason and,
//! optionally, the last day it is accepted. Unlike a waiver the clause is still judged:
//! the run does not fail for it while it fails as known, and fails when it no longer
//! does (the list cannot go stale) or when its date has passed.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// One known failure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KnownFailure {
    /// The clause it breaks (`LO-12`).
    pub clause: String,
    /// Why, in the stack's terms (an upstream issue, a design choice).
    pub reason: String,
    /// The last day (`YYYY-MM-DD`, UTC) it is accepted; without it, no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

impl KnownFailure {
    /// Whether `until` has passed at `now` (the whole day named is still accepted).
    /// An unreadable date counts as passed; the profile's check rejects one first.
    pub fn expired(&self, now: SystemTime) -> bool {
        match &self.until {
            None => false,
            Some(day) => end_of_day(day).is_none_or(|end| now > end),
        }
    }
}

/// The last second of a `YYYY-MM-DD` day in UTC, or `None` when it is not such a date.
pub fn end_of_day(day: &str) -> Option<SystemTime> {
    let shaped = day.len() == 10
        && day.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    humantime::parse_rfc3339(&format!("{day}T23:59:59Z")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(until: Option<&str>) -> KnownFailure {
        KnownFailure {
            clause: "LO-12".into(),
            reason: "r".into(),
            until: until.map(str::to_owned),
        }
    }

    #[test]
    fn a_date_is_accepted_through_its_whole_day_and_not_after() {
        let noon = humantime::parse_rfc3339("2027-03-01T12:00:00Z").expect("a time");
        let next = humantime::parse_rfc3339("2027-03-02T00:00:01Z").expect("a time");
        assert!(!known(Some("2027-03-01")).expired(noon));
        assert!(known(Some("2027-03-01")).expired(next));
        assert!(!known(None).expired(next));
    }

    #[test]
    fn only_a_calendar_date_is_a_date() {
        assert!(end_of_day("2027-02-30").is_none());
        assert!(end_of_day("2027-3-1").is_none());
        assert!(end_of_day("next year").is_none());
        assert!(end_of_day("2027-12-31").is_some());
    }
}
