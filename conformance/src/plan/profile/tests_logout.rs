//! The `[logout]` keys a CSRF-checked, redirecting logout needs: `before`, late fields
//! in its body, and the headers of its answers.

use super::*;

#[test]
fn a_logout_may_fetch_its_token_first_and_declare_a_redirect() {
    let p = Profile::parse(
        r#"
        version = 2
        [logout]
        path = "/auth/signout"
        before = { path = "/auth/csrf" }
        form = { csrfToken = "{response:/csrfToken}" }
        [logout.success]
        status = [302]
        body = "empty"
        headers = { Location = { regex = "^http://[^/?#]+/?$" } }
        "#,
    )
    .expect("profile parses");
    let before = p.logout.before.as_ref().expect("logout before");
    assert_eq!(before.request().method, "GET");
    assert_eq!(before.path, "/auth/csrf");
    let location = p.logout.success.headers.get("Location").expect("Location");
    assert!(location.matches(Some("http://127.0.0.1:8000")));
    assert!(!location.matches(Some("http://127.0.0.1:8000/auth/signin?error=MissingCSRF")));
    let deviations = crate::plan::contract::deviations(&p);
    assert!(
        deviations.contains(&"logout first fetches GET /auth/csrf".to_owned())
            && deviations
                .iter()
                .any(|d| d.starts_with("Location: matching")),
        "{deviations:?}"
    );
    assert!(Profile::default().logout.before.is_none());
    assert!(Profile::default().logout.success.headers.is_empty());
}

#[test]
fn a_bad_logout_before_or_answer_header_is_named_with_its_line_and_column() {
    let path = Profile::parse("version = 2\n[logout]\nbefore = { path = \"csrf\" }\n")
        .expect_err("a relative path");
    assert!(
        path.starts_with("line 3, column 1:") && path.contains("must start with '/'"),
        "{path}"
    );
    let body = Profile::parse("version = 2\n[logout]\nbefore = { path = \"/csrf\", json = {} }\n")
        .expect_err("a before takes no body");
    assert!(
        body.starts_with("line 3, column") && body.contains("json"),
        "{body}"
    );
    let regex = Profile::parse(
        "version = 2\n[logout.success]\nstatus = [302]\nheaders = { Location = { regex = \"(\" } }\n",
    )
    .expect_err("a regex that does not compile");
    assert!(
        regex.starts_with("line 4, column") && regex.contains("does not compile"),
        "{regex}"
    );
    let both = Profile::parse(
        "version = 2\n[logout.success]\nheaders = { Location = { equals = \"/\", regex = \"/\" } }\n",
    )
    .expect_err("one of equals and regex");
    assert!(
        both.starts_with("line 3, column") && both.contains("exactly one of equals, regex"),
        "{both}"
    );
    let name = Profile::parse(
        "version = 2\n\n[logout.invalid_token]\nheaders = { \"Loca tion\" = { equals = \"/\" } }\n",
    )
    .expect_err("not a header name");
    assert!(
        name.starts_with("line 4, column 1:") && name.contains("not a header name"),
        "{name}"
    );
    let bare = Profile::parse("version = 2\n[logout.success]\nheaders = { Location = \"/\" }\n")
        .expect_err("a condition is a table");
    assert!(bare.starts_with("line 3, column"), "{bare}");
}
