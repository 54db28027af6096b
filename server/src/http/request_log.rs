//! The request log line: one per request answered by the routes (method, path, status,
//! latency), never a header, cookie or body, so never a token.
//!
//! A line is a `tracing` event (target [`REQUEST_TARGET`], level `INFO`), unless the
//! binary's log has installed a [`LineWriter`]: then the line goes straight to it, written
//! by hand, without `tracing`'s dispatch and field formatting, which cost about as much as
//! a logout. The log level still decides: a line is written only when `tracing` would
//! record that event (asked once, when the writer is installed: the binary's level is
//! fixed at start).

use std::convert::Infallible;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use warp::Filter;
use warp::filters::path::FullPath;
use warp::http::Method;
use warp::reply::Response;

/// The `tracing` target of request lines, which the binary's log buffers and formats by
/// hand (see `process::logging`).
pub const REQUEST_TARGET: &str = "logout_server::request";

/// One request line's fields.
#[derive(Clone, Copy, Debug)]
pub struct RequestLine<'a> {
    /// The request's method.
    pub method: &'a Method,
    /// The request's path, without the query (which may carry an email).
    pub path: &'a str,
    /// The answer's status code.
    pub status: u16,
    /// From the request reaching the routes to its answer being ready.
    pub latency: Duration,
}

/// Writes request lines in place of `tracing` (the binary's log installs one).
pub type LineWriter = Box<dyn Fn(&RequestLine<'_>) + Send + Sync>;

/// The installed writer, and whether the log level lets request lines through: asked once,
/// when it is installed (the binary's level is fixed at start), not once per request.
static WRITER: OnceLock<(LineWriter, bool)> = OnceLock::new();

/// Sends every later request line of this process to `writer` instead of `tracing`; false
/// (and `writer` dropped) if one is installed already. Install it after the subscriber:
/// whether `INFO` lines of [`REQUEST_TARGET`] are recorded is decided here, for good.
pub fn install(writer: LineWriter) -> bool {
    let enabled = tracing::enabled!(target: REQUEST_TARGET, tracing::Level::INFO);
    WRITER.set((writer, enabled)).is_ok()
}

/// Logs one request line, if the log level lets `INFO` lines of [`REQUEST_TARGET`] through.
pub fn log(line: &RequestLine<'_>) {
    if let Some((writer, enabled)) = WRITER.get() {
        if *enabled {
            writer(line);
        }
        return;
    }
    tracing::info!(
        target: REQUEST_TARGET,
        method = %line.method,
        path = line.path,
        status = line.status,
        latency_ms = %Millis(line.latency),
        "request"
    );
}

/// Wraps `routes` so that each of its answers is logged (the hooks and the 404s; the
/// API's own endpoints log their line themselves, see [`crate::http::routes`]).
pub fn logged<F>(
    routes: F,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static
where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    warp::any()
        .map(Instant::now)
        .and(warp::method())
        .and(warp::path::full())
        .and(routes)
        .map(
            |started: Instant, method: Method, path: FullPath, response: Response| {
                log(&RequestLine {
                    method: &method,
                    path: path.as_str(),
                    status: response.status().as_u16(),
                    latency: started.elapsed(),
                });
                response
            },
        )
}

/// A latency in milliseconds with three decimals (`0.052`), printed with integer
/// arithmetic: formatting an `f64` costs more than the rest of the log line's fields.
pub struct Millis(pub Duration);

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let micros = self.0.as_micros();
        write!(f, "{}.{:03}", micros / 1000, micros % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_print_as_milliseconds_with_three_decimals() {
        for (micros, text) in [
            (0, "0.000"),
            (52, "0.052"),
            (1_500, "1.500"),
            (12_345_678, "12345.678"),
        ] {
            assert_eq!(Millis(Duration::from_micros(micros)).to_string(), text);
        }
    }
}
