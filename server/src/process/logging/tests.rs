//! Tests of the binary's log.

use super::request_line::Clock;

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
        fast.ends_with("request method=POST path=\"/a \\\"b\\\"\" status=200 latency_ms=0.052\n"),
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

#[test]
fn request_lines_written_by_hand_are_the_lines_tracing_writes() {
    use crate::http::request_log::{Millis, RequestLine};
    use warp::http::Method;
    for (method, path, status, micros) in [
        (Method::POST, "/auth/logout", 200u16, 52u64),
        (Method::GET, "/auth/validate-session", 401, 12_345_678),
        (Method::OPTIONS, "/a \"b\"\\c", 204, 0),
        (Method::DELETE, "/caf\u{e9}/\u{7f}", 405, 1_000),
    ] {
        let latency = Duration::from_micros(micros);
        let traced = Arc::new(Mutex::new(Vec::new()));
        let out = Arc::clone(&traced);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Capture(Arc::clone(&out)))
            .with_ansi(false)
            .event_format(RequestLineFormat::default())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                target: REQUEST_TARGET,
                method = %method,
                path,
                status,
                latency_ms = %Millis(latency),
                "request"
            );
        });
        let mut by_hand = Vec::new();
        request_line::write_line(
            &mut by_hand,
            &RequestLine {
                method: &method,
                path,
                status,
                latency,
            },
        );
        let traced = traced.lock().unwrap();
        let (traced, by_hand) = (
            std::str::from_utf8(&traced).unwrap(),
            std::str::from_utf8(&by_hand).unwrap(),
        );
        // Equal after the timestamp (27 bytes), which differs by the time between them.
        assert_eq!(traced.len(), by_hand.len(), "{traced}{by_hand}");
        assert_eq!(traced[27..], by_hand[27..], "{traced}{by_hand}");
    }
}
