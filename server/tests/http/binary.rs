use std::process::Command;

use crate::util::{Binary, client};

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_logout-server"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn help_lists_every_flag_with_its_environment_variable() {
    let output = run(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "--addr",
        "LOGOUT_SERVER_ADDR",
        "--port",
        "LOGOUT_SERVER_PORT",
        "[default: 3000]",
        "--secure-cookies",
        "LOGOUT_SERVER_SECURE_COOKIES",
        "--cors-origin <ORIGIN>",
        "LOGOUT_SERVER_CORS_ORIGINS",
        "--enable-conformance-hooks",
        "LOGOUT_SERVER_CONFORMANCE_HOOKS",
        "--rotate-refresh",
        "LOGOUT_SERVER_ROTATE_REFRESH",
        "--password-memory-kib",
        "[default: 19456]",
        "--password-iterations",
        "--body-limit",
        "[default: 16384]",
        "--password-queue",
        "LOGOUT_SERVER_PASSWORD_QUEUE",
        "--header-read-timeout <SECS>",
        "LOGOUT_SERVER_HEADER_READ_TIMEOUT",
        "--max-connections",
        "LOGOUT_SERVER_MAX_CONNECTIONS",
        "--store <memory|redis://HOST:PORT/DB>",
        "LOGOUT_SERVER_STORE",
        "[default: memory]",
        "RUST_LOG",
    ] {
        assert!(
            help.contains(expected),
            "--help lacks {expected:?}:\n{help}"
        );
    }
}

