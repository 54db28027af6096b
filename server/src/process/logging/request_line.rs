//! The request line formatted by hand: the same bytes as `tracing-subscriber`'s default
//! format at a fraction of its cost (the date and time of day worked out once a second).

use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, Writer};
use tracing_subscriber::registry::LookupSpan;

use super::REQUEST_TARGET;
use crate::http::request_log::RequestLine;

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
pub(super) struct Clock {
    pub(super) second: u64,
    /// `YYYY-MM-DDTHH:MM:SS.` of `second`.
    pub(super) prefix: [u8; 20],
}

/// Appends `line` to `out` as [`RequestLineFormat`] writes it, without `fmt` machinery
/// (the path alone goes through `Debug` when it holds a byte that `Debug` escapes).
pub(super) fn write_line(out: &mut Vec<u8>, line: &RequestLine<'_>) {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    CLOCK.with(|clock| clock.borrow_mut().put(out, since_epoch));
    out.extend_from_slice(b"  INFO ");
    out.extend_from_slice(REQUEST_TARGET.as_bytes());
    out.extend_from_slice(b": request method=");
    out.extend_from_slice(line.method.as_str().as_bytes());
    out.extend_from_slice(b" path=");
    if line
        .path
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(line.path.as_bytes());
        out.push(b'"');
    } else {
        use std::io::Write;
        let _ = write!(out, "{:?}", line.path);
    }
    out.extend_from_slice(b" status=");
    put_decimal(out, u64::from(line.status), 1);
    out.extend_from_slice(b" latency_ms=");
    let micros = u64::try_from(line.latency.as_micros()).unwrap_or(u64::MAX);
    put_decimal(out, micros / 1000, 1);
    out.push(b'.');
    put_decimal(out, micros % 1000, 3);
    out.push(b'\n');
}

/// Appends `value` in decimal, zero-padded to at least `width` digits.
fn put_decimal(out: &mut Vec<u8>, value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut value = value;
    while value > 0 || digits.len() - at < width {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    out.extend_from_slice(&digits[at..]);
}

impl Clock {
    /// Appends the time `since_epoch` as [`Clock::write`] writes it.
    pub(super) fn put(&mut self, out: &mut Vec<u8>, since_epoch: Duration) {
        let second = since_epoch.as_secs();
        if second != self.second {
            self.prefix = rfc3339_second(second);
            self.second = second;
        }
        out.extend_from_slice(&self.prefix);
        put_decimal(out, u64::from(since_epoch.subsec_micros()), 6);
        out.push(b'Z');
    }

    fn write_now(&mut self, writer: &mut Writer<'_>) -> fmt::Result {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.write(writer, since_epoch)
    }

    pub(super) fn write(
        &mut self,
        writer: &mut impl fmt::Write,
        since_epoch: Duration,
    ) -> fmt::Result {
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
