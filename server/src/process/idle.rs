//! The connections that wait for a request head: new ones whose client has not sent a
//! whole head yet, and kept-alive ones between requests. When every connection slot is
//! taken, the server sheds the one that has waited longest, so that half-open clients
//! (slowloris) cannot keep a new client out until their header-read timeout ends. A
//! connection with a request in flight is never shed.
//!
//! The header-read timeout itself is enforced here too ([`Idle::shed_stalled`], run by the
//! server a few times per timeout), rather than by hyper's timer: hyper arms a timer for
//! every request head (an allocation and a timer-wheel entry each time), where this
//! bookkeeping already knows since when each connection waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::process::signal::{Ask, Signal};

/// A kept-alive connection becomes sheddable this long after its last answer: by then a
/// small answer has long left the socket buffer, so shedding never cuts one off.
const KEEP_ALIVE_GRACE: Duration = Duration::from_secs(1);

/// The waiting connections, oldest first.
///
/// Every request marks its connection busy, then waiting again: one atomic store each
/// (see [`Place`]), so that this bookkeeping costs a request next to nothing. Only
/// shedding, which happens when the connection cap is reached, looks through them all.
#[derive(Debug)]
pub struct Idle {
    /// The instant waiting times are counted from.
    epoch: Instant,
    /// Every open connection's slot, in the order they came.
    slots: Mutex<Vec<Arc<Slot>>>,
}

impl Default for Idle {
    fn default() -> Self {
        Self {
            epoch: Instant::now(),
            slots: Mutex::default(),
        }
    }
}

/// One connection, as [`Idle`] sees it.
#[derive(Debug)]
struct Slot {
    /// [`BUSY`], or 1 + the nanoseconds from [`Idle::epoch`] to the instant the
    /// connection began to wait for a head (its start, or its last answer).
    waiting_since: AtomicU64,
    /// Whether it has answered a request (then it may be shed only after
    /// [`KEEP_ALIVE_GRACE`]); written before `waiting_since`, read after it.
    kept_alive: AtomicBool,
    /// What the server asks of the connection.
    signal: Arc<Signal>,
}

impl Slot {
    /// When the connection may be shed: [`BUSY`] while a request is in flight.
    fn sheddable_from(&self) -> u64 {
        let since = self.waiting_since.load(Ordering::Acquire);
        if since == BUSY || !self.kept_alive.load(Ordering::Relaxed) {
            return since;
        }
        let grace = u64::try_from(KEEP_ALIVE_GRACE.as_nanos()).unwrap_or(u64::MAX);
        since.saturating_add(grace)
    }
}

/// A connection with a request in flight.
const BUSY: u64 = 0;

/// One connection's place among the open ones; its [`Place::signal`] says when the server
/// wants it closed.
#[derive(Debug)]
pub struct Place {
    idle: Arc<Idle>,
    slot: Arc<Slot>,
}

impl Idle {
    /// A new connection: waiting for its first head, sheddable at once.
    pub fn join(self: &Arc<Self>) -> Place {
        let slot = Arc::new(Slot {
            waiting_since: AtomicU64::new(self.stamp(Instant::now())),
            kept_alive: AtomicBool::new(false),
            signal: Arc::default(),
        });
        self.lock().push(Arc::clone(&slot));
        Place {
            idle: Arc::clone(self),
            slot,
        }
    }

    /// Asks the connection that has waited longest (and may be shed now) to close;
    /// false when every connection is busy or still in its grace period.
    pub fn shed_oldest(&self) -> bool {
        let now = self.stamp(Instant::now());
        let mut slots = self.lock();
        let mut oldest: Option<(usize, u64)> = None;
        for (at, slot) in slots.iter().enumerate() {
            let from = slot.sheddable_from();
            if from != BUSY && from <= now && oldest.is_none_or(|(_, best)| from < best) {
                oldest = Some((at, from));
            }
        }
        let Some((at, _)) = oldest else {
            return false;
        };
        slots.remove(at).signal.raise(Ask::Shed);
        true
    }

