//! The two writes of the Redis store as server-side Lua scripts, each one atomic round trip:
//! opening a session (login) and revoking tokens (logout).
//!
//! A script is sent as `EVALSHA` (its SHA-1 only); a Redis that does not know it yet (a
//! fresh server, a replica just promoted by a failover) answers `NOSCRIPT`, and the call
//! is repeated once as `EVAL` with the body, which also caches it there.
//!
//! # Durability (`?replicas=N`)
//!
//! Redis replicates asynchronously: a primary that dies right after answering a write may
//! take the write with it, and its promoted replica then holds a session that was logged
//! out. With `N > 0` every script is pipelined with `WAIT N` (bounded by
//! [`REPLICA_WAIT`]) on the same connection, in the same round trip, and the write is
//! reported done only if `N` replicas acknowledged it; otherwise it fails with
//! [`RedisFailure::NotReplicated`] and the request answers 500 ("outcome unknown"). A
//! revocation that removed nothing waits too: another instance's revocation of the same
//! token may still be on its way to the replica, and this 200 must not come before it.

use std::time::Duration;

use redis::{Cmd, ErrorKind, Pipeline, Script, ServerErrorKind, Value, cmd};

use super::{RedisDb, RedisFailure};

/// Longest `WAIT` for replicas after a write; below [`super::COMMAND_TIMEOUT`], so a
/// missing replica is reported as such rather than as a timeout.
pub const REPLICA_WAIT: Duration = Duration::from_millis(500);

/// KEYS: the session, the user's index, then optionally the first access token.
/// ARGV: session record, its TTL (ms), its index score (expiry, Unix ms), now (Unix ms),
/// the index member (the session hash), then the access record and its TTL (ms).
const OPEN: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2], 'NX')
redis.call('PEXPIRE', KEYS[2], ARGV[2], 'GT')
if KEYS[3] then
  redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])
end
return 0
";

/// KEYS: sessions (`ARGV[1]` of them), then access tokens. ARGV[2]: the index key prefix
/// (`lo:u:` or `lo:u:{xx}`), to which the user read from each session record is appended.
/// Returns how many keys were there.
const REVOKE: &str = r"
local sessions = tonumber(ARGV[1])
local removed = 0
for i = 1, sessions do
  local record = redis.call('GETDEL', KEYS[i])
  if record then
    removed = removed + 1
    if #record > 13 and string.byte(record, 1) == 1 then
      redis.call('ZREM', ARGV[2] .. string.sub(record, 14), string.sub(KEYS[i], -32))
    end
  end
end
if #KEYS > sessions then
  removed = removed + redis.call('DEL', unpack(KEYS, sessions + 1))
end
return removed
";

/// The scripts, with their SHA-1s computed once.
#[derive(Debug)]
pub struct Scripts {
    open: Lua,
    revoke: Lua,
}

/// A script's body and its SHA-1 (hex), the name `EVALSHA` knows it by.
#[derive(Debug)]
struct Lua {
    body: &'static str,
    sha: String,
}

impl Lua {
    fn new(body: &'static str) -> Self {
        let sha = Script::new(body).get_hash().to_owned();
        Self { body, sha }
    }
}

impl Default for Scripts {
    fn default() -> Self {
        Self {
            open: Lua::new(OPEN),
            revoke: Lua::new(REVOKE),
        }
    }
}

impl Scripts {
    /// Runs [`OPEN`]: `keys` are the session, the index and optionally an access token.
    pub async fn open(
        &self,
        db: &RedisDb,
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<(), RedisFailure> {
        run(db, "open session", &self.open, keys, args).await?;
        Ok(())
    }

    /// Runs [`REVOKE`] over `sessions` then `access` keys (all in one slot on a cluster);
    /// returns how many were there.
    pub async fn revoke(
        &self,
        db: &RedisDb,
        sessions: Vec<Vec<u8>>,
        access: Vec<Vec<u8>>,
        index_prefix: Vec<u8>,
    ) -> Result<usize, RedisFailure> {
        let args = [sessions.len().to_string().into_bytes(), index_prefix];
        // The keys moved into one list, not copied (`concat` would clone each key).
        let mut keys = sessions;
        keys.extend(access);
        let removed = run(db, "revoke", &self.revoke, &keys, &args).await?;
        match removed {
            Value::Int(n) => Ok(usize::try_from(n).unwrap_or(0)),
            other => Err(RedisFailure::Corrupt {
                op: "revoke",
                why: format!("unexpected answer {other:?}"),
            }),
        }
    }
}

/// One script call (and its `WAIT`), in one round trip; `EVAL` once after `NOSCRIPT`.
async fn run(
    db: &RedisDb,
    op: &'static str,
    script: &Lua,
    keys: &[Vec<u8>],
    args: &[Vec<u8>],
) -> Result<Value, RedisFailure> {
    let replicas = db.url().replicas();
    if replicas == 0 {
        // No `WAIT`: the script alone, as a plain command (a pipeline of one costs a
        // request more allocations and an array answer to take apart).
        let call = |verb: &str, script: &str| -> Cmd {
            let mut call: Cmd = cmd(verb);
            call.arg(script).arg(keys.len()).arg(keys).arg(args);
            call
        };
        return match db.query(op, &call("EVALSHA", &script.sha)).await {
            Err(RedisFailure::Command { source, .. })
                if source.kind() == ErrorKind::Server(ServerErrorKind::NoScript) =>
            {
                db.query(op, &call("EVAL", script.body)).await
            }
            other => other,
        };
    }
    let call = |verb: &str, script: &str| -> Pipeline {
        let mut call: Cmd = cmd(verb);
        call.arg(script).arg(keys.len()).arg(keys).arg(args);
        let mut pipeline = redis::pipe();
        pipeline.add_command(call);
        let bound = u64::try_from(REPLICA_WAIT.as_millis()).unwrap_or(u64::MAX);
        pipeline.cmd("WAIT").arg(replicas).arg(bound);
        pipeline
    };
    let answers: Vec<Value> = match db.query_pipe(op, &call("EVALSHA", &script.sha)).await {
        Err(RedisFailure::Command { source, .. })
            if source.kind() == ErrorKind::Server(ServerErrorKind::NoScript) =>
        {
            db.query_pipe(op, &call("EVAL", script.body)).await?
        }
        other => other?,
    };
    let mut answers = answers.into_iter();
    let result = answers.next().unwrap_or(Value::Nil);
    let acked = match answers.next() {
        Some(Value::Int(acked)) => acked,
        _ => 0,
    };
    if acked < i64::from(replicas) {
        return Err(RedisFailure::NotReplicated {
            op,
            acked,
            wanted: replicas,
        });
    }
    Ok(result)
}
