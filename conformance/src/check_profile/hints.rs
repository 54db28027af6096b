//! What to change in the profile when a step of `check-profile` does not behave as the
//! profile says: read from the answer the target gave.

use crate::http::exchange::{ResponseRecord, mask_body};
use crate::plan::profile::{BodyTemplate, RequestTemplate};

/// A setup request (register, login) answered with an unexpected status.
pub fn setup(table: &str, request: &RequestTemplate, answer: &ResponseRecord) -> String {
    let status = answer.status;
    if matches!(status, 404 | 405) {
        return format!(
            "{} {} answered {status}: the target has no such endpoint; set [{table}] path \
             (and method) to its {table} endpoint",
            request.method, request.path
        );
    }
    if matches!(status, 401 | 403) && table == "register" {
        return format!(
            "the target refused the registration with {status}: if it checks Origin or a \
             CSRF token, set [defaults] headers = {{ Origin = \"{{origin}}\" }}; if users \
             are provisioned outside the API, set [register] enabled = false with email \
             and password"
        );
    }
    let named = fields_named(answer);
    let sent_form = matches!(request.body, BodyTemplate::Form(_));
    if matches!(status, 400 | 415 | 422) && !named.is_empty() {
        let fields: Vec<String> = named
            .iter()
            .map(|f| format!("{f} = \"{}\"", guess_value(f)))
            .collect();
        let shape = if sent_form { "JSON" } else { "form" };
        let key = if sent_form { "json" } else { "form" };
        return format!(
            "the target names the fields {}: it may expect {shape} fields or other names; \
             set [{table}] {key} = {{ {} }}",
            named.join(", "),
            fields.join(", ")
        );
    }
    if status == 415 {
        let key = if sent_form { "json" } else { "form" };
        return format!(
            "the target does not take this content type: try [{table}] {key} = {{ … }}"
        );
    }
    if matches!(status, 400 | 422) && table == "register" {
        return "the target rejected the new user: check [register] json/form field names and \
                [values] (email_domain, password: a literal that meets its policy)"
            .into();
    }
    if (200..300).contains(&status) {
        return format!(
            "if {status} is this endpoint's success, add it to [{table}] expect_status"
        );
    }
    format!("check [{table}]: method, path, body fields and headers")
}

/// The field names an error answer speaks of: FastAPI's `{"detail":[{"loc":["body",
/// "username"]}]}`, Django REST's `{"username":["This field is required."]}`.
fn fields_named(answer: &ResponseRecord) -> Vec<String> {
    let Some(json) = answer.json() else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    if let Some(details) = json.get("detail").and_then(|d| d.as_array()) {
        for detail in details {
            let last = detail
                .get("loc")
                .and_then(|l| l.as_array())
                .and_then(|l| l.last())
                .and_then(|f| f.as_str());
            if let Some(f) = last.filter(|f| *f != "body") {
                fields.push(f.to_owned());
            }
        }
    } else if let Some(object) = json.as_object() {
        for (key, value) in object {
            if value.is_array() && !["detail", "non_field_errors", "errors"].contains(&key.as_str())
            {
                fields.push(key.clone());
            }
        }
    }
    fields.dedup();
    fields
}

/// The placeholder a field name most likely wants.
fn guess_value(field: &str) -> &'static str {
    let f = field.to_ascii_lowercase();
    if f.contains("pass") {
        "{password}"
    } else if f.contains("mail") || f.contains("user") || f.contains("login") {
        "{email}"
    } else if f.contains("name") {
        "{name}"
    } else {
        "…"
    }
}

/// The login answer carries no cookie of the profile's refresh (or session) credential.
pub fn cookies(expected: &str, set: &[String]) -> String {
    let names: Vec<&str> = set
        .iter()
        .filter_map(|h| h.split('=').next())
        .map(str::trim)
        .collect();
    if names.is_empty() {
        return format!(
            "the login answer sets no cookie at all (the profile expects {expected}): if the \
             tokens are in its JSON body, declare them with [session] tokens"
        );
    }
    let entries: Vec<String> = names
        .iter()
        .map(|n| {
            let l = n.to_ascii_lowercase();
            let role = if l.contains("csrf") || l.contains("xsrf") {
                "csrf"
            } else if l.contains("refresh") {
                "refresh"
            } else if l.contains("access")
                || l.contains("jwt") && !names.iter().any(|m| m.contains("refresh"))
            {
                if names.len() == 1 {
                    "session"
                } else {
                    "access"
                }
            } else if names.len() == 1 {
                "session"
            } else {
                "access"
            };
            format!("{{ name = \"{n}\", role = \"{role}\" }}")
        })
        .collect();
    format!(
        "the login answer sets {} but no {expected} cookie: set [session] cookies = [{}] \
         (check the roles)",
        names.join(", "),
        entries.join(", ")
    )
}

