//! Which contract a run judges: the documented one (the API family's, as the logout
//! document states it) or a declared one, when the profile says the target spells some
//! answer differently. Every deviation is listed in every report, so a verdict never
//! hides what it was measured against.

use serde::Serialize;

use crate::plan::profile::{AnswerSpec, BodyTemplate, Profile, Role};

/// The contract a run judged, and how it differs from the documented one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contract {
    /// `documented`, or `declared` when the profile deviates from the document.
    pub judged: ContractKind,
    /// Each deviation from the documented contract, in words (`logout path /api/logout
    /// for /auth/logout`); empty for the documented contract.
    pub deviations: Vec<String>,
}

/// The two kinds of contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContractKind {
    #[default]
    Documented,
    Declared,
}

impl Contract {
    /// The contract `profile` declares: documented unless it deviates somewhere.
    pub fn of(profile: &Profile) -> Self {
        let deviations = deviations(profile);
        Self {
            judged: if deviations.is_empty() {
                ContractKind::Documented
            } else {
                ContractKind::Declared
            },
            deviations,
        }
    }

    /// One line for headers and verdicts: `documented contract`, or `declared contract
    /// (2 deviations from the documented contract: …)`.
    pub fn summary(&self) -> String {
        match self.judged {
            ContractKind::Documented => "documented contract".into(),
            ContractKind::Declared => {
                let n = self.deviations.len();
                format!(
                    "declared contract ({n} deviation{} from the documented contract: {})",
                    if n == 1 { "" } else { "s" },
                    self.deviations.join(", ")
                )
            }
        }
    }
}

/// How `profile` differs from the documented contract, one entry per difference in
/// what the logout endpoint takes or answers. Setup details (register, login, probes,
/// generated values) are the API family's business, not the logout contract's, and are
/// not deviations.
pub fn deviations(profile: &Profile) -> Vec<String> {
    let documented = Profile::default();
    let mut found = Vec::new();
    let (ours, theirs) = (&profile.logout, &documented.logout);
    if ours.method.to_ascii_uppercase() != theirs.method {
        found.push(format!(
            "logout method {} for {}",
            ours.method, theirs.method
        ));
    }
    if ours.path != theirs.path {
        found.push(format!("logout path {} for {}", ours.path, theirs.path));
    }
    if let Some(before) = &ours.before {
        found.push(format!(
            "logout first fetches {} {}",
            before.method.to_ascii_uppercase(),
            before.path
        ));
    }
    if ours.request().body != theirs.request().body {
        found.push(format!(
            "logout body {} for {{}}",
            body_text(&ours.request().body)
        ));
    }
    let headers: Vec<&String> = profile
        .defaults
        .headers
        .keys()
        .chain(ours.headers.keys())
        .collect();
    if !headers.is_empty() {
        let names: Vec<&str> = headers.iter().map(|h| h.as_str()).collect();
        found.push(format!("logout requires the header {}", names.join(", ")));
    }
    found.extend(answer_deviations("", &ours.success, &theirs.success));
    if let Some(invalid) = &ours.invalid_token
        && invalid != &ours.success
    {
        found.extend(answer_deviations(
            "invalid-token answer: ",
            invalid,
            theirs.invalid_answer(),
        ));
    }
    found.extend(answer_deviations(
        "store-failure answer: ",
        &ours.store_failure,
        &theirs.store_failure,
    ));
    found.extend(session_deviations(profile, &documented));
    found
}

fn answer_deviations(prefix: &str, ours: &AnswerSpec, theirs: &AnswerSpec) -> Vec<String> {
    let mut found = Vec::new();
    if ours.status != theirs.status {
        found.push(format!(
            "{prefix}{} for {}",
            ours.status_text(),
            theirs.status_text().trim_start_matches("status ")
        ));
    }
    if ours.body != theirs.body {
        found.push(format!(
            "{prefix}{} for {}",
            ours.body.text(),
            theirs.body.text()
        ));
    }
    if !ours
        .content_type()
        .eq_ignore_ascii_case(theirs.content_type())
    {
        found.push(format!(
            "{prefix}content type {} for {}",
            ours.content_type(),
            theirs.content_type()
        ));
    }
    for (name, header) in &ours.headers {
        found.push(format!("{prefix}{name}: {} for none", header.text()));
    }
    found
}

