//! A `fetch` made by a page, with the page's cookies (`credentials: "include"`), as a
//! single-page app sends its API calls.

use std::time::Duration;

use super::chromium::Chromium;
use super::error::BrowserError;
use super::tab::Page;
use super::visit::Fetched;

/// A request for the page to send.
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    pub method: String,
    /// A path on the page's origin, or a whole URL.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// How `{cookie:NAME}` in the body is written.
    pub body_fill: BodyFill,
}

/// How the page writes a cookie's value into the body in place of `{cookie:NAME}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BodyFill {
    /// Inside a JSON string (or plain text): escaped as a JSON string's content.
    #[default]
    Json,
    /// A form field (`application/x-www-form-urlencoded`), where the kit's own encoding
    /// wrote the placeholder as `%7Bcookie%3ANAME%7D`: percent-encoded.
    Form,
}

/// The page's own fill of `{cookie:NAME}` in the headers and the body (`init`, `jar`
/// and `FORM` are the script's): what an app's script does with a CSRF cookie it can
/// read. A cookie the page cannot read (none, or HttpOnly: `document.cookie` hides it)
/// is written empty, as such an app would send it.
const FILL: &str = r"
  for (const k in init.headers) init.headers[k] = init.headers[k]
    .replace(/\{cookie:([^}]+)\}/g, (_, n) => jar[n] ?? '');
  if (typeof init.body === 'string') init.body = FORM
    ? init.body.replace(/%7Bcookie%3A(.+?)%7D/g, (_, n) => encodeURIComponent(jar[decodeURIComponent(n)] ?? ''))
    : init.body.replace(/\{cookie:([^}]+)\}/g, (_, n) => JSON.stringify(jar[n] ?? '').slice(1, -1));
";

impl FetchRequest {
    /// `METHOD path`, for reports.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The cookies whose values the page writes into the request (`{cookie:NAME}`).
    pub fn cookies_read(&self) -> Vec<String> {
        let mut names = Vec::new();
        let texts = self.headers.iter().map(|(_, v)| v.as_str());
        for text in texts.chain(self.body.as_deref()) {
            for (open, close) in [("{cookie:", "}"), ("%7Bcookie%3A", "%7D")] {
                let mut rest = text;
                while let Some(start) = rest.find(open) {
                    rest = &rest[start + open.len()..];
                    let end = rest.find(close).unwrap_or(rest.len());
                    if !names.iter().any(|n| n == &rest[..end]) {
                        names.push(rest[..end].to_owned());
                    }
                    rest = &rest[end..];
                }
            }
        }
        names
    }

    /// The script: the page's `fetch`, bounded by `limit`, resolving to `{status, body}`
    /// or `{error}`. Redirects are not followed (a conformance client never follows
    /// them). `{cookie:NAME}` in a header value or the body is filled from the page's
    /// cookies ([`FILL`]), as an app copies a CSRF cookie into a header or a form field.
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
             const FORM = {form}; {fill} \
             if (init.body === null) delete init.body; \
             init.signal = AbortSignal.timeout({ms}); \
             const r = await fetch({path}, init); \
             const body = (await r.text()).slice(0, {cap}); \
             return {{ status: r.status, body }}; \
             }} catch (e) {{ return {{ error: String(e) }}; }} }})()",
            path = serde_json::Value::from(self.path.clone()),
            ms = limit.as_millis(),
            cap = BODY_CAP,
            form = self.body_fill == BodyFill::Form,
            fill = FILL,
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
