//! The connections that wait for a request head: new ones whose client has not sent a
//! whole head yet, and kept-alive ones between requests. When every connection slot is
//! taken, the server sheds the one that has waited longest, so that half-open clients
//! (slowloris) cannot keep a new client out until their header-read timeout ends. A
//! connection with a request in flight is never shed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// A kept-alive connection becomes sheddable this long after its last answer: by then a
/// small answer has long left the socket buffer, so shedding never cuts one off.
const KEEP_ALIVE_GRACE: Duration = Duration::from_secs(1);

/// The waiting connections, oldest first.
#[derive(Debug, Default)]
pub struct Idle {
    waiting: Mutex<Waiting>,
}

#[derive(Debug, Default)]
struct Waiting {
    next: u64,
    /// By (sheddable from, registration number): the first entry is the one to shed.
    queue: BTreeMap<(Instant, u64), Arc<Notify>>,
}

/// One connection's place among the waiting ones; `shed()` resolves when the server
/// wants it closed.
#[derive(Debug)]
pub struct Place {
    idle: Arc<Idle>,
    key: Option<(Instant, u64)>,
    shed: Arc<Notify>,
}

impl Idle {
    /// A new connection: waiting for its first head, sheddable at once.
    pub fn join(self: &Arc<Self>) -> Place {
        let mut place = Place {
            idle: Arc::clone(self),
            key: None,
            shed: Arc::new(Notify::new()),
        };
        place.wait_from(Instant::now());
        place
    }

    /// Asks the connection that has waited longest (and may be shed now) to close;
    /// false when every connection is busy or still in its grace period.
    pub fn shed_oldest(&self) -> bool {
        let mut waiting = self.lock();
        let now = Instant::now();
        let Some(entry) = waiting.queue.first_entry() else {
            return false;
        };
        if entry.key().0 > now {
            return false;
        }
        entry.remove().notify_one();
        true
    }

    /// How many connections wait for a head.
    pub fn len(&self) -> usize {
        self.lock().queue.len()
    }

    /// Whether no connection waits for a head.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Place {
    /// A request head arrived: the connection is busy and may not be shed.
    pub fn busy(&mut self) {
        if let Some(key) = self.key.take() {
            self.idle.lock().queue.remove(&key);
        }
    }

    /// The answer is done: the connection waits for its next head, sheddable after a
    /// grace period.
    pub fn answered(&mut self) {
        self.busy();
        self.wait_from(Instant::now() + KEEP_ALIVE_GRACE);
    }

    /// Notified when the server sheds this connection.
    pub fn shed_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.shed)
    }

    fn wait_from(&mut self, from: Instant) {
        let mut waiting = self.idle.lock();
        waiting.next += 1;
        let key = (from, waiting.next);
        waiting.queue.insert(key, Arc::clone(&self.shed));
        self.key = Some(key);
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.busy();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_oldest_waiting_connection_is_shed_first() {
        let idle = Arc::new(Idle::default());
        let first = idle.join();
        let second = idle.join();
        assert!(idle.shed_oldest());
        tokio::time::timeout(Duration::from_secs(1), first.shed_signal().notified())
            .await
            .unwrap();
        assert_eq!(idle.len(), 1);
        drop(second);
        assert!(idle.is_empty());
        assert!(!idle.shed_oldest());
    }

    #[tokio::test]
    async fn busy_and_just_answered_connections_are_not_shed() {
        let idle = Arc::new(Idle::default());
        let mut busy = idle.join();
        busy.busy();
        assert!(!idle.shed_oldest(), "a request in flight");
        busy.answered();
        assert!(!idle.shed_oldest(), "within the keep-alive grace");
        assert_eq!(idle.len(), 1);
    }
}
