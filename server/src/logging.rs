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

use std::cell::RefCell;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::{FmtContext, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// The target of the one-line-per-request log ([`crate::routes::routes`]).
pub const REQUEST_TARGET: &str = "logout_server::request";
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

/// `tracing-subscriber`'s default format, with a fast path for request lines: those are
/// written by hand, byte for byte as the default format writes them without colours
/// (`2026-01-02T03:04:05.678901Z  INFO logout_server::request: request method=POST
/// path="/auth/logout" status=200 latency_ms=0.052`). Every other event, and every event
/// when colours are on, goes to the default format.
#[derive(Debug, Default)]
pub struct RequestLineFormat {
    default: format::Format,
}

impl<S, N> FormatEvent<S, N> for RequestLineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        if meta.target() != REQUEST_TARGET || writer.has_ansi_escapes() {
            return self.default.format_event(ctx, writer, event);
        }
        CLOCK.with(|clock| clock.borrow_mut().write_now(&mut writer))?;
        write!(writer, " {:>5} {REQUEST_TARGET}: ", meta.level().as_str())?;
        let mut fields = Fields {
            writer: &mut writer,
            result: Ok(()),
            first: true,
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_char('\n')
    }
}

/// Writes `name=value` pairs as the default format does: the message first and bare,
/// strings quoted and escaped (`Debug`), everything else as its `Debug`.
struct Fields<'w, 'a> {
    writer: &'w mut Writer<'a>,
    result: fmt::Result,
    first: bool,
}

