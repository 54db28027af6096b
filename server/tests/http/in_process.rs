//! The server's routes called in-process, without sockets: what the property and soak
//! tests need to send tens of thousands of requests in a few seconds. The same filter
//! `logout_server::routes` that the binary serves answers every request; only hyper's
//! connection handling (tested in `serve`) is left out.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::service::Service as _;
use hyper_util::service::TowerToHyperService;
use logout_server::{AppState, Config, PasswordCost};
use warp::http::header::SET_COOKIE;
use warp::http::{HeaderMap, Method, Request, StatusCode};

/// The reference routes over one state, answering requests without a network.
pub struct InProcess {
    pub state: AppState,
    routes: warp::filters::BoxedFilter<(warp::reply::Response,)>,
}

/// An answer, kept whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    /// The value of the `name` cookie this answer sets, if it sets one.
    pub fn sets_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|cookie| cookie.split(';').next()?.split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value.to_owned())
    }
}

/// A session's two tokens, as the sessions hook opens them.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub refresh: String,
    pub access: String,
}

impl InProcess {
    /// The conformance configuration (hooks on, fast passwords) over a memory store.
    /// Must be called inside a tokio runtime.
    pub fn start() -> Self {
        Self::over(AppState::new(Config {
            password_cost: PasswordCost::fast_for_tests(),
            ..Config::for_conformance()
        }))
    }

    /// The routes over any state.
    pub fn over(state: AppState) -> Self {
        use warp::Filter as _;
        Self {
            routes: logout_server::routes(state.clone()).boxed(),
            state,
        }
    }

    /// One request; headers are raw bytes, as a peer may send them.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, Vec<u8>)],
        body: Vec<u8>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, value.as_slice());
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .expect("a valid request");
        let service = TowerToHyperService::new(warp::service(self.routes.clone()));
        let response = service.call(request).await.unwrap_or_else(infallible);
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("an in-memory body")
            .to_bytes();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// POST /auth/logout with exactly this Cookie header.
    pub async fn logout(&self, cookie: &[u8]) -> Answer {
        self.send(
            Method::POST,
            "/auth/logout",
            &[("cookie", cookie.to_vec())],
            Vec::new(),
        )
        .await
    }

    /// GET /auth/validate-session with exactly this Cookie header.
    pub async fn validate(&self, cookie: &[u8]) -> Answer {
        self.send(
            Method::GET,
            "/auth/validate-session",
            &[("cookie", cookie.to_vec())],
            Vec::new(),
        )
        .await
    }

    /// A registered user (password `pw`) with `count` live sessions.
    pub async fn sessions(&self, count: usize) -> Vec<Tokens> {
        let email = format!("{}@example.com", Tokens::nonce());
        let register = serde_json::json!({"name": "P", "email": email, "password": "pw"});
        let answer = self
            .send(
                Method::POST,
                "/auth/register",
                &[("content-type", b"application/json".to_vec())],
                register.to_string().into_bytes(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
        let answer = self
            .send(
                Method::POST,
                &format!("/__conformance/sessions?user={email}&count={count}"),
                &[],
                Vec::new(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
        let text = String::from_utf8(answer.body.to_vec()).expect("text/plain");
        let tokens: Vec<Tokens> = text
            .lines()
            .map(|line| {
                let (refresh, access) = line.split_once(' ').expect("REFRESH ACCESS");
                Tokens {
                    refresh: refresh.to_owned(),
                    access: access.to_owned(),
                }
            })
            .collect();
        assert_eq!(tokens.len(), count);
        tokens
    }

    /// Whether the probe accepts this cookie (`refreshToken=…` or `accessToken=…`);
    /// panics on any answer but 200 or 401.
    pub async fn is_live(&self, cookie: &str) -> bool {
        let answer = self.validate(cookie.as_bytes()).await;
        match answer.status {
            StatusCode::OK => true,
            StatusCode::UNAUTHORIZED => false,
            _ => panic!("probe with {cookie} answered {answer:?}"),
        }
    }

    /// Whether both tokens of a session are still accepted: `(refresh, access)`.
    pub async fn state_of(&self, tokens: &Tokens) -> (bool, bool) {
        (
            self.is_live(&format!("refreshToken={}", tokens.refresh))
                .await,
            self.is_live(&format!("accessToken={}", tokens.access))
                .await,
        )
    }
}

impl Tokens {
    /// A process-unique name part.
    fn nonce() -> String {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        format!(
            "prop{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )
    }
}

fn infallible<T>(e: Infallible) -> T {
    match e {}
}
