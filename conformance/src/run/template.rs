//! Requests from the profile's templates: placeholders filled, `[defaults]` headers
//! added, the body encoded as JSON or form fields. `{cookie:…}` and `{response:…}` in
//! headers are filled when the request is sent ([`late`]), once its cookies are known.

use crate::plan::profile::values::{
    Context, Placeholder, fill, fill_json, fill_late, placeholders,
};
use crate::plan::profile::{BodyTemplate, RequestTemplate};
use crate::run::request::{Body, Cookies, Deferred, Expect, Instance, Request};
use crate::under_test::Target;
use crate::verdict::check::could_not_run;

impl Request {
    /// The ordinary logout as the profile's `[logout]` describes it — by default as the
    /// document shows it: POST, JSON content type, `{}` body — with the `[defaults]`
    /// headers, and the `before` request it sends first, if the profile declares one.
    pub fn logout(target: &Target, cookies: Cookies) -> Self {
        let origin = origin(target);
        let ctx = bare_context(target.run_id(), &origin);
        let template = target.profile.logout.request();
        let mut request = build(target, "logout", &template, &ctx)
            .unwrap_or_else(|e| could_not_run(format!("the [logout] template: {e}")));
        request.cookies = cookies;
        request.before = target.profile.logout.before.as_ref().map(|before| {
            let label = "before the logout";
            let built = build(target, label, &before.request(), &ctx)
                .unwrap_or_else(|e| could_not_run(format!("the [logout] before template: {e}")));
            Box::new(built)
        });
        request
    }
}

/// The target's `scheme://host:port`, for `{origin}`.
pub fn origin(target: &Target) -> String {
    target.endpoint.base().origin().ascii_serialization()
}

/// A request from a template. `ctx` gives the user, previous answer and cookies.
pub fn build(
    target: &Target,
    label: &str,
    template: &RequestTemplate,
    ctx: &Context<'_>,
) -> Result<Request, String> {
    let path = fill(&template.path, ctx)?;
    let mut headers = Vec::new();
    for (name, value) in &template.headers {
        headers.push((name.clone(), fill(value, ctx)?));
    }
    let filled = fill_body(&template.body, ctx)?;
    let body = encode(&filled);
    let deferred = filled
        .strings()
        .iter()
        .any(|s| has_late(s))
        .then(|| Deferred {
            template: filled.clone(),
            placeholder_bytes: body.bytes.clone(),
        });
    let mut request = Request {
        label: label.into(),
        instance: Instance::First,
        method: template.method.clone(),
        path,
        cookies: Cookies::None,
        body,
        headers,
        expect: Expect::Success,
        before: None,
        deferred,
    };
    add_defaults(target, &mut request);
    Ok(request)
}

/// A body template with the placeholders `ctx` knows filled (deferred ones kept).
fn fill_body(body: &BodyTemplate, ctx: &Context<'_>) -> Result<BodyTemplate, String> {
    Ok(match body {
        BodyTemplate::None => BodyTemplate::None,
        BodyTemplate::Json(json) => BodyTemplate::Json(fill_json(json, ctx)?),
        BodyTemplate::Form(fields) => BodyTemplate::Form(
            fields
                .iter()
                .map(|(k, v)| Ok((k.clone(), fill(v, ctx)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

/// A filled body template as bytes: JSON, or form fields.
fn encode(body: &BodyTemplate) -> Body {
    match body {
        BodyTemplate::None => Body::none(),
        BodyTemplate::Json(json) => Body::json(&json.to_string()),
        BodyTemplate::Form(fields) => {
            let pairs: Vec<String> = fields
                .iter()
                .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
                .collect();
            Body {
                content_type: Some("application/x-www-form-urlencoded".into()),
                bytes: pairs.join("&").into_bytes(),
            }
        }
    }
}

/// Whether a filled string still holds a placeholder filled only when it is sent.
fn has_late(text: &str) -> bool {
    placeholders(text).is_ok_and(|found| {
        found
            .iter()
            .any(|p| matches!(p, Placeholder::Cookie(_) | Placeholder::Response(_)))
    })
}

/// The body a request is sent with: its declared body with `{cookie:…}` and
/// `{response:…}` filled from the cookies it carries and the previous answer — unless a
/// step replaced the body, which is sent as it is.
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

/// A context for requests that belong to no user (a logout, a probe): cookies and
/// previous answers are filled when the request is sent.
pub fn bare_context<'a>(run: &'a str, origin: &'a str) -> Context<'a> {
    Context {
        run,
        origin,
        defer: true,
        ..Context::default()
    }
}

/// Adds the profile's `[defaults]` headers the request does not set itself.
pub fn add_defaults(target: &Target, request: &mut Request) {
    let origin = origin(target);
    let ctx = bare_context(target.run_id(), &origin);
    for (name, value) in &target.profile.defaults.headers {
        if request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            continue;
        }
        let value = fill(value, &ctx).unwrap_or_else(|_| value.clone());
        request.headers.push((name.clone(), value));
    }
}

/// Header values with `{cookie:…}` and `{response:…}` filled from the `Cookie` header
/// the request carries and the previous answer.
pub fn late(
    headers: &[(String, String)],
    cookie_header: Option<&str>,
    previous: Option<&serde_json::Value>,
) -> Vec<(String, String)> {
    let cookies = cookie_pairs(cookie_header);
    headers
        .iter()
        .map(|(n, v)| (n.clone(), fill_late(v, &cookies, previous)))
        .collect()
}

/// The pairs of a `Cookie` header.
fn cookie_pairs(cookie_header: Option<&str>) -> Vec<(String, String)> {
    cookie_header
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// `application/x-www-form-urlencoded`: letters, digits and `*-._` as they are, space as
/// `+`, every other byte as `%XX`.
pub fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn form_fields_are_encoded() {
        assert_eq!(form_encode("a b+c@d.com"), "a+b%2Bc%40d.com");
    }

    #[test]
    fn late_headers_read_the_cookie_sent() {
        let headers = vec![("X-CSRFToken".to_owned(), "{cookie:csrftoken}".to_owned())];
        let filled = late(&headers, Some("sid=1; csrftoken=abc"), None);
        assert_eq!(filled[0].1, "abc");
        assert_eq!(late(&headers, None, None)[0].1, "");
    }
}
