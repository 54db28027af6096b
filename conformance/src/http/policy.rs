//! One HTTP policy for every exchange with the target, whether reqwest sends it or the
//! kit writes it byte by byte ([`raw`](crate::http::raw)).
//!
//! The target may be broken or hostile: it may never answer, stall halfway, stream an
//! endless body or announce a gigabyte. None of that may crash the kit, hang the run or
//! fill its memory, so every exchange is bounded:
//! - **time**: the connection, the header block and the whole answer must each arrive by
//!   one deadline, `--timeout` after the exchange starts, so that no phase can stretch
//!   an exchange beyond it;
//! - **size**: the header block is read up to [`MAX_HEADER_BLOCK`] bytes and
//!   [`MAX_HEADER_LINES`] lines, the body as it arrives, chunk by chunk, up to
//!   `--max-body` bytes, and reading stops there;
//! - **redirects** are never followed: a 3xx is the answer.
//!
//! Reaching a limit is the target's failure in its scenario, shown with what arrived;
//! what the kit itself cannot send is its own limit ([`NoAnswer`]).

use std::sync::Arc;
use std::time::Duration;

use reqwest_cookie_store::CookieStoreMutex;
use tokio::time::{Instant, timeout_at};

pub use crate::http::limits::{MAX_HEADER_BLOCK, MAX_HEADER_LINES};
use crate::http::no_answer::NoAnswer;
use crate::http::record::{Header, ResponseRecord};

/// The default body cap: a logout answer is a few dozen bytes; a mebibyte is generous for
/// any answer the suite reads, and small enough that many in flight stay cheap.
pub const DEFAULT_MAX_BODY: usize = 1 << 20;

/// What the transcript keeps of a body that was not read to its end: enough to show,
/// small enough that a hundred such answers in one scenario cost nothing.
const KEPT_OF_UNFINISHED: usize = 4 << 10;

/// The limits of every exchange with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Connection, header block and whole answer, each by this long after the start.
    pub timeout: Duration,
    /// The largest body read; one byte more is the target's failure.
    pub max_body: usize,
}

impl Policy {
    /// The policy of `--timeout` with the default body cap.
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// The same policy with another body cap.
    pub fn with_max_body(self, max_body: usize) -> Self {
        Self { max_body, ..self }
    }

    /// When an exchange starting now must be over.
    pub fn deadline(&self) -> Instant {
        let now = Instant::now();
        // A timeout too large to add means "no deadline worth the name": a year.
        now.checked_add(self.timeout)
            .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600))
    }

    /// A client with this policy's settings: no redirects, a connect timeout, at most
    /// [`MAX_HEADER_LINES`] header lines. The deadline of the whole exchange is applied
    /// by [`Policy::exchange`], which reads the body itself.
    pub fn client(&self, jar: Option<Arc<CookieStoreMutex>>) -> reqwest::Client {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.timeout)
            .http1_max_headers(MAX_HEADER_LINES)
            .no_proxy();
        let builder = match jar {
            Some(jar) => builder.cookie_provider(jar),
            None => builder,
        };
        // Building fails only when the TLS or resolver backends cannot start; neither is
        // configured here.
        builder
            .build()
            .unwrap_or_else(|e| panic!("cannot build an HTTP client: {e}"))
    }

    /// Sends a request built on a [`client`](Self::client) and reads its answer under
    /// the policy.
    pub async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<ResponseRecord, NoAnswer> {
        let deadline = self.deadline();
        let mut response = match timeout_at(deadline, request.send()).await {
            Err(_) => return Err(NoAnswer::no_head(self.timeout, 0)),
            Ok(Err(e)) => return Err(from_reqwest(&e)),
            Ok(Ok(response)) => response,
        };
        let headers: Vec<Header> = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect();
        let status = response.status().as_u16();
        // hyper reads a header block up to about 400 KiB; the policy's limit is lower.
        let head: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
        if head > MAX_HEADER_BLOCK {
            let detail = format!("{head} bytes in {} header lines", headers.len());
            return Err(NoAnswer::head_exceeded(detail, Some(status)));
        }
        let mut body = Collected::new(
            self.max_body,
            ResponseRecord {
                status,
                headers,
                body: Vec::new(),
            },
        );
        loop {
            match timeout_at(deadline, response.chunk()).await {
                Err(_) => return Err(body.stalled(self.timeout)),
                Ok(Err(e)) => {
                    return Err(
                        body.broken(format!("the answer's body broke off: {}", error_chain(&e)))
                    );
                }
                Ok(Ok(None)) => return Ok(body.done()),
                Ok(Ok(Some(chunk))) => body.push(&chunk)?,
            }
        }
    }
}

