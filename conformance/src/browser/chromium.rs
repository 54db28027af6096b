//! One headless Chromium: started with a fresh, temporary profile and the flags that keep
//! it off the network, every command bounded by a time limit, and always killed.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::network::Cookie;
use chromiumoxide::{Handler, Page};
use futures::StreamExt as _;

use super::error::BrowserError;

/// Beside the flags chromiumoxide adds itself (`--headless`, `--no-sandbox`, a debugging
/// port, the profile folder): no GPU, no QUIC, and no background traffic, which a closed
/// network refuses many times over at every start.
const FLAGS: [&str; 6] = [
    "disable-gpu",
    "disable-quic",
    "no-first-run",
    "disable-background-networking",
    "disable-component-update",
    "disable-sync",
];

/// A running headless Chromium. [`close`](Self::close) kills it and removes its profile
/// folder; dropping it without closing kills it too (chromiumoxide spawns it with
/// `kill_on_drop`) and removes the folder as far as it can.
#[derive(Debug)]
pub struct Chromium {
    /// Taken out when it is shut down.
    browser: Option<Browser>,
    handler: tokio::task::JoinHandle<()>,
    profile: PathBuf,
    limit: Duration,
}

/// Starts the browser at `path` with a fresh profile; `limit` bounds its start and every
/// later command.
pub async fn launch(path: &Path, limit: Duration) -> Result<Chromium, BrowserError> {
    let profile = fresh_profile()?;
    let config = BrowserConfig::builder()
        .chrome_executable(path)
        .disable_default_args()
        .no_sandbox()
        .user_data_dir(&profile)
        .args(FLAGS)
        .launch_timeout(limit)
        .request_timeout(limit)
        .build();
    let config = match config {
        Ok(config) => config,
        Err(message) => {
            remove(&profile);
            return Err(BrowserError::Config(message));
        }
    };
    // chromiumoxide kills the process itself when the start fails; a start cut short by
    // the outer limit drops the child, which kills it.
    let started = tokio::time::timeout(limit * 2, Browser::launch(config)).await;
    let (browser, handler) = match started {
        Ok(Ok(started)) => started,
        Ok(Err(e)) => {
            remove(&profile);
            return Err(BrowserError::Launch {
                path: path.to_path_buf(),
                message: first_line(&e.to_string()),
            });
        }
        Err(_) => {
            remove(&profile);
            return Err(BrowserError::Timeout {
                what: format!("start ({})", path.display()),
                limit: limit * 2,
            });
        }
    };
    Ok(Chromium {
        browser: Some(browser),
        handler: tokio::spawn(drive(handler)),
        profile,
        limit,
    })
}

impl Chromium {
    /// The time limit of each command.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// Opens a tab on `url` and waits until it has loaded. Any answer will do (a 404
    /// page is still a page of that origin); no answer at all is an error.
    pub async fn open(&self, url: &str) -> Result<Page, BrowserError> {
        let what = format!("open {url}");
        self.bounded(what.clone(), self.browser(&what)?.new_page(url))
            .await
    }

    /// Evaluates `expression` in `page` (a promise is awaited) and returns its value as
    /// JSON.
    pub async fn eval(
        &self,
        page: &Page,
        what: &str,
        expression: &str,
    ) -> Result<serde_json::Value, BrowserError> {
        self.eval_within(page, what, expression, self.limit).await
    }

    /// [`eval`](Self::eval) with its own time limit (a script that bounds itself needs
    /// a little more, so that its own limit is the one seen).
    pub(super) async fn eval_within(
        &self,
        page: &Page,
        what: &str,
        expression: &str,
        limit: Duration,
    ) -> Result<serde_json::Value, BrowserError> {
        let result = self
            .bounded_by(limit, what.to_owned(), page.evaluate(expression))
            .await?;
        Ok(result.value().cloned().unwrap_or(serde_json::Value::Null))
    }

    /// Every cookie in the browser's store, HttpOnly ones included (CDP's
    /// `Storage.getCookies`).
    pub async fn cookies(&self) -> Result<Vec<Cookie>, BrowserError> {
        let what = "read its cookie store";
        self.bounded(what.into(), self.browser(what)?.get_cookies())
            .await
    }

    /// Kills the browser, waits for it to exit and removes its profile folder.
    pub async fn close(mut self) {
        if let Some(browser) = self.browser.take() {
            shut_down(browser, self.profile.clone(), self.limit).await;
        }
        self.handler.abort();
    }

    fn browser(&self, what: &str) -> Result<&Browser, BrowserError> {
        self.browser.as_ref().ok_or_else(|| BrowserError::Cdp {
            what: what.to_owned(),
            message: "the browser is closed".into(),
        })
    }

    async fn bounded<T>(
        &self,
        what: String,
        command: impl Future<Output = chromiumoxide::Result<T>>,
    ) -> Result<T, BrowserError> {
        self.bounded_by(self.limit, what, command).await
    }

    async fn bounded_by<T>(
        &self,
        limit: Duration,
        what: String,
        command: impl Future<Output = chromiumoxide::Result<T>>,
    ) -> Result<T, BrowserError> {
        match tokio::time::timeout(limit, command).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(BrowserError::Cdp {
                what,
                message: first_line(&e.to_string()),
            }),
            Err(_) => Err(BrowserError::Timeout { what, limit }),
        }
    }
}

impl Drop for Chromium {
    /// Not closed (a failure on the way): shut it down in the background, or at least
    /// kill it here when there is no runtime to do that.
    fn drop(&mut self) {
        self.handler.abort();
        let Some(mut browser) = self.browser.take() else {
            return;
        };
        let (profile, limit) = (self.profile.clone(), self.limit);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(shut_down(browser, profile, limit));
            }
            Err(_) => {
                if let Some(child) = browser.get_mut_child() {
                    let _ = child.as_mut_inner().start_kill();
                }
                remove(&profile);
            }
        }
    }
}

/// Asks the browser to close and gives it the limit to exit by itself, kills it
/// otherwise, and only then removes its profile folder. Its helper processes (network
/// service, GPU) may still write there for a moment after it exits, so the folder is
/// removed until it stays gone, for up to 2 s.
async fn shut_down(mut browser: Browser, profile: PathBuf, limit: Duration) {
    let closed = matches!(
        tokio::time::timeout(limit, browser.close()).await,
        Ok(Ok(_))
    );
    let exited = closed && tokio::time::timeout(limit, browser.wait()).await.is_ok();
    if !exited {
        let _ = browser.kill().await;
        let _ = tokio::time::timeout(limit, browser.wait()).await;
    }
    for _ in 0..20 {
        remove(&profile);
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !profile.exists() {
            break;
        }
    }
}

/// Polls the CDP connection until it ends; chromiumoxide needs this running for any
/// command to be answered. Messages it cannot parse (a newer browser's events) are
/// skipped, not fatal.
async fn drive(mut handler: Handler) {
    while handler.next().await.is_some() {}
}

/// A new, empty profile folder under the system's temporary folder.
fn fresh_profile() -> Result<PathBuf, BrowserError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "logout-conformance-chromium-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| BrowserError::ProfileDir(dir.clone(), e))?;
    Ok(dir)
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// chromiumoxide's launch errors carry the browser's whole stderr: its first line says
/// enough.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut line: String = line.chars().take(300).collect();
    if text.len() > line.len() {
        line.push('…');
    }
    line
}

#[cfg(test)]
#[path = "chromium_tests.rs"]
mod tests;
