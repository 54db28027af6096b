//! A broken target for the CLI's output tests: the reference server behind a filter that
//! answers 500 to every logout presenting a refresh token it has seen before. Of LO-10's
//! 16 logouts in flight at once, 15 fail alike; a second logout with one token (LO-05's
//! already-removed token, LO-06) fails too, and LO-22 (a SHOULD) warns.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use logout_server::{AppState, Config, RunningServer};
use warp::Filter as _;
use warp::Reply as _;

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

/// Starts the broken target on a free port.
pub async fn second_logout_fails_server() -> RunningServer {
    let config = Config::for_conformance();
    let routes = second_logout_fails(AppState::new(config.clone()));
    logout_server::spawn_routes(config.addr, routes)
        .await
        .expect("server starts")
}

/// The shipped profile of the reference server with its hooks on.
pub const REFERENCE_PROFILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../profiles/reference-server.toml"
);
