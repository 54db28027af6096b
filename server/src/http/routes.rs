//! The filter tree: which path and method reach which handler.
//!
//! Each endpoint matches its path first, then its method; any other method on a known path
//! is a 405 with `Allow`, and a path nobody matches is a 404, both JSON. Handlers answer
//! every request that reaches them, so the only rejection left is "not found".

use std::collections::HashMap;
use std::convert::Infallible;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::Method;
use warp::reply::Response;

use crate::app::state::AppState;
use crate::http::body;
use crate::http::cors::{self, CorsPolicy};
use crate::http::error::ApiError;
use crate::http::handlers::{auth, hooks, logout, session};
use crate::http::recover;
use crate::http::request_log::logged;

/// Every route of the API, with CORS, JSON errors and one log line per request.
pub fn routes(
    state: AppState,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    let policy = CorsPolicy::new(&state.config().cors_origins);
    let api = cors::preflight(policy.clone())
        .or(endpoints(state))
        .unify()
        .recover(recover::handle)
        .unify();
    logged(cors::decorate(policy, api))
}

/// The API's endpoints, then the conformance hooks.
fn endpoints(state: AppState) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let register = warp::path!("auth" / "register").and(post_only(
        s().and(warp::header::headers_cloned())
            .and(body::stream())
            .then(auth::register),
    ));
    let login = warp::path!("auth" / "login").and(post_only(
        s().and(warp::header::headers_cloned())
            .and(body::stream())
            .then(auth::login),
    ));
    let validate = warp::path!("auth" / "validate-session").and(get_only(
        s().and(warp::header::headers_cloned())
            .then(session::validate_session),
    ));
    let logout = warp::path!("auth" / "logout").and(post_only(
        s().and(warp::header::headers_cloned())
            .and(body::stream())
            .then(logout::logout),
    ));
    register
        .or(login)
        .unify()
        .or(validate)
        .unify()
        .or(logout)
        .unify()
        .or(hooks(state))
        .unify()
        .boxed()
}

/// The `/__conformance/*` hooks, or nothing (404) when they are off.
fn hooks(state: AppState) -> BoxedFilter<(Response,)> {
    let enabled = state.config().conformance_hooks;
    let s = || with_state(state.clone());
    let fail = warp::path!("__conformance" / "store" / "fail")
        .and(post_only(s().and(body::stream()).then(hooks::store_fail)));
    let recover = warp::path!("__conformance" / "store" / "recover").and(post_only(
        s().and(body::stream()).then(hooks::store_recover),
    ));
    let expired = warp::path!("__conformance" / "expired-session").and(post_only(
        s().and(body::stream()).then(hooks::expired_session),
    ));
    let sessions = warp::path!("__conformance" / "sessions").and(post_only(
        s().and(warp::query::<HashMap<String, String>>())
            .and(body::stream())
            .then(hooks::bulk_sessions),
    ));
    warp::any()
        .and_then(move || async move {
            if enabled {
                Ok(())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .untuple_one()
        .and(
            fail.or(recover)
                .unify()
                .or(expired)
                .unify()
                .or(sessions)
                .unify(),
        )
        .boxed()
}

/// `handler` for POST; any other method gets 405 with `Allow: POST`.
fn post_only<F>(handler: F) -> BoxedFilter<(Response,)>
where
    F: Filter<Extract = (Response,)> + Clone + Send + Sync + 'static,
    F::Error: Into<warp::Rejection>,
{
    only(Method::POST, "POST", handler)
}

/// `handler` for GET; any other method gets 405 with `Allow: GET`.
fn get_only<F>(handler: F) -> BoxedFilter<(Response,)>
where
    F: Filter<Extract = (Response,)> + Clone + Send + Sync + 'static,
    F::Error: Into<warp::Rejection>,
{
    only(Method::GET, "GET", handler)
}

/// `handler` for `method`; any other method gets 405 with `Allow: allow`. The method
/// check rejects as "not found" so that it never outranks another route's 404.
fn only<F>(method: Method, allow: &'static str, handler: F) -> BoxedFilter<(Response,)>
where
    F: Filter<Extract = (Response,)> + Clone + Send + Sync + 'static,
    F::Error: Into<warp::Rejection>,
{
    let handler = handler.boxed();
    let is_method = warp::method()
        .and_then(move |m: Method| {
            let wanted = method.clone();
            async move {
                if m == wanted {
                    Ok(())
                } else {
                    Err(warp::reject::not_found())
                }
            }
        })
        .untuple_one();
    let not_allowed =
        warp::any().map(move || ApiError::MethodNotAllowed { allow: Some(allow) }.into_response());
    is_method.and(handler).or(not_allowed).unify().boxed()
}

fn with_state(state: AppState) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}
