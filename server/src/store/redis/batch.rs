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

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use redis::aio::ConnectionLike;
use redis::{Cmd, ErrorKind, RedisError, RedisResult, Value};
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
    answer: oneshot::Sender<RedisResult<Value>>,
}

impl Batcher {
    /// Starts the batcher's task (on the current tokio runtime) over `conn`, which a
    /// [`redis::aio::ConnectionManager`] is.
    pub fn start<C>(conn: C) -> Self
    where
        C: ConnectionLike + Clone + Send + 'static,
    {
        let (queue, commands) = mpsc::unbounded_channel();
        tokio::spawn(drive(commands, conn));
        Self { queue }
    }

    /// Sends `command` with whatever else is queued now; its answer, or the error of the
    /// connection (an error answer from Redis is an `Err` too).
    pub async fn query(&self, command: Cmd) -> RedisResult<Value> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Queued { command, answer })
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

/// The batcher's task: takes every command queued by the time it runs again after a yield,
/// writes them as one pipeline, and keeps reading earlier pipelines' answers meanwhile.
async fn drive<C: ConnectionLike + Clone>(mut commands: mpsc::UnboundedReceiver<Queued>, conn: C) {
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
                in_flight.push(send(conn.clone(), batch));
            }
        }
    }
    while in_flight.next().await.is_some() {}
}

/// Writes `batch` (one command alone, or a pipeline) and hands each command its answer.
async fn send<C: ConnectionLike>(mut conn: C, mut batch: Vec<Queued>) {
    if batch.len() == 1
        && let Some(Queued { command, answer }) = batch.pop()
    {
        let value = conn.req_packed_command(&command).await;
        let _ = answer.send(value.and_then(Value::extract_error));
        return;
    }
    let mut pipeline = redis::pipe();
    let mut answers = Vec::with_capacity(batch.len());
    for Queued { command, answer } in batch {
        pipeline.add_command(command);
        answers.push(answer);
    }
    match conn.req_packed_commands(&pipeline, 0, answers.len()).await {
        Ok(values) => {
            let mut values = values.into_iter();
            for answer in answers {
                let value = values.next().ok_or_else(short_answer);
                let _ = answer.send(value.and_then(Value::extract_error));
            }
        }
        Err(error) => {
            for answer in answers {
                let _ = answer.send(Err(error.clone()));
            }
        }
    }
}

/// The batcher's task is gone (the runtime that ran it shut down).
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
