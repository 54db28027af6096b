//! The request log line: one per request answered by the routes (method, path, status,
//! latency), never a header, cookie or body, so never a token.

use std::convert::Infallible;
use std::fmt;
use std::time::{Duration, Instant};

use warp::Filter;
use warp::filters::path::FullPath;
use warp::http::Method;
use warp::reply::Response;

/// The `tracing` target of request lines, which the binary's log buffers and formats by
/// hand (see `process::logging`).
pub const REQUEST_TARGET: &str = "logout_server::request";

/// One log line per request: method, path, status, latency. Never a header, cookie or
/// body, so never a token.
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
                tracing::info!(
                    target: REQUEST_TARGET,
                    %method,
                    path = path.as_str(),
                    status = response.status().as_u16(),
                    latency_ms = %Millis(started.elapsed()),
                    "request"
                );
                response
            },
        )
}

/// A latency in milliseconds with three decimals (`0.052`), printed with integer
/// arithmetic: formatting an `f64` costs more than the rest of the log line's fields.
struct Millis(Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
