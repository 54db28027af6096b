//! The terminal: colour (TTY, `NO_COLOR`, `--color`), `-q` and `-v`, the header of every
//! run, the clause table with titles, the verdict naming the contract, progress marks
//! that agree with the final statuses, `--list`, case-insensitive `--tags`, and the
//! mistakes caught before any request. Each runs the real binary.

use std::net::TcpListener;
use std::process::Output;

mod common;
use common::broken::{
    REFERENCE_PROFILE, second_logout_fails_server, text_plain_logout_hangs_server,
};
use common::{BIN, cli, cli_env};

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const ESC: &str = "\u{1b}[";

/// Runs the CLI on a pseudo-terminal (util-linux `script`, in Debian's essential
/// bsdutils), so that `--color auto` sees a TTY.
fn on_a_tty(args: &str, no_color: bool) -> String {
    let mut command = std::process::Command::new("script");
    command
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm");
    if no_color {
        command.env("NO_COLOR", "1");
    }
    let out = command.output().expect("script runs");
    let text = stdout(&out);
    println!("$ (tty, NO_COLOR={no_color}) {args}\n{text}");
    text
}

#[tokio::test]
async fn colour_on_a_terminal_unless_no_color_or_never_and_always_on_request() {
    let args = "--tags @LO-01";
    let tty = on_a_tty(args, false);
    assert!(tty.contains("PASS"), "the run happened: {tty}");
    assert!(tty.contains(ESC), "a terminal gets colour: {tty:?}");
    let tty_no_color = on_a_tty(args, true);
    assert!(tty_no_color.contains("PASS"), "{tty_no_color}");
    assert!(!tty_no_color.contains(ESC), "NO_COLOR: {tty_no_color:?}");
    let never = on_a_tty(&format!("{args} --color never"), false);
    assert!(!never.contains(ESC), "--color never: {never:?}");

    let piped = cli_env(&["--tags", "@LO-01"], &[]).await;
    assert!(!stdout(&piped).contains(ESC), "a pipe gets no colour");
    let always = cli_env(&["--tags", "@LO-01", "--color", "always"], &[]).await;
    assert!(
        stdout(&always).contains(ESC),
        "--color always, even into a pipe"
    );
}

#[tokio::test]
async fn every_run_has_a_header_a_titled_table_and_a_verdict_naming_the_contract() {
    let out = cli(&["--tags", "@LO-01"]).await;
    assert_eq!(out.status.code(), Some(3), "a partial run is incomplete");
    let text = stdout(&out);
    let version = format!("logout-conformance {}", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&version), "{text}");
    assert!(
        text.contains("  target:   http://127.0.0.1:")
            && text.contains("(the embedded reference server: no --target)"),
        "{text}"
    );
    assert!(text.contains("  profile:  none"), "{text}");
    assert!(text.contains("  contract: documented contract"), "{text}");
    let catalogue = logout_conformance::Catalogue::get();
    for clause in &catalogue.clauses {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&clause.id.to_string()) && l.ends_with(&clause.title)),
            "the row of {} shows its title {:?}: {text}",
            clause.id,
            clause.title
        );
    }
    let verdict = text
        .lines()
        .find(|l| l.starts_with("verdict: "))
        .unwrap_or_else(|| panic!("no verdict line: {text}"));
    assert!(
        verdict.contains("judged on the documented contract"),
        "{verdict}"
    );

    let with_profile = cli(&["--tags", "@LO-01", "--profile", REFERENCE_PROFILE]).await;
    assert!(
        stdout(&with_profile).contains(&format!("  profile:  {REFERENCE_PROFILE}")),
        "{}",
        stdout(&with_profile)
    );
}

/// The mark a progress line prints for a scenario status of the JSON report, in a
/// clause of `grade`: an INFO scenario's failed check is a finding, marked INFO.
fn mark_of(status: &str, grade: &str) -> &'static str {
    match status {
        "failed" | "warned" if grade == "INFO" => "INFO",
        "passed" => "PASS",
        "failed" => "FAIL",
        "warned" => "WARN",
        "blocked" => "BLOCKED",
        "error" => "ERROR",
        "not_run" => "SKIP",
        other => panic!("unknown scenario status {other}"),
    }
}