impl Fields<'_, '_> {
    fn pair(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.result.is_err() {
            return;
        }
        let space = if std::mem::take(&mut self.first) {
            ""
        } else {
            " "
        };
        self.result = if field.name() == "message" {
            write!(self.writer, "{space}{value}")
        } else {
            write!(self.writer, "{space}{}={value}", field.name())
        };
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.pair(field, format_args!("{value}"));
        } else {
            self.pair(field, format_args!("{value:?}"));
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.pair(field, format_args!("{value}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.pair(field, format_args!("{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.pair(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.pair(field, format_args!("{value:?}"));
    }
}

thread_local! {
    static CLOCK: RefCell<Clock> = const { RefCell::new(Clock { second: u64::MAX, prefix: [0; 20] }) };
}

/// The current UTC time as RFC 3339 with microseconds, the date and time of day worked
/// out again only when the second changes.
struct Clock {
    second: u64,
    /// `YYYY-MM-DDTHH:MM:SS.` of `second`.
    prefix: [u8; 20],
}

impl Clock {
    fn write_now(&mut self, writer: &mut Writer<'_>) -> fmt::Result {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.write(writer, since_epoch)
    }

    fn write(&mut self, writer: &mut impl fmt::Write, since_epoch: Duration) -> fmt::Result {
        let second = since_epoch.as_secs();
        if second != self.second {
            self.prefix = rfc3339_second(second);
            self.second = second;
        }
        // The prefix is ASCII digits and punctuation.
        let prefix = std::str::from_utf8(&self.prefix).map_err(|_| fmt::Error)?;
        write!(writer, "{prefix}{:06}Z", since_epoch.subsec_micros())
    }
}

/// `YYYY-MM-DDTHH:MM:SS.` for a count of seconds since the Unix epoch (UTC; the year
/// wraps past 9999, which no clock of this server reaches).
fn rfc3339_second(second: u64) -> [u8; 20] {
    let days = second / 86_400;
    let time = second % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut out = [0u8; 20];
    let mut put = |at: usize, value: u64, width: usize| {
        let mut value = value;
        for i in (0..width).rev() {
            out[at + i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, year % 10_000, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, time / 3600, 2);
    put(14, time / 60 % 60, 2);
    put(17, time % 60, 2);
    for (at, byte) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        out[at] = byte;
    }
    out
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A buffered log whose output lands in the returned vector.
    fn captured() -> (StderrLog, Arc<Mutex<Vec<u8>>>) {
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&out);
        let log = StderrLog::with_sink(
            true,
            Box::new(move |bytes| sink.lock().unwrap().extend_from_slice(bytes)),
        );
        (log, out)
    }

    fn request_line(log: &StderrLog) -> LineWriter<'_> {
        LineWriter {
            shared: &log.shared,
            buffer: true,
        }
    }

    #[test]
    fn request_lines_wait_and_other_lines_push_them_out_first() {
        let (log, out) = captured();
        request_line(&log).write_all(b"request 1\n").unwrap();
        request_line(&log).write_all(b"request 2\n").unwrap();
        assert!(out.lock().unwrap().is_empty());
        log.make_writer().write_all(b"warning\n").unwrap();
        assert_eq!(&out.lock().unwrap()[..], b"request 1\nrequest 2\nwarning\n");
    }

    #[test]
    fn a_full_buffer_is_written_soon_by_the_thread_or_else_by_its_request() {
        let (log, out) = captured();
        let line = [b'x'; 1000];
        for _ in 0..FLUSH_AT / 1000 + 1 {
            request_line(&log).write_all(&line).unwrap();
        }
        // Woken at once, well before the timer.
        let deadline = std::time::Instant::now() + FLUSH_EVERY / 2;
        while out.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(out.lock().unwrap().len(), (FLUSH_AT / 1000 + 1) * 1000);

        // Without the thread, the line that fills the buffer writes it.
        log.shared
            .flusher
            .store(false, std::sync::atomic::Ordering::Relaxed);
        out.lock().unwrap().clear();
        for _ in 0..FLUSH_AT / 1000 + 1 {
            request_line(&log).write_all(&line).unwrap();
        }
        assert_eq!(out.lock().unwrap().len(), (FLUSH_AT / 1000 + 1) * 1000);
    }

    #[test]
    fn the_timer_and_the_guard_write_out_what_waits() {
        let (log, out) = captured();
        request_line(&log).write_all(b"request\n").unwrap();
        std::thread::sleep(FLUSH_EVERY * 3);
        assert_eq!(&out.lock().unwrap()[..], b"request\n");
        request_line(&log).write_all(b"last\n").unwrap();
        drop(LogGuard { writer: log });
        assert_eq!(&out.lock().unwrap()[..], b"request\nlast\n");
    }

    #[test]
    fn the_clock_writes_rfc3339_with_microseconds() {
        let mut clock = Clock {
            second: u64::MAX,
            prefix: [0; 20],
        };
        for (since_epoch, text) in [
            (Duration::ZERO, "1970-01-01T00:00:00.000000Z"),
            (
                Duration::new(951_782_400, 5_000),
                "2000-02-29T00:00:00.000005Z",
            ),
            (
                Duration::new(1_798_761_599, 999_999_999),
                "2026-12-31T23:59:59.999999Z",
            ),
            (
                Duration::new(4_107_542_400, 0),
                "2100-03-01T00:00:00.000000Z",
            ),
        ] {
            let mut out = String::new();
            clock.write(&mut out, since_epoch).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn request_lines_look_as_the_default_format_writes_them() {
        use tracing_subscriber::fmt::format::FmtSpan;
        let fast = Arc::new(Mutex::new(Vec::new()));
        let default = Arc::new(Mutex::new(Vec::new()));
        let collect = |out: &Arc<Mutex<Vec<u8>>>| {
            let out = Arc::clone(out);
            move || Capture(Arc::clone(&out))
        };
        let line = || {
            tracing::info!(
                target: REQUEST_TARGET,
                method = %"POST",
                path = "/a \"b\"",
                status = 200u16,
                latency_ms = %"0.052",
                "request"
            );
        };
        let subscriber = tracing_subscriber::fmt()
            .with_writer(collect(&fast))
            .with_ansi(false)
            .with_span_events(FmtSpan::NONE)
            .event_format(RequestLineFormat::default())
            .finish();
        tracing::subscriber::with_default(subscriber, line);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(collect(&default))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, line);
        let (fast, default) = (fast.lock().unwrap(), default.lock().unwrap());
        let (fast, default) = (
            std::str::from_utf8(&fast).unwrap(),
            std::str::from_utf8(&default).unwrap(),
        );
        // Equal after the timestamp, which differs by the time between the two lines.
        assert_eq!(fast.len(), default.len(), "{fast}{default}");
        assert_eq!(fast[27..], default[27..], "{fast}{default}");
        assert!(
            fast.ends_with(
                "request method=POST path=\"/a \\\"b\\\"\" status=200 latency_ms=0.052\n"
            ),
            "{fast}"
        );
    }

    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}
