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

/// A condition on an answer: its status is one of `status` (any status when left out
/// of an `unless` or beside `any`); with `pointer`, the JSON value there `equals` a
/// value, `is_null` (or is missing), or `exists`; with `body_contains`, the body holds
/// that text (without regard to case). `any` holds when one of its alternatives does,
/// and `unless` excludes the answers it matches: "401, unless the body says the CSRF
/// header is missing" is `{ status = [401], unless = { body_contains = "csrf" } }`, so
/// that a probe never reads a refusal of its own request as a dead token.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    #[serde(default)]
    pub status: Vec<u16>,
    #[serde(default)]
    pub pointer: Option<String>,
    #[serde(default)]
    pub equals: Option<serde_json::Value>,
    #[serde(default)]
    pub is_null: Option<bool>,
    #[serde(default)]
    pub exists: Option<bool>,
    #[serde(default)]
    pub body_contains: Option<String>,
    #[serde(default)]
    pub any: Vec<Predicate>,
    #[serde(default)]
    pub unless: Option<Box<Predicate>>,
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
            body_contains: None,
            any: Vec::new(),
            unless: None,
        }
    }

    /// Whether an answer satisfies it.
    pub fn holds(&self, status: u16, body: &[u8]) -> bool {
        if !self.status.is_empty() && !self.status.contains(&status) {
            return false;
        }
        if let Some(pointer) = &self.pointer {
            let json = serde_json::from_slice::<serde_json::Value>(body).ok();
            let value = json.as_ref().and_then(|j| j.pointer(pointer));
            let null = value.is_none_or(serde_json::Value::is_null);
            let json_holds = self.equals.as_ref().is_none_or(|e| value == Some(e))
                && self.is_null.is_none_or(|n| n == null)
                && self.exists.is_none_or(|x| x == value.is_some());
            if !json_holds {
                return false;
            }
        }
        if let Some(text) = &self.body_contains {
            let body = String::from_utf8_lossy(body).to_lowercase();
            if !body.contains(&text.to_lowercase()) {
                return false;
            }
        }
        if !self.any.is_empty() && !self.any.iter().any(|p| p.holds(status, body)) {
            return false;
        }
        !self.unless.as_ref().is_some_and(|u| u.holds(status, body))
    }

    /// As a reader writes it.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        if !self.status.is_empty() {
            let all: Vec<String> = self.status.iter().map(u16::to_string).collect();
            parts.push(format!("status {}", all.join(" or ")));
        }
        if let Some(p) = &self.pointer {
            if let Some(e) = &self.equals {
                parts.push(format!("with {p} = {e}"));
            }
            if let Some(n) = self.is_null {
                parts.push(format!("with {p} {}", if n { "null" } else { "not null" }));
            }
            if let Some(x) = self.exists {
                parts.push(format!("with {p} {}", if x { "present" } else { "absent" }));
            }
        }
        if let Some(text) = &self.body_contains {
            parts.push(format!("a body containing {text:?}"));
        }
        if !self.any.is_empty() {
            let all: Vec<String> = self.any.iter().map(|p| format!("({})", p.text())).collect();
            parts.push(format!("one of {}", all.join(" or ")));
        }
        if parts.is_empty() {
            parts.push("any answer".into());
        }
        let mut text = parts.join(" ");
        if let Some(u) = &self.unless {
            text.push_str(&format!(", unless {}", u.text()));
        }
        text
    }

    pub(crate) fn check(&self, table: &str) -> Result<(), String> {
        if self.status.is_empty() && self.any.is_empty() {
            return Err(format!(
                "{table}: give `status` (a list), or alternatives in `any`"
            ));
        }
        self.check_conditions(table)
    }

    fn check_conditions(&self, table: &str) -> Result<(), String> {
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
        for alternative in &self.any {
            alternative.check(&format!("{table} any"))?;
        }
        if let Some(unless) = &self.unless {
            unless.check_conditions(&format!("{table} unless"))?;
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
            body: BodyTemplate::of(&self.json, &self.form, BodyTemplate::None),
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

    /// A CSRF stack refuses a probe without its header with the same 401 as a dead
    /// token: the exclusion keeps that refusal from reading as "dead".
    #[test]
    fn an_exclusion_keeps_a_refusal_from_reading_as_dead() {
        let text = r#"
            path = "/me"
            live = { status = [200], pointer = "/user", is_null = false }
            dead = { any = [{ status = [401] }, { status = [200], pointer = "/user", is_null = true }], unless = { body_contains = "CSRF" } }
        "#;
        let probe: ProbeSpec = toml::from_str(text).expect("parses");
        probe.dead.check("dead").expect("valid");
        assert_eq!(probe.judge(401, br#"{"error":"expired"}"#), Liveness::Dead);
        assert_eq!(probe.judge(200, br#"{"user":null}"#), Liveness::Dead);
        assert_eq!(
            probe.judge(401, br#"{"error":"missing csrf header"}"#),
            Liveness::Unknown
        );
        assert_eq!(
            probe.dead.text(),
            "one of (status 401) or (status 200 with /user null), unless a body containing \"CSRF\""
        );
        assert!(Predicate::status(Vec::new()).check("x").is_err());
    }
}
