use super::*;

#[test]
fn empty_profile_is_the_api_family() {
    let p = Profile::parse("").expect("empty profile parses");
    assert_eq!(p.login.path, "/auth/login");
    assert_eq!(p.refresh_cookie(), Some("refreshToken"));
    assert_eq!(p.cleared_cookies(), ["accessToken", "refreshToken"]);
    assert!(p.store_fault.is_none());
    assert!(!p.offers(Capability::StoreFault));
    assert_eq!(p, Profile::default());
}

#[test]
fn actions_are_requests_or_commands() {
    let p = Profile::parse(
        r#"
        waive = ["LO-30"]
        [store_fault]
        on = { command = "pg_ctlcluster 15 main stop" }
        off = { method = "POST", path = "/admin/db/start" }
        [expired_session]
        source = { command = "./mint-expired-token" }
        "#,
    )
    .expect("profile parses");
    let fault = p.store_fault.clone().expect("store fault");
    assert!(matches!(fault.on, Action::Command(_)));
    assert!(matches!(fault.off, Action::Http(ref r) if r.path == "/admin/db/start"));
    assert!(p.offers(Capability::ExpiredSession));
    assert!(p.waives(ClauseId::new(30)));
}

#[test]
fn the_shipped_reference_profile_matches_the_built_in_one() {
    let file = Profile::parse(include_str!("../../../../profiles/reference-server.toml"))
        .expect("profiles/reference-server.toml parses");
    // The file names its stack for the zoo's matrix; the built-in profile names none.
    let stack = file
        .stack
        .clone()
        .expect("the shipped profile names its stack");
    assert_eq!(stack.name, "reference");
    assert_eq!(
        Profile {
            stack: None,
            ..file
        },
        Profile::reference()
    );
}

#[test]
fn mistakes_are_named_with_their_line() {
    let unknown = Profile::parse("[logn]\npath = \"/x\"").expect_err("typo rejected");
    assert!(
        unknown.contains("logn") && unknown.starts_with("line 1,"),
        "{unknown}"
    );
    let waive = Profile::parse("waive = [\"LO-99\"]").expect_err("bad waiver");
    assert!(waive.contains("LO-99"), "{waive}");
    let path = Profile::parse("[logout]\npath = \"auth/logout\"").expect_err("bad path");
    assert!(
        path.contains("must start with") && path.starts_with("line 2,"),
        "{path}"
    );
    let typed =
        Profile::parse("version = 2\n\n[login]\nexpect_status = \"200\"\n").expect_err("bad type");
    assert!(typed.starts_with("line 4, column 17"), "{typed}");
    let v2_in_v1 = Profile::parse("[session]\ncookies = []\n").expect_err("v2 key in v1");
    assert!(v2_in_v1.contains("version = 2"), "{v2_in_v1}");
    let v1_in_v2 =
        Profile::parse("version = 2\n[cookies]\naccess = \"a\"\n").expect_err("v1 key in v2");
    assert!(
        v1_in_v2.starts_with("line 2,") && v1_in_v2.contains("cookies"),
        "{v1_in_v2}"
    );
    let version = Profile::parse("version = 3\n").expect_err("unknown version");
    assert!(
        version.starts_with("line 1, column 1: version 3"),
        "{version}"
    );
}

#[test]
fn a_file_error_names_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("profile-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("p.toml");
    std::fs::write(&file, "version = 2\n[logout.success]\nbody = \"nothing\"\n").expect("write");
    let error = Profile::load(&file).expect_err("bad body").to_string();
    assert!(
        error.starts_with(&format!("invalid profile {}:3:8: ", file.display()))
            && error.contains("\"empty\""),
        "{error}"
    );
}

#[test]
fn placeholders_are_checked_when_read() {
    let typo = Profile::parse("version = 2\n[register]\njson = { email = \"{emial}\" }\n")
        .expect_err("unknown placeholder");
    assert!(
        typo.contains("{emial}") && typo.starts_with("line 2,"),
        "{typo}"
    );
    let token = Profile::parse("version = 2\n[login]\njson = { t = \"{token}\" }\n")
        .expect_err("{token} outside a probe");
    assert!(token.contains("only known in a probe"), "{token}");
    let both =
        Profile::parse("version = 2\n[login]\njson = {}\nform = { username = \"{email}\" }\n")
            .expect_err("json and form");
    assert!(
        both.contains("not both") && both.starts_with("line 4,"),
        "{both}"
    );
    // A logout body may hold them since the logout can fetch its token first.
    let late = Profile::parse("version = 2\n[logout]\nform = { csrf = \"{cookie:csrftoken}\" }\n")
        .expect("a cookie placeholder in the logout body, filled when it is sent");
    assert!(late.logout.form.is_some());
}

