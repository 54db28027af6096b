//! The binary's log: one `tracing` subscriber writing to stderr, request lines buffered.
//!
//! A request line (target `logout_server::request`, one per request) written straight to
//! stderr costs a `write(2)` of ~120 bytes per request, about as much CPU as the rest of a
//! logout. Here request lines are appended to an in-memory buffer instead, and a thread of
//! its own writes the buffer out in one write when it holds [`FLUSH_AT`] bytes or every
//! [`FLUSH_EVERY`], whichever comes first: the same lines, in the same order, at most
//! [`FLUSH_EVERY`] late, and a slow disk stalls that thread, not the requests (the buffer
//! is swapped out under its lock, then written without it). Every other line (startup,
//! warnings, errors, shutdown) is written at once, after whatever request lines are
//! buffered, so the log keeps its order and nothing that says something went wrong waits.
//! Nothing is dropped: should the buffer reach [`FLUSH_AT`] × 16 before the thread empties
//! it, the request that finds it so writes it out itself. When stderr is a terminal every
//! line is written at once.
//!
//! Request lines are also formatted by hand ([`RequestLineFormat`]): the same bytes as
//! `tracing-subscriber`'s default format, at a fraction of its cost (the date and time
//! of day are worked out once per second).

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::thread;
use std::time::Duration;

use tracing::Metadata;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

mod request_line;

pub use request_line::RequestLineFormat;

use crate::http::request_log::{self, REQUEST_TARGET, RequestLine};
/// Buffered request lines go out once they reach this many bytes...
pub const FLUSH_AT: usize = 64 * 1024;
/// ...or this long after the previous flush, whichever comes first.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Installs the global subscriber: level from `RUST_LOG` (default `info`), to stderr.
/// Keep the guard for as long as the process logs: dropping it writes out what is
/// buffered.
pub fn init() -> LogGuard {
    let terminal = io::stderr().is_terminal();
    let writer = StderrLog::new(!terminal);
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(writer.clone())
        .with_ansi(terminal)
        .event_format(RequestLineFormat::default())
        .init();
    if writer.shared.buffered {
        let lines = writer.clone();
        request_log::install(Box::new(move |line| lines.write_request_line(line)));
    }
    LogGuard { writer }
}

/// Writes out the buffered request lines when dropped.
#[derive(Debug)]
#[must_use = "dropping the guard at once leaves later request lines to the timer"]
pub struct LogGuard {
    writer: StderrLog,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.writer.shared.flush();
    }
}

/// A [`MakeWriter`] for stderr that buffers request lines (see the module docs).
#[derive(Clone, Debug)]
pub struct StderrLog {
    shared: Arc<Shared>,
}

struct Shared {
    /// Request lines not written yet.
    pending: Mutex<Vec<u8>>,
    /// The buffer being written; its lock is held while writing, so that what is written
    /// goes out in the order it was logged.
    output: Mutex<Vec<u8>>,
    /// Set, and the flush thread woken, when `pending` reaches [`FLUSH_AT`].
    full: Mutex<bool>,
    wake: Condvar,
    /// Whether a flush thread runs (else full buffers are written by their requests).
    flusher: std::sync::atomic::AtomicBool,
    buffered: bool,
    /// Where lines go: stderr, or a test's buffer.
    sink: Sink,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("buffered", &self.buffered)
            .finish_non_exhaustive()
    }
}

/// Where a log's lines go.
type Sink = Box<dyn Fn(&[u8]) + Send + Sync>;

/// Writes to stderr. A failing stderr loses those lines rather than the request: logging
/// must never fail a request.
fn to_stderr(bytes: &[u8]) {
    let _ = io::stderr().lock().write_all(bytes);
}

impl StderrLog {
    /// A writer to stderr; `buffered: false` writes every line at once. A buffered one
    /// starts a thread that flushes every [`FLUSH_EVERY`] and ends with the last clone.
    pub fn new(buffered: bool) -> Self {
        Self::with_sink(buffered, Box::new(to_stderr))
    }

