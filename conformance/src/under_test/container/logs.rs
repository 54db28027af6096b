//! A container's log tail, as readable text for failure output: the engine's
//! stdout/stderr frames are joined, ANSI colour codes stripped, and engine errors
//! turned into text, because a failing run should still show what it can.

use futures::StreamExt;
use testcontainers::bollard::Docker;
use testcontainers::bollard::container::LogOutput;
use testcontainers::bollard::errors::Error as EngineError;
use testcontainers::bollard::query_parameters::LogsOptionsBuilder;

use super::engine::ENGINE_CALL_TIMEOUT;

/// Tail of the interleaved stdout+stderr of a container; errors become text.
pub(super) async fn fetch_logs(docker: &Docker, id: &str, lines: usize) -> String {
    if lines == 0 {
        return String::new();
    }
    let options = LogsOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .tail(&lines.to_string())
        .build();
    let collect = async {
        let mut stream = docker.logs(id, Some(options));
        let mut bytes = Vec::new();
        while let Some(frame) = stream.next().await {
            match frame? {
                LogOutput::StdOut { message }
                | LogOutput::StdErr { message }
                | LogOutput::Console { message } => bytes.extend_from_slice(&message),
                LogOutput::StdIn { .. } => {}
            }
        }
        Ok::<_, EngineError>(bytes)
    };
    match tokio::time::timeout(ENGINE_CALL_TIMEOUT, collect).await {
        Ok(Ok(bytes)) => {
            let text = strip_ansi(&String::from_utf8_lossy(&bytes));
            let all: Vec<&str> = text.lines().collect();
            let tail = all[all.len().saturating_sub(lines)..].join("\n");
            if tail.is_empty() {
                "(no log output)".to_string()
            } else {
                tail
            }
        }
        Ok(Err(e)) => format!("(could not read the logs of container {id}: {e})"),
        Err(_) => format!("(reading the logs of container {id} timed out)"),
    }
}

/// Removes ANSI escape sequences (colours of servers that log to a pipe as if it were
/// a terminal) so that failure output stays readable.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            // CSI: ESC [ parameters/intermediates, then one final byte in @..=~
            Some('[') => {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // Any other two-character escape.
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}