/// Asserts that each progress line marks its scenario as the JSON report records it;
/// returns the marks seen.
fn assert_marks_agree(text: &str, json: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    for clause in json["clauses"].as_array().expect("clauses") {
        let grade = clause["grade"].as_str().expect("grade");
        for s in clause["scenarios"].as_array().expect("scenarios") {
            let status = s["status"].as_str().expect("status");
            if status == "not_run" {
                continue;
            }
            let key = format!(
                "{}:{}",
                s["key"]["file"].as_str().expect("file"),
                s["key"]["line"]
            );
            let line = text
                .lines()
                .find(|l| l.starts_with("  ") && l.contains(&format!(" {key}  ")))
                .unwrap_or_else(|| panic!("no progress line for {key}: {text}"));
            let mark = line.split_whitespace().next().unwrap_or_default();
            assert_eq!(
                mark,
                mark_of(status, grade),
                "{key}: progress {line:?}, report {status}"
            );
            seen.insert(mark.to_owned());
        }
    }
    seen
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("JSON")
}

#[tokio::test]
async fn progress_marks_agree_with_the_final_statuses_and_quiet_says_failures_only() {
    let server = second_logout_fails_server().await;
    let report = std::env::temp_dir().join(format!("logout-cli-marks-{}.json", std::process::id()));
    let report_arg = report.to_str().expect("utf-8");
    let url = server.url();
    let args = [
        "--target",
        &url,
        "--profile",
        REFERENCE_PROFILE,
        "--report",
        report_arg,
    ];
    let out = cli(&args).await;
    assert_eq!(out.status.code(), Some(1));
    let seen = assert_marks_agree(&stdout(&out), &read_json(&report));
    for mark in ["PASS", "FAIL", "WARN"] {
        assert!(
            seen.contains(mark),
            "the broken target shows {mark}: {seen:?}"
        );
    }

    let quiet = cli(&[&args[..4], &["-q"]].concat()).await;
    assert_eq!(quiet.status.code(), Some(1));
    let q = stdout(&quiet);
    assert!(q.contains("ROOT CAUSE 1:"), "failures stay: {q}");
    assert!(
        q.lines()
            .last()
            .is_some_and(|l| l.starts_with("verdict: non-conformant")),
        "{q}"
    );
    for gone in ["  target:", "  PASS ", "clause  grade", "MUST:   "] {
        assert!(!q.contains(gone), "-q prints no {gone:?}: {q}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_info_scenario_without_an_answer_is_marked_info_not_fail() {
    let server = text_plain_logout_hangs_server().await;
    let report = std::env::temp_dir().join(format!("logout-cli-info-{}.json", std::process::id()));
    let report_arg = report.to_str().expect("utf-8");
    let url = server.url();
    let args = [
        "--target",
        &url,
        "--tags",
        "@LO-31",
        "--timeout",
        "1",
        "--report",
        report_arg,
    ];
    let out = cli(&args).await;
    let text = stdout(&out);
    let seen = assert_marks_agree(&text, &read_json(&report));
    assert!(
        seen.contains("INFO"),
        "the unanswered LO-31 scenario: {seen:?}"
    );
    assert!(!seen.contains("FAIL"), "{text}");
}

#[tokio::test]
async fn verbose_shows_the_exchanges_of_passing_scenarios() {
    let normal = stdout(&cli(&["--tags", "@LO-01"]).await);
    assert!(!normal.contains("--- log in"), "{normal}");
    let verbose = stdout(&cli(&["--tags", "@LO-01", "-v"]).await);
    let at = verbose
        .find("PASS    LO-01  features/logout_success.feature:")
        .and_then(|i| verbose[i..].find("every exchange").map(|_| i))
        .or_else(|| {
            let from = verbose.find("every exchange")?;
            verbose[from..].find("PASS    LO-01").map(|i| from + i)
        })
        .unwrap_or_else(|| panic!("no exchanges of the passing LO-01 scenario: {verbose}"));
    let exchanges = &verbose[at..];
    assert!(exchanges.contains("--- log in"), "{verbose}");
    assert!(exchanges.contains("< 200"), "{verbose}");
    assert!(
        exchanges.contains("«masked"),
        "tokens stay masked: {verbose}"
    );
    assert!(
        verbose.contains("  SKIP    LO-02  features/logout_success.feature:"),
        "-v lists each scenario not run: {verbose}"
    );
}

/// A port where something listens and counts nothing: any connection is a request the
/// CLI should not have made.
fn silent_listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    (listener, url)
}

fn assert_untouched(listener: &TcpListener) {
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, from)) => panic!("the CLI connected to the target from {from}"),
        Err(e) => panic!("accept: {e}"),
    }
}

