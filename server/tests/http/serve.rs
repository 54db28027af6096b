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
    server.shutdown().await;
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
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
