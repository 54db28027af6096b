//! The commands of concurrent requests, written to one Redis server together.
//!
//! Why: the `redis` crate's multiplexed connection writes a command as soon as its
//! driver task runs, and tokio runs a task woken by the running one right after it (the
//! worker's LIFO slot). So each request's command left in its own `writev`, and Redis read
//! and answered commands a few at a time: about one write syscall on each side per
//! request, the largest cost of a Redis-backed logout. The batcher's own task, woken by
//! the first command, yields once, so that every request ready in the same scheduler turn
//! queues its command first, then sends the whole queue as one pipeline: one write and
//! one read on each side per batch. A request alone on the connection goes out as
//! quickly as before (the yield lasts one turn of the scheduler).
//!
//! A pipeline here is only a way to write: each command is still one command (a script
//! stays atomic), gets its own answer, and an error answer fails that command alone.
//!
//! The wait is bounded here too, once per pipeline rather than once per command (a timer
//! armed and cleared for every request cost a Redis-backed logout a few hundred
//! instructions): a command is written at the latest one scheduler turn after it is
//! queued, so the bound of its pipeline bounds its wait.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use redis::aio::ConnectionLike;
use redis::{Cmd, ErrorKind, RedisError, Value};
use tokio::sync::{mpsc, oneshot};

/// Most commands in one pipeline; more wait for the next write.
const MAX_BATCH: usize = 256;

/// A handle that sends commands through the batcher's task; cheap to clone. The task
/// ends when the last handle is dropped, after answering what it was sent.
#[derive(Clone)]
pub struct Batcher {
    queue: mpsc::UnboundedSender<Queued>,
}

/// A command waiting for its pipeline, and where its answer goes.
struct Queued {
    command: Cmd,
    answer: oneshot::Sender<Result<Value, Failed>>,
}

impl Batcher {
    /// Starts the batcher's task (on the current tokio runtime) over `conn`, which a
    /// [`redis::aio::ConnectionManager`] is.
    ///
    /// A pipeline unanswered after `limit` (reconnection included) fails each of its
    /// commands with [`Failed::TimedOut`].
    pub fn start<C>(conn: C, limit: Duration) -> Self
    where
        C: ConnectionLike + Clone + Send + 'static,
    {
        let (queue, commands) = mpsc::unbounded_channel();
        tokio::spawn(drive(commands, conn, limit));
        Self { queue }
    }

    /// Sends `command` with whatever else is queued now; its answer, or the error of the
    /// connection (an error answer from Redis is an `Err` too), or the bound's.
    pub async fn query(&self, command: Cmd) -> Result<Value, Failed> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Queued { command, answer })
            .map_err(|_| Failed::Redis(stopped()))?;
        answered.await.map_err(|_| Failed::Redis(stopped()))?
    }
}

/// Why a command has no answer.
#[derive(Debug)]
pub enum Failed {
    /// The connection's error, or Redis's error answer.
    Redis(RedisError),
    /// Its pipeline was not answered within the batcher's limit.
    TimedOut,
}

/// The batcher's task: takes every command queued by the time it runs again after a yield,
/// writes them as one pipeline, and keeps reading earlier pipelines' answers meanwhile.
async fn drive<C: ConnectionLike + Clone>(
    mut commands: mpsc::UnboundedReceiver<Queued>,
    conn: C,
    limit: Duration,
) {
    let mut in_flight = FuturesUnordered::new();
    loop {
        tokio::select! {
            biased;
            Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
            first = commands.recv() => {
                let Some(first) = first else { break };
                tokio::task::yield_now().await;
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match commands.try_recv() {
                        Ok(queued) => batch.push(queued),
                        Err(_) => break,
                    }
                }
                in_flight.push(send(conn.clone(), batch, limit));
            }
        }
    }
    while in_flight.next().await.is_some() {}
}

/// Writes `batch` (one command alone, or a pipeline) and hands each command its answer.
async fn send<C: ConnectionLike>(mut conn: C, mut batch: Vec<Queued>, limit: Duration) {
    if batch.len() == 1
        && let Some(Queued { command, answer }) = batch.pop()
    {
        let value = tokio::time::timeout(limit, conn.req_packed_command(&command)).await;
        let _ = answer.send(match value {
            Ok(value) => value.and_then(Value::extract_error).map_err(Failed::Redis),
            Err(_) => Err(Failed::TimedOut),
        });
        return;
    }
    let mut pipeline = redis::pipe();
    let mut answers = Vec::with_capacity(batch.len());
    for Queued { command, answer } in batch {
        pipeline.add_command(command);
        answers.push(answer);
    }
    let sent = conn.req_packed_commands(&pipeline, 0, answers.len());
    match tokio::time::timeout(limit, sent).await {
        Ok(Ok(values)) => {
            let mut values = values.into_iter();
            for answer in answers {
                let value = values.next().ok_or_else(short_answer);
                let _ = answer.send(value.and_then(Value::extract_error).map_err(Failed::Redis));
            }
        }
        Ok(Err(error)) => {
            for answer in answers {
                let _ = answer.send(Err(Failed::Redis(error.clone())));
            }
        }
        Err(_) => {
            for answer in answers {
                let _ = answer.send(Err(Failed::TimedOut));
            }
        }
    }
}

fn stopped() -> RedisError {
    RedisError::from((ErrorKind::Io, "the Redis batcher stopped"))
}

/// Redis answered fewer commands than the pipeline held.
fn short_answer() -> RedisError {
    RedisError::from((
        ErrorKind::Parse,
        "Redis answered fewer commands than were sent",
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
