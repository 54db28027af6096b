//! The Redis store's server-side Lua scripts, each one atomic round trip: the two writes,
//! opening a session (login) and revoking tokens (logout), and one read, an access token
//! with its session (validate-session).
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

use redis::{Cmd, ErrorKind, Pipeline, Script, ServerErrorKind, Value};

use super::keys::Key;
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

/// KEYS[1]: an access token. ARGV[1]: the session key prefix (`lo:r:` or `lo:r:{xx}`),
/// to which the session hash read from the access record (bytes 14 to 45) is appended.
/// Returns nil, or the access record and the session's record (nil when it is gone).
const LIVE_ACCESS: &str = r"
local access = redis.call('GET', KEYS[1])
if not access then
  return false
end
return {access, redis.call('GET', ARGV[1] .. string.sub(access, 14, 45))}
";

/// The scripts, with their SHA-1s computed once.
#[derive(Debug)]
pub struct Scripts {
    open: Lua,
    revoke: Lua,
    live_access: Lua,
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
            live_access: Lua::new(LIVE_ACCESS),
        }
    }
}

impl Scripts {
    /// Runs [`OPEN`]: `keys` are the session, the index and optionally an access token.
    pub async fn open(
        &self,
        db: &RedisDb,
        keys: &[&[u8]],
        args: &[&[u8]],
    ) -> Result<(), RedisFailure> {
        let size = keys.iter().chain(args).map(|part| part.len() + 16).sum();
        let fill = |call: &mut Cmd| {
            call.arg(keys.len()).arg(keys).arg(args);
        };
        let call = Call::new(&self.open, size, &fill);
        run(db, "open session", call, Wait::ForReplicas).await?;
        Ok(())
    }

    /// Runs [`REVOKE`] over `sessions` then `access` keys (all in one slot on a cluster);
    /// returns how many were there.
    pub async fn revoke(
        &self,
        db: &RedisDb,
        sessions: &[Key],
        access: &[Key],
        index_prefix: Key,
    ) -> Result<usize, RedisFailure> {
        let size = (sessions.len() + access.len() + 3) * (Key::MAX_LEN + 16);
        let fill = |call: &mut Cmd| {
            call.arg(sessions.len() + access.len());
            for key in sessions.iter().chain(access) {
                call.arg(&key[..]);
            }
            call.arg(sessions.len()).arg(&index_prefix[..]);
        };
        let call = Call::new(&self.revoke, size, &fill);
        match run(db, "revoke", call, Wait::ForReplicas).await? {
            Value::Int(n) => Ok(usize::try_from(n).unwrap_or(0)),
            other => Err(RedisFailure::Corrupt {
                op: "revoke",
                why: format!("unexpected answer {other:?}"),
            }),
        }
    }

    /// Runs [`LIVE_ACCESS`]: the record of the access token at `key` and the record of
    /// its session (under `session_prefix`), both as stored; `None` when the access token
    /// is not there.
    pub async fn live_access(
        &self,
        db: &RedisDb,
        key: Key,
        session_prefix: Key,
    ) -> Result<Option<(Vec<u8>, Option<Vec<u8>>)>, RedisFailure> {
        let fill = |call: &mut Cmd| {
            call.arg(1).arg(&key[..]).arg(&session_prefix[..]);
        };
        let call = Call::new(&self.live_access, 3 * (Key::MAX_LEN + 16), &fill);
        let answer = run(db, "live access", call, Wait::No).await?;
        let corrupt = |answer: &[Value]| RedisFailure::Corrupt {
            op: "live access",
            why: format!("unexpected answer {answer:?}"),
        };
        match answer {
            Value::Nil => Ok(None),
            Value::Array(parts) => match <[Value; 2]>::try_from(parts) {
                Ok([Value::BulkString(access), Value::BulkString(session)]) => {
                    Ok(Some((access, Some(session))))
                }
                Ok([Value::BulkString(access), Value::Nil]) => Ok(Some((access, None))),
                Ok(parts) => Err(corrupt(&parts)),
                Err(parts) => Err(corrupt(&parts)),
            },
            other => Err(corrupt(std::slice::from_ref(&other))),
        }
    }
}

/// One call of a script: the script, and what follows its name in `EVALSHA`/`EVAL` (the
/// key count, the keys, the arguments), written straight into the command.
struct Call<'a> {
    script: &'a Lua,
    /// Bytes the command will take, about: its buffer is allocated once.
    size: usize,
    fill: &'a (dyn Fn(&mut Cmd) + Sync),
}

impl<'a> Call<'a> {
    fn new(script: &'a Lua, size: usize, fill: &'a (dyn Fn(&mut Cmd) + Sync)) -> Self {
        Self { script, size, fill }
    }

    /// `EVALSHA <sha> …` or, after `NOSCRIPT`, `EVAL <body> …`.
    fn command(&self, with_body: bool) -> Cmd {
        let (verb, script) = if with_body {
            ("EVAL", self.script.body)
        } else {
            ("EVALSHA", self.script.sha.as_str())
        };
        let mut call = Cmd::with_capacity(16, self.size + script.len() + 32);
        call.arg(verb).arg(script);
        (self.fill)(&mut call);
        call
    }
}

/// Whether a script call waits for `?replicas=N` (a write) or not (a read).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wait {
    ForReplicas,
    No,
}

/// One script call (and its `WAIT`), in one round trip; `EVAL` once after `NOSCRIPT`.
async fn run(
    db: &RedisDb,
    op: &'static str,
    call: Call<'_>,
    wait: Wait,
) -> Result<Value, RedisFailure> {
    let replicas = match wait {
        Wait::ForReplicas => db.url().replicas(),
        Wait::No => 0,
    };
    if replicas == 0 {
        // No `WAIT`: the script alone, as a plain command (a pipeline of one costs a
        // request more allocations and an array answer to take apart).
        return match db.query(op, &mut call.command(false)).await {
            Err(RedisFailure::Command { source, .. })
                if source.kind() == ErrorKind::Server(ServerErrorKind::NoScript) =>
            {
                db.query(op, &mut call.command(true)).await
            }
            other => other,
        };
    }
    let pipeline = |with_body: bool| -> Pipeline {
        let mut pipeline = redis::pipe();
        pipeline.add_command(call.command(with_body));
        let bound = u64::try_from(REPLICA_WAIT.as_millis()).unwrap_or(u64::MAX);
        pipeline.cmd("WAIT").arg(replicas).arg(bound);
        pipeline
    };
    let answers: Vec<Value> = match db.query_pipe(op, &pipeline(false)).await {
        Err(RedisFailure::Command { source, .. })
            if source.kind() == ErrorKind::Server(ServerErrorKind::NoScript) =>
        {
            db.query_pipe(op, &pipeline(true)).await?
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
