//! The checks a profile must pass beyond its types: paths, placeholders, the session's
//! roles, probe predicates, waivers. Each error points at the key it is about.

use crate::plan::catalogue::{Catalogue, Grade};
use crate::plan::profile::Profile;
use crate::plan::profile::answer_header::is_header_name;
use crate::plan::profile::error::Invalid;
use crate::plan::profile::exchange::RequestTemplate;
use crate::plan::profile::known::end_of_day;
use crate::plan::profile::values::{Placeholder, placeholders};

/// A `before` request's path, method and placeholders (no `{token}`: no probe).
fn check_before(table: &str, template: &RequestTemplate) -> Result<(), String> {
    if !template.path.starts_with('/') {
        return Err(format!(
            "[{table}] before: path {:?} must start with '/'",
            template.path
        ));
    }
    if template.method.is_empty() || !template.method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "[{table}] before: method {:?} is not an HTTP method",
            template.method
        ));
    }
    for s in template.strings() {
        let found = placeholders(s).map_err(|m| format!("[{table}] before: {m}"))?;
        if found.contains(&Placeholder::Token) {
            return Err(format!(
                "[{table}] before: {{token}} is only known in a probe"
            ));
        }
    }
    Ok(())
}

/// Checks a parsed profile; `text` is its source, to point at the mistake.
pub(crate) fn check(profile: &Profile, text: &str) -> Result<(), Invalid> {
    let at = |table: &str, key: Option<&str>, message: String| {
        Invalid::at_key(text, table, key, message)
    };
    let register = &profile.register;
    if !register.enabled && (register.email.is_none() || register.password.is_none()) {
        return Err(at(
            "register",
            Some("enabled"),
            "[register] enabled = false needs `email` and `password` of an existing account".into(),
        ));
    }
    let mut templates: Vec<(&str, RequestTemplate, bool)> = vec![
        ("register", register.request(), false),
        ("login", profile.login.request(), false),
        ("logout", profile.logout.request(), false),
    ];
    // A `before` request is checked as its exchange's table, at its `before` key.
    let befores = [
        ("register", register.before.as_ref()),
        ("login", profile.login.before.as_ref()),
        ("logout", profile.logout.before.as_ref()),
    ];
    for (table, before) in befores {
        if let Some(before) = before {
            check_before(table, &before.request()).map_err(|m| at(table, Some("before"), m))?;
        }
    }
    if let Some(p) = &profile.probes.access {
        templates.push(("probes.access", p.request(), true));
    }
    if let Some(p) = &profile.probes.refresh {
        templates.push(("probes.refresh", p.request(), true));
    }
    if let Some(r) = &profile.rotating_refresh {
        templates.push(("rotating_refresh", r.request(), true));
        if r.json.is_some() && r.form.is_some() {
            return Err(at(
                "rotating_refresh",
                Some("form"),
                "[rotating_refresh] takes `json` or `form`, not both".into(),
            ));
        }
        if profile.refresh_cookie().is_none() {
            return Err(at(
                "rotating_refresh",
                None,
                "[rotating_refresh] sends the refresh token in its cookie: [session] needs a \
                 cookie of role \"refresh\" (or \"session\")"
                    .into(),
            ));
        }
    }
    let forms = [
        (
            "register",
            register.json.is_some() && register.form.is_some(),
        ),
        (
            "login",
            profile.login.json.is_some() && profile.login.form.is_some(),
        ),
        (
            "logout",
            profile.logout.json.is_some() && profile.logout.form.is_some(),
        ),
    ];
    for (table, both) in forms {
        if both {
            return Err(at(
                table,
                Some("form"),
                format!("[{table}] takes `json` or `form`, not both"),
            ));
        }
    }
    for (table, template, probe) in &templates {
        if !template.path.starts_with('/') {
            return Err(at(
                table,
                Some("path"),
                format!("[{table}] path {:?} must start with '/'", template.path),
            ));
        }
        if template.method.is_empty() || !template.method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(at(
                table,
                Some("method"),
                format!(
                    "[{table}] method {:?} is not an HTTP method",
                    template.method
                ),
            ));
        }
        for s in template.strings() {
            let found = placeholders(s).map_err(|m| at(table, None, format!("[{table}] {m}")))?;
            if !probe && found.contains(&Placeholder::Token) {
                return Err(at(
                    table,
                    None,
                    format!("[{table}] {{token}} is only known in a probe"),
                ));
            }
        }
    }
    for (table, answer) in [
        ("logout.success", Some(&profile.logout.success)),
        (
            "logout.invalid_token",
            profile.logout.invalid_token.as_ref(),
        ),
        ("logout.store_failure", Some(&profile.logout.store_failure)),
    ] {
        let bad = answer
            .into_iter()
            .flat_map(|a| a.headers.keys())
            .find(|name| !is_header_name(name));
        if let Some(name) = bad {
            return Err(at(
                table,
                Some("headers"),
                format!("[{table}] headers: {name:?} is not a header name"),
            ));
        }
    }
    for value in profile.defaults.headers.values() {
        placeholders(value)
            .map_err(|m| at("defaults", Some("headers"), format!("[defaults] {m}")))?;
    }
    profile
        .session
        .check()
        .map_err(|m| at("session", None, m))?;
    for (table, probe) in [
        ("probes.access", &profile.probes.access),
        ("probes.refresh", &profile.probes.refresh),
    ] {
        if let Some(p) = probe {
            p.live
                .check(&format!("[{table}] live"))
                .map_err(|m| at(table, Some("live"), m))?;
            p.dead
                .check(&format!("[{table}] dead"))
                .map_err(|m| at(table, Some("dead"), m))?;
        }
    }
    for (table, answer) in [
        ("logout.success", Some(&profile.logout.success)),
        (
            "logout.invalid_token",
            profile.logout.invalid_token.as_ref(),
        ),
        ("logout.store_failure", Some(&profile.logout.store_failure)),
    ] {
        if answer.is_some_and(|a| a.status.is_empty()) {
            return Err(at(
                table,
                Some("status"),
                format!("[{table}] status lists no status"),
            ));
        }
    }
    let domain = &profile.values.email_domain;
    if domain.is_empty() || domain.contains('@') || domain.contains(' ') {
        return Err(at(
            "values",
            Some("email_domain"),
            format!("[values] email_domain {domain:?} is not a domain"),
        ));
    }
    for id in &profile.waive {
        if Catalogue::get().clause_named(id).is_none() {
            return Err(at(
                "",
                Some("waive"),
                format!("waive names {id:?}, which is not a clause"),
            ));
        }
    }
    known_failures(profile, text)?;
    Ok(())
}