    fn with_sink(buffered: bool, sink: Sink) -> Self {
        let capacity = if buffered { 2 * FLUSH_AT } else { 0 };
        let shared = Arc::new(Shared {
            pending: Mutex::new(Vec::with_capacity(capacity)),
            output: Mutex::new(Vec::with_capacity(capacity)),
            full: Mutex::new(false),
            wake: Condvar::new(),
            flusher: std::sync::atomic::AtomicBool::new(false),
            buffered,
            sink,
        });
        if buffered {
            let weak = Arc::downgrade(&shared);
            // Without the thread lines still go out when the buffer fills or at exit.
            let started = thread::Builder::new()
                .name("log-flush".into())
                .spawn(move || flush_periodically(&weak))
                .is_ok();
            shared
                .flusher
                .store(started, std::sync::atomic::Ordering::Relaxed);
        }
        Self { shared }
    }

    /// Buffers one request line, written by hand as [`RequestLineFormat`] writes it.
    fn write_request_line(&self, line: &RequestLine<'_>) {
        LINE.with(|buffer| {
            let mut buffer = buffer.borrow_mut();
            buffer.clear();
            request_line::write_line(&mut buffer, line);
            let mut writer = LineWriter {
                shared: &self.shared,
                buffer: true,
            };
            let _ = writer.write_all(&buffer);
        });
    }
}

thread_local! {
    /// The request line being written, its allocation reused.
    static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The flush thread: writes out what is pending when woken or every [`FLUSH_EVERY`],
/// and ends with the log.
fn flush_periodically(shared: &Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else {
            return;
        };
        {
            let full = strong.full.lock().unwrap_or_else(PoisonError::into_inner);
            let (mut full, _) = strong
                .wake
                .wait_timeout_while(full, FLUSH_EVERY, |full| !*full)
                .unwrap_or_else(PoisonError::into_inner);
            *full = false;
        }
        strong.flush();
    }
}

impl Shared {
    fn pending(&self) -> MutexGuard<'_, Vec<u8>> {
        // A panic mid-append leaves at worst a partial line: keep logging.
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes out what is pending, then `line` if any. The pending lines are swapped
    /// out under their lock and written without it, so logging goes on meanwhile.
    fn flush_then(&self, line: Option<&[u8]>) {
        let mut output = self.output.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::swap(&mut *output, &mut *self.pending());
        if !output.is_empty() {
            (self.sink)(&output);
            output.clear();
        }
        if let Some(line) = line {
            (self.sink)(line);
        }
    }

    fn flush(&self) {
        self.flush_then(None);
    }

    /// Asks the flush thread to write out what is pending.
    fn wake_flusher(&self) {
        let mut full = self.full.lock().unwrap_or_else(PoisonError::into_inner);
        if !*full {
            *full = true;
            self.wake.notify_one();
        }
    }
}

/// One log line on its way out.
#[derive(Debug)]
pub struct LineWriter<'a> {
    shared: &'a Shared,
    buffer: bool,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.write_all(line)?;
        Ok(line.len())
    }

    fn write_all(&mut self, line: &[u8]) -> io::Result<()> {
        if !self.buffer {
            self.shared.flush_then(Some(line));
            return Ok(());
        }
        let len = {
            let mut pending = self.shared.pending();
            pending.extend_from_slice(line);
            pending.len()
        };
        let threaded = self
            .shared
            .flusher
            .load(std::sync::atomic::Ordering::Relaxed);
        if len >= FLUSH_AT * 16 || (len >= FLUSH_AT && !threaded) {
            self.shared.flush();
        } else if len >= FLUSH_AT {
            self.shared.wake_flusher();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for StderrLog {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
            buffer: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
            buffer: self.shared.buffered && meta.target() == REQUEST_TARGET,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
