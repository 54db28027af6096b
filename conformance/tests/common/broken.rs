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

/// Starts the reference server behind a filter under which a logout sent as
/// `text/plain` gets no answer for 5 s: LO-31 (INFO) asks for one, so an INFO
/// scenario's request goes unanswered — a finding of LO-31, never a failure.
pub async fn text_plain_logout_hangs_server() -> RunningServer {
    let config = Config::for_conformance();
    let hang = warp::path!("auth" / "logout")
        .and(warp::post())
        .and(warp::header::optional::<String>("content-type"))
        .and_then(|kind: Option<String>| async move {
            if !kind.is_some_and(|k| k.starts_with("text/plain")) {
                return Err(warp::reject::not_found());
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            Ok::<_, warp::Rejection>(warp::reply::reply().into_response())
        });
    let routes = hang
        .or(logout_server::routes(AppState::new(config.clone())))
        .unify();
    logout_server::spawn_routes(config.addr, routes)
        .await
        .expect("server starts")
}
