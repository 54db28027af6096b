//! The CLI's contract: its exit codes, its reports, and the clause it names, run as a
//! user runs it (the real binary) against servers started in this process.

use std::convert::Infallible;
use std::path::PathBuf;
use std::process::Output;
use std::time::SystemTime;

use logout_server::{AppState, Config, RunningServer};
use warp::Filter as _;

mod common;
use common::{BIN, cli, free_port};

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logout-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The clause table's row for a clause, with the reason on the line below it.
fn row(out: &str, id: &str) -> String {
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(id) && l.contains("  "))
        .unwrap_or_else(|| panic!("no table row for {id} in:\n{out}"));
    let below = lines
        .get(at + 1)
        .filter(|l| l.starts_with("      "))
        .unwrap_or(&"");
    format!("{}\n{below}", lines[at])
}

#[tokio::test]
async fn no_target_tests_the_embedded_server_and_writes_every_report() {
    let dir = scratch("reports");
    let (report, junit, json) = (dir.join("r.json"), dir.join("j.xml"), dir.join("c.json"));
    let html = dir.join("r.html");
    let out = cli(&[
        "--strict",
        "--report",
        report.to_str().expect("utf-8"),
        "--junit",
        junit.to_str().expect("utf-8"),
        "--json",
        json.to_str().expect("utf-8"),
        "--html",
        html.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "strict run against the reference server"
    );
    assert!(stdout(&out).contains("verdict: conformant (strict)"));

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("JSON");
    assert_eq!(report["verdict"], "conformant");
    let clauses = report["clauses"].as_array().expect("clauses");
    assert_eq!(
        clauses.len(),
        logout_conformance::Catalogue::get().clauses.len()
    );
    let lo05 = clauses.iter().find(|c| c["id"] == "LO-05").expect("LO-05");
    assert_eq!(lo05["grade"], "MUST");
    assert_eq!(lo05["status"], "passed");
    assert!(lo05["scenarios"].as_array().is_some_and(|s| s.len() >= 4));

    let junit = std::fs::read_to_string(&junit).expect("junit written");
    assert!(
        junit.contains("<testcase") && junit.contains("[LO-05 MUST]"),
        "{junit}"
    );
    assert!(
        !junit.contains("<failure") && !junit.contains("<error"),
        "{junit}"
    );

    let cucumber: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json written")).expect("JSON");
    assert!(
        cucumber
            .as_array()
            .is_some_and(|features| !features.is_empty())
    );

    let html = std::fs::read_to_string(&html).expect("html written");
    assert!(html.contains("<html") && html.contains("LO-05"), "{html}");
}

#[tokio::test]
async fn an_unreachable_target_is_a_harness_error_naming_the_url() {
    // Nothing listens on a port just released.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let out = cli(&["--target", &url, "--timeout", "2"]).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&url) && stderr.contains("unreachable"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_harness_error_still_writes_every_requested_report_saying_so() {
    let dir = scratch("harness-error");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let files = [
        ("--report", "r.json"),
        ("--junit", "j.xml"),
        ("--json", "c.json"),
        ("--html", "p.html"),
        ("--markdown", "s.md"),
        ("--badge", "b.json"),
    ];
    let mut args = vec!["--target".to_owned(), url, "--timeout".into(), "2".into()];
    for (flag, name) in files {
        args.push(flag.into());
        args.push(dir.join(name).to_str().expect("utf-8").into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(&args).await;
    assert_eq!(out.status.code(), Some(2));
    for (flag, name) in files {
        let text = std::fs::read_to_string(dir.join(name)).expect("written");
        assert!(
            text.contains("harness error") || text.contains("harness-error"),
            "{flag} does not say it is a harness error: {text:?}"
        );
        assert!(
            text.contains("unreachable") || flag == "--badge",
            "{flag}: {text}"
        );
    }
}

#[tokio::test]
async fn check_profile_accepts_color() {
    let out = cli(&[
        "check-profile",
        "--color",
        "never",
        "--profile",
        "/nonexistent.toml",
    ])
    .await;
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(!said.contains("unexpected argument"), "{said}");
    assert!(said.contains("nonexistent.toml"), "{said}");
}

#[tokio::test]
async fn bad_arguments_and_profiles_are_harness_errors() {
    let dir = scratch("profiles");
    let typo = dir.join("typo.toml");
    std::fs::write(&typo, "[logn]\npath = \"/login\"\n").expect("write");
    let out = cli(&["--profile", typo.to_str().expect("utf-8")]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("logn"));
    assert_eq!(cli(&["--target", "ftp://x"]).await.status.code(), Some(2));
    assert_eq!(cli(&["--tags", "@must and ("]).await.status.code(), Some(2));
    assert_eq!(
        cli(&["--tags", "@no-scenario-has-this"])
            .await
            .status
            .code(),
        Some(2)
    );
}

async fn start(config: Config) -> RunningServer {
    logout_server::spawn(config).await.expect("server starts")
}

#[tokio::test]
async fn a_target_without_a_store_fault_capability_is_incomplete_unless_waived() {
    let config = Config {
        conformance_hooks: false,
        ..Config::for_conformance()
    };
    let server = start(config).await;
    let out = cli(&["--target", &server.url()]).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "LO-09 not run makes the run incomplete"
    );
    let text = stdout(&out);
    assert!(row(&text, "LO-09").contains("not run"), "{text}");
    assert!(row(&text, "LO-09").contains("store-fault"), "{text}");

    let profile = scratch("waive").join("waive.toml");
    std::fs::write(&profile, "waive = [\"LO-09\"]\n").expect("write");
    let out = cli(&[
        "--target",
        &server.url(),
        "--profile",
        profile.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "with LO-09 waived the run is conformant"
    );
    assert!(row(&stdout(&out), "LO-09").contains("waived"));
    server.shutdown().await;
}

/// The reference server behind a filter that answers 401 to a logout whose refresh
/// token is not live — the most common mistake the document warns about.
fn rejects_unknown_tokens(
    state: AppState,
) -> impl warp::Filter<Extract = (warp::reply::Response,), Error = Infallible> + Clone {
    let store = state.store().clone();
    let guard = warp::path!("auth" / "logout")
        .and(warp::post())
        .and(warp::header::optional::<String>("cookie"))
        .and_then(move |cookie: Option<String>| {
            let store = store.clone();
            async move {
                let token = cookie.as_deref().and_then(|c| {
                    c.split(';')
                        .find_map(|p| p.trim().strip_prefix("refreshToken="))
                        .map(str::to_owned)
                });
                let live = match token {
                    Some(t) => {
                        let hash = logout_server::token::hash_bytes(t.as_bytes());
                        matches!(
                            store.refresh_session(&hash, SystemTime::now()).await,
                            Ok(Some(_))
                        )
                    }
                    None => false,
                };
                if live {
                    Err(warp::reject::not_found())
                } else {
                    let body =
                        warp::reply::json(&serde_json::json!({"error": "Invalid refresh token"}));
                    Ok(
                        warp::reply::with_status(body, warp::http::StatusCode::UNAUTHORIZED)
                            .into_response(),
                    )
                }
            }
        });
    guard.or(logout_server::routes(state)).unify()
}

use warp::Reply as _;

#[tokio::test]
async fn a_401_for_an_unknown_token_is_non_conformant_and_names_lo05() {
    let config = Config::for_conformance();
    let routes = rejects_unknown_tokens(AppState::new(config.clone()));
    let server = logout_server::spawn_routes(config.addr, routes)
        .await
        .expect("server starts");
    let out = cli(&["--target", &server.url(), "--profile", &reference_profile()]).await;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(row(&text, "LO-05").contains("FAILED"), "{text}");
    assert!(row(&text, "LO-05").contains("status 401"), "{text}");
    // Titled by the check and the request it failed on: LO-01's own scenarios passed.
    assert!(
        text.contains(
            "ROOT CAUSE 1: the response is the documented success, on \"logout presenting an \
             unknown refresh token\" (LO-01: status 401)"
        ),
        "{text}"
    );
    assert!(
        text.contains("--> features/invalid_tokens.feature:"),
        "failure shows where: {text}"
    );
    assert!(text.contains("expected: status 200"), "{text}");
    assert!(
        text.contains("«masked"),
        "tokens masked in the transcript: {text}"
    );
    server.shutdown().await;
}

/// The shipped profile of the reference server with its hooks on.
fn reference_profile() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../profiles/reference-server.toml"
    )
    .to_owned()
}

/// Whether the server's token store answers: a logout presenting a token touches it.
async fn store_works(url: &str) -> bool {
    let response = reqwest::Client::new()
        .post(format!("{url}/auth/logout"))
        .header("cookie", "refreshToken=probe-token")
        .send()
        .await
        .expect("the server answers");
    response.status() == 200
}

#[cfg(unix)]
#[tokio::test]
async fn an_interrupted_run_switches_the_store_fault_off() {
    let server = start(Config::for_conformance()).await;
    let url = server.url();
    // The `on` action fails the store, then hangs: the run is interrupted while the
    // fault is on.
    let profile = scratch("interrupt").join("hang.toml");
    std::fs::write(
        &profile,
        format!(
            r#"
[store_fault]
on = {{ command = "curl -sf -X POST {url}/__conformance/store/fail >/dev/null && exec sleep 60" }}
off = {{ method = "POST", path = "/__conformance/store/recover" }}
"#
        ),
    )
    .expect("write");
    let mut child = tokio::process::Command::new(BIN)
        .args([
            "--target",
            &url,
            "--profile",
            profile.to_str().expect("utf-8"),
        ])
        .args(["--tags", "@LO-09"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the CLI starts");
    let mut failing = false;
    for _ in 0..200 {
        if !store_works(&url).await {
            failing = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(failing, "the run never switched the store fault on");
    let pid = child.id().expect("running").to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait())
        .await
        .expect("the CLI stops after SIGINT")
        .expect("exit status");
    assert_eq!(status.code(), Some(130));
    assert!(store_works(&url).await, "the store fault was left on");
    server.shutdown().await;
}
