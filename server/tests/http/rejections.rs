use std::time::Duration;

use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::TestServer;

#[tokio::test]
async fn unknown_paths_are_json_404_whatever_the_method() {
    let t = TestServer::start().await;
    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/nope"),
        (Method::POST, "/auth"),
        (Method::POST, "/auth/logout/extra"),
        (Method::DELETE, "/auth/unknown"),
        (Method::POST, "/AUTH/LOGOUT"),
    ] {
        let answer = t.send(method.clone(), path, &[], None).await;
        answer.assert_error(StatusCode::NOT_FOUND, "Not found");
    }
}

#[tokio::test]
async fn wrong_methods_on_known_paths_are_json_405_with_allow() {
    let t = TestServer::start().await;
    for (method, path, allow) in [
        (Method::GET, "/auth/register", "POST"),
        (Method::GET, "/auth/login", "POST"),
        (Method::POST, "/auth/validate-session", "GET"),
        (Method::DELETE, "/auth/validate-session", "GET"),
        (Method::PUT, "/auth/logout", "POST"),
        (Method::OPTIONS, "/auth/logout", "POST"),
        (Method::GET, "/__conformance/store/fail", "POST"),
    ] {
        let answer = t.send(method.clone(), path, &[], None).await;
        answer.assert_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
        assert_eq!(answer.header("allow"), Some(allow), "{method} {path}");
    }
}

#[tokio::test]
async fn a_request_with_a_query_string_still_routes() {
    let t = TestServer::start().await;
    t.send(Method::POST, "/auth/logout?next=/", &[], None)
        .await
        .assert_logged_out();
}

// Over the logout's 8 KiB Cookie bound (LO-11 allows 431 there): a JSON 431 from the
// handler, not a dropped connection, and the connection's server still serves.
#[tokio::test]
async fn a_sixteen_kib_cookie_header_on_logout_is_a_json_431() {
    let t = TestServer::start().await;
    let cookie = format!("refreshToken={}", "b".repeat(16 * 1024));
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Cookie header too large",
        );
    t.logout_with_cookie(None).await.assert_logged_out();
}

#[tokio::test]
async fn a_header_block_too_large_for_the_server_is_431_not_a_crash() {
    let t = TestServer::start().await;
    let mut stream = tokio::net::TcpStream::connect(t.server.addr())
        .await
        .unwrap();
    let cookie = "c".repeat(1024 * 1024);
    let request = format!(
        "POST /auth/logout HTTP/1.1\r\nHost: localhost\r\nCookie: refreshToken={cookie}\r\n\r\n"
    );
    // The server may stop reading and answer before the whole request is written.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 431 "), "{response}");
    // And the server still serves.
    t.logout_with_cookie(None).await.assert_logged_out();
}

#[tokio::test]
async fn a_trailing_slash_is_the_same_path() {
    // warp's `path!` ends at an empty segment; harmless, and documented here.
    let t = TestServer::start().await;
    t.send(Method::POST, "/auth/logout/", &[], None)
        .await
        .assert_logged_out();
}

// Over 8 KiB of request target (below hyper's own 64 KiB limit): a JSON 414.
#[tokio::test]
async fn a_sixteen_kib_uri_is_a_json_414() {
    let t = TestServer::start().await;
    let path = format!("/auth/validate-session?pad={}", "u".repeat(16 * 1024));
    t.send(Method::GET, &path, &[], None)
        .await
        .assert_error(StatusCode::URI_TOO_LONG, "URI too long");
    t.logout_with_cookie(None).await.assert_logged_out();
}

// Over 64 KiB of headers (below hyper's own ~400 KiB limit): a JSON 431.
#[tokio::test]
async fn a_hundred_kib_header_block_is_a_json_431() {
    let t = TestServer::start().await;
    let pad = "h".repeat(100 * 1024);
    t.send(
        Method::GET,
        "/auth/validate-session",
        &[("x-pad", pad.as_bytes())],
        None,
    )
    .await
    .assert_error(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "Request header fields too large",
    );
}

// A request line hyper cannot parse never reaches warp: hyper answers 400 itself, with no
// body (it cannot be made JSON from here), and closes; the server goes on serving.
#[tokio::test]
async fn a_malformed_request_line_is_answered_400_and_closed() {
    let t = TestServer::start().await;
    let mut stream = tokio::net::TcpStream::connect(t.server.addr())
        .await
        .unwrap();
    stream.write_all(b"GARBAGE\r\n\r\n").await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("no answer within 10 s")
        .unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 400 "), "{response}");
    t.logout_with_cookie(None).await.assert_logged_out();
}
