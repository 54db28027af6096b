//! What a page reported as going wrong: uncaught exceptions, `console.error` calls and
//! the browser's own error log (a blocked load, a Content-Security-Policy violation). A
//! test that looks at a page asks for these once it has loaded, so that a page which
//! renders but whose script throws, or which the browser refused part of, is caught.

use std::time::Duration;

use serde_json::{Value, json};

use super::chromium::Chromium;
use super::error::BrowserError;
use super::tab::Page;

/// How long replayed messages are given to arrive after the domains are enabled.
const SETTLE: Duration = Duration::from_millis(300);

impl Chromium {
    /// Every error `page` reported since it opened, one line each. `Runtime.enable`
    /// replays the exceptions and console messages kept so far, and `Log.enable` the
    /// browser's log entries, as events.
    pub async fn page_errors(&self, page: &Page) -> Result<Vec<String>, BrowserError> {
        self.bounded("read the page's errors", async {
            let session = Some(page.session());
            let mut events = self.cdp()?.events(session);
            self.call(session, "Runtime.enable", json!({})).await?;
            self.call(session, "Log.enable", json!({})).await?;
            tokio::time::sleep(SETTLE).await;
            let mut errors = Vec::new();
            while let Ok(event) = events.try_recv() {
                if let Some(line) = error_line(&event.method, &event.params) {
                    errors.push(line);
                }
            }
            Ok(errors)
        })
        .await
    }
}

/// The event as an error line, if it is one.
fn error_line(method: &str, params: &Value) -> Option<String> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    match method {
        "Runtime.exceptionThrown" => {
            let details = params.get("exceptionDetails")?;
            let described = details.pointer("/exception/description");
            Some(format!(
                "exception: {}",
                text(described.or_else(|| details.get("text")))
            ))
        }
        "Runtime.consoleAPICalled" if params["type"] == "error" => {
            let args: Vec<String> = params["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| text(a.get("value").or_else(|| a.get("description"))))
                .collect();
            Some(format!("console.error: {}", args.join(" ")))
        }
        "Log.entryAdded" if params.pointer("/entry/level") == Some(&json!("error")) => {
            Some(format!(
                "{} error: {}",
                text(params.pointer("/entry/source")),
                text(params.pointer("/entry/text"))
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_from_other_messages() {
        let thrown = json!({"exceptionDetails": {"text": "Uncaught", "exception": {"description": "TypeError: x is not a function"}}});
        assert_eq!(
            error_line("Runtime.exceptionThrown", &thrown).as_deref(),
            Some("exception: TypeError: x is not a function")
        );
        let csp =
            json!({"entry": {"level": "error", "source": "security", "text": "Refused to load"}});
        assert_eq!(
            error_line("Log.entryAdded", &csp).as_deref(),
            Some("security error: Refused to load")
        );
        let info = json!({"entry": {"level": "info", "source": "other", "text": "fine"}});
        assert_eq!(error_line("Log.entryAdded", &info), None);
        let log = json!({"type": "log", "args": [{"value": "hello"}]});
        assert_eq!(error_line("Runtime.consoleAPICalled", &log), None);
        let error =
            json!({"type": "error", "args": [{"value": "bad"}, {"description": "Error: x"}]});
        assert_eq!(
            error_line("Runtime.consoleAPICalled", &error).as_deref(),
            Some("console.error: bad Error: x")
        );
    }
}
