//! One HTTP request and its answer, kept for checks and for failure output.
//!
//! Failure output shows the whole exchange, so anything that could be a credential is
//! masked when it is displayed: long cookie values, and JSON string fields whose name
//! mentions a token or a password.

use std::fmt;
use std::time::Duration;

use crate::http::no_answer::NoAnswer;

pub use crate::http::record::{Header, RequestRecord, ResponseRecord};

/// Cookie values at least this long are masked in output (tokens are longer; the
/// short malformed inputs the suite sends stay readable).
const MASK_FROM_LEN: usize = 16;

/// A request, its answer (or why there was none) and how long it took.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// What the step was doing, e.g. "logout" or "probe refresh token".
    pub label: String,
    pub request: RequestRecord,
    pub response: Result<ResponseRecord, NoAnswer>,
    pub elapsed: Duration,
}

impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.request;
        writeln!(f, "  --- {} ({} ms)", self.label, self.elapsed.as_millis())?;
        writeln!(f, "  > {} {}", r.method, r.url)?;
        for (name, value) in &r.headers {
            writeln!(f, "  > {name}: {}", mask_header(name, value))?;
        }
        if !r.body.is_empty() {
            writeln!(f, "  > {}", mask_body(&r.body))?;
        }
        match &self.response {
            Err(e) => {
                if let Some(partial) = &e.partial {
                    write_answer(f, partial, true)?;
                }
                writeln!(f, "  < {}", e.message)
            }
            Ok(resp) => write_answer(f, resp, false),
        }
    }
}

/// An answer as the transcript shows it; of an `unfinished` one only the start of the
/// body was kept.
fn write_answer(
    f: &mut fmt::Formatter<'_>,
    resp: &ResponseRecord,
    unfinished: bool,
) -> fmt::Result {
    writeln!(f, "  < {}", resp.status)?;
    for (name, value) in &resp.headers {
        writeln!(f, "  < {name}: {}", mask_header(name, value))?;
    }
    if unfinished && !resp.body.is_empty() {
        let note = "the start of a body not read to its end";
        writeln!(f, "  < {}", shown_body(&resp.body, note))?;
    } else if !resp.body.is_empty() {
        writeln!(f, "  < {}", mask_body(&resp.body))?;
    }
    Ok(())
}

/// A header value fit for output: cookie values masked, bytes that are not printable
/// ASCII shown as `\xHH`.
pub fn mask_header(name: &str, value: &[u8]) -> String {
    let text = escape_bytes(value);
    if name.eq_ignore_ascii_case("cookie") {
        text.split(';').map(mask_pair).collect::<Vec<_>>().join(";")
    } else if name.eq_ignore_ascii_case("set-cookie") {
        match text.split_once(';') {
            Some((pair, rest)) => format!("{};{rest}", mask_pair(pair)),
            None => mask_pair(&text),
        }
    } else {
        text
    }
}

fn mask_pair(pair: &str) -> String {
    match pair.split_once('=') {
        Some((name, value)) if value.trim().len() >= MASK_FROM_LEN => {
            format!("{name}=«masked, {} chars»", value.trim().len())
        }
        _ => pair.to_owned(),
    }
}

/// A body fit for output: JSON fields named like tokens or passwords masked, long
/// bodies cut.
pub fn mask_body(body: &[u8]) -> String {
    shown_body(body, &format!("{} bytes in all", body.len()))
}

/// The body as output shows it, cut after 2 KiB with `note` saying what was cut.
fn shown_body(body: &[u8], note: &str) -> String {
    const LIMIT: usize = 2048;
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut json) => {
            mask_json(&mut json);
            json.to_string()
        }
        Err(_) => escape_bytes(body),
    };
    if text.len() > LIMIT {
        let cut = (0..=LIMIT)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        format!("{}… ({note})", &text[..cut])
    } else {
        text
    }
}

fn mask_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let key = key.to_ascii_lowercase();
                if (key.contains("token") || key.contains("password")) && v.is_string() {
                    *v = serde_json::Value::String("«masked»".into());
                } else {
                    mask_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// Bytes as text, with anything that is not printable ASCII written `\xHH`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b == b' ' || b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_and_short_values_kept() {
        let token = "A".repeat(43);
        let cookie = mask_header("Cookie", format!("refreshToken={token}; x=abc").as_bytes());
        assert_eq!(cookie, "refreshToken=«masked, 43 chars»; x=abc");
        let set = mask_header(
            "set-cookie",
            format!("accessToken={token}; Path=/").as_bytes(),
        );
        assert_eq!(set, "accessToken=«masked, 43 chars»; Path=/");
        let cleared = mask_header("set-cookie", b"accessToken=; Path=/");
        assert_eq!(cleared, "accessToken=; Path=/");
        let body = mask_body(br#"{"refreshToken":"secret","password":"hunter2","message":"ok"}"#);
        assert!(
            !body.contains("secret") && !body.contains("hunter2"),
            "{body}"
        );
        assert!(body.contains("ok"), "{body}");
        assert_eq!(
            mask_header("cookie", b"refreshToken=\xff\xfe"),
            "refreshToken=\\xff\\xfe"
        );
    }

    #[test]
    fn json_media_type_ignores_case_and_parameters() {
        let with = |ct: &str| ResponseRecord {
            headers: vec![("content-type".into(), ct.as_bytes().to_vec())],
            ..ResponseRecord::default()
        };
        assert!(with("application/json").is_json());
        assert!(with("Application/JSON; charset=utf-8").is_json());
        assert!(!with("text/html").is_json());
        assert!(!ResponseRecord::default().is_json());
    }
}
