//! An example stack of `profiles/<stack>/`, run through its own `start.sh` the way a user
//! runs it: installed (`start.sh --install-only`), started on a free loopback port, waited
//! for, and stopped with its whole process group when the handle is dropped — also when
//! the test panics.

use std::fs::File;
use std::io::Read as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long an install may take (a fresh one downloads from PyPI or npm: 22-27 s measured
/// for the Python stacks).
pub const INSTALL_LIMIT: Duration = Duration::from_secs(600);
/// How long a started stack may take to answer on its port (migrations, imports).
pub const START_LIMIT: Duration = Duration::from_secs(90);

/// Why a stack could not be brought up.
#[derive(Debug)]
pub enum StackError {
    /// Something the stack needs is missing on this machine (python3, node, redis-server,
    /// the network).
    Unavailable(String),
    /// It was there but did not install or start: a defect of the stack's folder.
    Broken(String),
}

/// A stack folder, `profiles/<name>/`.
#[derive(Debug, Clone)]
pub struct Stack {
    pub name: &'static str,
    pub folder: PathBuf,
}

impl Stack {
    /// `profiles/<name>/` of this checkout.
    pub fn named(name: &'static str) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Self {
            name,
            folder: root.join("profiles").join(name),
        }
    }

    pub fn profile(&self) -> PathBuf {
        self.folder.join("profile.toml")
    }

    fn script(&self) -> PathBuf {
        self.folder.join("start.sh")
    }

    /// `start.sh --install-only`, bounded by [`INSTALL_LIMIT`]; returns the time it took.
    pub fn install(&self) -> Result<Duration, StackError> {
        let log = log_path(self.name, "install");
        let started = Instant::now();
        let mut child = self.spawn(&["--install-only"], &log)?;
        let status = wait_bounded(&mut child, INSTALL_LIMIT);
        match status {
            Some(s) if s.success() => Ok(started.elapsed()),
            Some(s) => Err(StackError::Unavailable(format!(
                "{} did not install ({s}); is its registry (PyPI, npm) reachable? log {}:\n{}",
                self.name,
                log.display(),
                tail(&log)
            ))),
            None => {
                kill_group(&mut child);
                Err(StackError::Broken(format!(
                    "{} did not install within {INSTALL_LIMIT:?}; log:\n{}",
                    self.name,
                    tail(&log)
                )))
            }
        }
    }

    /// `start.sh PORT` on a free port, waited for until the port accepts connections.
    pub fn start(&self) -> Result<Running, StackError> {
        self.start_instances(false)
    }

    /// `start.sh PORT ALSO_PORT`: two instances behind one store (LO-28), waited for
    /// until both ports accept connections; [`Running::also`] is the second one's URL.
    pub fn start_pair(&self) -> Result<Running, StackError> {
        self.start_instances(true)
    }

    fn start_instances(&self, pair: bool) -> Result<Running, StackError> {
        let mut ports = vec![free_port()?];
        if pair {
            ports.push(free_port_besides(ports[0])?);
        }
        let args: Vec<String> = ports.iter().map(u16::to_string).collect();
        let log = log_path(self.name, &args[0]);
        let started = Instant::now();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let child = self.spawn(&argv, &log)?;
        let url = |port: &u16| format!("http://127.0.0.1:{port}");
        let mut running = Running {
            child,
            log,
            url: url(&ports[0]),
            also: ports.get(1).map(url),
            startup: Duration::ZERO,
        };
        for port in &ports {
            let addr = SocketAddr::from(([127, 0, 0, 1], *port));
            loop {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    break;
                }
                if let Ok(Some(status)) = running.child.try_wait() {
                    return Err(StackError::Broken(format!(
                        "{} exited before answering ({status}); log:\n{}",
                        self.name,
                        running.log_tail()
                    )));
                }
                if started.elapsed() > START_LIMIT {
                    return Err(StackError::Broken(format!(
                        "{} did not answer on {addr} within {START_LIMIT:?}; log:\n{}",
                        self.name,
                        running.log_tail()
                    )));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        running.startup = started.elapsed();
        Ok(running)
    }

    /// `bash start.sh ARGS` in a process group of its own, output to `log`.
    fn spawn(&self, args: &[&str], log: &Path) -> Result<Child, StackError> {
        let out = File::create(log)
            .map_err(|e| StackError::Broken(format!("cannot create {}: {e}", log.display())))?;
        let err = out
            .try_clone()
            .map_err(|e| StackError::Broken(format!("cannot share {}: {e}", log.display())))?;
        Command::new("bash")
            .arg(self.script())
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| StackError::Unavailable(format!("cannot run bash: {e}")))
    }
}

/// A started stack; dropping it stops its process group.
#[derive(Debug)]
pub struct Running {
    child: Child,
    log: PathBuf,
    pub url: String,
    /// The second instance's URL, from [`Stack::start_pair`].
    pub also: Option<String>,
    /// From `start.sh PORT…` to the moment every instance accepts connections.
    pub startup: Duration,
}

impl Running {
    /// The end of the stack's output, for a failure message.
    pub fn log_tail(&self) -> String {
        tail(&self.log)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// SIGTERM to the child's process group, SIGKILL after 5 s, then reaps the child.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let signal = |name: &str| {
        let _ = Command::new("kill")
            .args([name, "--", &group])
            .stderr(Stdio::null())
            .status();
    };
    signal("-TERM");
    if wait_bounded(child, Duration::from_secs(5)).is_none() {
        signal("-KILL");
    }
    // The group may outlive its leader (a server's workers): make sure it is gone.
    signal("-KILL");
    let _ = child.wait();
}

/// Waits for the child until `limit`; `None` when it is still running.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(50)),
            _ => return None,
        }
    }
}

/// A loopback port that was free a moment ago.
fn free_port() -> Result<u16, StackError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| StackError::Broken(format!("no free loopback port: {e}")))
}

/// A free loopback port other than `taken` (which is free too until its stack binds it).
fn free_port_besides(taken: u16) -> Result<u16, StackError> {
    for _ in 0..16 {
        let port = free_port()?;
        if port != taken {
            return Ok(port);
        }
    }
    Err(StackError::Broken("no second free loopback port".into()))
}

fn log_path(stack: &str, what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("logout-stack-{stack}-{what}.log"))
}

/// The last 40 lines of a log.
fn tail(log: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut f) = File::open(log) {
        let _ = f.read_to_string(&mut text);
    }
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
