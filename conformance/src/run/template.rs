//! Requests from the profile's templates: placeholders filled, `[defaults]` headers
//! added, the body encoded as JSON or form fields. `{cookie:…}` and `{response:…}` in
//! headers are filled when the request is sent ([`late`]), once its cookies are known.

use crate::plan::profile::values::{Context, fill, fill_json, fill_late};
use crate::plan::profile::{BodyTemplate, RequestTemplate};
use crate::run::request::{Body, Cookies, Expect, Instance, Request};
use crate::under_test::Target;
use crate::verdict::check::could_not_run;

impl Request {
    /// The ordinary logout as the profile's `[logout]` describes it — by default as the
    /// document shows it: POST, JSON content type, `{}` body — with the `[defaults]`
    /// headers.
    pub fn logout(target: &Target, cookies: Cookies) -> Self {
        let origin = origin(target);
        let ctx = bare_context(target.run_id(), &origin);
        let template = target.profile.logout.request();
        let mut request = build(target, "logout", &template, &ctx)
            .unwrap_or_else(|e| could_not_run(format!("the [logout] template: {e}")));
        request.cookies = cookies;
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
    let body = match &template.body {
        BodyTemplate::None => Body::none(),
        BodyTemplate::Json(json) => Body::json(&fill_json(json, ctx)?.to_string()),
        BodyTemplate::Form(fields) => {
            let mut pairs = Vec::new();
            for (name, value) in fields {
                pairs.push(format!(
                    "{}={}",
                    form_encode(name),
                    form_encode(&fill(value, ctx)?)
                ));
            }
            Body {
                content_type: Some("application/x-www-form-urlencoded".into()),
                bytes: pairs.join("&").into_bytes(),
            }
        }
    };
    let mut request = Request {
        label: label.into(),
        instance: Instance::First,
        method: template.method.clone(),
        path,
        cookies: Cookies::None,
        body,
        headers,
        expect: Expect::Success,
    };
    add_defaults(target, &mut request);
    Ok(request)
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
    let cookies: Vec<(String, String)> = cookie_header
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    headers
        .iter()
        .map(|(n, v)| (n.clone(), fill_late(v, &cookies, previous)))
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
