//! A clause's ID, `LO-05`: a type rather than a string, so that code naming a clause
//! names one that exists in spelling, and comparisons cost nothing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `LO-NN`, as the catalogue, the tags and every report write it. The default, `LO-00`,
/// is no clause: a world's before it is bound to a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClauseId(u16);

/// The text is not `LO-` followed by digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a clause ID (LO-NN)")]
pub struct BadClauseId(pub String);

impl ClauseId {
    pub const LO_01: ClauseId = ClauseId(1);
    pub const LO_02: ClauseId = ClauseId(2);
    pub const LO_03: ClauseId = ClauseId(3);
    pub const LO_04: ClauseId = ClauseId(4);
    pub const LO_08: ClauseId = ClauseId(8);
    pub const LO_09: ClauseId = ClauseId(9);
    pub const LO_12: ClauseId = ClauseId(12);
    pub const LO_13: ClauseId = ClauseId(13);
    pub const LO_20: ClauseId = ClauseId(20);
    pub const LO_23: ClauseId = ClauseId(23);
    pub const LO_24: ClauseId = ClauseId(24);
    pub const LO_27: ClauseId = ClauseId(27);

    /// The clause numbered `n` (`LO-05` for 5).
    pub const fn new(n: u16) -> Self {
        ClauseId(n)
    }

    /// `LO-02, LO-03`: a list as reports write it.
    pub fn joined(ids: &[ClauseId]) -> String {
        ids.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Its number.
    pub fn number(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ClauseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that a width (`{:<6}` in the console's columns) applies to it.
        f.pad(&format!("LO-{:02}", self.0))
    }
}

impl FromStr for ClauseId {
    type Err = BadClauseId;

    /// `LO-05`, in any case (tags are case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadClauseId(s.to_owned());
        let digits = s
            .get(..3)
            .filter(|p| p.eq_ignore_ascii_case("LO-"))
            .and_then(|_| s.get(3..))
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(bad)?;
        digits.parse().map(ClauseId).map_err(|_| bad())
    }
}

impl PartialEq<str> for ClauseId {
    fn eq(&self, other: &str) -> bool {
        other.parse() == Ok(*self)
    }
}

impl PartialEq<&str> for ClauseId {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<ClauseId> for &str {
    fn eq(&self, other: &ClauseId) -> bool {
        other == self
    }
}

impl Serialize for ClauseId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClauseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_catalogue_spelling() {
        let id: ClauseId = "LO-05".parse().expect("an ID");
        assert_eq!(id, ClauseId::new(5));
        assert_eq!(id.to_string(), "LO-05");
        assert_eq!("lo-27".parse::<ClauseId>(), Ok(ClauseId::LO_27));
        assert_eq!(ClauseId::new(40).to_string(), "LO-40");
        assert!(id == "LO-05" && id != "LO-5x");
        for bad in ["", "LO-", "LO-x1", "XX-05", "LO-05 ", "LO-999999"] {
            assert!(bad.parse::<ClauseId>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serialises_as_its_text() {
        let json = serde_json::to_string(&ClauseId::LO_13).expect("json");
        assert_eq!(json, "\"LO-13\"");
        let back: ClauseId = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, ClauseId::LO_13);
        assert!(serde_json::from_str::<ClauseId>("\"nope\"").is_err());
    }
}
