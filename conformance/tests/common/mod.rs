//! Running the real `logout-conformance` binary, as a user does.

#![allow(dead_code)] // each test file uses its own subset

use std::process::Output;

pub mod broken;
pub mod runs;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_logout-conformance");

/// Runs the CLI with `args` and prints the command and everything it said, so that a
/// failing test shows the whole transcript.
pub async fn cli(args: &[&str]) -> Output {
    let output = tokio::process::Command::new(BIN)
        .args(args)
        .output()
        .await
        .expect("the CLI starts");
    println!(
        "$ logout-conformance {}\n--- exit {:?}\n{}{}",
        args.join(" "),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A free port on 127.0.0.1 (bound and released: nothing listens there now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Runs the CLI with `args` and extra environment variables (and without the colour
/// variables of the environment the tests run in).
pub async fn cli_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(BIN);
    command
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().await.expect("the CLI starts");
    println!(
        "$ {env:?} logout-conformance {}\n--- exit {:?}\n{}{}",
        args.join(" "),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
