//! A session cookie under another name (`sid`).

use warp::http::header::HeaderMap;
use warp::http::{Method, StatusCode};
use warp::reply::Response;

use super::CAPABILITIES;
use crate::routes::{Routes, json, reference_state, replace_set_cookies, set_cookies};
use crate::shim::{self, Shim, cookie_pairs, with_cookies};

/// The renamed stack's session cookie.
pub const RENAMED: &str = "sid";

/// One session cookie `sid` (the reference's refresh token renamed; no access cookie).
/// With `strict`, a malformed `sid` value (no `=`, a quote, bytes outside URL-safe
/// base64, or longer than 512) makes its cookie parser throw: 500.
#[derive(Debug, Clone, Copy)]
pub struct Renamed {
    pub strict: bool,
}

impl Shim for Renamed {
    fn inbound(&self, _: &Method, _: &str, headers: HeaderMap) -> Result<HeaderMap, Box<Response>> {
        let pairs = cookie_pairs(&headers);
        let malformed = |v: &Option<Vec<u8>>| match v {
            None => true,
            Some(v) => {
                v.len() > 512
                    || !v
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            }
        };
        if self.strict && pairs.iter().any(|(n, v)| n == RENAMED && malformed(v)) {
            return Err(Box::new(json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({ "error": "Internal Server Error" }),
            )));
        }
        let inner: Vec<(String, Vec<u8>)> = pairs
            .into_iter()
            .filter(|(n, _)| n != "refreshToken" && n != "accessToken")
            .filter_map(|(n, v)| {
                let v = v?;
                Some(if n == RENAMED {
                    ("refreshToken".to_owned(), v)
                } else {
                    (n, v)
                })
            })
            .collect();
        Ok(with_cookies(headers, &inner))
    }

    fn outbound(&self, _: &Method, _: &str, _: &HeaderMap, answer: &mut Response) {
        let renamed: Vec<String> = set_cookies(answer)
            .into_iter()
            .filter_map(|c| {
                c.strip_prefix("refreshToken=")
                    .map(|rest| format!("{RENAMED}={rest}"))
            })
            .collect();
        replace_set_cookies(answer, renamed);
    }
}

/// The renamed stack's routes.
pub fn renamed(strict: bool) -> Routes {
    shim::routes(reference_state(), Renamed { strict })
}

/// Its profile.
pub fn renamed_profile() -> String {
    format!(
        r#"
version = 2

[session]
cookies = [{{ name = "{RENAMED}", role = "session" }}]
{CAPABILITIES}"#
    )
}
