//! `--image`: the suite against the reference server's container image. These tests
//! need a Docker engine and the image `logout-server:latest` (scripts/build-image.sh).
//! Under `CI=true` a missing engine or image is a failure; elsewhere the tests say why
//! they are skipped.

use std::process::Output;

mod common;
use common::{cli, free_port};

const IMAGE: &str = "logout-server:latest";
const PROFILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../profiles/reference-server.toml"
);

/// Whether the engine and the image are there; panics under CI when they are not.
async fn docker_ready() -> bool {
    let ok = |args: &[&str]| {
        std::process::Command::new("docker")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let problem = if !ok(&["info"]) {
        Some("no Docker engine answers (start one with scripts/ensure-docker.sh)".to_owned())
    } else if !ok(&["image", "inspect", IMAGE]) {
        Some(format!(
            "the image {IMAGE} is missing (build it with scripts/build-image.sh)"
        ))
    } else {
        None
    };
    match problem {
        None => true,
        Some(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and {why}: the container tests must run in CI")
        }
        Some(why) => {
            println!("skipped: {why}");
            false
        }
    }
}

/// Runs the CLI against the image on a free port, with extra container variables;
/// returns its output and the port variable that identifies the run's container.
async fn run_image(env: &[&str], extra: &[&str]) -> (Output, String) {
    let port = free_port().to_string();
    let port_env = format!("LOGOUT_SERVER_PORT={port}");
    let mut args = vec![
        "--image",
        IMAGE,
        "--container-port",
        &port,
        "--container-env",
        &port_env,
    ];
    // Production password hashing would only slow the suite down here.
    for var in [
        "LOGOUT_SERVER_PASSWORD_MEMORY_KIB=8",
        "LOGOUT_SERVER_PASSWORD_ITERATIONS=1",
    ]
    .iter()
    .chain(env)
    {
        args.extend(["--container-env", var]);
    }
    args.extend(extra);
    (cli(&args).await, port_env)
}

/// Asserts that no container the kit started for this run is left, in any state. Tests
/// run side by side, so a run's container is recognised by its port variable.
fn assert_removed(port_env: &str) {
    let docker = |args: &[&str]| {
        let out = std::process::Command::new("docker")
            .args(args)
            .output()
            .expect("docker runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ids = docker(&[
        "ps",
        "-aq",
        "--filter",
        "label=org.logout-conformance.kit=true",
    ]);
    for id in ids.split_whitespace() {
        let env = docker(&[
            "inspect",
            "--format",
            "{{range .Config.Env}}{{println .}}{{end}}",
            id,
        ]);
        assert!(
            !env.lines().any(|l| l == port_env),
            "container {id} of this run ({port_env}) was not removed"
        );
    }
}

#[tokio::test]
async fn the_reference_image_passes_every_clause() {
    if !docker_ready().await {
        return;
    }
    let (out, port_env) = run_image(
        &[
            "LOGOUT_SERVER_CONFORMANCE_HOOKS=true",
            "LOGOUT_SERVER_CORS_ORIGINS=http://localhost:5173",
        ],
        &["--profile", PROFILE, "--strict"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("verdict: conformant (strict)"), "{stdout}");
    // Every scenario is judged but LO-28's, which needs a second instance (--also), and
    // LO-40's when this machine has no Chromium (the CLI runs here, not in the image).
    let suite = logout_conformance::Suite::embedded().expect("built-in features");
    let n = suite.scenarios.len();
    let browser = logout_conformance::browser::find(None).is_some();
    let applies = |s: &&logout_conformance::features::ScenarioInfo| {
        logout_conformance::Catalogue::get()
            .clause(s.clause)
            .is_some_and(|c| match c.applies_with {
                None => true,
                Some(logout_conformance::catalogue::Capability::Browser) => browser,
                Some(_) => false,
            })
    };
    let judged = suite.scenarios.iter().filter(applies).count();
    let all_ran = format!("{judged} of {n} scenarios judged");
    assert!(stdout.contains(&all_ran), "{stdout}");
    assert_removed(&port_env);
}

#[tokio::test]
async fn without_its_hooks_the_image_leaves_lo09_not_run_and_exits_3() {
    if !docker_ready().await {
        return;
    }
    let (out, port_env) = run_image(&[], &["--profile", PROFILE]).await;
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lo09 = stdout
        .lines()
        .find(|l| l.starts_with("LO-09"))
        .unwrap_or_else(|| panic!("no LO-09 row: {stdout}"));
    assert!(lo09.contains("not run"), "{lo09}");
    assert!(
        stdout.contains("last lines of the container's log:"),
        "a run that does not pass shows the container's log: {stdout}"
    );
    assert_removed(&port_env);
}

#[tokio::test]
async fn a_missing_image_is_a_clear_harness_error() {
    if !docker_ready().await {
        return;
    }
    let out = cli(&["--image", "logout-conformance-test/never-built:nope"]).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not present locally"), "{stderr}");
    assert!(stderr.contains("never pulls"), "{stderr}");
}

/// The CLI's own image (scripts/build-cli.sh), tagged with the kit's version.
const CLI_IMAGE: &str = concat!("logout-conformance:", env!("CARGO_PKG_VERSION"));

/// Whether the CLI's image is there; panics under CI when it is not.
fn cli_image_ready() -> bool {
    let present = std::process::Command::new("docker")
        .args(["image", "inspect", CLI_IMAGE])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and the image {CLI_IMAGE} is missing (scripts/build-cli.sh)");
    }
    if !present {
        println!("skipped: the image {CLI_IMAGE} is missing (build it with scripts/build-cli.sh)");
    }
    present
}

/// A container removed when dropped, whatever the test did.
struct Removed(String);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["rm", "-f", &self.0])
            .output();
    }
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
async fn port_answers(port: u16) -> bool {
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_cli_image_finds_the_server_image_conformant() {
    if !docker_ready().await || !cli_image_ready() {
        return;
    }
    let port = free_port();
    let docker = |args: &[&str]| {
        std::process::Command::new("docker")
            .args(args)
            .output()
            .expect("docker runs")
    };
    let started = docker(&[
        "run",
        "-d",
        "--network",
        "host",
        "--label",
        "org.logout-conformance.kit=true",
        "-e",
        &format!("LOGOUT_SERVER_PORT={port}"),
        "-e",
        "LOGOUT_SERVER_PASSWORD_MEMORY_KIB=8",
        "-e",
        "LOGOUT_SERVER_PASSWORD_ITERATIONS=1",
        "-e",
        "LOGOUT_SERVER_CONFORMANCE_HOOKS=true",
        "-e",
        "LOGOUT_SERVER_CORS_ORIGINS=http://localhost:5173",
        IMAGE,
    ]);
    assert!(started.status.success(), "{started:?}");
    let server = Removed(String::from_utf8_lossy(&started.stdout).trim().to_owned());
    assert!(
        port_answers(port).await,
        "the server image never answered on {port}"
    );

    let profiles = concat!(env!("CARGO_MANIFEST_DIR"), "/../profiles");
    let out = docker(&[
        "run",
        "--rm",
        "--network",
        "host",
        "-v",
        &format!("{profiles}:/profiles:ro"),
        CLI_IMAGE,
        "--target",
        &format!("http://127.0.0.1:{port}"),
        "--profile",
        "/profiles/reference-server.toml",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
    let verdict = stdout
        .lines()
        .find(|l| l.starts_with("verdict: "))
        .unwrap_or_else(|| panic!("no verdict line: {stdout}"));
    assert!(
        verdict.starts_with("verdict: conformant — exit 0 against http://127.0.0.1:"),
        "{verdict}"
    );
    // The image holds no browser: LO-40 is not run, and says why.
    if logout_conformance::Catalogue::get()
        .clause(logout_conformance::catalogue::ClauseId::new(40))
        .is_some()
    {
        let lo40 = stdout
            .lines()
            .skip_while(|l| !l.starts_with("LO-40 "))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n");
        let lower = lo40.to_lowercase();
        assert!(
            lower.contains("not run") && (lower.contains("browser") || lower.contains("chromium")),
            "{lo40}"
        );
    }
    drop(server);
}
