//! `bare-logout`: the benchmark's yardstick, not a server to use.
//!
//! Bare warp on tokio, on 127.0.0.1 only, answering exactly what the reference server
//! answers, byte for byte apart from `date`, with no store, no cookie parsing, no body
//! draining, no CORS and no logging:
//!
//! - `POST /auth/logout`: 200 `{"message":"Logged out successfully"}` as
//!   `application/json`, `Cache-Control: no-store` and the two clearing `Set-Cookie`
//!   headers, whatever the request carries;
//! - `GET /auth/validate-session`: 200 with the profile of the benchmark's user (the body
//!   the reference server gives `bench@example.test` for a live session);
//! - anything else: 404.
//!
//! Whatever the reference server spends beyond this is the cost of its own work (cookies,
//! SHA-256, the store, routing, logging): `scripts/bench.sh` reports its throughput as a
//! ratio to this one.
//!
//! Usage: `bare-logout [PORT]` (default 3999; 0 picks a free port, printed on stdout).

use std::net::{Ipv4Addr, SocketAddr};

use warp::Filter;
use warp::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, SET_COOKIE};
use warp::reply::Response;

const LOGOUT_BODY: &str = r#"{"message":"Logged out successfully"}"#;
const VALIDATE_BODY: &str = r#"{"authenticated":true,"user":{"email":"bench@example.test","mfaEnabled":false,"name":"Bench","role":"user"}}"#;
const CLEAR_ACCESS: &str =
    "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict";
const CLEAR_REFRESH: &str =
    "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict";

fn json(body: &'static str) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[tokio::main]
async fn main() {
    let port = match std::env::args().nth(1).map(|p| p.parse::<u16>()) {
        None => 3999,
        Some(Ok(port)) => port,
        Some(Err(error)) => {
            eprintln!("bare-logout: bad port: {error}");
            std::process::exit(2);
        }
    };
    let logout = warp::path!("auth" / "logout").and(warp::post()).map(|| {
        let mut response = json(LOGOUT_BODY);
        let headers = response.headers_mut();
        headers.append(SET_COOKIE, HeaderValue::from_static(CLEAR_ACCESS));
        headers.append(SET_COOKIE, HeaderValue::from_static(CLEAR_REFRESH));
        response
    });
    let validate = warp::path!("auth" / "validate-session")
        .and(warp::get())
        .map(|| json(VALIDATE_BODY));
    let listener =
        match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("bare-logout: cannot listen on 127.0.0.1:{port}: {error}");
                std::process::exit(1);
            }
        };
    if let Ok(addr) = listener.local_addr() {
        println!("bare-logout listening on http://{addr}");
    }
    warp::serve(logout.or(validate))
        .incoming(listener)
        .run()
        .await;
}
