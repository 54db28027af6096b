//! Requests from the profile's templates: placeholders filled, `[defaults]` headers
//! added, the body encoded as JSON or form fields. `{cookie:…}` and `{response:…}` in
//! headers are filled when the request is sent ([`late`]), once its cookies are known;
//! in a body, by [`crate::run::late_body`].

use crate::plan::profile::values::{Context, fill, fill_json, fill_late, has_late};
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
pub(crate) fn encode(body: &BodyTemplate) -> Body {
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
pub(crate) fn cookie_pairs(cookie_header: Option<&str>) -> Vec<(String, String)> {
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
