//! Run the server under test from a local container image.
//!
//! [`RunningContainer::start`] starts `NAME[:TAG]` with testcontainers 0.28
//! ([`GenericImage`](testcontainers::GenericImage)) on the **host network**, so the
//! server inside binds `127.0.0.1:PORT` of this machine and the suite talks to it over
//! loopback; there are no mapped ports. It then polls that TCP port until it accepts a
//! connection, bounded by [`ContainerSpec::startup_timeout`].
//!
//! Guarantees:
//! - **Never pulls.** The image is looked up in the local engine first; a missing image
//!   is [`ContainerError::ImageNotFound`] before testcontainers is involved (it would
//!   otherwise try a registry pull and fail with a lookup timeout).
//! - **Always cleans up.** [`RunningContainer::remove`] force-removes the container (and
//!   its anonymous volumes). Dropping a [`RunningContainer`] without calling it removes
//!   the container too (testcontainers' `Drop`, which force-removes unless
//!   `TESTCONTAINERS_COMMAND=keep` is set, kept as a debugging aid). If testcontainers
//!   fails half-way (container created but not started), the leftover is found by this
//!   run's unique label and removed before the error is returned.
//! - **Interrupts** (Ctrl-C): a signal ends the process without running destructors, so
//!   the caller must hold the [`RunningContainer`] and call [`RunningContainer::remove`]
//!   when it sees SIGINT/SIGTERM (e.g. `tokio::select!` on `tokio::signal::ctrl_c()`
//!   around the suite). For anything that still escapes (SIGKILL, a crash) every
//!   container carries the label [`KIT_LABEL`]`=true`; see [`cleanup_command`].
//!
//! The submodules are private and everything public is re-exported here, so callers
//! only ever name `container::…`: `spec` (what to run, parsed without Docker), `error`,
//! `engine` (finding and checking the Docker engine), `running` (starting), `readiness`
//! (waiting for the port), `logs`, and `cleanup` (labels and removal).

mod cleanup;
mod engine;
mod error;
mod logs;
mod readiness;
mod running;
mod spec;

pub use cleanup::{KIT_LABEL, RUN_LABEL, cleanup_command};
pub use engine::docker_host;
pub use error::ContainerError;
pub use logs::strip_ansi;
pub use running::RunningContainer;
pub use spec::{ContainerSpec, DEFAULT_STARTUP_TIMEOUT, parse_env_assignment, split_image_ref};