    /// Asks every connection that has waited for a head longer than `limit` (the
    /// header-read timeout) to close; how many were asked.
    pub fn shed_stalled(&self, limit: Duration) -> usize {
        let now = self.stamp(Instant::now());
        let limit = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
        let mut slots = self.lock();
        let before = slots.len();
        slots.retain(|slot| {
            let since = slot.waiting_since.load(Ordering::Acquire);
            let stalled = since != BUSY && now.saturating_sub(since) > limit;
            if stalled {
                slot.signal.raise(Ask::Shed);
            }
            !stalled
        });
        before - slots.len()
    }

    /// Asks every open connection to finish its request in flight and close: the server
    /// stops.
    pub fn stop_all(&self) {
        for slot in self.lock().iter() {
            slot.signal.raise(Ask::Stop);
        }
    }

    /// How many connections wait for a head.
    pub fn len(&self) -> usize {
        self.lock()
            .iter()
            .filter(|slot| slot.waiting_since.load(Ordering::Relaxed) != BUSY)
            .count()
    }

    /// Whether no connection waits for a head.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `instant` as a [`Slot::waiting_since`] value (never [`BUSY`]).
    fn stamp(&self, instant: Instant) -> u64 {
        let nanos = instant.saturating_duration_since(self.epoch).as_nanos();
        u64::try_from(nanos)
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Place {
    /// A request head arrived: the connection is busy and may not be shed.
    pub fn busy(&self) {
        self.slot.waiting_since.store(BUSY, Ordering::Relaxed);
    }

    /// The answer is done: the connection waits for its next head, sheddable after a
    /// grace period.
    pub fn answered(&self) {
        self.slot.kept_alive.store(true, Ordering::Relaxed);
        let since = self.idle.stamp(Instant::now());
        self.slot.waiting_since.store(since, Ordering::Release);
    }

    /// Raised when the server stops or sheds this connection.
    pub fn signal(&self) -> Arc<Signal> {
        Arc::clone(&self.slot.signal)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut slots = self.idle.lock();
        if let Some(at) = slots.iter().position(|slot| Arc::ptr_eq(slot, &self.slot)) {
            slots.remove(at);
        }
    }
}

/// A request's answer that tells its connection's [`Place`] when it is ready (the
/// connection then waits for its next head).
pub struct Answering<F> {
    answer: F,
    place: Arc<Place>,
}

impl<F> Answering<F> {
    /// `answer`, reported to `place` when it completes.
    pub fn new(answer: F, place: Arc<Place>) -> Self {
        Self { answer, place }
    }
}

impl<F: Future + Unpin> Future for Answering<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let answer = std::task::ready!(Pin::new(&mut self.answer).poll(cx));
        self.place.answered();
        Poll::Ready(answer)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// What `place` has been asked, within a second.
    async fn asked(place: &Place) -> Ask {
        let signal = place.signal();
        let next = std::future::poll_fn(|cx| signal.poll_beyond(Ask::Nothing, cx));
        tokio::time::timeout(Duration::from_secs(1), next)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_oldest_waiting_connection_is_shed_first() {
        let idle = Arc::new(Idle::default());
        let first = idle.join();
        let second = idle.join();
        assert!(idle.shed_oldest());
        assert_eq!(asked(&first).await, Ask::Shed);
        assert_eq!(idle.len(), 1);
        drop(second);
        assert!(idle.is_empty());
        assert!(!idle.shed_oldest());
    }

    #[tokio::test]
    async fn busy_and_just_answered_connections_are_not_shed() {
        let idle = Arc::new(Idle::default());
        let busy = idle.join();
        busy.busy();
        assert!(!idle.shed_oldest(), "a request in flight");
        busy.answered();
        assert!(!idle.shed_oldest(), "within the keep-alive grace");
        assert_eq!(idle.len(), 1);
    }

    #[tokio::test]
    async fn connections_waiting_past_the_limit_are_shed_and_no_others() {
        let idle = Arc::new(Idle::default());
        let stalled = idle.join();
        let answered = idle.join();
        let busy = idle.join();
        busy.busy();
        std::thread::sleep(Duration::from_millis(60));
        answered.answered();
        let fresh = idle.join();
        assert_eq!(idle.shed_stalled(Duration::from_millis(50)), 1);
        assert_eq!(asked(&stalled).await, Ask::Shed);
        assert_eq!(idle.len(), 2, "the answered and the fresh one still wait");
        assert_eq!(idle.shed_stalled(Duration::from_secs(60)), 0);
        drop((answered, busy, fresh));
        assert!(idle.is_empty());
    }
}
