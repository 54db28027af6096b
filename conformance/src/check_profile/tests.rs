//! `check-profile` against the embedded reference server: a right profile passes every
//! step; each kind of wrong profile is caught at its step, with a hint that says what to
//! change.

use std::time::Duration;

use super::*;
use crate::plan::profile::Profile;
use crate::under_test::embedded::Embedded;

async fn checked(profile: &str) -> ProfileCheck {
    let profile = Profile::parse(profile).unwrap_or_else(|e| panic!("bad test profile: {e}"));
    let server = Embedded::start()
        .await
        .unwrap_or_else(|e| panic!("no server: {e}"));
    let target = Target::new(&server.url(), profile, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("no target: {e}"));
    let check = check_profile(target).await;
    server.stop().await;
    check
}

/// The first step that did not behave, with its title and hint.
fn first_problem(check: &ProfileCheck) -> (String, String, String) {
    check
        .steps
        .iter()
        .find_map(|s| match &s.outcome {
            Outcome::Problem { what, hint } => Some((s.title.clone(), what.clone(), hint.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no step failed:\n{}", check.render()))
}

#[tokio::test]
async fn a_right_profile_passes_every_step_and_masks_tokens() {
    let check = checked("version = 2\n").await;
    assert!(check.passed(), "{}", check.render());
    assert_eq!(check.steps.len(), 7, "{}", check.render());
    let out = check.render();
    assert!(
        out.contains("«masked, 43 chars»") && out.contains("\"password\":\"«masked»\""),
        "{out}"
    );
}

#[tokio::test]
async fn a_wrong_login_body_shape_is_caught() {
    let check = checked(
        "version = 2\n[login]\nform = { username = \"{email}\", password = \"{password}\" }\n",
    )
    .await;
    let (title, what, hint) = first_problem(&check);
    assert_eq!(title, "log in");
    assert!(what.contains("415"), "{what}");
    assert!(hint.contains("[login] json"), "{hint}");
}

#[tokio::test]
async fn wrong_cookie_names_are_caught() {
    let check =
        checked("version = 2\n[session]\ncookies = [{ name = \"sid\", role = \"session\" }]\n")
            .await;
    let (title, what, hint) = first_problem(&check);
    assert_eq!(title, "log in");
    assert!(what.contains("no sid cookie"), "{what}");
    assert!(
        hint.contains(r#"{ name = "refreshToken", role = "refresh" }"#),
        "{hint}"
    );
}

#[tokio::test]
async fn an_unreachable_path_is_caught() {
    let check = checked("version = 2\n[register]\npath = \"/auth/signup\"\n").await;
    let (title, what, hint) = first_problem(&check);
    assert_eq!(title, "register a user");
    assert!(what.contains("404"), "{what}");
    assert!(hint.contains("set [register] path"), "{hint}");
}

#[tokio::test]
async fn a_probe_that_says_live_after_the_logout_is_caught() {
    // 401 declared "live": after a real logout the probe still says live.
    let check = checked(
        "version = 2\n[probes.refresh]\npath = \"/auth/validate-session\"\n\
         live = { status = [200, 401] }\ndead = { status = [403] }\n",
    )
    .await;
    let (title, what, hint) = first_problem(&check);
    assert!(title.contains("after the logout"), "{title}");
    assert!(what.contains("means live"), "{what}");
    assert!(hint.contains("still calls the token live"), "{hint}");
}

#[tokio::test]
async fn another_success_answer_is_caught_with_the_declaration_to_write() {
    let check = checked("version = 2\n[logout.success]\nstatus = [204]\nbody = \"empty\"\n").await;
    let (title, what, hint) = first_problem(&check);
    assert_eq!(title, "log out");
    assert!(what.contains("status 200"), "{what}");
    assert!(
        hint.contains(r#"body = { json = { message = "Logged out successfully" } }"#),
        "{hint}"
    );
}
