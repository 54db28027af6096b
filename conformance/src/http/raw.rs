//! Requests written byte by byte on a TCP connection, for inputs an HTTP client library
//! refuses or repairs (a Cookie header of non-UTF-8 bytes, a cookie with no `=`).
//!
//! The answer is read under the same [`Policy`] as every other exchange — one deadline,
//! a capped header block, a capped body — and parsed as it arrives, so that an endless
//! or gigantic answer is stopped at the cap instead of being read to its end. A dropped
//! connection is an answer too: none.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::timeout_at;

use crate::http::exchange::{Header, ResponseRecord};
use crate::http::no_answer::NoAnswer;
use crate::http::policy::{Collected, MAX_HEADER_BLOCK, MAX_HEADER_LINES, Policy};

/// How much is read from the socket at a time.
const READ_SIZE: usize = 16 << 10;

/// The longest chunk-size line accepted (with its extensions).
const MAX_CHUNK_LINE: usize = 4 << 10;

/// Sends `head` (request line and headers, without the final blank line) and `body`
/// with `Connection: close`, and reads the answer under `policy`.
pub async fn send(
    addr: &str,
    head: &[u8],
    body: &[u8],
    policy: &Policy,
) -> Result<ResponseRecord, NoAnswer> {
    let deadline = policy.deadline();
    let mut stream = match timeout_at(deadline, TcpStream::connect(addr)).await {
        Err(_) => return Err(NoAnswer::no_connection(policy.timeout)),
        Ok(Err(e)) => return Err(NoAnswer::broken(format!("cannot connect to {addr}: {e}"))),
        Ok(Ok(stream)) => stream,
    };
    let mut request = head.to_vec();
    request.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    request.extend_from_slice(body);
    // A server may answer and close before reading everything (a 431 for a huge
    // header): what it answered counts, so a failed write is reported only when
    // nothing arrives.
    let written = match timeout_at(deadline, stream.write_all(&request)).await {
        Err(_) => return Err(NoAnswer::no_head(policy.timeout, 0)),
        Ok(result) => result,
    };
    let mut reader = Reader::new(policy.max_body);
    let mut buf = vec![0; READ_SIZE];
    loop {
        let n = match timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return Err(reader.timed_out(policy)),
            Ok(Ok(n)) => n,
            // A reset after the answer is the server's business; keep what arrived.
            Ok(Err(e)) if reader.received == 0 => {
                let why = match &written {
                    Err(w) => format!("the connection failed while sending: {w}"),
                    Ok(()) => format!("the connection failed: {e}"),
                };
                return Err(NoAnswer::broken(why));
            }
            Ok(Err(_)) => 0,
        };
        if n == 0 {
            return reader.finish();
        }
        if let Some(done) = reader.feed(&buf[..n])? {
            return Ok(done);
        }
    }
}

/// An answer parsed as its bytes arrive.
#[derive(Debug)]
pub struct Reader {
    max_body: usize,
    /// Every byte received.
    received: usize,
    /// The header block so far, until it is complete.
    head: Vec<u8>,
    /// After the header block: the body and how it ends.
    body: Option<(Collected, Framing)>,
}

/// How the body ends.
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    /// After this many more bytes.
    Length(u64),
    /// After the last chunk; `pending` holds what is not decoded yet.
    Chunked { pending: Vec<u8>, state: Chunk },
    /// When the connection closes.
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk: this many data bytes to go.
    Data(u64),
    /// Expecting the CRLF after a chunk's data.
    End,
}

impl Reader {
    /// A reader whose body cap is `max_body` bytes.
    pub fn new(max_body: usize) -> Self {
        Self {
            max_body,
            received: 0,
            head: Vec::new(),
            body: None,
        }
    }

