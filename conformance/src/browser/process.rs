//! The browser's process: Chromium with a fresh profile folder, its DevTools pipe on fds 3
//! and 4, its stderr kept to say why a start failed, and its end (asked, awaited, killed,
//! the folder removed) always bounded.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

use super::error::BrowserError;

/// Headless, without the sandbox (it runs as root in CI), speaking DevTools over the pipe
/// (no debugging port another local user could reach); no GPU, no QUIC, no extensions,
/// and no background traffic, which a closed network refuses many times over at every
/// start. The flags the kit used with chromiumoxide, the port swapped for the pipe.
const FLAGS: [&str; 13] = [
    "--headless",
    "--no-sandbox",
    "--disable-setuid-sandbox",
    "--remote-debugging-pipe",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-extensions",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The browser reads DevTools commands from fd 3 and writes to fd 4. The standard
/// library hands a child only fds 0–2 without `unsafe` (forbidden here), so `sh` moves
/// the pipe's ends from 0 and 1 to 3 and 4 and `exec`s the browser, which keeps the pid.
const MOVE_PIPE: &str = r#"exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null"#;

/// How many of the first stderr lines are kept.
const STDERR_LINES: usize = 20;

/// A running browser process and its profile folder.
#[derive(Debug)]
pub(super) struct Process {
    child: Child,
    profile: PathBuf,
    stderr: Arc<Mutex<Vec<String>>>,
    drain: JoinHandle<()>,
}

/// Starts the browser at `path` with a fresh profile; returns the process and the pipe's
/// ends (commands in, messages out).
pub(super) fn spawn(path: &Path) -> Result<(Process, ChildStdin, ChildStdout), BrowserError> {
    let profile = fresh_profile()?;
    let launch_error = |message: String| BrowserError::Launch {
        path: path.to_path_buf(),
        message,
    };
    let spawned = Command::new("/bin/sh")
        .arg("-c")
        .arg(MOVE_PIPE)
        .arg(path)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            remove(&profile);
            return Err(launch_error(format!("cannot run /bin/sh: {e}")));
        }
    };
    let (Some(input), Some(output), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.start_kill();
        remove(&profile);
        return Err(launch_error("its pipes were not opened".into()));
    };
    let lines = Arc::new(Mutex::new(Vec::new()));
    let drain = tokio::spawn(keep_first_lines(stderr, lines.clone()));
    let process = Process {
        child,
        profile,
        stderr: lines,
        drain,
    };
    Ok((process, input, output))
}

impl Process {
    /// The browser's pid, while it runs.
    #[cfg(test)]
    pub(super) fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// The profile folder.
    #[cfg(test)]
    pub(super) fn profile(&self) -> &Path {
        &self.profile
    }

    /// Why it stopped, as far as its stderr says: its first line that says anything,
    /// after waiting up to `limit` for it to exit and its stderr to be read.
    pub(super) async fn why_it_stopped(&mut self, limit: Duration) -> String {
        let _ = tokio::time::timeout(limit, self.child.wait()).await;
        let _ = tokio::time::timeout(limit, &mut self.drain).await;
        let lines = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        lines
            .iter()
            .find(|l| !l.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| "it exited without saying why".into())
    }

    /// Waits up to `limit` for the browser to exit by itself (it was asked to close),
    /// kills it otherwise, and only then removes its profile folder. Its helper
    /// processes (network service, GPU) may still write there for a moment after it
    /// exits, so the folder is removed until it stays gone, for up to 2 s.
    pub(super) async fn end(mut self, asked: bool, limit: Duration) {
        let exited = asked && tokio::time::timeout(limit, self.child.wait()).await.is_ok();
        if !exited {
            let _ = self.child.start_kill();
            let _ = tokio::time::timeout(limit, self.child.wait()).await;
        }
        self.drain.abort();
        for _ in 0..20 {
            remove(&self.profile);
            tokio::time::sleep(Duration::from_millis(100)).await;
            if !self.profile.exists() {
                break;
            }
        }
    }

    /// Kills it now and removes the folder as far as it can: for a drop without a
    /// runtime to wait in.
    pub(super) fn kill_now(mut self) {
        let _ = self.child.start_kill();
        self.drain.abort();
        remove(&self.profile);
    }
}

/// Keeps the first [`STDERR_LINES`] lines (300 characters each) and reads the rest away,
/// so that a talkative browser never blocks on a full pipe.
async fn keep_first_lines(stderr: impl AsyncRead + Unpin, kept: Arc<Mutex<Vec<String>>>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() < STDERR_LINES {
            kept.push(first_chars(&line, 300));
        }
    }
}

fn first_chars(text: &str, count: usize) -> String {
    let mut cut: String = text.chars().take(count).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// A new, empty profile folder under the system's temporary folder.
fn fresh_profile() -> Result<PathBuf, BrowserError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "logout-conformance-chromium-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| BrowserError::ProfileDir(dir.clone(), e))?;
    Ok(dir)
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}