/// The logout answer is not the declared success.
pub fn logout(answer: &ResponseRecord) -> String {
    let status = answer.status;
    match status {
        401 | 403 => format!(
            "the target refused the logout with {status}: if it checks Origin, set [defaults] \
             headers = {{ Origin = \"{{origin}}\" }}; if it wants a CSRF header, set [logout] \
             headers = {{ \"X-CSRFToken\" = \"{{cookie:csrftoken}}\" }} and declare the csrf \
             cookie in [session]"
        ),
        404 | 405 => format!(
            "the logout answered {status}: set [logout] path and method to the target's logout \
             endpoint"
        ),
        200..=299 => {
            let body = if answer.body.is_empty() {
                "\"empty\"".to_owned()
            } else if let Some(json) = answer.json() {
                format!("{{ json = {} }}", toml_inline(&json))
            } else {
                format!("\"any\"  # it answered {}", mask_body(&answer.body))
            };
            format!(
                "if this is the target's success answer, declare it: [logout.success] status = \
                 [{status}], body = {body} (a declared contract: the deviation is reported)"
            )
        }
        _ => "check [logout]: method, path, headers and body".into(),
    }
}

/// A probe did not say what it had to.
pub fn probe(which: &str, status: u16, want_live: bool, found_live: Option<bool>) -> String {
    match (want_live, found_live) {
        (true, Some(false)) => format!(
            "the probe calls a token the target has just issued dead: set [probes.{which}] to \
             a request that the token authorises (it goes in its cookie)"
        ),
        (false, Some(true)) => format!(
            "the probe still calls the token live after the logout: either the logout does not \
             end the session (a real failure, LO-04 or LO-27 in the suite) or [probes.{which}] \
             does not depend on this token; choose a probe that a revoked token fails"
        ),
        _ => {
            let (state, other) = if want_live {
                ("live", "a revoked one")
            } else {
                ("revoked", "a live one")
            };
            format!(
                "the probe answered {status}, which is neither live nor dead: first check that \
                 [probes.{which}] sends what the target needs (method, path, the headers it \
                 wants, such as a CSRF header, and the token in its cookie) — an answer that \
                 does not depend on the token makes the probe useless. Only if a {state} token \
                 really gets {status} and {other} never does, add {status} to [probes.{which}] \
                 {}",
                if want_live { "live" } else { "dead" }
            )
        }
    }
}

/// A JSON value as a TOML inline value.
fn toml_inline(json: &serde_json::Value) -> String {
    use serde_json::Value;
    match json {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_inline(v)))
                .collect();
            format!("{{ {} }}", members.join(", "))
        }
        Value::Array(items) => {
            let all: Vec<String> = items.iter().map(toml_inline).collect();
            format!("[{}]", all.join(", "))
        }
        Value::Null => "\"\"".into(),
        other => other.to_string(),
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> ResponseRecord {
        ResponseRecord {
            status,
            headers: vec![("content-type".into(), b"application/json".to_vec())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_fastapi_422_suggests_form_fields() {
        let login = crate::plan::profile::Login::default().request();
        let hint = setup(
            "login",
            &login,
            &answer(
                422,
                r#"{"detail":[{"type":"missing","loc":["body","username"]},{"type":"missing","loc":["body","password"]}]}"#,
            ),
        );
        assert!(
            hint.contains(
                r#"set [login] form = { username = "{email}", password = "{password}" }"#
            ),
            "{hint}"
        );
    }

    #[test]
    fn other_cookie_names_are_proposed_with_roles() {
        let hint = cookies("refreshToken", &["fastapiusersauth=abc; HttpOnly".into()]);
        assert!(
            hint.contains(r#"cookies = [{ name = "fastapiusersauth", role = "session" }]"#),
            "{hint}"
        );
    }

    #[test]
    fn another_success_answer_is_written_as_toml() {
        let hint = logout(&answer(200, r#"{"success":true}"#));
        assert!(
            hint.contains("body = { json = { success = true } }"),
            "{hint}"
        );
        let hint = logout(&answer(204, ""));
        assert!(hint.contains("status = [204], body = \"empty\""), "{hint}");
    }
}

#[cfg(test)]
mod probe_hint_tests {
    use super::probe;

    #[test]
    fn a_probe_answering_neither_is_sent_to_its_request_before_its_predicates() {
        let hint = probe("refresh", 403, true, None);
        assert!(hint.contains("neither live nor dead"), "{hint}");
        assert!(hint.contains("CSRF header"), "{hint}");
        // Never the bare advice to call whatever it answered "live".
        assert!(
            hint.contains("Only if a live token really gets 403 and a revoked one never does"),
            "{hint}"
        );
        assert!(!hint.contains("live = { status = [403] }"), "{hint}");
    }
}