fn session_deviations(profile: &Profile, documented: &Profile) -> Vec<String> {
    let mut found = Vec::new();
    let cleared = profile.cleared_cookies();
    if !profile.session.tokens.is_empty() {
        let tokens: Vec<String> = profile
            .session
            .tokens
            .iter()
            .map(|t| format!("{} at {}", t.role.name(), t.pointer))
            .collect();
        found.push(format!(
            "tokens in the login body ({}) for cookies",
            tokens.join(", ")
        ));
    }
    for name in &profile.session.outlives {
        found.push(format!("cookie {name:?} outlives the logout"));
    }
    if cleared.len() == 1 {
        found.push(format!("one cookie {:?} for two", cleared[0]));
        return found;
    }
    if cleared.is_empty() {
        return found;
    }
    for role in [Role::Access, Role::Refresh] {
        let (ours, theirs) = (
            profile.session.cookie_for(role),
            documented.session.cookie_for(role),
        );
        if let (Some(ours), Some(theirs)) = (ours, theirs)
            && ours != theirs
        {
            found.push(format!("{} cookie {ours:?} for {theirs:?}", role.name()));
        }
    }
    found
}

fn body_text(body: &BodyTemplate) -> String {
    match body {
        BodyTemplate::None => "none".into(),
        BodyTemplate::Json(v) => v.to_string(),
        BodyTemplate::Form(fields) => {
            let pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("form {}", pairs.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_profile_judges_the_documented_contract() {
        let contract = Contract::of(&Profile::default());
        assert_eq!(contract.judged, ContractKind::Documented);
        assert_eq!(contract.summary(), "documented contract");
    }

    #[test]
    fn other_cookie_names_and_path_are_deviations() {
        let profile =
            Profile::parse("[cookies]\naccess = \"sid\"\n[logout]\npath = \"/api/logout\"\n")
                .expect("valid profile");
        let contract = Contract::of(&profile);
        assert_eq!(contract.judged, ContractKind::Declared);
        assert_eq!(
            contract.summary(),
            "declared contract (2 deviations from the documented contract: \
             logout path /api/logout for /auth/logout, access cookie \"sid\" for \"accessToken\")"
        );
    }

    #[test]
    fn a_cookie_meant_to_outlive_the_session_is_a_deviation_and_never_a_credential() {
        let session = "version = 2\n[session]\ncookies = [\
             { name = \"accessToken\", role = \"access\" }, \
             { name = \"refreshToken\", role = \"refresh\" }, \
             { name = \"csrftoken\", role = \"csrf\" }]\n";
        let profile = Profile::parse(&format!("{session}outlives = [\"csrftoken\"]\n"))
            .expect("valid profile");
        assert_eq!(profile.outliving_cookies(), ["csrftoken"]);
        assert_eq!(
            Contract::of(&profile).deviations,
            ["cookie \"csrftoken\" outlives the logout"]
        );
        let refused = Profile::parse(&format!("{session}outlives = [\"refreshToken\"]\n"))
            .expect_err("a credential cannot outlive the logout");
        assert!(refused.contains("a credential"), "{refused}");
    }

    #[test]
    fn a_declared_answer_and_one_cookie_are_listed() {
        let profile = Profile::parse(
            "version = 2\n\
             [defaults]\nheaders = { Origin = \"{origin}\" }\n\
             [session]\ncookies = [{ name = \"session\", role = \"session\" }]\n\
             [logout.success]\nstatus = [204]\nbody = \"empty\"\n",
        )
        .expect("valid profile");
        let contract = Contract::of(&profile);
        assert_eq!(
            contract.deviations,
            [
                "logout requires the header Origin",
                "status 204 for 200",
                "an empty body for body {\"message\":\"Logged out successfully\"}",
                "content type any for application/json",
                "one cookie \"session\" for two",
            ]
        );
    }

    #[test]
    fn setup_details_are_not_deviations() {
        let profile = Profile::parse(
            "version = 2\n[values]\nemail_domain = \"corp.example\"\n\
             [login]\npath = \"/auth/jwt/login\"\nform = { username = \"{email}\", password = \"{password}\" }\n\
             [probes.refresh]\npath = \"/me\"\nlive = { status = [200] }\ndead = { status = [401] }\n",
        )
        .expect("valid profile");
        assert_eq!(Contract::of(&profile).judged, ContractKind::Documented);
    }
}