    /// Takes the next bytes; the answer once it is complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Option<ResponseRecord>, NoAnswer> {
        self.received += bytes.len();
        if self.body.is_some() {
            return self.feed_body(bytes);
        }
        self.head.extend_from_slice(bytes);
        let mut lines = vec![httparse::EMPTY_HEADER; MAX_HEADER_LINES];
        let mut response = httparse::Response::new(&mut lines);
        let head_len = match response.parse(&self.head) {
            Ok(httparse::Status::Complete(n)) if n <= MAX_HEADER_BLOCK => n,
            Ok(httparse::Status::Partial) if self.head.len() <= MAX_HEADER_BLOCK => {
                return Ok(None);
            }
            Ok(_) => {
                let detail = format!("more than {MAX_HEADER_BLOCK} bytes");
                return Err(NoAnswer::head_exceeded(detail, response.code));
            }
            Err(httparse::Error::TooManyHeaders) => {
                let detail = format!("more than {MAX_HEADER_LINES} lines");
                return Err(NoAnswer::head_exceeded(detail, response.code));
            }
            Err(e) => {
                return Err(NoAnswer::broken(format!(
                    "the answer is not HTTP: {e} (first bytes: {})",
                    crate::http::exchange::escape_bytes(&self.head[..self.head.len().min(64)])
                )));
            }
        };
        let status = response.code.unwrap_or_default();
        let headers: Vec<Header> = response
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
            .collect();
        let rest = self.head.split_off(head_len);
        self.head = Vec::new();
        if (100..200).contains(&status) {
            // An interim answer (103 Early Hints); the real one follows.
            self.received -= rest.len();
            return self.feed(&rest);
        }
        let record = ResponseRecord {
            status,
            headers,
            body: Vec::new(),
        };
        let framing = framing(&record)?;
        if matches!(status, 204 | 304) || framing == Framing::Length(0) {
            return Ok(Some(record));
        }
        self.body = Some((Collected::new(self.max_body, record), framing));
        self.feed_body(&rest)
    }

    fn feed_body(&mut self, bytes: &[u8]) -> Result<Option<ResponseRecord>, NoAnswer> {
        let Some((body, framing)) = &mut self.body else {
            return Ok(None);
        };
        let complete = match framing {
            Framing::Close => {
                body.push(bytes)?;
                false
            }
            Framing::Length(left) => {
                let take = bytes
                    .len()
                    .min(usize::try_from(*left).unwrap_or(usize::MAX));
                body.push(&bytes[..take])?;
                *left -= take as u64;
                *left == 0
            }
            Framing::Chunked { pending, state } => {
                pending.extend_from_slice(bytes);
                let (used, done) = dechunk(pending, state, body)?;
                pending.drain(..used);
                done
            }
        };
        if !complete {
            return Ok(None);
        }
        Ok(self.body.take().map(|(body, _)| body.done()))
    }

    /// The connection closed: the answer if it was complete.
    pub fn finish(mut self) -> Result<ResponseRecord, NoAnswer> {
        match self.body.take() {
            None if self.received == 0 => Err(NoAnswer::broken(
                "no answer: the connection closed without a byte",
            )),
            None => Err(NoAnswer::broken(format!(
                "no answer: the connection closed without a complete HTTP answer \
                 ({} bytes received)",
                self.received
            ))),
            Some((body, Framing::Close)) => Ok(body.done()),
            Some((body, _)) => {
                let why = format!(
                    "the connection closed before the body was complete ({} bytes read)",
                    body.read()
                );
                Err(body.broken(why))
            }
        }
    }

    /// The deadline passed.
    fn timed_out(mut self, policy: &Policy) -> NoAnswer {
        match self.body.take() {
            None => NoAnswer::no_head(policy.timeout, self.received),
            Some((body, _)) => body.stalled(policy.timeout),
        }
    }
}

/// How the body of `record` ends; chunked wins over a length, as RFC 9112 says.
fn framing(record: &ResponseRecord) -> Result<Framing, NoAnswer> {
    let chunked = record
        .header_all("transfer-encoding")
        .iter()
        .any(|te| te.trim().to_ascii_lowercase().ends_with("chunked"));
    if chunked {
        return Ok(Framing::Chunked {
            pending: Vec::new(),
            state: Chunk::Size,
        });
    }
    let lengths = record.header_all("content-length");
    let Some(first) = lengths.first() else {
        return Ok(Framing::Close);
    };
    match first.trim().parse::<u64>() {
        Ok(n) if lengths.iter().all(|l| l.trim() == first.trim()) => Ok(Framing::Length(n)),
        _ => Err(NoAnswer::broken(format!(
            "the answer is not valid HTTP: Content-Length {lengths:?}"
        ))),
    }
}