#[cfg(feature = "redis")]
#[test]
fn bad_flags_are_refused_with_a_clear_error() {
    for (args, expected) in [
        (
            &["--port", "http"][..],
            "invalid value 'http' for '--port <PORT>'",
        ),
        (&["--cors-origin", "*"], "is not an origin"),
        (&["--password-memory-kib", "1"], "--password-memory-kib"),
        (&["--no-such-flag"], "unexpected argument '--no-such-flag'"),
        (
            &["--store", "rediss://cache:6380"],
            "not built into this server",
        ),
    ] {
        let output = run(args);
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn a_port_in_use_is_a_clear_error_not_a_panic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = run(&["--port", &port]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[cfg(feature = "redis")]
#[test]
fn an_unreachable_redis_store_stops_start_up_with_a_clear_error_naming_it() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("redis://:hunter2@127.0.0.1:{port}/4");
    let by_flag = Command::new(env!("CARGO_BIN_EXE_logout-server"))
        .args(["--port=0", "--store", &url])
        .output()
        .unwrap();
    let by_env = Command::new(env!("CARGO_BIN_EXE_logout-server"))
        .arg("--port=0")
        .env("LOGOUT_SERVER_STORE", &url)
        .output()
        .unwrap();
    for output in [by_flag, by_env] {
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "cannot connect to Redis at redis://127.0.0.1:{port}/4"
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter2"), "password leaked: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A build without the `redis` feature refuses a Redis store at start-up, by flag or
/// by environment, with a usage error (exit 2) that says which build has it: no panic,
/// and no password echoed.
#[cfg(not(feature = "redis"))]
#[test]
fn a_build_without_redis_refuses_a_redis_store_saying_which_build_has_it() {
    let url = "redis://:hunter2@127.0.0.1:6379/4";
    let by_flag = run(&["--port=0", "--store", url]);
    let by_env = Command::new(env!("CARGO_BIN_EXE_logout-server"))
        .arg("--port=0")
        .env("LOGOUT_SERVER_STORE", url)
        .output()
        .unwrap();
    for output in [by_flag, by_env] {
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(
                "this build has no Redis support: build logout-server with the `redis` feature"
            ),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// `POST /auth/logout` to `server`, without cookies.
async fn log_out(server: &Binary) -> reqwest::Response {
    client()
        .post(format!("{}/auth/logout", server.url))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_memory_store_can_be_named_explicitly() {
    let server = Binary::start(&["--port=0", "--store=memory"]).await;
    assert_eq!(log_out(&server).await.status(), 200);
    let (status, _) = server.stop().await;
    assert!(status.success());
}

#[tokio::test]
async fn sigterm_stops_the_binary_cleanly_and_requests_are_logged_without_tokens() {
    let server = Binary::start(&["--port=0", "--enable-conformance-hooks"]).await;
    let answer = client()
        .post(format!("{}/auth/logout", server.url))
        .header("cookie", "refreshToken=SECRET-TOKEN-VALUE")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let (status, log) = server.stop().await;
    assert!(status.success(), "{status}: {log:#?}");
    let request_line = log
        .iter()
        .find(|l| l.contains("/auth/logout"))
        .unwrap_or_else(|| panic!("{log:#?}"));
    for field in ["method=POST", "status=200", "latency_ms="] {
        assert!(request_line.contains(field), "{request_line}");
    }
    assert!(
        !log.iter().any(|l| l.contains("SECRET-TOKEN-VALUE")),
        "{log:#?}"
    );
    assert!(log.iter().any(|l| l.contains("shutting down")), "{log:#?}");
}

/// The log level decides whether request lines are written: the binary asks once, at
/// start, and a level that leaves them out leaves them out for good.
#[tokio::test]
async fn a_log_level_without_request_lines_writes_none() {
    let server = Binary::start_logging(&["--port=0"], "info,logout_server::request=warn").await;
    assert_eq!(log_out(&server).await.status(), 200);
    let (status, log) = server.stop().await;
    assert!(status.success(), "{status}: {log:#?}");
    assert!(log.iter().any(|l| l.contains("shutting down")), "{log:#?}");
    assert!(!log.iter().any(|l| l.contains("/auth/logout")), "{log:#?}");
}

// A client that sent half a request line holds its connection open; SIGTERM still ends
// the binary with 0 once the 1 s deadline has passed, well within 6 s.
#[tokio::test]
async fn sigterm_drops_a_half_open_connection_after_the_shutdown_deadline() {
    use tokio::io::AsyncWriteExt;
    let mut server = Binary::start(&["--port=0", "--shutdown-timeout=1"]).await;
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut half_open = tokio::net::TcpStream::connect(&addr).await.unwrap();
    half_open.write_all(b"POST /auth/lo").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let pid = server.child.id().unwrap().to_string();
    let started = std::time::Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(6), server.child.wait())
        .await
        .expect("still running 6 s after SIGTERM with a 1 s deadline")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < std::time::Duration::from_secs(6));
    drop(half_open);
}

#[test]
fn the_shutdown_timeout_flag_is_documented() {
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    assert!(help.contains("--shutdown-timeout <SECS>"), "{help}");
    assert!(help.contains("LOGOUT_SERVER_SHUTDOWN_TIMEOUT"), "{help}");
    assert!(help.contains("[default: 10]"), "{help}");
}

// Client mistakes that hyper answers itself (malformed line, URI or headers too large) are
// logged below ERROR: nothing at WARN or ERROR in an `info` log.
#[tokio::test]
async fn malformed_requests_are_not_logged_as_errors() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = Binary::start(&["--port=0"]).await;
    let addr = server.url.trim_start_matches("http://").to_owned();
    let long_uri = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(70_000));
    let big_headers = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(1_000_000));
    for request in [
        "GARBAGE\r\n\r\n".to_owned(),
        "GET / HTTP/9.9\r\n\r\n".to_owned(),
        long_uri,
        big_headers,
    ] {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let _ = stream.write_all(request.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut answer),
        )
        .await;
        assert!(answer.starts_with(b"HTTP/1.1 4"), "{answer:?}");
    }
    let (status, log) = server.stop().await;
    assert!(status.success());
    assert!(
        !log.iter()
            .any(|l| l.contains("ERROR") || l.contains("WARN")),
        "{log:#?}"
    );
}
