use super::*;

#[test]
fn empty_profile_is_the_api_family() {
    let p = Profile::parse("").expect("empty profile parses");
    assert_eq!(p.login.path, "/auth/login");
    assert_eq!(p.cookies.refresh, "refreshToken");
    assert!(p.store_fault.is_none());
    assert!(!p.offers(Capability::StoreFault));
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
    assert!(p.waives("LO-30"));
}

#[test]
fn the_shipped_reference_profile_matches_the_built_in_one() {
    let file = Profile::parse(include_str!("../../../profiles/reference-server.toml"))
        .expect("profiles/reference-server.toml parses");
    assert_eq!(format!("{file:?}"), format!("{:?}", Profile::reference()));
}

#[test]
fn mistakes_are_named() {
    let unknown = Profile::parse("[logn]\npath = \"/x\"").expect_err("typo rejected");
    assert!(unknown.contains("logn"), "{unknown}");
    let waive = Profile::parse("waive = [\"LO-99\"]").expect_err("bad waiver");
    assert!(waive.contains("LO-99"), "{waive}");
    let path = Profile::parse("[logout]\npath = \"auth/logout\"").expect_err("bad path");
    assert!(path.contains("must start with"), "{path}");
}