#[test]
fn version_2_reads_the_whole_schema() {
    let p = Profile::parse(
        r#"
version = 2
base_url = "http://127.0.0.1:8000"
[values]
email_domain = "corp.example"
password = "Secret-123"
[defaults]
headers = { Origin = "{origin}" }
[session]
cookies = [
  { name = "sid", role = "session" },
  { name = "csrftoken", role = "csrf" },
]
[register]
path = "/auth/register"
json = { email = "{email}", password = "{password}", name = "{name}" }
expect_status = [201]
[login]
path = "/auth/jwt/login"
form = { username = "{email}", password = "{password}" }
expect_status = [200, 204]
[logout]
path = "/auth/jwt/logout"
headers = { "X-CSRFToken" = "{cookie:csrftoken}" }
[logout.success]
status = [204]
body = "empty"
[logout.invalid_token]
status = [401]
body = { json_subset = { detail = "Unauthorized" } }
[probes.refresh]
path = "/users/me"
live = { status = [200] }
dead = { status = [401], pointer = "/detail", exists = true }
"#,
    )
    .expect("profile parses");
    assert_eq!(p.version, 2);
    assert_eq!(p.refresh_cookie(), Some("sid"));
    assert_eq!(p.access_cookie(), None);
    assert_eq!(p.cleared_cookies(), ["sid"]);
    assert_eq!(p.session.csrf(), ["csrftoken"]);
    assert!(
        matches!(p.login.request().body, BodyTemplate::Form(ref f) if f["username"] == "{email}")
    );
    assert_eq!(p.logout.success.status, [204]);
    assert_eq!(p.logout.success.content_type(), "any");
    assert_eq!(p.logout.invalid_answer().status, [401]);
    assert!(p.offers(Capability::RefreshProbe));
    assert!(!p.offers(Capability::AccessProbe));
    assert!(p.inapplicable(ClauseId::LO_12).is_some());
    let user = p.values.user("run-1");
    assert_eq!(user.email, "lo-run-1@corp.example");
    assert_eq!(user.password, "Secret-123");
}

#[test]
fn session_roles_are_checked() {
    let none = Profile::parse("version = 2\n[session]\ncookies = []\n").expect_err("no credential");
    assert!(none.contains("exactly one credential"), "{none}");
    let both = Profile::parse(
        "version = 2\n[session]\ncookies = [{ name = \"s\", role = \"session\" }, { name = \"a\", role = \"access\" }]\n",
    )
    .expect_err("session beside access");
    assert!(both.contains("none beside"), "{both}");
    let role =
        Profile::parse("version = 2\n[session]\ncookies = [{ name = \"s\", role = \"sesion\" }]\n")
            .expect_err("unknown role");
    assert!(
        role.contains("sesion") && role.starts_with("line 3,"),
        "{role}"
    );
}

#[test]
fn generated_passwords_meet_a_common_policy() {
    // The policy pattern most sign-up forms copy: upper, lower, digit and a symbol, and
    // nothing but those letters, digits and symbols.
    let common = regex::Regex::new(r"^[A-Za-z0-9@$!%*?&]{8,64}$").expect("a pattern");
    for _ in 0..200 {
        let p = values::generated_password();
        assert_eq!(p.chars().count(), 16);
        assert!(common.is_match(&p), "{p}");
        assert!(p.chars().any(|c| c.is_ascii_uppercase()), "{p}");
        assert!(p.chars().any(|c| c.is_ascii_lowercase()), "{p}");
        assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
        let symbols: Vec<char> = p.chars().filter(|c| !c.is_ascii_alphanumeric()).collect();
        assert_eq!(symbols.len(), 1, "exactly one symbol: {p}");
        assert!(values::PASSWORD_SYMBOLS.contains(symbols[0]), "{p}");
        assert!(
            p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()),
            "{p}"
        );
    }
    assert_ne!(values::generated_password(), values::generated_password());
}

#[test]
fn placeholders_fill_from_the_context() {
    let user = User {
        email: "e@x.com".into(),
        password: "pw".into(),
        name: "N".into(),
    };
    let previous = serde_json::json!({"csrf": "t0k"});
    let ctx = values::Context {
        user: Some(&user),
        run: "r1",
        origin: "http://127.0.0.1:8000",
        token: None,
        cookies: vec![("csrftoken".into(), "c1".into())],
        previous: Some(&previous),
        defer: false,
    };
    let filled = values::fill(
        "{email}|{password}|{name}|{run}|{origin}|{cookie:csrftoken}|{response:/csrf}",
        &ctx,
    )
    .expect("fills");
    assert_eq!(filled, "e@x.com|pw|N|r1|http://127.0.0.1:8000|c1|t0k");
    let missing = values::fill("{cookie:other}", &ctx).expect_err("no such cookie");
    assert!(missing.contains("other"), "{missing}");
    assert_eq!(values::uuid().len(), 36);
    let deferred = values::Context {
        defer: true,
        ..ctx.clone()
    };
    let header = values::fill("{cookie:csrftoken} {origin}", &deferred).expect("fills");
    assert_eq!(header, "{cookie:csrftoken} http://127.0.0.1:8000");
    let late = values::fill_late(&header, &[("csrftoken".into(), "c2".into())], None);
    assert_eq!(late, "c2 http://127.0.0.1:8000");
    assert_eq!(values::fill_late("{cookie:x}", &[], None), "");
}