/// The no-answer of a request reqwest could not complete.
fn from_reqwest(error: &reqwest::Error) -> NoAnswer {
    let chain = error_chain(error);
    if error.is_builder() {
        return NoAnswer::kit(format!("the kit cannot send this request: {chain}"));
    }
    // hyper's words for a header block beyond its buffer (about 400 KiB) or beyond
    // `http1_max_headers`: both are beyond the policy's limits.
    if chain.contains("message head is too large") {
        return NoAnswer::head_exceeded(chain, None);
    }
    NoAnswer::broken(format!("no answer: {chain}"))
}

/// A body read chunk by chunk, up to the cap.
#[derive(Debug)]
pub(crate) struct Collected {
    max: usize,
    record: ResponseRecord,
    read: u64,
}

impl Collected {
    /// An empty body of the answer `record` (its status and headers).
    pub(crate) fn new(max: usize, record: ResponseRecord) -> Self {
        Self {
            max,
            record,
            read: 0,
        }
    }

    /// Adds a chunk; beyond the cap the exchange ends, as the target's failure.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), NoAnswer> {
        self.read += chunk.len() as u64;
        if self.read > self.max as u64 {
            let read = self.read;
            return Err(NoAnswer::body_exceeded(self.max, self.unfinished(), read));
        }
        self.record.body.extend_from_slice(chunk);
        Ok(())
    }

    /// How many body bytes arrived so far.
    pub(crate) fn read(&self) -> u64 {
        self.read
    }

    /// The complete answer.
    pub(crate) fn done(self) -> ResponseRecord {
        self.record
    }

    /// The answer stalled before its body was complete.
    pub(crate) fn stalled(mut self, limit: Duration) -> NoAnswer {
        let read = self.read;
        NoAnswer::body_stalled(limit, self.unfinished(), read)
    }

    /// The body broke off.
    pub(crate) fn broken(mut self, why: String) -> NoAnswer {
        let read = self.read;
        NoAnswer::broken_after(why, self.unfinished(), read)
    }

    /// Status, headers and the start of the body, for the transcript.
    fn unfinished(&mut self) -> ResponseRecord {
        let mut record = std::mem::take(&mut self.record);
        record.body.truncate(KEPT_OF_UNFINISHED);
        record.body.shrink_to_fit();
        record
    }
}

/// An error with its causes, since reqwest's own message hides them ("error sending
/// request" says nothing of a refused connection).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;
    use crate::http::no_answer::Failure;

    /// Answers one request on 127.0.0.1 with `answer`; the URL to ask.
    async fn answering(answer: Vec<u8>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            if let Ok((mut stream, _)) = listener.accept().await {
                let _ = stream.read(&mut [0; 4096]).await;
                let _ = stream.write_all(&answer).await;
            }
        });
        url
    }

    #[tokio::test]
    async fn header_blocks_beyond_the_limits_are_the_targets_failure() {
        let policy = Policy::new(Duration::from_secs(5));
        let padding = |n: usize| format!("HTTP/1.1 200 OK\r\nx: {}\r\n\r\n", "a".repeat(n));
        let lines = format!("HTTP/1.1 200 OK\r\n{}\r\n", "a: b\r\n".repeat(300));
        // 100 KiB: hyper reads it, the policy refuses it; 500 KiB and 300 lines: hyper
        // refuses them itself ("message head is too large").
        for answer in [padding(100 << 10), padding(500 << 10), lines] {
            let url = answering(answer.into_bytes()).await;
            let request = policy.client(None).get(url);
            let refused = policy.exchange(request).await.expect_err("too large");
            assert_eq!(refused.failure, Failure::Exceeded, "{refused}");
        }
    }

    #[test]
    fn the_body_stops_at_the_cap_and_keeps_only_its_start() {
        let mut body = Collected::new(10, ResponseRecord::default());
        body.push(b"12345").expect("under the cap");
        body.push(b"67890").expect("at the cap");
        let exceeded = body.push(b"x").expect_err("over the cap");
        assert_eq!(exceeded.failure, Failure::Exceeded);
        assert_eq!(exceeded.body_read, 11);
        let kept = exceeded.partial.expect("the start is kept").body;
        assert_eq!(kept, b"1234567890");

        let mut big = Collected::new(DEFAULT_MAX_BODY, ResponseRecord::default());
        big.push(&vec![b'a'; DEFAULT_MAX_BODY]).expect("at the cap");
        let kept = big
            .push(b"a")
            .expect_err("over")
            .partial
            .expect("kept")
            .body;
        assert_eq!(kept.len(), KEPT_OF_UNFINISHED);
    }
}
