//! Tabs: one opened on a URL as the server there answers it ([`Chromium::open`]), or on
//! the kit's own blank page at a target's origin ([`Chromium::open_blank_at`]), which is
//! what LO-40 needs whatever the target serves at that URL.

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use serde_json::{Value, json};

use super::cdp::{CdpError, Connection};
use super::chromium::Chromium;
use super::error::BrowserError;
use super::tab::Page;

/// The kit's page, served in place of whatever the target answers: an empty document.
const BLANK_PAGE: &str = "<!doctype html><title>logout-conformance</title>";

impl Chromium {
    /// Opens a tab on `url` and waits until it has loaded. Any answer will do (a 404
    /// page is still a page); no answer at all is an error.
    pub async fn open(&self, url: &str) -> Result<Page, BrowserError> {
        self.bounded(&format!("open {url}"), async {
            let page = self.new_tab().await?;
            self.navigate(&page, url, false).await?;
            Ok(page)
        })
        .await
    }

    /// Opens a tab on `url` showing the kit's own blank page, whatever the server there
    /// would answer (an empty 404, a page whose CSP forbids scripts, a redirect, a
    /// download): the browser's navigation is answered through request interception
    /// and never reaches the server, CSP is bypassed, and the page is of `url`'s origin,
    /// so that its `fetch` calls reach the server as that origin's own. A page that ends
    /// up on another origin is an error.
    pub async fn open_blank_at(&self, url: &str) -> Result<Page, BrowserError> {
        let page = self
            .bounded(&format!("open its own page at {url}"), async {
                let page = self.new_tab().await?;
                let session = Some(page.session());
                self.call(session, "Page.setBypassCSP", json!({"enabled": true}))
                    .await?;
                let documents = json!({"patterns": [
                    {"urlPattern": "*", "resourceType": "Document", "requestStage": "Request"}
                ]});
                self.call(session, "Fetch.enable", documents).await?;
                self.navigate(&page, url, true).await?;
                self.call(session, "Fetch.disable", json!({})).await?;
                Ok(page)
            })
            .await?;
        let origins = format!(
            "[location.origin, new URL({}).origin]",
            Value::from(url.to_owned())
        );
        let origins = self.eval(&page, "read its page's origin", &origins).await?;
        match (origins[0].as_str(), origins[1].as_str()) {
            (Some(got), Some(wanted)) if got == wanted => Ok(page),
            _ => Err(BrowserError::Origin {
                url: url.to_owned(),
                got: origins[0].to_string(),
            }),
        }
    }

    /// A new tab on `about:blank`, attached, its load events on.
    async fn new_tab(&self) -> Result<Page, CdpError> {
        let created = self
            .call(None, "Target.createTarget", json!({"url": "about:blank"}))
            .await?;
        let target = text(&created, "targetId", "Target.createTarget")?;
        let attached = self
            .call(
                None,
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
            )
            .await?;
        let page = Page::attached(text(&attached, "sessionId", "Target.attachToTarget")?);
        let session = Some(page.session());
        self.call(session, "Page.enable", json!({})).await?;
        self.call(
            session,
            "Page.setLifecycleEventsEnabled",
            json!({"enabled": true}),
        )
        .await?;
        Ok(page)
    }

    /// Navigates `page` to `url` and waits for the new document's `load`. With
    /// `blank`, each document request paused by `Fetch.enable` is answered with
    /// [`BLANK_PAGE`] meanwhile (the navigation waits for that answer).
    async fn navigate(&self, page: &Page, url: &str, blank: bool) -> Result<(), CdpError> {
        let cdp = self.cdp()?;
        let session = Some(page.session());
        let mut events = cdp.events(session);
        let navigate = cdp.call(session, "Page.navigate", json!({"url": url}));
        tokio::pin!(navigate);
        // The loader of the new document, once the navigation says which it is; loads
        // seen before that, in case its load came first.
        let mut awaited: Option<String> = None;
        let mut loaded: Vec<String> = Vec::new();
        loop {
            tokio::select! {
                reply = &mut navigate, if awaited.is_none() => {
                    let reply = reply?;
                    if let Some(error) = reply.get("errorText").and_then(Value::as_str)
                        && !error.is_empty()
                    {
                        return Err(CdpError::Failed(error.to_owned()));
                    }
                    // No loader: a navigation within the same document, already done.
                    let Some(loader) = reply.get("loaderId").and_then(Value::as_str) else {
                        return Ok(());
                    };
                    if loaded.iter().any(|l| l == loader) {
                        return Ok(());
                    }
                    awaited = Some(loader.to_owned());
                }
                event = events.recv() => {
                    let event = event.ok_or(CdpError::Closed)?;
                    match event.method.as_str() {
                        "Fetch.requestPaused" if blank => {
                            answer_blank(cdp, session, &event.params).await?;
                        }
                        "Page.lifecycleEvent" if event.params["name"] == "load" => {
                            let loader = event.params["loaderId"].as_str().unwrap_or_default();
                            if awaited.as_deref() == Some(loader) {
                                return Ok(());
                            }
                            loaded.push(loader.to_owned());
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// Answers a paused document request with the kit's blank page.
async fn answer_blank(
    cdp: &Connection,
    session: Option<&str>,
    paused: &Value,
) -> Result<(), CdpError> {
    let Some(request) = paused.get("requestId").and_then(Value::as_str) else {
        return Err(CdpError::Failed("a paused request without an id".into()));
    };
    let answer = json!({
        "requestId": request,
        "responseCode": 200,
        "responseHeaders": [
            {"name": "Content-Type", "value": "text/html; charset=utf-8"},
            {"name": "Cache-Control", "value": "no-store"},
        ],
        // Fetch.fulfillRequest takes the body in base64.
        "body": BASE64_STANDARD.encode(BLANK_PAGE),
    });
    cdp.call(session, "Fetch.fulfillRequest", answer).await?;
    Ok(())
}

/// A string field of a command's result.
fn text(reply: &Value, field: &str, command: &str) -> Result<String, CdpError> {
    reply
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| CdpError::Failed(format!("{command} answered without a {field}")))
}
