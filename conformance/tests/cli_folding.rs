//! Long failures folded: LO-10's 16 concurrent logouts, 15 of them refused the same way
//! by a broken target, are shown once with a count and three examples rather than 15
//! times over (the unfolded failure printed about 220 lines).

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use logout_server::{AppState, Config};
use warp::Filter as _;
use warp::Reply as _;

mod common;
use common::cli;

/// The reference server behind a filter that answers 500 to every logout presenting a
/// refresh token it has seen before: of 16 logouts in flight at once, 15 fail alike.
fn second_logout_fails(
    state: AppState,
) -> impl warp::Filter<Extract = (warp::reply::Response,), Error = Infallible> + Clone {
    let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
    let guard = warp::path!("auth" / "logout")
        .and(warp::post())
        .and(warp::header::optional::<String>("cookie"))
        .and_then(move |cookie: Option<String>| {
            let seen = seen.clone();
            async move {
                let token = cookie.as_deref().and_then(|c| {
                    c.split(';')
                        .find_map(|p| p.trim().strip_prefix("refreshToken="))
                        .map(str::to_owned)
                });
                let again = token.is_some_and(|t| {
                    !seen
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(t)
                });
                if !again {
                    return Err(warp::reject::not_found());
                }
                let body = warp::reply::json(&serde_json::json!({"error": "Error logging out"}));
                Ok(
                    warp::reply::with_status(body, warp::http::StatusCode::INTERNAL_SERVER_ERROR)
                        .into_response(),
                )
            }
        });
    guard.or(logout_server::routes(state)).unify()
}

#[tokio::test]
async fn fifteen_identical_failures_are_shown_once_with_a_count() {
    let config = Config::for_conformance();
    let routes = second_logout_fails(AppState::new(config.clone()));
    let server = logout_server::spawn_routes(config.addr, routes)
        .await
        .expect("server starts");
    let profile = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../profiles/reference-server.toml"
    );
    let out = cli(&[
        "--target",
        &server.url(),
        "--profile",
        profile,
        "--tags",
        "@LO-10",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let failure = &text[text.find("ROOT CAUSE 1").expect("a root cause")..];
    let failure = &failure[..failure.find("\nclause ").expect("the table follows")];
    assert!(
        failure.contains(
            "concurrent logout 2, concurrent logout 3, concurrent logout 4 and 12 more \
             (15 alike): status 500"
        ),
        "the 15 refusals are one line with a count and three examples:\n{failure}"
    );
    assert_eq!(
        failure.matches("< 500").count(),
        1,
        "the refused exchange is shown once:\n{failure}"
    );
    assert!(
        failure.contains("… this exchange 15 times alike: concurrent logout 2,"),
        "{failure}"
    );
    // The first logout, which succeeded, is a different exchange and stays.
    assert_eq!(
        failure.matches("--- concurrent logout 1 (").count(),
        1,
        "{failure}"
    );
    let lines = failure.lines().count();
    assert!(lines < 60, "the failure takes {lines} lines:\n{failure}");
    server.shutdown().await;
}
