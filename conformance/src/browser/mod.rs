//! A headless Chromium driven over the Chrome DevTools Protocol (chromiumoxide): found on
//! the machine ([`find`]), started with a fresh profile ([`launch`]) and always killed
//! when done ([`Chromium::close`], or on drop). LO-40 uses it to log in and out in a real
//! browser; the HTML report's test uses it to look at the report.

mod chromium;
mod error;
mod fetch;
mod find;
mod visit;

pub use chromium::{Chromium, launch};
pub use error::BrowserError;
pub use fetch::FetchRequest;
pub use find::{NAMES, find, usable};
pub use visit::{Event, Fetched, HeldCookie, Visit};

/// A tab, for callers that drive a page themselves (click, screenshot).
pub use chromiumoxide::Page;
/// What the browser's cookie store holds: one cookie as CDP reports it (HttpOnly cookies
/// included).
pub use chromiumoxide::cdp::browser_protocol::network::Cookie;
