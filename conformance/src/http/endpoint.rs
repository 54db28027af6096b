//! Where the suite's requests go and under which limits: the target's base URL and the
//! [`Policy`] every exchange with it follows.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest_cookie_store::CookieStoreMutex;

use crate::http::policy::Policy;

/// The target's base URL and the limits of each exchange with it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    base: Url,
    policy: Policy,
}

impl Endpoint {
    /// An endpoint at `url`; the error says why the URL cannot be tested.
    pub fn new(url: &str, policy: Policy) -> Result<Self, String> {
        let base = Url::parse(url).map_err(|e| e.to_string())?;
        if base.scheme() != "http" {
            return Err(format!(
                "the suite speaks plain http (it writes some requests byte by byte); \
                 {} is not supported: test the service behind its TLS terminator",
                base.scheme()
            ));
        }
        if base.host_str().is_none() {
            return Err("no host".into());
        }
        Ok(Self { base, policy })
    }

    /// The base URL, as the reports name the target.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The time limit of each exchange.
    pub fn timeout(&self) -> Duration {
        self.policy.timeout
    }

    /// The limits of each exchange.
    pub fn policy(&self) -> &Policy {
        &self.policy
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

    /// A client with this run's settings (see [`Policy::client`]).
    pub fn client(&self, jar: Option<Arc<CookieStoreMutex>>) -> reqwest::Client {
        self.policy.client(jar)
    }
}
