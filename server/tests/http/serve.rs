use std::time::Duration;

use logout_server::{AppState, Config, routes, spawn_routes};
use reqwest::StatusCode;
use warp::Filter;
use warp::reply::{Reply, Response};

use crate::util::client;

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_then_refuses_new_ones() {
    let slow = warp::any().then(|| async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        warp::reply::json(&"done").into_response()
    });
    let server = spawn_routes("127.0.0.1:0".parse().unwrap(), slow)
        .await
        .unwrap();
    let url = server.url();
    let in_flight = tokio::spawn(client().get(format!("{url}/")).send());
    tokio::time::sleep(Duration::from_millis(150)).await;
    // The kept-alive connection closes once its answer is out, not at the 10 s deadline.
    let started = std::time::Instant::now();
    server.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["connection"], "close");
    assert_eq!(response.text().await.unwrap(), r#""done""#);
    assert!(
        client().get(format!("{url}/")).send().await.is_err(),
        "still accepting after shutdown"
    );
}

#[tokio::test]
async fn spawn_routes_serves_a_wrapped_variant_of_the_api() {
    let state = AppState::new(Config::for_conformance());
    let broken = routes(state).map(|mut response: Response| {
        response.headers_mut().remove("set-cookie");
        response
    });
    let server = spawn_routes("127.0.0.1:0".parse().unwrap(), broken)
        .await
        .unwrap();
    let response = client()
        .post(format!("{}/auth/logout", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn binding_a_taken_address_fails_naming_it() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();
    let config = Config {
        addr,
        ..Config::for_conformance()
    };
    let error = logout_server::spawn(config).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    assert!(
        error
            .to_string()
            .contains(&format!("cannot listen on {addr}")),
        "{error}"
    );
}

// Slowloris: a client that sends half a request line and stops is disconnected once the
// header read timeout (1 s here) has passed, not held forever.
#[tokio::test]
async fn a_client_that_stalls_in_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = Config {
        header_read_timeout: Duration::from_secs(1),
        ..Config::for_conformance()
    };
    let server = logout_server::spawn(config).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(b"POST /auth/lo").await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(6), stream.read_to_end(&mut rest)).await;
    assert!(
        closed.is_ok(),
        "still open 6 s after a 1 s header read timeout"
    );
    server.shutdown().await;
}

// With one connection allowed and a request in flight on it, a second client waits until
// the first connection closes: a busy connection is never shed.
#[tokio::test]
async fn a_connection_with_a_request_in_flight_keeps_its_slot() {
    use tokio::io::AsyncWriteExt;
    let config = Config {
        max_connections: 1,
        ..Config::for_conformance()
    };
    let server = logout_server::spawn(config).await.unwrap();
    let mut first = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    first
        .write_all(b"POST /auth/logout HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let url = format!("{}/auth/logout", server.url());
    let second = tokio::spawn(client().post(url).send());
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!second.is_finished(), "served beyond the connection cap");
    drop(first);
    let answer = tokio::time::timeout(Duration::from_secs(10), second)
        .await
        .expect("not served after the first connection closed")
        .unwrap()
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    server.shutdown().await;
}

// Slowloris at the cap: 12 clients hold half a request line each on a server that serves
// 4 connections and waits 30 s for a head. A new client is still answered at once: it takes
// the slot of the connection that has waited longest, which is closed.
#[tokio::test]
async fn half_open_clients_at_the_cap_are_shed_for_a_new_one() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = Config {
        max_connections: 4,
        header_read_timeout: Duration::from_secs(30),
        ..Config::for_conformance()
    };
    let server = logout_server::spawn(config).await.unwrap();
    let mut held = Vec::new();
    for _ in 0..12 {
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(b"POST /auth/lo").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let url = format!("{}/auth/logout", server.url());
    let answer = tokio::time::timeout(Duration::from_secs(5), client().post(url).send())
        .await
        .expect("a new client waited behind half-open ones")
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let mut rest = Vec::new();
    let oldest = tokio::time::timeout(Duration::from_secs(5), held[0].read_to_end(&mut rest));
    assert!(
        oldest.await.is_ok(),
        "the longest-waiting connection was not closed"
    );
    server.shutdown().await;
}

// Shutdown with a half-open client: the connection has no request to finish, so it is
// closed at once rather than at the 10 s deadline (or the 30 s header timeout).
#[tokio::test]
async fn shutdown_closes_a_half_open_connection_at_once() {
    use tokio::io::AsyncWriteExt;
    let config = Config {
        shutdown_timeout: Duration::from_secs(10),
        header_read_timeout: Duration::from_secs(30),
        ..Config::for_conformance()
    };
    let server = logout_server::spawn(config).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(b"POST /auth/lo").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown waited for a half-open client");
    assert!(started.elapsed() < Duration::from_secs(5));
}
