//! Why an exchange has no (complete) answer, and whose limit that is.
//!
//! Two kinds of "no answer" must never be confused: the *target* gave none within the
//! policy (it refused or dropped the connection, said something that is not HTTP, was too
//! slow, or went beyond a size limit) — a failure of the target in that scenario — or the
//! *kit* could not send the request or read the answer — its own limit, so the check
//! could not run and nothing is said about the target.

use std::fmt;
use std::time::Duration;

use crate::http::record::ResponseRecord;

/// What went wrong, as far as the verdict cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No complete answer within the time limit.
    TimedOut,
    /// The answer went beyond a size limit of the policy.
    Exceeded,
    /// The connection was refused, reset or closed early, or the answer is not HTTP.
    Broken,
    /// Not sent: the scenario had already seen the target stop answering.
    NotSent,
    /// The kit could not send the request or read the answer: its own limit.
    KitLimit,
}

/// An exchange that ended without a complete answer.
#[derive(Debug, Clone)]
pub struct NoAnswer {
    pub failure: Failure,
    /// Short and the same wherever the same defect shows, e.g. `no answer within 2 s`:
    /// the root-cause key of the check that needed the answer.
    pub key: String,
    /// What happened, with the numbers, for the transcript and the failure message.
    pub message: String,
    /// What arrived before the exchange stopped (status, headers, the start of the
    /// body), so that the transcript shows it.
    pub partial: Option<ResponseRecord>,
    /// How many body bytes were read before the exchange stopped.
    pub body_read: u64,
}

impl NoAnswer {
    fn new(failure: Failure, key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            failure,
            key: key.into(),
            message: message.into(),
            partial: None,
            body_read: 0,
        }
    }

    /// Whether the target is to blame (rather than the kit's own limit).
    pub fn blames_target(&self) -> bool {
        self.failure != Failure::KitLimit
    }

    /// Whether the exchange waited the whole time limit in vain.
    pub fn timed_out(&self) -> bool {
        self.failure == Failure::TimedOut
    }

    /// No status line and headers within `limit` (connecting included).
    pub fn no_head(limit: Duration, received: usize) -> Self {
        let seen = if received == 0 {
            "nothing arrived".to_owned()
        } else {
            format!("{received} bytes of an unfinished header block arrived")
        };
        Self::new(
            Failure::TimedOut,
            format!("no answer within {}", secs(limit)),
            format!(
                "no answer within {} (no status line and headers: {seen})",
                secs(limit)
            ),
        )
    }

    /// No connection within `limit`.
    pub fn no_connection(limit: Duration) -> Self {
        Self::new(
            Failure::TimedOut,
            format!("no answer within {}", secs(limit)),
            format!("no answer within {} (no connection)", secs(limit)),
        )
    }

    /// The head arrived, the rest of the body did not within `limit`.
    pub fn body_stalled(limit: Duration, partial: ResponseRecord, read: u64) -> Self {
        let framing = framing(&partial);
        Self {
            partial: Some(partial),
            body_read: read,
            ..Self::new(
                Failure::TimedOut,
                format!("the answer's body did not finish within {}", secs(limit)),
                format!(
                    "the answer's body did not finish within {} ({read} bytes read, {framing})",
                    secs(limit)
                ),
            )
        }
    }

    /// The body went beyond the cap of `max` bytes; reading stopped there.
    pub fn body_exceeded(max: usize, partial: ResponseRecord, read: u64) -> Self {
        let framing = framing(&partial);
        Self {
            partial: Some(partial),
            body_read: read,
            ..Self::new(
                Failure::Exceeded,
                format!("the answer's body exceeded {}", size(max)),
                format!(
                    "the answer's body exceeded {} ({read} bytes read, {framing}); \
                     reading stopped there",
                    size(max)
                ),
            )
        }
    }

    /// The header block went beyond the policy's limit; `detail` says how far.
    pub fn head_exceeded(detail: impl fmt::Display, status: Option<u16>) -> Self {
        use crate::http::limits::{MAX_HEADER_BLOCK, MAX_HEADER_LINES};
        Self {
            partial: status.map(|status| ResponseRecord {
                status,
                ..ResponseRecord::default()
            }),
            ..Self::new(
                Failure::Exceeded,
                format!(
                    "the answer's header block exceeded {} or {MAX_HEADER_LINES} lines",
                    size(MAX_HEADER_BLOCK)
                ),
                format!(
                    "the answer's header block exceeded {} or {MAX_HEADER_LINES} lines \
                     ({detail}); reading stopped there",
                    size(MAX_HEADER_BLOCK)
                ),
            )
        }
    }

    /// Refused, reset, closed early, or not HTTP: `why` says which.
    pub fn broken(why: impl Into<String>) -> Self {
        Self::new(Failure::Broken, "no HTTP answer", why)
    }

    /// Like [`broken`](Self::broken), after part of the answer arrived.
    pub fn broken_after(why: impl Into<String>, partial: ResponseRecord, read: u64) -> Self {
        Self {
            partial: Some(partial),
            body_read: read,
            ..Self::broken(why)
        }
    }

    /// Not sent: `timeouts` requests of the scenario already went unanswered.
    pub fn not_sent(timeouts: usize, limit: Duration) -> Self {
        Self::new(
            Failure::NotSent,
            format!("no answer within {}", secs(limit)),
            format!(
                "not sent: {timeouts} requests of this scenario got no answer within {}, \
                 so it sends no more",
                secs(limit)
            ),
        )
    }

    /// The kit cannot send this request or read its answer.
    pub fn kit(why: impl Into<String>) -> Self {
        Self::new(Failure::KitLimit, "a limit of the kit", why)
    }
}

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How the answer said its body ends, for the messages.
fn framing(partial: &ResponseRecord) -> String {
    if partial
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        "chunked".into()
    } else if let Some(length) = partial.header("content-length") {
        format!("Content-Length {}", length.trim())
    } else {
        "no Content-Length: until the connection closes".into()
    }
}

/// A duration as the messages write it: `2 s`, `1.5 s`.
pub fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// A byte count as the messages write it: `1 MiB`, `64 KiB`, `1000 bytes`.
pub fn size(bytes: usize) -> String {
    const KIB: usize = 1 << 10;
    const MIB: usize = 1 << 20;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_limit_and_what_was_read() {
        let partial = ResponseRecord {
            status: 200,
            headers: vec![("content-length".into(), b"1073741824".to_vec())],
            body: Vec::new(),
        };
        let exceeded = NoAnswer::body_exceeded(1 << 20, partial, 1_048_577);
        assert_eq!(exceeded.key, "the answer's body exceeded 1 MiB");
        assert!(
            exceeded
                .message
                .contains("1048577 bytes read, Content-Length 1073741824"),
            "{exceeded}"
        );
        assert!(exceeded.blames_target() && !exceeded.timed_out());
        assert_eq!(
            NoAnswer::no_head(Duration::from_secs(2), 0).key,
            "no answer within 2 s"
        );
        assert_eq!(secs(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(size(1000), "1000 bytes");
        assert!(!NoAnswer::kit("x").blames_target());
    }
}
