//! The liveness probes (`[probes.access]`, `[probes.refresh]`): a request carrying one
//! token, and the predicates that say whether the target still accepts it. A role with
//! no probe cannot be asked: its clauses are not run, with the reason.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::plan::profile::exchange::{BodyTemplate, RequestTemplate};

/// One probe per role the target can be asked about.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probes {
    #[serde(default)]
    pub access: Option<ProbeSpec>,
    #[serde(default)]
    pub refresh: Option<ProbeSpec>,
}

impl Default for Probes {
    /// The API family's `GET /auth/validate-session` for both tokens.
    fn default() -> Self {
        Self {
            access: Some(ProbeSpec::validate_session()),
            refresh: Some(ProbeSpec::validate_session()),
        }
    }
}

/// A probe: its request (the token goes in its cookie, and wherever the template names
/// `{token}`) and what a live and a dead token get.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeSpec {
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    #[serde(default)]
    pub form: Option<BTreeMap<String, String>>,
    pub live: Predicate,
    pub dead: Predicate,
}

fn get() -> String {
    "GET".into()
}

/// A condition on an answer: its status is one of `status`, and, with `pointer`, the
/// JSON value there `equals` a value, `is_null` (or is missing), or `exists`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    pub status: Vec<u16>,
    #[serde(default)]
    pub pointer: Option<String>,
    #[serde(default)]
    pub equals: Option<serde_json::Value>,
    #[serde(default)]
    pub is_null: Option<bool>,
    #[serde(default)]
    pub exists: Option<bool>,
}

impl Predicate {
    /// A status condition alone.
    pub fn status(status: Vec<u16>) -> Self {
        Self {
            status,
            pointer: None,
            equals: None,
            is_null: None,
            exists: None,
        }
    }

    /// Whether an answer satisfies it.
    pub fn holds(&self, status: u16, body: &[u8]) -> bool {
        if !self.status.contains(&status) {
            return false;
        }
        let Some(pointer) = &self.pointer else {
            return true;
        };
        let json = serde_json::from_slice::<serde_json::Value>(body).ok();
        let value = json.as_ref().and_then(|j| j.pointer(pointer));
        let null = value.is_none_or(serde_json::Value::is_null);
        self.equals.as_ref().is_none_or(|e| value == Some(e))
            && self.is_null.is_none_or(|n| n == null)
            && self.exists.is_none_or(|x| x == value.is_some())
    }

    /// As a reader writes it.
    pub fn text(&self) -> String {
        let all: Vec<String> = self.status.iter().map(u16::to_string).collect();
        let mut text = format!("status {}", all.join(" or "));
        if let Some(p) = &self.pointer {
            if let Some(e) = &self.equals {
                text.push_str(&format!(" with {p} = {e}"));
            }
            if let Some(n) = self.is_null {
                text.push_str(&format!(
                    " with {p} {}",
                    if n { "null" } else { "not null" }
                ));
            }
            if let Some(x) = self.exists {
                text.push_str(&format!(
                    " with {p} {}",
                    if x { "present" } else { "absent" }
                ));
            }
        }
        text
    }

    pub(crate) fn check(&self, table: &str) -> Result<(), String> {
        let conditions = [
            self.equals.is_some(),
            self.is_null.is_some(),
            self.exists.is_some(),
        ];
        if self.pointer.is_some() != conditions.iter().any(|c| *c) {
            return Err(format!(
                "{table}: `pointer` goes with one of `equals`, `is_null`, `exists`"
            ));
        }
        if self.pointer.as_ref().is_some_and(|p| !p.starts_with('/')) {
            return Err(format!("{table}: pointer must start with '/'"));
        }
        Ok(())
    }
}

/// What a probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Live,
    Dead,
    /// Neither predicate holds (or both do): the probe cannot tell.
    Unknown,
}

impl ProbeSpec {
    /// `GET /auth/validate-session`: 200 live, 401 dead.
    pub fn validate_session() -> Self {
        Self {
            method: get(),
            path: "/auth/validate-session".into(),
            headers: BTreeMap::new(),
            json: None,
            form: None,
            live: Predicate::status(vec![200]),
            dead: Predicate::status(vec![401]),
        }
    }

    /// Its request.
    pub fn request(&self) -> RequestTemplate {
        RequestTemplate {
            method: self.method.to_ascii_uppercase(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: match (&self.json, &self.form) {
                (_, Some(form)) => BodyTemplate::Form(form.clone()),
                (Some(json), None) => BodyTemplate::Json(json.clone()),
                (None, None) => BodyTemplate::None,
            },
        }
    }

    /// Judges an answer.
    pub fn judge(&self, status: u16, body: &[u8]) -> Liveness {
        match (self.live.holds(status, body), self.dead.holds(status, body)) {
            (true, false) => Liveness::Live,
            (false, true) => Liveness::Dead,
            _ => Liveness::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_condition_tells_live_from_dead_on_one_status() {
        let mut probe = ProbeSpec::validate_session();
        probe.live = Predicate {
            pointer: Some("/user".into()),
            is_null: Some(false),
            ..Predicate::status(vec![200])
        };
        probe.dead = Predicate {
            pointer: Some("/user".into()),
            is_null: Some(true),
            ..Predicate::status(vec![200, 401])
        };
        assert_eq!(probe.judge(200, br#"{"user":{"id":1}}"#), Liveness::Live);
        assert_eq!(probe.judge(200, br#"{"user":null}"#), Liveness::Dead);
        assert_eq!(probe.judge(401, b""), Liveness::Dead);
        assert_eq!(probe.judge(500, b""), Liveness::Unknown);
    }
}
