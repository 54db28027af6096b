//! LO-11's requests, written byte by byte on a raw connection because an HTTP client
//! library would refuse or repair them (non-UTF-8 cookie bytes, a cookie with no `=`),
//! and the byte notation the feature files write them in. They follow the same policy
//! as every other exchange ([`raw::send`]).

use std::time::Instant;

use cucumber::when;

use crate::http::exchange::{Exchange, RequestRecord};
use crate::http::raw;
use crate::run::late_body;
use crate::run::request::{Cookies, Expect, Request};
use crate::run::steps::session::{csrf_pairs, refresh_name};
use crate::run::template;
use crate::run::world::LogoutWorld;
use crate::verdict::check::could_not_run;

#[when(regex = r"^the client logs out over a raw connection with the Cookie header (.+)$")]
async fn raw_cookie(world: &mut LogoutWorld, notation: String) {
    // `{refresh}` is the profile's refresh (or session) cookie name, so that every row
    // tests the cookie the target reads.
    let notation = notation.replace("{refresh}", &refresh_name(world));
    let cookie = decode_notation(&notation).unwrap_or_else(|e| could_not_run(e));
    let exchange = send_raw_cookie(world, cookie).await;
    world.expect = Expect::InvalidToken;
    world.answers.push(exchange);
}

/// Sends the ordinary logout with this `Cookie` header, byte for byte, followed by the
/// session's companion cookies (CSRF, signature cookies) as a browser would send them,
/// and keeps the exchange in the transcript.
pub(crate) async fn send_raw_cookie(world: &mut LogoutWorld, mut cookie: Vec<u8>) -> Exchange {
    let companions = csrf_pairs(world);
    for pair in &companions {
        cookie.extend_from_slice(b"; ");
        cookie.extend_from_slice(pair.as_bytes());
    }
    let target = world.target();
    // The ordinary logout's method, body and headers (`[logout]`, `[defaults]`), with
    // only the Cookie header written by hand.
    let mut logout = Request::logout(&target, Cookies::None);
    let mut previous = world.session.as_ref().and_then(|s| s.login_body.clone());
    if let Some(mut before) = logout.before.take() {
        // Its `before` request (a CSRF token) first, with the session's companion
        // cookies: the hand-written bytes cannot travel in a client library's header.
        // What its answer sets the raw header does not already hold is appended.
        before.cookies = match companions.is_empty() {
            true => Cookies::None,
            false => Cookies::Header(companions.join("; ")),
        };
        let exchange = world.send_setup(*before).await;
        if let Ok(answer) = &exchange.response {
            for (name, value) in answer.set_cookie_pairs() {
                if !companions
                    .iter()
                    .any(|p| p.starts_with(&format!("{name}=")))
                {
                    cookie.extend_from_slice(format!("; {name}={value}").as_bytes());
                }
            }
            previous = answer.json().or(previous);
        }
    }
    let url = target.endpoint.url(&target.profile.logout.path);
    let authority = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (host, None) => host.unwrap_or_default().to_owned(),
        (None, Some(_)) => could_not_run("the target URL has no host"),
    };
    let text_cookie = String::from_utf8_lossy(&cookie).into_owned();
    let late = late_body::late_body(&logout, Some(&text_cookie), previous.as_ref());
    let body = late.bytes.clone();
    let mut headers: Vec<(String, Vec<u8>)> = vec![("host".into(), authority.into_bytes())];
    if let Some(ct) = &late.content_type {
        headers.push(("content-type".into(), ct.clone().into_bytes()));
    }
    headers.push(("content-length".into(), body.len().to_string().into_bytes()));
    headers.push(("cookie".into(), cookie.clone()));
    for (name, value) in template::late(&logout.headers, Some(&text_cookie), previous.as_ref()) {
        headers.push((name, value.into_bytes()));
    }
    let mut head = format!("{} {} HTTP/1.1", logout.method, url.path()).into_bytes();
    for (name, value) in &headers {
        head.extend_from_slice(format!("\r\n{name}: ").as_bytes());
        head.extend_from_slice(value);
    }
    let record = RequestRecord {
        method: logout.method.clone(),
        url: url.to_string(),
        headers,
        body: body.clone(),
    };
    let started = Instant::now();
    let response = match world.stopped() {
        Some(not_sent) => Err(not_sent),
        None => {
            let addr = target.endpoint.socket_addr();
            raw::send(&addr, &head, &body, target.endpoint.policy()).await
        }
    };
    let exchange = Exchange {
        label: "logout over a raw connection".into(),
        request: record,
        response,
        elapsed: started.elapsed(),
    };
    world.keep(&exchange);
    exchange
}

/// Reads the byte notation of the feature files: `{bytes ff fe}` is the bytes 0xFF 0xFE,
/// `{N × "c"}` is the text `c` repeated N times, everything else stands for itself.
pub(crate) fn decode_notation(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.extend_from_slice(&rest.as_bytes()[..open]);
        let inner = &rest[open + 1..];
        let close = inner
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in {text:?}"))?;
        let spec = &inner[..close];
        if let Some(hex) = spec.strip_prefix("bytes ") {
            for byte in hex.split_whitespace() {
                out.push(
                    u8::from_str_radix(byte, 16)
                        .map_err(|_| format!("bad byte {byte:?} in {text:?}"))?,
                );
            }
        } else {
            let (count, unit) = spec
                .split_once('×')
                .ok_or_else(|| format!("expected {{bytes HH …}} or {{N × \"c\"}} in {text:?}"))?;
            let count: usize = count
                .trim()
                .parse()
                .map_err(|_| format!("bad count in {text:?}"))?;
            out.extend(unit.trim().trim_matches('"').repeat(count).into_bytes());
        }
        rest = &inner[close + 1..];
    }
    out.extend_from_slice(rest.as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decode_notation;

    #[test]
    fn notation_writes_bytes_and_repeats() {
        assert_eq!(
            decode_notation("a={bytes ff 28}").expect("ok"),
            b"a=\xff\x28"
        );
        let long = decode_notation("t={4096 × \"a\"};").expect("ok");
        assert_eq!(long.len(), 2 + 4096 + 1);
        assert_eq!(decode_notation(";;;").expect("ok"), b";;;");
        assert_eq!(
            decode_notation("refreshToken=\"abc").expect("ok"),
            b"refreshToken=\"abc"
        );
        assert!(decode_notation("{bytes zz}").is_err());
        assert!(decode_notation("{4 x}").is_err());
    }
}
