//! A signed cookie pair (`koa.sess` + `koa.sess.sig`), as Koa writes sessions.

use std::hash::Hasher as _;

use warp::http::Method;
use warp::http::header::HeaderMap;
use warp::reply::Response;

use super::CAPABILITIES;
use crate::routes::{Routes, reference_state, replace_set_cookies, set_cookies};
use crate::shim::{self, Shim, cookie_pairs, with_cookies};

/// The session cookie of the signed-pair stack, and its signature cookie.
pub const SIGNED: &str = "koa.sess";
const SIGNATURE: &str = "koa.sess.sig";

fn sign(value: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(b"a key only the server knows");
    hasher.write(value);
    format!("{:016x}", hasher.finish())
}

/// A session in a signed pair, as Koa's sessions and Express's cookie-session keep it:
/// `koa.sess` and `koa.sess.sig`. A value whose signature is not presented is no session
/// at all. With `first_only`, the target reads the first `koa.sess` alone (the common
/// cookie parser); otherwise every value a presented signature vouches for.
#[derive(Debug, Clone, Copy)]
pub struct Signed {
    pub first_only: bool,
}

impl Shim for Signed {
    fn inbound(&self, _: &Method, _: &str, headers: HeaderMap) -> Result<HeaderMap, Box<Response>> {
        let pairs = cookie_pairs(&headers);
        let signatures: Vec<Vec<u8>> = pairs
            .iter()
            .filter(|(n, _)| n == SIGNATURE)
            .filter_map(|(_, v)| v.clone())
            .collect();
        let values = pairs
            .iter()
            .filter(|(n, _)| n == SIGNED)
            .filter_map(|(_, v)| v.clone());
        let read: Vec<Vec<u8>> = if self.first_only {
            values.take(1).collect()
        } else {
            values.collect()
        };
        let mut inner: Vec<(String, Vec<u8>)> = read
            .into_iter()
            .filter(|v| signatures.iter().any(|s| *s == sign(v).into_bytes()))
            .map(|v| ("refreshToken".to_owned(), v))
            .collect();
        inner.extend(
            pairs
                .into_iter()
                .filter(|(n, _)| {
                    ![SIGNED, SIGNATURE, "refreshToken", "accessToken"].contains(&n.as_str())
                })
                .filter_map(|(n, v)| v.map(|v| (n, v))),
        );
        Ok(with_cookies(headers, &inner))
    }

    fn outbound(&self, _: &Method, _: &str, _: &HeaderMap, answer: &mut Response) {
        let mut out = Vec::new();
        for set_cookie in set_cookies(answer) {
            let Some(rest) = set_cookie.strip_prefix("refreshToken=") else {
                continue;
            };
            let (value, attributes) = rest.split_once(';').unwrap_or((rest, ""));
            let signature = if value.is_empty() {
                String::new()
            } else {
                sign(value.as_bytes())
            };
            out.push(format!("{SIGNED}={value};{attributes}"));
            out.push(format!("{SIGNATURE}={signature};{attributes}"));
        }
        replace_set_cookies(answer, out);
    }
}

/// The signed-pair stack's routes.
pub fn signed(first_only: bool) -> Routes {
    shim::routes(reference_state(), Signed { first_only })
}

/// Its profile: one session cookie; the signature cookie is the kit's to carry along.
pub fn signed_profile() -> String {
    format!(
        r#"
version = 2

[session]
cookies = [{{ name = "{SIGNED}", role = "session" }}]
{CAPABILITIES}"#
    )
}
