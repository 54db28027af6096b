//! How long the Redis store waits, for one server and for a cluster alike: every call
//! ends in bounded time (see [`super::db`]).

use std::time::Duration;

/// Longest wait for any one Redis command (or pipeline), reconnection included. Past it
/// the call fails, and the request that made it answers 500.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest wait for the first connection at start-up, retries included.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest wait for one TCP connection (and handshake) attempt.
pub(super) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
