//! Looking at a page as a person would: at a given window size, clicking with the mouse,
//! and a picture of the whole page. The HTML report's test uses these.

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use serde_json::{Value, json};

use super::cdp::CdpError;
use super::chromium::Chromium;
use super::error::BrowserError;
use super::tab::Page;

impl Chromium {
    /// Lays `page` out as in a window of `width` × `height` CSS pixels.
    pub async fn set_window(
        &self,
        page: &Page,
        width: u32,
        height: u32,
    ) -> Result<(), BrowserError> {
        let metrics = json!({
            "width": width,
            "height": height,
            "deviceScaleFactor": 1,
            "mobile": false,
        });
        self.bounded("set the page's size", async {
            self.call(
                Some(page.session()),
                "Emulation.setDeviceMetricsOverride",
                metrics,
            )
            .await
            .map(drop)
        })
        .await
    }

    /// Clicks the middle of the first element matching `selector` with the mouse (a
    /// real press and release, after scrolling it into view).
    pub async fn click(&self, page: &Page, selector: &str) -> Result<(), BrowserError> {
        let locate = format!(
            "(() => {{ const e = document.querySelector({}); if (e === null) return null; \
             e.scrollIntoView({{block: 'center', inline: 'center'}}); \
             const r = e.getBoundingClientRect(); \
             return {{x: r.left + r.width / 2, y: r.top + r.height / 2}}; }})()",
            Value::from(selector.to_owned())
        );
        self.bounded(&format!("click {selector}"), async {
            let at = self.evaluate(page, &locate).await?;
            let (Some(x), Some(y)) = (at["x"].as_f64(), at["y"].as_f64()) else {
                return Err(CdpError::Failed(format!("no element matches {selector}")));
            };
            for (kind, buttons) in [("mouseMoved", 0), ("mousePressed", 1), ("mouseReleased", 0)] {
                let event = json!({
                    "type": kind, "x": x, "y": y, "button": "left",
                    "buttons": buttons, "clickCount": 1,
                });
                self.call(Some(page.session()), "Input.dispatchMouseEvent", event)
                    .await?;
            }
            Ok(())
        })
        .await
    }

    /// A PNG of the whole page, beyond the window too.
    pub async fn screenshot(&self, page: &Page) -> Result<Vec<u8>, BrowserError> {
        self.bounded("take a screenshot", async {
            let session = Some(page.session());
            let metrics = self
                .call(session, "Page.getLayoutMetrics", json!({}))
                .await?;
            let size = &metrics["cssContentSize"];
            let (Some(width), Some(height)) = (size["width"].as_f64(), size["height"].as_f64())
            else {
                return Err(CdpError::Failed("the page's size is unknown".into()));
            };
            let params = json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            });
            let shot = self.call(session, "Page.captureScreenshot", params).await?;
            let data = shot["data"].as_str().unwrap_or_default();
            BASE64_STANDARD
                .decode(data)
                .map_err(|e| CdpError::Failed(format!("an unreadable screenshot: {e}")))
        })
        .await
    }
}