/// Decodes what `bytes` holds of a chunked body into `body`: how many bytes it used, and
/// whether the last chunk came (trailers, if any, are not the contract's business).
fn dechunk(
    bytes: &[u8],
    state: &mut Chunk,
    body: &mut Collected,
) -> Result<(usize, bool), NoAnswer> {
    let mut used = 0;
    loop {
        let rest = &bytes[used..];
        match *state {
            Chunk::Size => match httparse::parse_chunk_size(rest) {
                Ok(httparse::Status::Complete((_, 0))) => return Ok((used, true)),
                Ok(httparse::Status::Complete((line, size))) => {
                    used += line;
                    *state = Chunk::Data(size);
                }
                Ok(httparse::Status::Partial) if rest.len() <= MAX_CHUNK_LINE => {
                    return Ok((used, false));
                }
                _ => {
                    return Err(NoAnswer::broken(
                        "the answer is not valid HTTP: bad chunk size",
                    ));
                }
            },
            Chunk::Data(left) => {
                let take = rest.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                if take == 0 {
                    return Ok((used, false));
                }
                body.push(&rest[..take])?;
                used += take;
                let left = left - take as u64;
                *state = if left == 0 {
                    Chunk::End
                } else {
                    Chunk::Data(left)
                };
            }
            Chunk::End => {
                if rest.len() < 2 {
                    return Ok((used, false));
                }
                if &rest[..2] != b"\r\n" {
                    return Err(NoAnswer::broken(
                        "the answer is not valid HTTP: a chunk does not end with CRLF",
                    ));
                }
                used += 2;
                *state = Chunk::Size;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::no_answer::Failure;

    /// Feeds `bytes` in pieces of `step` bytes, then the end of the connection.
    fn read(bytes: &[u8], step: usize, max_body: usize) -> Result<ResponseRecord, NoAnswer> {
        let mut reader = Reader::new(max_body);
        for piece in bytes.chunks(step) {
            if let Some(done) = reader.feed(piece)? {
                return Ok(done);
            }
        }
        reader.finish()
    }

    #[test]
    fn parses_length_chunked_and_close_delimited_answers_in_any_pieces() {
        for step in [1, 3, 1000] {
            let plain = read(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=\r\nSet-Cookie: b=\r\n\r\n{}",
                step,
                1 << 20,
            )
            .expect("parses");
            assert_eq!(plain.status, 200);
            assert_eq!(plain.body, b"{}");
            assert_eq!(plain.set_cookies(), vec!["a=", "b="]);
            let chunked = read(
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n2\r\n\"}\r\n0\r\n\r\n",
                step,
                1 << 20,
            )
            .expect("parses");
            assert_eq!(
                (chunked.status, chunked.body.as_slice()),
                (500, &b"{\"a\"}"[..])
            );
            let close = read(b"HTTP/1.1 200 OK\r\n\r\nuntil close", step, 1 << 20);
            assert_eq!(close.expect("parses").body, b"until close");
        }
    }

    #[test]
    fn incomplete_garbage_and_oversized_answers_are_the_targets() {
        let short = read(
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}",
            4,
            1 << 20,
        );
        assert_eq!(short.expect_err("short").failure, Failure::Broken);
        assert_eq!(
            read(b"", 1, 10).expect_err("empty").failure,
            Failure::Broken
        );
        let garbage = read(b"\x00\x01 certainly not HTTP\r\n\r\n", 8, 10).expect_err("garbage");
        assert!(garbage.message.contains("not HTTP"), "{garbage}");
        let big = read(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 64, 10);
        let mut reader = Reader::new(10);
        assert!(
            reader
                .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
                .expect("head")
                .is_none()
        );
        let over = reader.feed(&[b'a'; 11]).expect_err("over the cap");
        assert_eq!((over.failure, over.body_read), (Failure::Exceeded, 11));
        assert_eq!(big.expect_err("cut").failure, Failure::Broken);
        let mut endless = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        endless.extend(b"4\r\nabcd\r\n".repeat(10));
        let cut = read(&endless, 7, 16).expect_err("endless");
        assert_eq!(cut.failure, Failure::Exceeded);
        assert!(cut.partial.expect("kept").body.len() <= 16);
        let mut head = b"HTTP/1.1 200 OK\r\nX-Padding: ".to_vec();
        head.extend(vec![b'a'; 100 << 10]);
        let huge = read(&head, READ_SIZE, 10).expect_err("huge head");
        assert_eq!(huge.failure, Failure::Exceeded);
        let many = format!("HTTP/1.1 200 OK\r\n{}\r\n", "a: b\r\n".repeat(300));
        let many = read(many.as_bytes(), 1000, 10).expect_err("many lines");
        assert!(many.message.contains("lines"), "{many}");
    }
}
