//! The batcher against a connection that counts its writes and answers each command with
//! its own number (an `ERR` for the command `FAIL`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use redis::aio::ConnectionLike;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use std::time::Duration;

use super::{Batcher, Failed};

/// The batchers' bound in these tests.
const LIMIT: Duration = Duration::from_secs(2);

/// A connection that answers without a server and counts the writes it was asked for.
#[derive(Clone, Default)]
struct Counting {
    writes: Arc<AtomicUsize>,
}

/// The answer to one packed command: `FAIL` fails, any other command's first argument
/// comes back as a number.
fn answer(packed: &[u8]) -> Value {
    let text = String::from_utf8_lossy(packed);
    let mut lines = text
        .split("\r\n")
        .filter(|line| !line.starts_with(['*', '$']));
    match (lines.next(), lines.next()) {
        (Some("FAIL"), _) => redis::parse_redis_value(b"-ERR failed on purpose\r\n").unwrap(),
        (_, Some(n)) => Value::Int(n.parse().unwrap()),
        _ => Value::Nil,
    }
}

impl ConnectionLike for Counting {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        let value = answer(&cmd.get_packed_command());
        Box::pin(async move { Ok(value) })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        let values = pipeline
            .cmd_iter()
            .skip(offset)
            .take(count)
            .map(|cmd| answer(&cmd.get_packed_command()))
            .collect();
        Box::pin(async move { Ok(values) })
    }

    fn get_db(&self) -> i64 {
        0
    }
}

/// `command` with one numeric argument.
fn numbered(command: &str, n: i64) -> Cmd {
    let mut cmd = redis::cmd(command);
    cmd.arg(n);
    cmd
}

/// A hundred requests that become ready in one turn of the worker (the last to reach the
/// barrier wakes the others there) are written in a few pipelines, not a hundred writes;
/// each gets its own answer. Without the batcher's yield each command went alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_burst_of_requests_is_written_in_a_few_pipelines_each_answered_alone() {
    let conn = Counting::default();
    let writes = conn.writes.clone();
    let batcher = Batcher::start(conn, LIMIT);
    let burst = tokio::spawn(async move {
        let barrier = Arc::new(tokio::sync::Barrier::new(100));
        let calls: Vec<_> = (0..100)
            .map(|n| {
                let (batcher, barrier) = (batcher.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    batcher.query(numbered("ECHO", n)).await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for call in calls {
            answers.push(call.await.unwrap());
        }
        answers
    });
    let answers = burst.await.unwrap();
    for (n, answer) in answers.into_iter().enumerate() {
        assert_eq!(answer.unwrap(), Value::Int(i64::try_from(n).unwrap()));
    }
    let writes = writes.load(Ordering::SeqCst);
    assert!(writes <= 3, "{writes} writes for a burst of 100 requests");
}

/// An error answer inside a pipeline fails its own command, not its neighbours.
#[tokio::test]
async fn an_error_answer_fails_only_its_own_command() {
    let batcher = Batcher::start(Counting::default(), LIMIT);
    let (before, failed, after) = tokio::join!(
        batcher.query(numbered("ECHO", 1)),
        batcher.query(numbered("FAIL", 2)),
        batcher.query(numbered("ECHO", 3)),
    );
    assert_eq!(before.unwrap(), Value::Int(1));
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(after.unwrap(), Value::Int(3));
}

/// A request alone is written alone, at once, and answered.
#[tokio::test]
async fn a_lone_request_is_answered() {
    let conn = Counting::default();
    let writes = conn.writes.clone();
    let batcher = Batcher::start(conn, LIMIT);
    assert_eq!(
        batcher.query(numbered("ECHO", 7)).await.unwrap(),
        Value::Int(7)
    );
    assert_eq!(writes.load(Ordering::SeqCst), 1);
}

/// A connection that takes every command and never answers (a hung Redis).
#[derive(Clone)]
struct Silent;

impl ConnectionLike for Silent {
    fn req_packed_command<'a>(&'a mut self, _: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(std::future::pending())
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        _: &'a Pipeline,
        _: usize,
        _: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(std::future::pending())
    }

    fn get_db(&self) -> i64 {
        0
    }
}

/// The bound is the batcher's: a command alone and the commands of a pipeline all fail
/// as timed out once the limit has passed, not before, and not never.
#[tokio::test]
async fn an_unanswered_pipeline_fails_each_command_at_the_limit() {
    let limit = Duration::from_millis(200);
    let batcher = Batcher::start(Silent, limit);
    let started = std::time::Instant::now();
    let alone = batcher.query(numbered("ECHO", 1)).await;
    assert!(matches!(alone, Err(Failed::TimedOut)), "{alone:?}");
    let waited = started.elapsed();
    assert!(waited >= limit && waited < 5 * limit, "{waited:?}");

    let started = std::time::Instant::now();
    let (first, second) = tokio::join!(
        batcher.query(numbered("ECHO", 2)),
        batcher.query(numbered("ECHO", 3)),
    );
    assert!(matches!(first, Err(Failed::TimedOut)), "{first:?}");
    assert!(matches!(second, Err(Failed::TimedOut)), "{second:?}");
    let waited = started.elapsed();
    assert!(waited >= limit && waited < 5 * limit, "{waited:?}");
}
