//! The Chrome DevTools Protocol over the browser's debugging pipe
//! (`--remote-debugging-pipe`): JSON messages, each ended by a NUL byte. A command
//! carries an id and gets one reply with that id; an event carries none. A command for a
//! page names the page's session (`Target.attachToTarget` with `flatten`), and so do the
//! page's events. Only the few commands the kit sends are spelled out, by their callers:
//! the generated bindings of the whole protocol were most of the CLI's build time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{Map, Value};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, AsyncWrite};
use tokio::io::{AsyncWriteExt as _, BufReader};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// The largest message read: a full-page screenshot is a few MB of base64.
const MESSAGE_CAP: u64 = 256 << 20;

/// Why a command got no result.
#[derive(Debug, thiserror::Error)]
pub enum CdpError {
    #[error("the browser closed its DevTools connection")]
    Closed,
    /// The browser refused the command.
    #[error("{message} (DevTools error {code})")]
    Protocol { code: i64, message: String },
    /// The command ran but its result says it failed (a navigation's `errorText`, a
    /// script's exception), or lacks what the kit needs.
    #[error("{0}")]
    Failed(String),
}

/// Something the browser reports unasked: its method, its parameters and the session it
/// belongs to (none: the browser's own).
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub params: Value,
    pub session: Option<String>,
}

type Reply = Result<Value, CdpError>;

/// What the reader shares with the senders: who waits for which reply, who listens to
/// which session's events, and whether the connection is gone.
#[derive(Debug, Default)]
struct Shared {
    pending: HashMap<u64, oneshot::Sender<Reply>>,
    listeners: Vec<(Option<String>, mpsc::UnboundedSender<Event>)>,
    closed: bool,
}

/// One DevTools connection. Dropping it stops its reader and writer.
#[derive(Debug)]
pub struct Connection {
    outgoing: mpsc::UnboundedSender<Vec<u8>>,
    shared: Arc<Mutex<Shared>>,
    next_id: AtomicU64,
    tasks: [JoinHandle<()>; 2],
}

impl Connection {
    /// Speaks the protocol over `from` (the browser's fd 4) and `to` (its fd 3).
    pub fn new(
        from: impl AsyncRead + Unpin + Send + 'static,
        to: impl AsyncWrite + Unpin + Send + 'static,
    ) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (outgoing, queue) = mpsc::unbounded_channel();
        let tasks = [
            tokio::spawn(read(from, shared.clone())),
            tokio::spawn(write(to, queue)),
        ];
        Self {
            outgoing,
            shared,
            next_id: AtomicU64::new(1),
            tasks,
        }
    }

    /// Sends `method` with `params` (to the page of `session`, or to the browser) and
    /// waits for its result. Unbounded: callers bound it; a reply that comes after they
    /// gave up is dropped.
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, reply) = oneshot::channel();
        {
            let mut shared = lock(&self.shared);
            if shared.closed {
                return Err(CdpError::Closed);
            }
            shared.pending.insert(id, sender);
        }
        let _forget = Forget {
            shared: &self.shared,
            id,
        };
        let mut message = Map::new();
        message.insert("id".into(), id.into());
        message.insert("method".into(), method.into());
        message.insert("params".into(), params);
        if let Some(session) = session {
            message.insert("sessionId".into(), session.into());
        }
        let mut bytes = Value::Object(message).to_string().into_bytes();
        bytes.push(0);
        self.outgoing.send(bytes).map_err(|_| CdpError::Closed)?;
        reply.await.unwrap_or(Err(CdpError::Closed))
    }

    /// Every event of `session` (`None`: the browser's own) from now on, until the
    /// receiver is dropped or the connection ends.
    pub fn events(&self, session: Option<&str>) -> mpsc::UnboundedReceiver<Event> {
        let (sender, events) = mpsc::unbounded_channel();
        let mut shared = lock(&self.shared);
        if !shared.closed {
            shared.listeners.push((session.map(str::to_owned), sender));
        }
        events
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Forgets a command whose caller stopped waiting (its time limit ran out).
struct Forget<'a> {
    shared: &'a Mutex<Shared>,
    id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        lock(self.shared).pending.remove(&self.id);
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads messages until the browser closes the pipe (or sends one larger than
/// [`MESSAGE_CAP`]), then fails every waiting command and ends every event stream.
/// A message that is not JSON is skipped.
async fn read(from: impl AsyncRead + Unpin, shared: Arc<Mutex<Shared>>) {
    let mut from = BufReader::new(from);
    let mut message = Vec::new();
    loop {
        message.clear();
        let read = (&mut from)
            .take(MESSAGE_CAP)
            .read_until(0, &mut message)
            .await;
        if !matches!(read, Ok(n) if n > 0) || message.pop() != Some(0) {
            break;
        }
        if let Ok(Value::Object(message)) = serde_json::from_slice(&message) {
            dispatch(&shared, message);
        }
    }
    let mut shared = lock(&shared);
    shared.closed = true;
    shared.pending.clear();
    shared.listeners.clear();
}

/// A reply to its command, an event to the listeners of its session.
fn dispatch(shared: &Mutex<Shared>, mut message: Map<String, Value>) {
    if let Some(id) = message.get("id").and_then(Value::as_u64) {
        let reply = match message.remove("error") {
            Some(error) => Err(CdpError::Protocol {
                code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("no message")
                    .to_owned(),
            }),
            None => Ok(message.remove("result").unwrap_or(Value::Null)),
        };
        if let Some(waiting) = lock(shared).pending.remove(&id) {
            let _ = waiting.send(reply);
        }
        return;
    }
    let Some(Value::String(method)) = message.remove("method") else {
        return;
    };
    let event = Event {
        method,
        params: message.remove("params").unwrap_or(Value::Null),
        session: match message.remove("sessionId") {
            Some(Value::String(session)) => Some(session),
            _ => None,
        },
    };
    lock(shared).listeners.retain(|(session, listener)| {
        if *session == event.session {
            listener.send(event.clone()).is_ok()
        } else {
            !listener.is_closed()
        }
    });
}

/// Writes each queued message whole, so that a command given up halfway never leaves
/// half a message on the pipe.
async fn write(mut to: impl AsyncWrite + Unpin, mut queue: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(message) = queue.recv().await {
        if to.write_all(&message).await.is_err() || to.flush().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
#[path = "cdp_tests.rs"]
mod tests;
