//! HTTP-level tests of the reference server over real sockets: every endpoint's
//! documented answers, the bad inputs, and the logout contract clause by clause.

#![allow(clippy::unwrap_used)]

mod util;

/// Argument parsing, bind failures and `--help` of the real binary.
mod binary;
/// Credentialed CORS for configured origins only (LO-26).
mod cors;
/// The documentation's own cURL and Axios examples, verbatim, against port 3000.
mod examples;
/// Conformance hooks: the store fault switch and expired sessions.
mod hooks;
/// The routes called without sockets, for the property and soak tests.
mod in_process;
/// POST /auth/login.
mod login;
/// POST /auth/logout, clause by clause (LO-01…LO-27).
mod logout;
/// Many values in one Cookie header: all revoked (LO-13), 431 past 8 KiB.
mod logout_values;
/// Arbitrary cookie bytes, bodies and headers: no panic, no 5xx, only presented tokens revoked.
mod properties;
/// A throwaway Redis Cluster (three primaries, one replica each) for the cluster tests.
#[cfg(feature = "redis")]
mod redis_cluster;
/// The Redis store on a cluster: one slot per logout, and a failover that undoes nothing.
#[cfg(feature = "redis")]
mod redis_failover;
/// Real Redis outages: a crash, a freeze, a frozen start-up.
#[cfg(feature = "redis")]
mod redis_outages;
/// A login and a logout are one script call each; `?replicas=N` never answers an unreplicated 200.
#[cfg(feature = "redis")]
mod redis_round_trips;
/// A throwaway redis-server for the Redis store tests.
#[cfg(feature = "redis")]
mod redis_server;
/// The Redis token store and user registry over a real redis-server.
#[cfg(feature = "redis")]
mod redis_store;
/// A validate-session's read beside the refresh token agrees with the script's.
#[cfg(feature = "redis")]
mod redis_validate;
/// POST /auth/register.
mod register;
/// Unknown paths, wrong methods, oversized input: every rejection is JSON.
mod rejections;
/// Graceful shutdown and serving arbitrary filters.
mod serve;
/// Thousands of logouts while the store fault flips: nothing lost, nothing resurrected.
mod soak;
/// Custom token stores behind the API.
mod store;
/// GET /auth/validate-session, the liveness probe.
mod validate;
