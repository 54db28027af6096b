//! Helpers: a server on an ephemeral port, a client that follows no redirects, and
//! shortcuts for sessions and probes. A failing helper panics with what it saw.

use std::sync::atomic::{AtomicUsize, Ordering};

use logout_server::{Config, PasswordCost, RunningServer};
use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The exact clearing headers of the logout document, as this server sends them.
pub const CLEAR_ACCESS: &str =
    "accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict";
pub const CLEAR_REFRESH: &str =
    "refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict";

/// The browser origin `Config::for_conformance` allows.
pub const ALLOWED_ORIGIN: &str = "http://localhost:5173";

/// A running server and a client for it.
pub struct TestServer {
    pub server: RunningServer,
    pub client: reqwest::Client,
}

/// What came back, kept whole for assertions.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// The two tokens of a logged-in session.
#[derive(Debug, Clone)]
pub struct Session {
    pub email: String,
    pub access: String,
    pub refresh: String,
}

/// A client that never follows redirects and keeps no cookies of its own.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A fresh email for every call in this process.
pub fn unique_email() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("user{}@example.com", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl TestServer {
    /// The conformance configuration: hooks on, fast passwords, one CORS origin.
    pub async fn start() -> Self {
        Self::with(Config::for_conformance()).await
    }

    /// Any configuration, always on an ephemeral loopback port with fast passwords.
    pub async fn with(config: Config) -> Self {
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            password_cost: PasswordCost::fast_for_tests(),
            ..config
        };
        let server = logout_server::spawn(config).await.unwrap();
        Self {
            server,
            client: client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// Sends `method path` with `headers` and an optional raw body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &[u8])],
        body: Option<Vec<u8>>,
    ) -> Answer {
        let mut request = self.client.request(method.clone(), self.url(path));
        for (name, value) in headers {
            request = request.header(*name, HeaderValue::from_bytes(value).unwrap());
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e:?}"));
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// POSTs a JSON value with `Content-Type: application/json`.
    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send(
            Method::POST,
            path,
            &[("content-type", b"application/json")],
            Some(bytes),
        )
        .await
    }

    /// Registers a new user with password `pw` and returns its email.
    pub async fn register(&self) -> String {
        let email = unique_email();
        let answer = self
            .post_json(
                "/auth/register",
                &json!({"name": "Test User", "email": email, "password": "pw"}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
        email
    }

    /// Logs `email` in with password `pw` and returns its two tokens.
    pub async fn login(&self, email: &str) -> Session {
        let answer = self
            .post_json("/auth/login", &json!({"email": email, "password": "pw"}))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
        Session {
            email: email.to_owned(),
            access: answer.cookie_value("accessToken"),
            refresh: answer.cookie_value("refreshToken"),
        }
    }

    /// A new user, logged in.
    pub async fn session(&self) -> Session {
        let email = self.register().await;
        self.login(&email).await
    }

    /// POST /auth/logout with exactly this `Cookie` header (or none).
    pub async fn logout_with_cookie(&self, cookie: Option<&[u8]>) -> Answer {
        let headers: Vec<(&str, &[u8])> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.send(Method::POST, "/auth/logout", &headers, None)
            .await
    }

    /// POST /auth/logout presenting a session's refresh (and access) tokens.
    pub async fn logout(&self, session: &Session) -> Answer {
        let cookie = format!(
            "accessToken={}; refreshToken={}",
            session.access, session.refresh
        );
        self.logout_with_cookie(Some(cookie.as_bytes())).await
    }

    /// GET /auth/validate-session with exactly this `Cookie` header.
    pub async fn validate(&self, cookie: &str) -> Answer {
        self.send(
            Method::GET,
            "/auth/validate-session",
            &[("cookie", cookie.as_bytes())],
            None,
        )
        .await
    }

    /// Whether the store still holds this refresh token (probe with it alone).
    pub async fn refresh_is_live(&self, refresh: &str) -> bool {
        self.probe(&format!("refreshToken={refresh}")).await
    }

    /// Whether this access token is still accepted (probe with it alone).
    pub async fn access_is_live(&self, access: &str) -> bool {
        self.probe(&format!("accessToken={access}")).await
    }

    async fn probe(&self, cookie: &str) -> bool {
        let answer = self.validate(cookie).await;
        match answer.status {
            StatusCode::OK => true,
            StatusCode::UNAUTHORIZED => false,
            _ => panic!("probe answered {answer:?}"),
        }
    }

    /// POST to a conformance hook; asserts 200.
    pub async fn hook(&self, path: &str) -> Value {
        let answer = self.send(Method::POST, path, &[], None).await;
        assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
        answer.json()
    }
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Every `Set-Cookie` header, in order, one per header line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The value of the `Set-Cookie` for `name`.
    pub fn cookie_value(&self, name: &str) -> String {
        let prefix = format!("{name}=");
        let header = self
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {name} cookie in {self:?}"));
        header[prefix.len()..].split(';').next().unwrap().to_owned()
    }

    /// Asserts the documented logout success: 200, JSON, the body, no-store, both
    /// cookies cleared with the exact clearing headers.
    pub fn assert_logged_out(&self) {
        assert_eq!(self.status, StatusCode::OK, "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        assert_eq!(self.json(), json!({"message": "Logged out successfully"}));
        assert_eq!(self.header("cache-control"), Some("no-store"), "{self:?}");
        assert_eq!(
            self.set_cookies(),
            [CLEAR_ACCESS, CLEAR_REFRESH],
            "{self:?}"
        );
    }

    /// Asserts a JSON error answer.
    pub fn assert_error(&self, status: StatusCode, message: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        assert_eq!(self.json(), json!({"error": message}), "{self:?}");
    }
}

/// The raw `Cookie` header a session would send.
pub fn both_cookies(session: &Session) -> String {
    format!(
        "accessToken={}; refreshToken={}",
        session.access, session.refresh
    )
}

/// The real `logout-server` binary, running; killed if dropped before [`Binary::stop`].
pub struct Binary {
    pub child: tokio::process::Child,
    pub url: String,
    stderr: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
}

impl Binary {
    /// Starts the binary with `args` (plus fast password hashing) and waits for its
    /// "listening" log line, which names the URL.
    pub async fn start(args: &[&str]) -> Self {
        Self::start_logging(args, "info").await
    }

    /// [`Binary::start`] with `RUST_LOG` set to `filter`, which must let its `INFO` lines
    /// through.
    pub async fn start_logging(args: &[&str], filter: &str) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_logout-server"))
            .args(["--password-memory-kib=8", "--password-iterations=1"])
            .args(args)
            .env("RUST_LOG", filter)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = Vec::new();
        let url = loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(30), stderr.next_line())
                .await
                .unwrap_or_else(|_| panic!("no 'listening' line within 30 s; saw: {seen:#?}"))
                .unwrap()
                .unwrap_or_else(|| {
                    panic!("the server exited before listening; it said: {seen:#?}")
                });
            if let Some(url) = line.split("url=").nth(1) {
                break url.split_whitespace().next().unwrap().to_owned();
            }
            seen.push(line);
        };
        Self { child, url, stderr }
    }

    /// Sends SIGTERM and returns the exit status and the rest of the log.
    pub async fn stop(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().unwrap().to_string();
        let killed = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap();
        assert!(killed.success(), "kill -TERM {pid} failed");
        let status = tokio::time::timeout(std::time::Duration::from_secs(30), self.child.wait())
            .await
            .expect("the server did not stop within 30 s of SIGTERM")
            .unwrap();
        let mut rest = Vec::new();
        while let Ok(Some(line)) = self.stderr.next_line().await {
            rest.push(line);
        }
        (status, rest)
    }
}
