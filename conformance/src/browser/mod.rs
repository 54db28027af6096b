//! A headless Chromium driven over the Chrome DevTools Protocol: found on the machine
//! ([`find`]), started with a fresh profile ([`launch`]) and always killed when done
//! ([`Chromium::close`], or on drop). The protocol is spoken by a small client of the
//! kit's own ([`cdp`]) over the browser's debugging pipe, with only the commands the kit
//! sends. LO-40 uses it to log in and out in a real browser; the HTML report's test uses
//! it to look at the report.

mod cdp;
mod chromium;
mod console;
mod cookie;
mod error;
mod fetch;
mod find;
mod look;
mod page;
mod process;
mod tab;
mod visit;

pub use chromium::{Chromium, launch};
pub use cookie::Cookie;
pub use error::BrowserError;
pub use fetch::{BodyFill, FetchRequest};
pub use find::{NAMES, find, usable};
pub use tab::Page;
pub use visit::{Event, Fetched, HeldCookie, Visit};
