//! The implementation under test: its base URL, its profile, and the state the whole
//! run shares (fresh user names, a store fault that must be switched off again).

pub mod action;
pub mod container;
pub mod embedded;
pub mod subject;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Url;

use crate::http::secrets::Secrets;
use crate::plan::profile::Profile;
use action::ActionError;

/// Problems with the target itself, found before any scenario runs.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("invalid target URL {url:?}: {message}")]
    Url { url: String, message: String },
    #[error(
        "target {url} is unreachable: {tried} failed: {cause}\n\
         Is the server running and listening on that address?"
    )]
    Unreachable {
        url: String,
        tried: String,
        cause: String,
    },
    #[error("cannot open a session on {url}: {message}")]
    NoSession { url: String, message: String },
}

/// The target of a run, shared by every scenario.
#[derive(Debug)]
pub struct Target {
    pub base: Url,
    pub profile: Profile,
    /// The time limit of each request.
    pub timeout: Duration,
    /// Every credential seen so far, to mask in every output.
    pub secrets: Secrets,
    run_id: String,
    counter: AtomicU64,
    fault_on: AtomicBool,
}

impl Target {
    /// A target at `url` described by `profile`.
    pub fn new(url: &str, profile: Profile, timeout: Duration) -> Result<Arc<Self>, TargetError> {
        let url_err = |message: String| TargetError::Url {
            url: url.to_owned(),
            message,
        };
        let base = Url::parse(url).map_err(|e| url_err(e.to_string()))?;
        if base.scheme() != "http" {
            return Err(url_err(format!(
                "the suite speaks plain http (it writes some requests byte by byte); \
                 {} is not supported: test the service behind its TLS terminator",
                base.scheme()
            )));
        }
        if base.host_str().is_none() {
            return Err(url_err("no host".into()));
        }
        let run_id = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| format!("{:x}", d.as_millis()))
            .unwrap_or_default();
        Ok(Arc::new(Self {
            base,
            profile,
            timeout,
            secrets: Secrets::default(),
            run_id,
            counter: AtomicU64::new(0),
            fault_on: AtomicBool::new(false),
        }))
    }

    /// The absolute URL of a path on the target (a base URL's own path is a prefix).
    pub fn url(&self, path: &str) -> Url {
        let base = self.base.as_str().trim_end_matches('/');
        // The base URL parsed, so appending an absolute path keeps it valid.
        Url::parse(&format!("{base}{path}")).unwrap_or_else(|_| self.base.clone())
    }

    /// `host:port` for raw connections.
    pub fn socket_addr(&self) -> String {
        let host = self.base.host_str().unwrap_or("127.0.0.1");
        let port = self.base.port_or_known_default().unwrap_or(80);
        if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }

    /// A number unique within the run, for fresh user names.
    pub fn next_id(&self) -> String {
        format!(
            "{}-{}",
            self.run_id,
            self.counter.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Switches the store fault on; the run remembers to switch it off. When the `on`
    /// action fails, the fault may be half on: `off` is tried once, and the failure is
    /// the check's (it could not run), not the run's.
    pub async fn store_fault_on(&self) -> Result<(), ActionError> {
        let fault = self
            .profile
            .store_fault
            .as_ref()
            .ok_or(ActionError::NotOffered)?;
        self.fault_on.store(true, Ordering::SeqCst);
        let result = action::run(self, &fault.on).await.map(drop);
        if result.is_err() && self.fault_on.swap(false, Ordering::SeqCst) {
            let _ = action::run(self, &fault.off).await;
        }
        result
    }

    /// Switches the store fault off if it is on. Safe to call any number of times: the
    /// after-scenario hook and the interrupt handler both call it.
    pub async fn store_fault_off(&self) -> Result<(), ActionError> {
        if !self.fault_on.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let fault = self
            .profile
            .store_fault
            .as_ref()
            .ok_or(ActionError::NotOffered)?;
        let result = action::run(self, &fault.off).await.map(drop);
        if result.is_err() {
            // Keep it marked, so the next caller tries again.
            self.fault_on.store(true, Ordering::SeqCst);
        }
        result
    }

    /// A client with this run's settings: no redirects, a time limit per request.
    pub fn client(
        &self,
        jar: Option<Arc<reqwest_cookie_store::CookieStoreMutex>>,
    ) -> reqwest::Client {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .no_proxy();
        let builder = match jar {
            Some(jar) => builder.cookie_provider(jar),
            None => builder,
        };
        // Building fails only when the TLS or resolver backends cannot start; neither is
        // configured here.
        builder
            .build()
            .unwrap_or_else(|e| panic!("cannot build an HTTP client: {e}"))
    }

    /// Checks before any scenario that the target answers at all, so that an unreachable
    /// target is one clear error rather than every scenario failing.
    pub async fn check_reachable(&self) -> Result<(), TargetError> {
        let url = self.url(&self.profile.logout.path);
        let tried = format!("a TCP connection to {}", self.socket_addr());
        tokio::time::timeout(
            self.timeout,
            tokio::net::TcpStream::connect(self.socket_addr()),
        )
        .await
        .map_err(|_| format!("no connection within {:?}", self.timeout))
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|cause| TargetError::Unreachable {
            url: url.to_string(),
            tried,
            cause,
        })?;
        Ok(())
    }
}
