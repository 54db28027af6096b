//! One notion of "the same answer" for every clause that compares answers (LO-08,
//! LO-21, LO-22): the same status; bodies equal as JSON (or as text) once every secret
//! the run saw is masked; and the same effect on a browser's cookie jar — which cookies
//! the answer sets, clears or leaves. The text of `Set-Cookie` headers is free (dates,
//! attribute order and case, `Max-Age` against `Expires`): LO-03 alone pins it. A
//! difference is told as the effect that differs, never as two header strings.

use std::collections::{BTreeMap, BTreeSet};

use crate::http::cookies::{Expiry, SetCookie};
use crate::http::exchange::ResponseRecord;
use crate::http::secrets::Masker;

/// Which cookie of a jar a `Set-Cookie` acts on: name, `Path` and `Domain` (a cookie at
/// another path is another cookie).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CookieKey {
    pub name: String,
    pub path: Option<String>,
    pub domain: Option<String>,
}

impl CookieKey {
    fn text(&self) -> String {
        let mut text = format!("`{}`", self.name);
        if let Some(path) = &self.path {
            text.push_str(&format!(" (Path={path})"));
        }
        if let Some(domain) = &self.domain {
            text.push_str(&format!(" (Domain={domain})"));
        }
        text
    }
}

/// What an answer does to one cookie of a browser's jar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Stores a value the browser will send back.
    Sets,
    /// Removes the cookie: it expires at once, or its value is empty.
    Clears,
    /// The answer says nothing of it.
    Leaves,
}

impl Effect {
    fn verb(self) -> &'static str {
        match self {
            Effect::Sets => "sets",
            Effect::Clears => "clears",
            Effect::Leaves => "leaves",
        }
    }
}

/// An answer as far as "the same answer" goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub status: u16,
    /// The body with every secret masked: JSON when it parses, text otherwise.
    pub body: serde_json::Value,
    /// The effect on each cookie the answer names; every other cookie is left.
    pub jar: BTreeMap<CookieKey, Effect>,
}

impl Shape {
    /// The shape of an answer; `masker` hides the run's secrets in its body.
    pub fn of(response: &ResponseRecord, masker: &Masker) -> Self {
        let text = masker.hide(&String::from_utf8_lossy(&response.body));
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        let mut jar = BTreeMap::new();
        // A browser applies the headers in order: the last one for a cookie counts.
        for cookie in response
            .set_cookies()
            .iter()
            .filter_map(|h| SetCookie::parse(h))
        {
            let key = CookieKey {
                name: cookie.name.clone(),
                path: cookie.attr("path").map(str::to_owned),
                domain: cookie
                    .attr("domain")
                    .map(|d| d.trim_start_matches('.').to_ascii_lowercase()),
            };
            let effect = if cookie.value.is_empty() || cookie.expiry() == Expiry::Past {
                Effect::Clears
            } else {
                Effect::Sets
            };
            jar.insert(key, effect);
        }
        Self {
            status: response.status,
            body,
            jar,
        }
    }

    fn effect(&self, key: &CookieKey) -> Effect {
        self.jar.get(key).copied().unwrap_or(Effect::Leaves)
    }
}

/// One way two answers differ: a short key (for grouping failures) and the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub key: String,
    pub text: String,
}

/// How the answer labelled `label` differs from the one labelled `reference`: status,
/// masked body, then each cookie whose effect differs, in the jar's words ("the
/// live-token answer clears `id`; the unknown-token answer leaves it").
pub fn differences(
    label: &str,
    answer: &Shape,
    reference_label: &str,
    reference: &Shape,
) -> Vec<Difference> {
    let mut found = Vec::new();
    if answer.status != reference.status {
        found.push(Difference {
            key: "the answers differ in status".into(),
            text: format!(
                "the {label} has status {}; the {reference_label} has status {}",
                answer.status, reference.status
            ),
        });
    }
    if answer.body != reference.body {
        found.push(Difference {
            key: "the answers differ in body".into(),
            text: format!(
                "the {label} has the body {}; the {reference_label} has {}",
                answer.body, reference.body
            ),
        });
    }
    let keys: BTreeSet<&CookieKey> = answer.jar.keys().chain(reference.jar.keys()).collect();
    for key in keys {
        let (theirs, ours) = (answer.effect(key), reference.effect(key));
        if theirs != ours {
            found.push(Difference {
                key: format!("the answers differ on the cookie {}", key.name),
                text: format!(
                    "the {label} {} {}; the {reference_label} {} it",
                    theirs.verb(),
                    key.text(),
                    ours.verb()
                ),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::secrets::Secrets;

    fn answer(status: u16, body: &str, set_cookies: &[&str]) -> ResponseRecord {
        let mut headers: Vec<(String, Vec<u8>)> = set_cookies
            .iter()
            .map(|c| ("set-cookie".to_owned(), c.as_bytes().to_vec()))
            .collect();
        headers.push(("content-type".into(), b"application/json".to_vec()));
        ResponseRecord {
            status,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn dates_attribute_spelling_and_secrets_are_free() {
        let secrets = Secrets::default();
        secrets.learn("token-one-aaaaaaaaaaaaaaaa");
        secrets.learn("token-two-bbbbbbbbbbbbbbbbbbbbbb");
        let masker = secrets.masker();
        let a = answer(
            200,
            r#"{"message":"bye","revoked":"token-one-aaaaaaaaaaaaaaaa"}"#,
            &["id=; Max-Age=0; Expires=Sat, 06 Dec 2025 13:59:09 GMT; Path=/"],
        );
        let b = answer(
            200,
            r#"{"revoked":"token-two-bbbbbbbbbbbbbbbbbbbbbb","message":"bye"}"#,
            &["id=x; path=/; expires=Sat, 06 Dec 2025 13:59:08 GMT"],
        );
        let (a, b) = (Shape::of(&a, &masker), Shape::of(&b, &masker));
        assert_eq!(differences("first", &a, "second", &b), Vec::new());
    }

    #[test]
    fn a_difference_is_told_as_the_effect_on_the_jar() {
        let masker = Secrets::default().masker();
        let live = answer(200, "{}", &["id=; Max-Age=0; Path=/"]);
        let unknown = answer(200, "{}", &["other=1; Path=/"]);
        let found = differences(
            "live-token answer",
            &Shape::of(&live, &masker),
            "unknown-token answer",
            &Shape::of(&unknown, &masker),
        );
        let texts: Vec<&str> = found.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "the live-token answer clears `id` (Path=/); the unknown-token answer leaves it",
                "the live-token answer leaves `other` (Path=/); the unknown-token answer sets it",
            ]
        );
        let other_path = answer(200, "{}", &["id=; Max-Age=0; Path=/auth"]);
        assert_eq!(
            differences(
                "a",
                &Shape::of(&live, &masker),
                "b",
                &Shape::of(&other_path, &masker)
            )
            .len(),
            2
        );
    }

    #[test]
    fn status_and_body_differences_are_named() {
        let masker = Secrets::default().masker();
        let ok = answer(200, r#"{"message":"bye"}"#, &[]);
        let error = answer(500, "oops", &[]);
        let keys: Vec<String> = differences(
            "a",
            &Shape::of(&error, &masker),
            "b",
            &Shape::of(&ok, &masker),
        )
        .into_iter()
        .map(|d| d.key)
        .collect();
        assert_eq!(
            keys,
            ["the answers differ in status", "the answers differ in body"]
        );
    }
}
