//! Where the suite's requests go and how long each may take: one place for the target's
//! base URL, the per-request time limit and the client settings every request shares.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest_cookie_store::CookieStoreMutex;

/// The target's base URL and the time limit of each request to it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    base: Url,
    timeout: Duration,
}

impl Endpoint {
    /// An endpoint at `url`; the error says why the URL cannot be tested.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, String> {
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
        Ok(Self { base, timeout })
    }

    /// The base URL, as the reports name the target.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The time limit of each request.
    pub fn timeout(&self) -> Duration {
        self.timeout
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

    /// A client with this run's settings: no redirects, a time limit per request.
    pub fn client(&self, jar: Option<Arc<CookieStoreMutex>>) -> reqwest::Client {
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
}

/// An error with its causes, since reqwest's own message hides them ("error sending
/// request" says nothing of a refused connection).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
