//! Every secret the kit saw during a run, masked by value wherever it appears.
//!
//! Masking by name (a `refreshToken` cookie, a `password` field) misses what a stack
//! returns under other names: a JWT in a JSON body, a cookie called `jwt-auth`, an
//! `x-auth-token` header. So the run remembers every value that could be a credential —
//! each `Set-Cookie` value, token-like values in the answers to setup requests (login,
//! register, minted sessions), every password and `Authorization` value it sent — and
//! replaces each one in every output.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use aho_corasick::{AhoCorasick, MatchKind};

use crate::http::exchange::{Exchange, ResponseRecord};

/// Shorter values are not masked: they could not be secrets worth the name, and masking
/// them would blot out ordinary text.
const MIN_SECRET_LEN: usize = 8;

/// The secrets of one run.
#[derive(Debug, Default)]
pub struct Secrets {
    known: Mutex<Known>,
}

/// The values learned, and the masker of exactly those values once one was asked for:
/// building an automaton over a run's hundreds of tokens costs far more than a
/// comparison, and most comparisons learn nothing new.
#[derive(Debug, Default)]
struct Known {
    values: BTreeSet<String>,
    masker: Option<Arc<Masker>>,
}

impl Secrets {
    /// Remembers a value as secret.
    pub fn learn(&self, value: &str) {
        let value = value.trim().trim_matches('"');
        if value.len() >= MIN_SECRET_LEN {
            let mut known = self.lock();
            if known.values.insert(value.to_owned()) {
                known.masker = None;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Learns what an exchange reveals: `Authorization` values it sent, the values of
    /// the cookies it was given, and, for a setup exchange, every token-like value in
    /// the answer's headers and JSON body.
    pub fn learn_exchange(&self, exchange: &Exchange, setup: bool) {
        for (name, value) in &exchange.request.headers {
            if name.eq_ignore_ascii_case("authorization") {
                let value = String::from_utf8_lossy(value);
                self.learn(&value);
                if let Some((_, credential)) = value.split_once(' ') {
                    self.learn(credential);
                }
            }
        }
        // What arrived of an unfinished answer may carry tokens too.
        let response = match &exchange.response {
            Ok(response) => response,
            Err(no_answer) => match &no_answer.partial {
                Some(partial) => partial,
                None => return,
            },
        };
        for set_cookie in response.set_cookies() {
            let pair = set_cookie.split(';').next().unwrap_or_default();
            if let Some((_, value)) = pair.split_once('=') {
                self.learn(value);
            }
        }
        if setup {
            self.learn_answer(response);
        }
    }

    fn learn_answer(&self, response: &ResponseRecord) {
        for (name, value) in &response.headers {
            let name = name.to_ascii_lowercase();
            let credential_header = ["token", "auth", "session", "jwt", "csrf", "key"]
                .iter()
                .any(|word| name.contains(word));
            if credential_header && name != "set-cookie" {
                let value = String::from_utf8_lossy(value);
                self.learn(&value);
                if let Some((_, credential)) = value.split_once(' ') {
                    self.learn(credential);
                }
            }
        }
        if let Some(json) = response.json() {
            self.learn_json(&json);
        }
    }

    fn learn_json(&self, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(s) if token_like(s) => self.learn(s),
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.learn_json(v)),
            serde_json::Value::Object(map) => map.values().for_each(|v| self.learn_json(v)),
            _ => {}
        }
    }

    /// A masker for everything learned so far (built again only after something new
    /// was learned).
    pub fn masker(&self) -> Arc<Masker> {
        let mut known = self.lock();
        if let Some(masker) = &known.masker {
            return masker.clone();
        }
        let values: Vec<String> = known.values.iter().cloned().collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&values)
            .ok();
        let masker = Arc::new(Masker { values, automaton });
        known.masker = Some(masker.clone());
        masker
    }
}

/// Replaces known secrets in text.
#[derive(Debug)]
pub struct Masker {
    values: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl Masker {
    /// A masker that masks nothing: for texts known to be equal, whose masked forms
    /// are equal whatever the secrets.
    pub fn nothing() -> Self {
        Self {
            values: Vec::new(),
            automaton: None,
        }
    }

    /// `text` with every secret replaced by `«masked, N chars»`.
    pub fn mask(&self, text: &str) -> String {
        let Some(automaton) = &self.automaton else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        automaton.replace_all_with(text, &mut out, |m, _, out| {
            let len = self.values[m.pattern().as_usize()].chars().count();
            out.push_str(&format!("«masked, {len} chars»"));
            true
        });
        out
    }
}

impl Masker {
    /// `text` with every secret replaced by the same mark whatever its length, so that
    /// two answers that differ only by which secret they carry read alike.
    pub fn hide(&self, text: &str) -> String {
        match &self.automaton {
            Some(automaton) => automaton.replace_all(text, &vec!["«secret»"; self.values.len()]),
            None => text.to_owned(),
        }
    }
}

/// A string that could be a credential: long, no spaces, not an e-mail address.
fn token_like(s: &str) -> bool {
    s.len() >= 16 && !s.contains(char::is_whitespace) && !s.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_learned_value_is_masked_wherever_it_appears() {
        let secrets = Secrets::default();
        secrets.learn("eyJhbGciOiJIUzI1NiJ9.payload.sig");
        secrets.learn("short");
        secrets.learn_json(&serde_json::json!({
            "jwt": "abcdefghijklmnopqrstuvwxyz",
            "user": "someone@example.org-long-enough",
            "message": "Login successful, welcome back"
        }));
        let masker = secrets.masker();
        let text = "Cookie: jwt-auth=eyJhbGciOiJIUzI1NiJ9.payload.sig; x=short\n\
                    body {\"token\":\"abcdefghijklmnopqrstuvwxyz\"}";
        let masked = masker.mask(text);
        assert!(!masked.contains("payload.sig"), "{masked}");
        assert!(!masked.contains("abcdefghijklmnopqrstuvwxyz"), "{masked}");
        assert!(masked.contains("x=short"), "{masked}");
        assert!(masked.contains("«masked, 32 chars»"), "{masked}");
        assert_eq!(masker.mask("Login successful"), "Login successful");
    }

    #[test]
    fn a_secret_learned_after_a_masker_was_built_is_masked_by_the_next_one() {
        let secrets = Secrets::default();
        secrets.learn("first-secret-value");
        let before = secrets.masker();
        assert!(
            Arc::ptr_eq(&before, &secrets.masker()),
            "built again for nothing"
        );
        secrets.learn("second-secret-value");
        let after = secrets.masker();
        assert_eq!(after.mask("second-secret-value"), "«masked, 19 chars»");
        assert_eq!(after.mask("first-secret-value"), "«masked, 18 chars»");
        assert_eq!(
            Masker::nothing().mask("first-secret-value"),
            "first-secret-value"
        );
    }
}
