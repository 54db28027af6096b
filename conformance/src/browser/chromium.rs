//! One headless Chromium: started with a fresh, temporary profile and the flags that keep
//! it off the network, driven over its DevTools pipe, every command bounded by a time
//! limit, and always killed.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::cdp::{CdpError, Connection};
use super::cookie::Cookie;
use super::error::BrowserError;
use super::find::usable;
use super::process::{self, Process};
use super::tab::Page;

/// A running headless Chromium. [`close`](Self::close) shuts it down and removes its
/// profile folder; dropping it without closing does the same in the background (or kills
/// it at once when there is no runtime).
#[derive(Debug)]
pub struct Chromium {
    /// Taken out when it is shut down.
    running: Option<Running>,
    limit: Duration,
}

#[derive(Debug)]
struct Running {
    process: Process,
    cdp: Connection,
}

/// Starts the browser at `path` with a fresh profile; `limit` bounds every later command,
/// twice `limit` its start.
pub async fn launch(path: &Path, limit: Duration) -> Result<Chromium, BrowserError> {
    let launch_error = |message: String| BrowserError::Launch {
        path: path.to_path_buf(),
        message,
    };
    usable(path).map_err(launch_error)?;
    let (process, input, output) = process::spawn(path)?;
    let mut chromium = Chromium {
        running: Some(Running {
            process,
            cdp: Connection::new(output, input),
        }),
        limit,
    };
    let started = tokio::time::timeout(
        limit * 2,
        chromium.call(None, "Browser.getVersion", json!({})),
    )
    .await;
    match started {
        Ok(Ok(_)) => Ok(chromium),
        Ok(Err(_)) => {
            let why = match chromium.running.as_mut() {
                Some(running) => running.process.why_it_stopped(limit).await,
                None => String::new(),
            };
            chromium.close().await;
            Err(launch_error(why))
        }
        Err(_) => {
            chromium.close().await;
            Err(BrowserError::Timeout {
                what: format!("start ({})", path.display()),
                limit: limit * 2,
            })
        }
    }
}

impl Chromium {
    /// The time limit of each command.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// Evaluates `expression` in `page` (a promise is awaited) and returns its value as
    /// JSON; a script that throws is an error.
    pub async fn eval(
        &self,
        page: &Page,
        what: &str,
        expression: &str,
    ) -> Result<Value, BrowserError> {
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
    ) -> Result<Value, BrowserError> {
        self.bounded_by(limit, what, self.evaluate(page, expression))
            .await
    }

    /// `Runtime.evaluate`, by value.
    pub(super) async fn evaluate(&self, page: &Page, expression: &str) -> Result<Value, CdpError> {
        let params = json!({
            "expression": expression,
            "awaitPromise": true,
            "returnByValue": true,
        });
        let mut reply = self
            .call(Some(page.session()), "Runtime.evaluate", params)
            .await?;
        if let Some(thrown) = reply.get("exceptionDetails") {
            let text = thrown
                .pointer("/exception/description")
                .or_else(|| thrown.get("text"))
                .and_then(Value::as_str)
                .unwrap_or("the script threw");
            return Err(CdpError::Failed(
                text.lines().next().unwrap_or_default().to_owned(),
            ));
        }
        Ok(reply
            .pointer_mut("/result/value")
            .map(Value::take)
            .unwrap_or(Value::Null))
    }

    /// Every cookie in the browser's store, HttpOnly and partitioned ones included
    /// (`Storage.getCookies`).
    pub async fn cookies(&self) -> Result<Vec<Cookie>, BrowserError> {
        self.bounded("read its cookie store", async {
            let mut reply = self.call(None, "Storage.getCookies", json!({})).await?;
            let cookies = reply.get_mut("cookies").map(Value::take);
            serde_json::from_value(cookies.unwrap_or_default())
                .map_err(|e| CdpError::Failed(format!("unreadable cookies: {e}")))
        })
        .await
    }

    /// Deletes the cookies named `names` that the browser would send to `url`, as a user
    /// who clears them would: LO-40's sign-up may have set a session that its login must
    /// not carry, as the HTTP client's setup does not carry it.
    pub async fn forget_cookies(
        &self,
        page: &Page,
        url: &str,
        names: &[String],
    ) -> Result<(), BrowserError> {
        self.bounded("delete cookies", async {
            for name in names {
                let params = json!({ "name": name, "url": url });
                self.call(Some(page.session()), "Network.deleteCookies", params)
                    .await?;
            }
            Ok(())
        })
        .await
    }

    /// Asks the browser to close, gives it the limit to exit by itself, kills it
    /// otherwise, and removes its profile folder.
    pub async fn close(mut self) {
        if let Some(running) = self.running.take() {
            shut_down(running, self.limit).await;
        }
    }

    /// Sends one command to the browser (`session` `None`) or to a page.
    pub(super) async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        match &self.running {
            Some(running) => running.cdp.call(session, method, params).await,
            None => Err(CdpError::Closed),
        }
    }

    /// The connection, to listen to events.
    pub(super) fn cdp(&self) -> Result<&Connection, CdpError> {
        self.running
            .as_ref()
            .map(|r| &r.cdp)
            .ok_or(CdpError::Closed)
    }

    /// `steps` within the limit; `what` names them in the error.
    pub(super) async fn bounded<T>(
        &self,
        what: &str,
        steps: impl Future<Output = Result<T, CdpError>>,
    ) -> Result<T, BrowserError> {
        self.bounded_by(self.limit, what, steps).await
    }

    async fn bounded_by<T>(
        &self,
        limit: Duration,
        what: &str,
        steps: impl Future<Output = Result<T, CdpError>>,
    ) -> Result<T, BrowserError> {
        match tokio::time::timeout(limit, steps).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(BrowserError::Cdp {
                what: what.to_owned(),
                message: e.to_string(),
            }),
            Err(_) => Err(BrowserError::Timeout {
                what: what.to_owned(),
                limit,
            }),
        }
    }

    /// The browser's pid and profile folder, for tests that check both are gone.
    #[cfg(test)]
    pub(super) fn process(&self) -> Option<(Option<u32>, std::path::PathBuf)> {
        let process = &self.running.as_ref()?.process;
        Some((process.id(), process.profile().to_path_buf()))
    }
}

impl Drop for Chromium {
    /// Not closed (a failure on the way): shut it down in the background, or at least
    /// kill it here when there is no runtime to do that.
    fn drop(&mut self) {
        let Some(running) = self.running.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(shut_down(running, self.limit));
            }
            Err(_) => running.process.kill_now(),
        }
    }
}

/// `Browser.close`, then the process's bounded end. A browser that exits before it
/// replies has closed too.
async fn shut_down(running: Running, limit: Duration) {
    let Running { process, cdp } = running;
    let asked = tokio::time::timeout(limit, cdp.call(None, "Browser.close", json!({}))).await;
    let asked = matches!(asked, Ok(Ok(_) | Err(CdpError::Closed)));
    drop(cdp);
    process.end(asked, limit).await;
}

#[cfg(test)]
#[path = "chromium_tests.rs"]
mod tests;
