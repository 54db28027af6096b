//! The filter tree: which path and method reach which handler.
//!
//! The API's own endpoints are told apart in one step: the method, the path and the
//! headers are taken once, the path is matched against the four endpoints at once
//! ([`Endpoint::at`]), and the handler's answer gets its CORS headers and its log line
//! in the same function. Nothing on that way is boxed but the other handlers' futures
//! and the body streams they take (the logout drains warp's own). Everything else (the conformance hooks, unknown paths) goes on to a second,
//! ordinary filter chain, as cheap to write as it is rare.
//!
//! Each endpoint answers its one method; any other method on a known path is a 405 with
//! `Allow`, and a path nobody matches is a 404, both JSON. A preflight (`OPTIONS` with an
//! `Origin`) is answered on any path, before anything else ([`crate::http::cors`]).
//! Handlers answer every request that reaches them, so the only rejection left is "not
//! found".

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::time::Instant;

use futures::Stream;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::filters::path::FullPath;
use warp::http::Method;
use warp::http::header::{HeaderMap, HeaderValue, ORIGIN};
use warp::reply::Response;

use crate::app::state::AppState;
use crate::http::body;
use crate::http::cors::{self, CorsPolicy};
use crate::http::endpoint::Endpoint;
use crate::http::error::ApiError;
use crate::http::handlers::{auth, hooks, logout, session};
use crate::http::recover;
use crate::http::request_log::{self, RequestLine, logged};

/// Every route of the API, with CORS, JSON errors and one log line per request.
pub fn routes(
    state: AppState,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    let policy = CorsPolicy::new(&state.config().cors_origins);
    let others = logged(cors::decorate(
        policy.clone(),
        hooks(state.clone()).recover(recover::handle).unify(),
    ));
    let api = Api { state, policy };
    warp::any()
        .map(Instant::now)
        .and(warp::method())
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and_then(|started, method, path, headers| {
            std::future::ready(classify(started, method, path, headers))
        })
        .and(warp::body::stream())
        .then(move |request: Request, body| api.clone().answer(request, body))
        .or(others)
        .unify()
}

/// What [`routes`] answers itself.
#[derive(Clone)]
struct Api {
    state: AppState,
    policy: CorsPolicy,
}

/// A request for one of the API's endpoints, or a preflight.
struct Request {
    started: Instant,
    method: Method,
    path: FullPath,
    headers: HeaderMap,
    target: Target,
}

/// What a request asks for.
enum Target {
    /// A CORS preflight from this origin.
    Preflight(HeaderValue),
    /// One of the endpoints.
    Endpoint(Endpoint),
}

/// A preflight, or a request for one of the four endpoints; anything else is "not found"
/// here (before its body is taken) and goes on to the hooks and the 404.
fn classify(
    started: Instant,
    method: Method,
    path: FullPath,
    headers: HeaderMap,
) -> Result<Request, warp::Rejection> {
    let target = match headers.get(ORIGIN) {
        Some(origin) if method == Method::OPTIONS => Target::Preflight(origin.clone()),
        _ => Target::Endpoint(Endpoint::at(path.as_str()).ok_or_else(warp::reject::not_found)?),
    };
    Ok(Request {
        started,
        method,
        path,
        headers,
        target,
    })
}

impl Api {
    /// The handler's answer (or the preflight's, or a 405), with its CORS headers, logged.
    ///
    /// Not an `async fn`: one would keep its arguments and, beside them, the locals they
    /// are taken apart into, a few hundred bytes more in a future that is moved several
    /// times a request; the async block keeps each part once.
    fn answer<S, B>(self, request: Request, body: S) -> impl Future<Output = Response> + Send
    where
        S: Stream<Item = Result<B, warp::Error>> + Send + 'static,
        B: bytes::Buf + Send,
    {
        let Request {
            started,
            method,
            path,
            headers,
            target,
        } = request;
        let origin = headers.get(ORIGIN).cloned();
        let Api { state, policy } = self;
        async move {
            let response = match target {
                Target::Preflight(origin) => policy.preflight(&origin),
                Target::Endpoint(endpoint) => match endpoint.method() {
                    (wanted, _) if wanted == method => {
                        // Every other handler's future is boxed: this future is moved several
                        // times a request on its way through warp and hyper, and the largest
                        // handler's state (a login's or a refresh's, up to three times a
                        // logout's) would set its size.
                        match endpoint {
                            Endpoint::Logout => logout::logout(state, headers, body).await,
                            Endpoint::ValidateSession => {
                                Box::pin(session::validate_session(state, headers)).await
                            }
                            Endpoint::Login => {
                                Box::pin(auth::login(state, headers, body::boxed(body))).await
                            }
                            Endpoint::Register => {
                                Box::pin(auth::register(state, headers, body::boxed(body))).await
                            }
                            Endpoint::Refresh => Box::pin(session::refresh(state, headers)).await,
                        }
                    }
                    (_, allow) => ApiError::MethodNotAllowed { allow: Some(allow) }.into_response(),
                },
            };
            let response = policy.decorate(origin, response);
            request_log::log(&RequestLine {
                method: &method,
                path: path.as_str(),
                status: response.status().as_u16(),
                latency: started.elapsed(),
            });
            response
        }
    }
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
