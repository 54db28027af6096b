//! What the server asks of one open connection: to finish its request and close (the
//! server stops), or to close at once (it is shed: the connection cap, or the header-read
//! timeout). Asked once and kept; a later, stronger ask (shed after stop) wins.
//!
//! A connection's task looks at its signal each time it wakes, that is once or twice a
//! request: an atomic load and a waker registration, where a `Notify` and a `watch`
//! receiver took a lock each.

use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;

/// What a connection has been asked, in increasing strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Ask {
    /// Nothing yet.
    Nothing = 0,
    /// Finish the request in flight, then close.
    Stop = 1,
    /// Close now.
    Shed = 2,
}

impl Ask {
    fn from_u8(value: u8) -> Self {
        match value {
            0 => Self::Nothing,
            1 => Self::Stop,
            _ => Self::Shed,
        }
    }
}

/// One connection's signal; the server raises it, the connection's task polls it.
#[derive(Debug, Default)]
pub struct Signal {
    asked: AtomicU8,
    waker: AtomicWaker,
}

impl Signal {
    /// Asks `ask` of the connection (a weaker ask than one made already changes nothing)
    /// and wakes its task.
    pub fn raise(&self, ask: Ask) {
        self.asked.fetch_max(ask as u8, Ordering::AcqRel);
        self.waker.wake();
    }

    /// Ready with what is asked now, once it is more than `seen`; else the task is woken
    /// when it is.
    pub fn poll_beyond(&self, seen: Ask, cx: &mut Context<'_>) -> Poll<Ask> {
        self.waker.register(cx.waker());
        let asked = Ask::from_u8(self.asked.load(Ordering::Acquire));
        if asked > seen {
            Poll::Ready(asked)
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    async fn next(signal: &Signal, seen: Ask) -> Ask {
        std::future::poll_fn(|cx| signal.poll_beyond(seen, cx)).await
    }

    #[tokio::test]
    async fn a_raised_signal_wakes_its_waiting_task_and_stays_raised() {
        let signal = Arc::new(Signal::default());
        let waiting = tokio::spawn({
            let signal = Arc::clone(&signal);
            async move { next(&signal, Ask::Nothing).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "nothing asked yet");
        signal.raise(Ask::Stop);
        let asked = tokio::time::timeout(Duration::from_secs(1), waiting).await;
        assert_eq!(asked.unwrap().unwrap(), Ask::Stop);
        // Raised before anyone waits: not lost.
        assert_eq!(next(&signal, Ask::Nothing).await, Ask::Stop);
    }

    #[tokio::test]
    async fn a_shed_after_a_stop_is_seen_and_a_stop_after_a_shed_changes_nothing() {
        let signal = Signal::default();
        signal.raise(Ask::Stop);
        assert_eq!(next(&signal, Ask::Nothing).await, Ask::Stop);
        let later = tokio::time::timeout(Duration::from_millis(20), next(&signal, Ask::Stop));
        assert!(later.await.is_err(), "the stop was seen already");
        signal.raise(Ask::Shed);
        assert_eq!(next(&signal, Ask::Stop).await, Ask::Shed);
        signal.raise(Ask::Stop);
        assert_eq!(next(&signal, Ask::Stop).await, Ask::Shed);
    }
}
