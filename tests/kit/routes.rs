//! Building blocks for broken and benign targets: the reference routes with one thing
//! changed, either by rewriting answers on their way out ([`rewrite`]) or by answering one
//! method and path with another handler ([`answer`]), which usually calls the reference
//! handler with changed inputs. The production server has no defect switches: every
//! defect lives here.

use std::convert::Infallible;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use futures::StreamExt as _;
use logout_server::body::{self, BodyStream};
use logout_server::cors::{self, CorsPolicy};
use logout_server::{AppState, Config, RunningServer, TokenStore};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::filters::path::FullPath;
use warp::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, SET_COOKIE};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

/// A whole target's routes, boxed so that every catalogue entry has the same type.
pub type Routes = BoxedFilter<(Response,)>;

/// The logout path of the reference profile.
pub const LOGOUT: &str = "/auth/logout";

/// What the answer rewriters see of the request.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
}

impl Head {
    /// Whether the request is `method path`.
    pub fn is(&self, method: &Method, path: &str) -> bool {
        self.method == method && self.path == path
    }

    /// Whether the request is `POST /auth/logout`.
    pub fn is_logout(&self) -> bool {
        self.is(&Method::POST, LOGOUT)
    }

    /// The request's `Origin`, if any.
    pub fn origin(&self) -> Option<&HeaderValue> {
        self.headers.get("origin")
    }
}

/// The state of the reference server as the suite runs it: `Config::for_conformance()`
/// (hooks on, CORS origin `http://localhost:5173`) over an in-memory store.
pub fn reference_state() -> AppState {
    AppState::new(Config::for_conformance())
}

/// The same state over another token store (the fault switch still wraps it).
pub fn state_with_store(store: impl TokenStore) -> AppState {
    AppState::with_store(Config::for_conformance(), std::sync::Arc::new(store))
}

/// The reference routes over `state`.
pub fn reference(
    state: &AppState,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    logout_server::routes(state.clone())
}

/// `inner` with every answer passed through `rewrite`, which sees the request it answers.
pub fn rewrite<F, R>(
    inner: F,
    rewrite: R,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
    R: Fn(&Head, &mut Response) + Clone + Send + Sync + 'static,
{
    warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and(inner)
        .map(
            move |method: Method, path: FullPath, headers: HeaderMap, mut response: Response| {
                let head = Head {
                    method,
                    path: path.as_str().to_owned(),
                    headers,
                };
                rewrite(&head, &mut response);
                response
            },
        )
}

/// The reference routes with every `POST /auth/logout` answer passed through `change`.
pub fn rewrite_logout<R>(change: R) -> Routes
where
    R: Fn(&mut Response) + Clone + Send + Sync + 'static,
{
    rewrite(reference(&reference_state()), move |head, response| {
        if head.is_logout() {
            change(response);
        }
    })
    .boxed()
}

/// `method path` answered by `handler(state, headers, body)`, everything else by `inner`.
/// The whole is wrapped in the reference CORS policy again, so the handler's answers carry
/// the same CORS headers as the reference's (answers of `inner` get a second
/// `Vary: Origin`, which no clause reads).
pub fn answer<F, H, Fut>(
    state: &AppState,
    method: Method,
    path: &'static str,
    handler: H,
    inner: F,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
    H: Fn(AppState, HeaderMap, BodyStream) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let policy = CorsPolicy::new(&state.config().cors_origins);
    let state = state.clone();
    let matches = warp::method()
        .and(warp::path::full())
        .and_then(move |m: Method, p: FullPath| {
            let wanted = method.clone();
            async move {
                if m == wanted && p.as_str() == path {
                    Ok(())
                } else {
                    Err(warp::reject::not_found())
                }
            }
        })
        .untuple_one();
    let replaced = matches
        .and(warp::any().map(move || state.clone()))
        .and(warp::header::headers_cloned())
        .and(body::stream())
        .then(handler);
    cors::decorate(policy, replaced.or(inner).unify())
}

/// The reference routes with `POST /auth/logout` answered by `handler` instead.
pub fn answer_logout<H, Fut>(handler: H) -> Routes
where
    H: Fn(AppState, HeaderMap, BodyStream) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let state = reference_state();
    answer(&state, Method::POST, LOGOUT, handler, reference(&state)).boxed()
}

/// The reference logout handler.
pub async fn reference_logout(state: AppState, headers: HeaderMap, body: BodyStream) -> Response {
    logout_server::handlers::logout::logout(state, headers, body).await
}

/// A body stream of these bytes, as if the client had sent them.
pub fn body_of(bytes: Bytes) -> BodyStream {
    futures::stream::iter([Ok(bytes)]).boxed()
}

/// The whole body, or an empty one if it cannot be read.
pub async fn read_body(body: BodyStream) -> Bytes {
    body::read_limited(body, 1 << 20).await.unwrap_or_default()
}

/// The body read whole before the handler answers, as a framework's body parser reads it
/// before the route runs: an answer sent while the client is still sending its body can
/// meet a reset on a busy machine, which would fail LO-08 rather than the clause the
/// broken server breaks.
pub async fn read_first(body: BodyStream) -> BodyStream {
    body_of(read_body(body).await)
}

/// A JSON answer as the reference builds them (`Cache-Control: no-store`).
pub fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    logout_server::respond::json(status, value)
}

/// Replaces the body (and its type), keeping status and the other headers.
pub fn set_body(response: &mut Response, content_type: &'static str, body: impl Into<Bytes>) {
    let headers = response.headers_mut();
    headers.remove(CONTENT_LENGTH);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    *response.body_mut() = body.into().into();
}

/// Replaces status and body with JSON, keeping the other headers (cookies, CORS).
pub fn set_json(response: &mut Response, status: StatusCode, value: &serde_json::Value) {
    *response.status_mut() = status;
    set_body(response, "application/json", value.to_string());
}

/// The `Set-Cookie` headers of an answer, as text.
pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

/// Replaces the `Set-Cookie` headers of an answer, one header per value.
pub fn replace_set_cookies(response: &mut Response, values: impl IntoIterator<Item = String>) {
    let headers = response.headers_mut();
    headers.remove(SET_COOKIE);
    for value in values {
        match HeaderValue::from_str(&value) {
            Ok(v) => {
                headers.append(SET_COOKIE, v);
            }
            Err(e) => panic!("a target built an invalid Set-Cookie {value:?}: {e}"),
        }
    }
}

/// Rewrites each `Set-Cookie` header of an answer.
pub fn map_set_cookies(response: &mut Response, change: impl Fn(&str) -> String) {
    let changed: Vec<String> = set_cookies(response).iter().map(|c| change(c)).collect();
    replace_set_cookies(response, changed);
}

/// Serves `routes` on an ephemeral loopback port.
pub async fn serve(routes: Routes) -> std::io::Result<RunningServer> {
    // A boxed filter may reject in type only: every route here answers.
    let routes = routes
        .recover(|rejection: warp::Rejection| async move {
            let body =
                serde_json::json!({ "error": format!("unhandled rejection: {rejection:?}") });
            Ok::<_, Infallible>(json(StatusCode::INTERNAL_SERVER_ERROR, &body))
        })
        .unify();
    logout_server::spawn_routes(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), routes).await
}