/// Each `[[known_failure]]` names a clause that can fail (not INFO), once, not waived,
/// with a reason and a readable date.
fn known_failures(profile: &Profile, text: &str) -> Result<(), Invalid> {
    let at = |message: String| Invalid::at_key(text, "", Some("known_failure"), message);
    for (i, known) in profile.known_failures.iter().enumerate() {
        let id = &known.clause;
        let clause = Catalogue::get().clause_named(id);
        match clause {
            None => {
                return Err(at(format!(
                    "known_failure names {id:?}, which is not a clause"
                )));
            }
            Some(c) if c.grade == Grade::Info => {
                return Err(at(format!(
                    "known_failure names {id}, an INFO clause: it reports, it never fails"
                )));
            }
            Some(_) => {}
        }
        if clause.is_some_and(|c| profile.waives(c.id)) {
            return Err(at(format!(
                "{id} is both waived and a known failure: a waived clause is not judged, a \
                 known failure is; keep one"
            )));
        }
        if profile.known_failures[..i].iter().any(|k| &k.clause == id) {
            return Err(at(format!("{id} is a known failure twice")));
        }
        if known.reason.trim().is_empty() {
            return Err(at(format!("the known failure of {id} needs a reason")));
        }
        if let Some(day) = &known.until
            && end_of_day(day).is_none()
        {
            return Err(at(format!(
                "the known failure of {id} has until = {day:?}: write a date, YYYY-MM-DD"
            )));
        }
    }
    Ok(())
}
