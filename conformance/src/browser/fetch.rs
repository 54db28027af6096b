//! A `fetch` made by a page, with the page's cookies (`credentials: "include"`), as a
//! single-page app sends its API calls.

use std::time::Duration;

use super::chromium::Chromium;
use super::error::BrowserError;
use super::page::Page;
use super::visit::Fetched;

/// A request for the page to send.
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    pub method: String,
    /// A path on the page's origin, or a whole URL.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl FetchRequest {
    /// `METHOD path`, for reports.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The script: the page's `fetch`, bounded by `limit`, resolving to `{status, body}`
    /// or `{error}`. Redirects are not followed (a conformance client never follows
    /// them). `{cookie:NAME}` in a header value is filled from the page's cookies, as an
    /// app copies a CSRF cookie into a header.
    fn script(&self, limit: Duration) -> String {
        let init = serde_json::json!({
            "method": self.method,
            "headers": self.headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "body": self.body,
            "credentials": "include",
            "redirect": "manual",
            "cache": "no-store",
        });
        format!(
            "(async () => {{ try {{ const init = {init}; \
             let raw = ''; try {{ raw = document.cookie; }} catch (_) {{}} \
             const jar = Object.fromEntries(raw.split('; ').filter(Boolean)\
               .map(p => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])); \
             for (const k in init.headers) init.headers[k] = init.headers[k]\
               .replace(/\\{{cookie:([^}}]+)\\}}/g, (_, n) => jar[n] ?? ''); \
             if (init.body === null) delete init.body; \
             init.signal = AbortSignal.timeout({ms}); \
             const r = await fetch({path}, init); \
             const body = (await r.text()).slice(0, {cap}); \
             return {{ status: r.status, body }}; \
             }} catch (e) {{ return {{ error: String(e) }}; }} }})()",
            path = serde_json::Value::from(self.path.clone()),
            ms = limit.as_millis(),
            cap = BODY_CAP,
        )
    }
}

/// How much of an answer's body the page hands back.
const BODY_CAP: usize = 64 * 1024;

impl Chromium {
    /// Has `page` send `request` with its cookies and returns the answer. The page gives
    /// up after the browser's limit (no answer: [`Fetched::Failed`]); a browser that does
    /// not come back a moment after that is an error.
    pub async fn fetch(
        &self,
        page: &Page,
        request: &FetchRequest,
    ) -> Result<Fetched, BrowserError> {
        let value = self
            .eval_within(
                page,
                &format!("fetch {}", request.line()),
                &request.script(self.limit()),
                self.limit() + Duration::from_secs(2),
            )
            .await?;
        if let Some(status) = value.get("status").and_then(serde_json::Value::as_u64) {
            let body = value.get("body").and_then(serde_json::Value::as_str);
            return Ok(Fetched::Answer {
                status: u16::try_from(status).unwrap_or(u16::MAX),
                body: body.unwrap_or_default().to_owned(),
            });
        }
        let why = value
            .get("error")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("the page's fetch returned nothing");
        Ok(Fetched::Failed(why.to_owned()))
    }
}