#[test]
fn body_tokens_are_sent_as_cookies_only() {
    let p = Profile::parse(
        "version = 2\n[session]\ncookies = []\n\
         tokens = [{ pointer = \"/refresh\", role = \"refresh\", send_as = \"cookie:rt\" }]\n",
    )
    .expect("a body token sent as a cookie");
    assert_eq!(p.refresh_cookie(), Some("rt"));
    assert!(p.offers(Capability::RefreshProbe));
    assert!(
        crate::plan::contract::deviations(&p)
            .iter()
            .any(|d| d.contains("tokens in the login body"))
    );
    let bearer = Profile::parse(
        "version = 2\n[session]\ncookies = []\n\
         tokens = [{ pointer = \"/access\", role = \"session\", send_as = \"bearer\" }]\n",
    )
    .expect_err("bearer is not supported");
    assert!(
        bearer.contains("not supported") && bearer.starts_with("line 2,"),
        "{bearer}"
    );
    let typo = Profile::parse(
        "version = 2\n[session]\ntokens = [{ pointer = \"/a\", role = \"refresh\", send_as = \"header\" }]\n",
    )
    .expect_err("unknown send_as");
    assert!(typo.contains("bearer"), "{typo}");
}

#[test]
fn a_store_failure_answer_can_be_declared() {
    let p = Profile::parse(
        "version = 2\n[logout.store_failure]\nstatus = [500]\nbody = \"any\"\ncontent_type = \"text/plain\"\n",
    )
    .expect("profile parses");
    assert!(
        p.logout
            .store_failure
            .content_type_ok(Some("text/plain; charset=utf-8"))
    );
    assert_eq!(
        crate::plan::contract::deviations(&p),
        [
            "store-failure answer: any body for body {\"error\":\"Error logging out\"}",
            "store-failure answer: content type text/plain for application/json",
        ]
    );
    assert_eq!(
        Profile::parse("").expect("empty").logout.store_failure,
        AnswerSpec::store_failure()
    );
}

#[test]
fn a_setup_exchange_may_send_a_request_before_it() {
    let p = Profile::parse(
        r#"
        version = 2
        [register]
        before = { path = "/auth/csrf" }
        [login]
        before = { method = "post", path = "/csrf/{run}", headers = { Accept = "application/json" } }
        headers = { "X-CSRFToken" = "{cookie:csrftoken}" }
        "#,
    )
    .expect("profile parses");
    let register = p.register.before.expect("register before");
    assert_eq!(register.request().method, "GET");
    assert_eq!(register.path, "/auth/csrf");
    let login = p.login.before.expect("login before").request();
    assert_eq!(login.method, "POST");
    assert_eq!(
        login.headers.get("Accept").map(String::as_str),
        Some("application/json")
    );
    assert!(Profile::default().login.before.is_none());
}

#[test]
fn a_bad_before_is_named_with_its_line_and_column() {
    let unknown =
        Profile::parse("version = 2\n[login]\nbefore = { path = \"/csrf\", body = \"x\" }\n")
            .expect_err("a before takes no body");
    assert!(
        unknown.starts_with("line 3, column") && unknown.contains("body"),
        "{unknown}"
    );
    let path = Profile::parse("version = 2\n\n[register]\nbefore = { path = \"csrf\" }\n")
        .expect_err("a relative path");
    assert!(
        path.starts_with("line 4, column 1:")
            && path.contains("before")
            && path.contains("must start with '/'"),
        "{path}"
    );
    let token = Profile::parse("version = 2\n[login]\nbefore = { path = \"/csrf/{token}\" }\n")
        .expect_err("no token outside a probe");
    assert!(
        token.starts_with("line 3,") && token.contains("{token}"),
        "{token}"
    );
    let missing = Profile::parse("version = 2\n[login]\nbefore = { method = \"GET\" }\n")
        .expect_err("a path is required");
    assert!(
        missing.starts_with("line 3,") && missing.contains("path"),
        "{missing}"
    );
}
