//! The declared logout body while it waits for values known only when it is sent: a CSRF
//! token that the logout's `before` answer hands out (`{response:/csrfToken}`) or a
//! cookie it carries (`{cookie:NAME}`). Filled at the moment of sending, carried into the
//! JSON bodies a scenario sends in its place, and recognised again in a transcript.

use crate::plan::profile::BodyTemplate;
use crate::plan::profile::values::{fill_late, has_late};
use crate::run::request::{Body, Request};
use crate::run::template::{cookie_pairs, encode, form_encode};

/// The body a request is sent with: its declared body with `{cookie:…}` and
/// `{response:…}` filled from the cookies it carries and the previous answer; a body a
/// step sent in its place, with those fields added as [`with_late_members`] says.
pub fn late_body(
    request: &Request,
    cookie_header: Option<&str>,
    previous: Option<&serde_json::Value>,
) -> Body {
    let Some(deferred) = &request.deferred else {
        return request.body.clone();
    };
    let cookies = cookie_pairs(cookie_header);
    let fill = |text: &String| fill_late(text, &cookies, previous);
    if deferred.placeholder_bytes != request.body.bytes {
        return with_late_members(&request.body, &deferred.template, &fill);
    }
    let filled = match &deferred.template {
        BodyTemplate::None => BodyTemplate::None,
        BodyTemplate::Json(json) => BodyTemplate::Json(late_json(json, &fill)),
        BodyTemplate::Form(fields) => {
            BodyTemplate::Form(fields.iter().map(|(k, v)| (k.clone(), fill(v))).collect())
        }
    };
    let mut body = encode(&filled);
    // A step may have changed the content type alone (LO-31): it is kept.
    body.content_type.clone_from(&request.body.content_type);
    body
}

/// A body a step sends in place of the declared one still carries what the declared
/// body fills late — the CSRF token a browser's form or script always sends: a JSON
/// object gets those fields as members (a member the step wrote itself is kept). Any
/// other body (empty, malformed, not an object) cannot hold them and goes as written.
fn with_late_members(
    body: &Body,
    template: &BodyTemplate,
    fill: &impl Fn(&String) -> String,
) -> Body {
    let json_type = body.content_type.as_deref().is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    let object = serde_json::from_slice::<serde_json::Value>(&body.bytes).ok();
    let (true, Some(serde_json::Value::Object(mut members))) = (json_type, object) else {
        return body.clone();
    };
    let late: Vec<(String, serde_json::Value)> = match template {
        BodyTemplate::None => Vec::new(),
        BodyTemplate::Form(fields) => fields
            .iter()
            .filter(|(_, v)| has_late(v))
            .map(|(k, v)| (k.clone(), serde_json::Value::String(fill(v))))
            .collect(),
        BodyTemplate::Json(serde_json::Value::Object(fields)) => fields
            .iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?)))
            .filter(|(_, v)| has_late(v))
            .map(|(k, v)| (k.clone(), serde_json::Value::String(fill(&v.to_owned()))))
            .collect(),
        BodyTemplate::Json(_) => Vec::new(),
    };
    if late.is_empty() {
        return body.clone();
    }
    for (name, value) in late {
        members.entry(name).or_insert(value);
    }
    Body {
        content_type: body.content_type.clone(),
        bytes: serde_json::Value::Object(members).to_string().into_bytes(),
    }
}

/// Whether `sent` is the body of `request` as [`late_body`] fills it: the same bytes, or
/// — for a body still holding late placeholders — the same fields in the same order,
/// equal wherever the template had no such placeholder (a fetched CSRF token differs
/// from one logout to the next, yet the body is the declared one).
pub fn is_declared_body(request: &Request, sent: &[u8]) -> bool {
    if request.body.bytes == sent {
        return true;
    }
    let Some(deferred) = &request.deferred else {
        return false;
    };
    match &deferred.template {
        BodyTemplate::None => sent.is_empty(),
        BodyTemplate::Json(template) => serde_json::from_slice::<serde_json::Value>(sent)
            .is_ok_and(|sent| same_json_shape(template, &sent)),
        BodyTemplate::Form(fields) => {
            let text = String::from_utf8_lossy(sent);
            let pairs: Vec<(&str, &str)> = text
                .split('&')
                .map(|p| p.split_once('=').unwrap_or((p, "")))
                .collect();
            pairs.len() == fields.len()
                && fields.iter().zip(&pairs).all(|((k, v), (sk, sv))| {
                    form_encode(k) == *sk && (has_late(v) || form_encode(v) == *sv)
                })
        }
    }
}

/// A JSON value shaped as the template: late strings match any string.
fn same_json_shape(template: &serde_json::Value, sent: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (template, sent) {
        (Value::String(t), Value::String(_)) if has_late(t) => true,
        (Value::Array(t), Value::Array(s)) => {
            t.len() == s.len() && t.iter().zip(s).all(|(t, s)| same_json_shape(t, s))
        }
        (Value::Object(t), Value::Object(s)) => {
            t.len() == s.len()
                && t.iter()
                    .all(|(k, t)| s.get(k).is_some_and(|s| same_json_shape(t, s)))
        }
        (t, s) => t == s,
    }
}

/// A JSON template's strings filled late.
fn late_json(value: &serde_json::Value, fill: &impl Fn(&String) -> String) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(fill(s)),
        Value::Array(items) => Value::Array(items.iter().map(|v| late_json(v, fill)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), late_json(v, fill)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::request::{Cookies, Deferred, Expect, Instance};

    #[test]
    fn a_declared_body_is_known_with_its_late_values_filled() {
        let fields = [("csrfToken".to_owned(), "{response:/csrfToken}".to_owned())];
        let template = BodyTemplate::Form(fields.into_iter().collect());
        let body = encode(&template);
        let request = Request {
            label: "logout".into(),
            instance: Instance::First,
            method: "POST".into(),
            path: "/auth/signout".into(),
            cookies: Cookies::None,
            deferred: Some(Deferred {
                template,
                placeholder_bytes: body.bytes.clone(),
            }),
            body,
            headers: Vec::new(),
            expect: Expect::Success,
            before: None,
        };
        assert!(is_declared_body(&request, b"csrfToken=abc123"));
        assert!(!is_declared_body(&request, b"{}"));
        assert!(!is_declared_body(&request, b"csrfToken=abc&extra=1"));
        let late = late_body(
            &request,
            None,
            Some(&serde_json::json!({"csrfToken": "t o"})),
        );
        assert_eq!(late.bytes, b"csrfToken=t+o");
    }
}
