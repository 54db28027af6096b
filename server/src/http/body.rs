//! Request bodies, read by hand so that no body can make a handler fail unexpectedly.
//!
//! JSON endpoints read at most the configured limit and answer 413 past it. The body of an
//! oversized request is still drained, up to [`DRAIN_CAP`], before answering: a server
//! that closes a connection with unread bytes makes the kernel send a reset, and the
//! client would see a dropped connection instead of the answer.

use bytes::{Buf, Bytes, BytesMut};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use warp::Filter;

/// Bytes of an unwanted body read and thrown away before answering anyway.
pub const DRAIN_CAP: usize = 8 * 1024 * 1024;

/// The request body as a stream of chunks, not yet read.
pub type BodyStream = BoxStream<'static, Result<Bytes, warp::Error>>;

/// Why a body could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// More bytes than the limit.
    #[error("request body over the limit")]
    TooLarge,
    /// The client stopped sending mid-body.
    #[error("request body could not be read: {0}")]
    Read(#[from] warp::Error),
}

/// Extracts the body stream without reading it.
pub fn stream() -> impl Filter<Extract = (BodyStream,), Error = warp::Rejection> + Clone {
    warp::body::stream().map(boxed)
}

/// The chunks of `warp::body::stream()` as a [`BodyStream`].
pub fn boxed<S, B>(chunks: S) -> BodyStream
where
    S: Stream<Item = Result<B, warp::Error>> + Send + 'static,
    B: Buf + Send,
{
    chunks
        .map_ok(|mut chunk| chunk.copy_to_bytes(chunk.remaining()))
        .boxed()
}

/// The whole body if it is at most `limit` bytes.
pub async fn read_limited(mut body: BodyStream, limit: u64) -> Result<Bytes, BodyError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut buffer = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if buffer.len().saturating_add(chunk.len()) > limit {
            discard(body, DRAIN_CAP.saturating_sub(buffer.len() + chunk.len())).await;
            return Err(BodyError::TooLarge);
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

/// Reads and drops up to `cap` bytes of the body; errors end the draining quietly. Any
/// stream of chunks, so that the logout drains warp's own without boxing it first.
pub async fn discard<S, B>(body: S, cap: usize)
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut body = std::pin::pin!(body);
    let mut seen = 0usize;
    while seen <= cap {
        match body.next().await {
            Some(Ok(chunk)) => seen = seen.saturating_add(chunk.remaining()),
            Some(Err(_)) | None => return,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn body_of(chunks: &[&'static [u8]]) -> BodyStream {
        let chunks: Vec<Result<Bytes, warp::Error>> =
            chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect();
        futures::stream::iter(chunks).boxed()
    }

    #[tokio::test]
    async fn a_body_at_the_limit_is_read_whole() {
        let body = read_limited(body_of(&[b"ab", b"cd"]), 4).await.unwrap();
        assert_eq!(&body[..], b"abcd");
    }

    #[tokio::test]
    async fn one_byte_over_the_limit_is_too_large() {
        assert!(matches!(
            read_limited(body_of(&[b"ab", b"cde"]), 4).await,
            Err(BodyError::TooLarge)
        ));
    }
}
