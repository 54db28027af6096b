//! What an answer must look like (`[logout.success]`, `[logout.invalid_token]`): a status
//! set, a body (exact JSON, a JSON subset, a regular expression, empty, or anything) and
//! a content type. The behaviour clauses judge "the success answer" against it; left
//! out, it is the document's `200 {"message":"Logged out successfully"}` as JSON.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use crate::plan::profile::answer_header::HeaderSpec;

/// The shape of an answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerSpec {
    #[serde(default = "ok")]
    pub status: Vec<u16>,
    #[serde(default = "documented_body")]
    pub body: BodySpec,
    /// A media type (`application/json`; parameters such as `charset` are ignored) or
    /// `"any"`; left out, `application/json` for a JSON body and `any` otherwise.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Headers the answer must carry, each with its value's condition (a redirect's
    /// `Location`); none by default.
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderSpec>,
}

fn ok() -> Vec<u16> {
    vec![200]
}

fn documented_body() -> BodySpec {
    BodySpec::Json(json!({"message": "Logged out successfully"}))
}

/// What the body must be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawBody")]
pub enum BodySpec {
    /// No bytes at all.
    Empty,
    /// Anything.
    Any,
    /// This JSON value, exactly (formatting is free).
    Json(serde_json::Value),
    /// A JSON value that holds at least these members.
    JsonSubset(serde_json::Value),
    /// Text in which this regular expression finds a match.
    Regex(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawBody {
    Word(String),
    Table(BodyTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyTable {
    json: Option<serde_json::Value>,
    json_subset: Option<serde_json::Value>,
    regex: Option<String>,
}

impl TryFrom<RawBody> for BodySpec {
    type Error = String;

    fn try_from(raw: RawBody) -> Result<Self, String> {
        match raw {
            RawBody::Word(w) if w == "empty" => Ok(Self::Empty),
            RawBody::Word(w) if w == "any" => Ok(Self::Any),
            RawBody::Word(w) => Err(format!(
                "body {w:?} is not \"empty\", \"any\", {{ json = … }}, {{ json_subset = … }} \
                 or {{ regex = \"…\" }}"
            )),
            RawBody::Table(t) => match (t.json, t.json_subset, t.regex) {
                (Some(v), None, None) => Ok(Self::Json(v)),
                (None, Some(v), None) => Ok(Self::JsonSubset(v)),
                (None, None, Some(r)) => match regex::Regex::new(&r) {
                    Ok(_) => Ok(Self::Regex(r)),
                    Err(e) => Err(format!("body regex {r:?} does not compile: {e}")),
                },
                _ => Err("body takes exactly one of json, json_subset, regex".into()),
            },
        }
    }
}

impl AnswerSpec {
    /// The document's success answer.
    pub fn documented() -> Self {
        Self {
            status: ok(),
            body: documented_body(),
            content_type: Some("application/json".into()),
            headers: BTreeMap::new(),
        }
    }

    /// The document's answer while the token store fails.
    pub fn store_failure() -> Self {
        Self {
            status: vec![500],
            body: BodySpec::Json(json!({"error": "Error logging out"})),
            content_type: Some("application/json".into()),
            headers: BTreeMap::new(),
        }
    }

    /// The content type required, or `any`.
    pub fn content_type(&self) -> &str {
        match (&self.content_type, &self.body) {
            (Some(ct), _) => ct,
            (None, BodySpec::Json(_) | BodySpec::JsonSubset(_)) => "application/json",
            (None, _) => "any",
        }
    }

    /// Whether `status` is one of the answer's.
    pub fn status_ok(&self, status: u16) -> bool {
        self.status.contains(&status)
    }

    /// Whether a `Content-Type` header value (or none) is the answer's.
    pub fn content_type_ok(&self, header: Option<&str>) -> bool {
        let wanted = self.content_type();
        if wanted.eq_ignore_ascii_case("any") {
            return true;
        }
        header
            .and_then(|h| h.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(wanted))
    }

    /// Whether a body is the answer's.
    pub fn body_ok(&self, body: &[u8]) -> bool {
        self.body.matches(body)
    }

    /// The first declared header the answer does not carry as declared, with its
    /// condition: `header` reads the answer's first value of a name.
    pub fn header_missed(
        &self,
        header: impl Fn(&str) -> Option<String>,
    ) -> Option<(&str, &HeaderSpec)> {
        self.headers
            .iter()
            .find(|(name, spec)| !spec.matches(header(name).as_deref()))
            .map(|(name, spec)| (name.as_str(), spec))
    }

    /// The status set as a reader writes it: `status 200`, `status 200 or 204`.
    pub fn status_text(&self) -> String {
        let all: Vec<String> = self.status.iter().map(u16::to_string).collect();
        format!("status {}", all.join(" or "))
    }
}

impl BodySpec {
    /// Whether `body` matches.
    pub fn matches(&self, body: &[u8]) -> bool {
        let parsed = || serde_json::from_slice::<serde_json::Value>(body).ok();
        match self {
            Self::Empty => body.is_empty(),
            Self::Any => true,
            Self::Json(expected) => parsed().is_some_and(|v| &v == expected),
            Self::JsonSubset(expected) => parsed().is_some_and(|v| subset(expected, &v)),
            Self::Regex(r) => {
                regex::Regex::new(r).is_ok_and(|re| re.is_match(&String::from_utf8_lossy(body)))
            }
        }
    }

    /// As a reader writes it: `body {"success":true}`, `an empty body`.
    pub fn text(&self) -> String {
        match self {
            Self::Empty => "an empty body".into(),
            Self::Any => "any body".into(),
            Self::Json(v) => format!("body {v}"),
            Self::JsonSubset(v) => format!("a JSON body holding {v}"),
            Self::Regex(r) => format!("a body matching /{r}/"),
        }
    }
}

/// Whether `actual` holds every member of `expected` (objects recursively; anything
/// else must be equal).
fn subset(expected: &serde_json::Value, actual: &serde_json::Value) -> bool {
    match (expected, actual) {
        (serde_json::Value::Object(e), serde_json::Value::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| subset(v, av))),
        (e, a) => e == a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_as_declared() {
        assert!(BodySpec::Empty.matches(b""));
        assert!(!BodySpec::Empty.matches(b"{}"));
        let subset = BodySpec::JsonSubset(json!({"success": true}));
        assert!(subset.matches(br#"{"success":true,"user":null}"#));
        assert!(!subset.matches(br#"{"success":false}"#));
        assert!(!subset.matches(b"not json"));
        assert!(BodySpec::Regex("^ok".into()).matches(b"ok then"));
        assert!(!BodySpec::Regex("^ok".into()).matches(b"not ok"));
        assert!(BodySpec::Json(json!({"a": 1})).matches(b"{ \"a\" : 1 }"));
    }

    #[test]
    fn content_type_follows_the_body_unless_given() {
        let mut answer = AnswerSpec::documented();
        assert!(answer.content_type_ok(Some("application/json; charset=utf-8")));
        assert!(!answer.content_type_ok(Some("text/plain")));
        assert!(!answer.content_type_ok(None));
        answer.content_type = None;
        answer.body = BodySpec::Empty;
        assert!(answer.content_type_ok(None));
    }
}