#[tokio::test]
async fn list_shows_clauses_and_scenarios_without_contacting_anything() {
    let (listener, url) = silent_listener();
    let out = cli(&["--list", "--target", &url]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_untouched(&listener);
    let text = stdout(&out);
    assert!(!text.contains("target:"), "no run header: {text}");
    let catalogue = logout_conformance::Catalogue::get();
    for clause in &catalogue.clauses {
        let head = format!(
            "{:<6}  {:<6}  {}",
            clause.id,
            clause.grade.to_string(),
            clause.title
        );
        assert!(text.contains(&head), "{head:?} in {text}");
    }
    assert!(text.contains("needs: store-fault"), "{text}");
    assert!(
        text.contains("- features/logout_success.feature:12  A live session"),
        "{text}"
    );
    let suite = logout_conformance::Suite::embedded().expect("features");
    assert!(
        text.contains(&format!("{} scenarios", suite.scenarios.len())),
        "{text}"
    );
}

#[tokio::test]
async fn tags_are_case_insensitive() {
    let upper = stdout(&cli(&["--list", "--tags", "@LO-05 and @MUST"]).await);
    let lower = stdout(&cli(&["--list", "--tags", "@lo-05 and @must"]).await);
    assert!(upper.contains("LO-05   MUST"), "{upper}");
    assert!(upper.contains("1 clauses, 4 scenarios"), "{upper}");
    assert_eq!(lower, upper);

    let run = cli(&["--tags", "@lo-01"]).await;
    let text = stdout(&run);
    let row = text
        .lines()
        .find(|l| l.starts_with("LO-01 "))
        .unwrap_or_else(|| panic!("no LO-01 row: {text}"));
    assert!(row.contains("passed"), "@lo-01 ran LO-01: {row}");
}

#[tokio::test]
async fn a_url_without_a_scheme_gets_a_suggestion() {
    for (url, suggestion) in [
        ("127.0.0.1:3000", "did you mean http://127.0.0.1:3000?"),
        ("localhost:3000", "did you mean http://localhost:3000?"),
    ] {
        let out = cli(&["--target", url]).await;
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(suggestion), "{}", stderr(&out));
    }
    let out = cli(&["--also", "127.0.0.1:3001"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--also \"127.0.0.1:3001\""),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn unwritable_reports_are_found_before_any_request() {
    let (listener, url) = silent_listener();
    let nowhere = "/nonexistent-logout-cli-dir/out.file";
    for flag in ["--report", "--junit", "--json", "--html"] {
        let out = cli(&["--target", &url, flag, nowhere]).await;
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = stderr(&out);
        assert!(err.contains(flag) && err.contains(nowhere), "{flag}: {err}");
        assert_untouched(&listener);
    }
}

#[tokio::test]
async fn a_profile_problem_is_said_once_before_any_request() {
    let (listener, url) = silent_listener();
    let out = cli(&[
        "--target",
        &url,
        "--profile",
        "/nonexistent-logout-profile.toml",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/nonexistent-logout-profile.toml"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");

    let bad = std::env::temp_dir().join(format!("logout-cli-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "x = [\n").expect("write");
    let out = cli(&["--target", &url, "--profile", bad.to_str().expect("utf-8")]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("unclosed array").count(), 1, "{err}");
    assert_untouched(&listener);
}

#[tokio::test]
async fn version_and_help_need_no_target() {
    let out = cli(&["--version"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        format!("logout-conformance {}", env!("CARGO_PKG_VERSION"))
    );
    let out = cli(&["--help"]).await;
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for flag in [
        "--list",
        "--color <WHEN>",
        "-q, --quiet",
        "-v, --verbose",
        "--tags <EXPR>",
    ] {
        assert!(help.contains(flag), "--help names {flag}: {help}");
    }
    assert!(help.contains("case-insensitive"), "{help}");
    assert!(!help.contains("target:   "), "--help runs nothing: {help}");
}
