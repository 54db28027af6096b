//! Requests written byte by byte on a TCP connection, for inputs an HTTP client library
//! refuses or repairs (a Cookie header of non-UTF-8 bytes, a cookie with no `=`).
//! The answer is parsed with `httparse`; a dropped connection is an answer too: none.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::http::exchange::{Header, ResponseRecord};

/// Why a raw request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum RawError {
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the connection closed without a complete HTTP answer ({0} bytes received)")]
    Incomplete(usize),
    #[error("the answer is not valid HTTP: {0}")]
    Invalid(String),
}

/// Sends `head` (request line and headers, without the final blank line) and `body`
/// with `Connection: close`, and reads the whole answer.
pub async fn send(
    addr: &str,
    head: &[u8],
    body: &[u8],
    timeout: Duration,
) -> Result<ResponseRecord, RawError> {
    tokio::time::timeout(timeout, exchange(addr, head, body))
        .await
        .map_err(|_| RawError::Timeout(timeout))?
}

async fn exchange(addr: &str, head: &[u8], body: &[u8]) -> Result<ResponseRecord, RawError> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|source| RawError::Connect {
            addr: addr.to_owned(),
            source,
        })?;
    let mut request = head.to_vec();
    request.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    request.extend_from_slice(body);
    stream.write_all(&request).await?;
    let mut received = Vec::new();
    // A reset after a complete answer is the server's business; keep what arrived.
    if let Err(e) = stream.read_to_end(&mut received).await
        && received.is_empty()
    {
        return Err(e.into());
    }
    parse(&received)
}

/// Parses a complete HTTP/1.1 answer read until the connection closed.
pub fn parse(bytes: &[u8]) -> Result<ResponseRecord, RawError> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(RawError::Incomplete(bytes.len())),
        Err(e) => return Err(RawError::Invalid(e.to_string())),
    };
    let status = response
        .code
        .ok_or_else(|| RawError::Invalid("no status code".into()))?;
    let headers: Vec<Header> = response
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
        .collect();
    let rest = &bytes[head_len..];
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
    };
    let body = if find("transfer-encoding").is_some_and(|te| te.ends_with("chunked")) {
        dechunk(rest)?
    } else if let Some(len) = find("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| RawError::Invalid(format!("Content-Length {len:?}")))?;
        if rest.len() < len {
            return Err(RawError::Incomplete(bytes.len()));
        }
        rest[..len].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(ResponseRecord {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, RawError> {
    let mut body = Vec::new();
    loop {
        match httparse::parse_chunk_size(rest) {
            // The last chunk; trailers, if any, are not the contract's business.
            Ok(httparse::Status::Complete((_, 0))) => return Ok(body),
            Ok(httparse::Status::Complete((start, size))) => {
                let size = usize::try_from(size)
                    .map_err(|_| RawError::Invalid("chunk too large".into()))?;
                let end = start + size;
                if rest.len() < end + 2 {
                    return Err(RawError::Incomplete(body.len()));
                }
                body.extend_from_slice(&rest[start..end]);
                rest = &rest[end + 2..];
            }
            Ok(httparse::Status::Partial) => return Err(RawError::Incomplete(body.len())),
            Err(_) => return Err(RawError::Invalid("bad chunk size".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_length_and_chunked_answers() {
        let plain = parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=\r\nSet-Cookie: b=\r\n\r\n{}",
        )
        .expect("parses");
        assert_eq!(plain.status, 200);
        assert_eq!(plain.body, b"{}");
        assert_eq!(plain.set_cookies(), vec!["a=", "b="]);
        let chunked = parse(
            b"HTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n2\r\n\"}\r\n0\r\n\r\n",
        )
        .expect("parses");
        assert_eq!(chunked.body, b"{\"a\"}");
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}"),
            Err(RawError::Incomplete(_))
        ));
        assert!(matches!(parse(b""), Err(RawError::Incomplete(0))));
    }
}
