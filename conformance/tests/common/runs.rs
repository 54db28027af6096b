//! Runs of the real binary against in-tree targets that write their reports into a
//! scratch folder, and reading those reports back.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use super::cli;

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logout-across-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The reference server's profile (its hooks on) in version 2, naming the stack, with
/// `extra` appended (known failures).
pub fn profile(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let text = format!(
        "version = 2\n\n[stack]\nname = \"{name}\"\nversion = \"in-tree\"\n\n\
         [store_fault]\non = {{ method = \"POST\", path = \"/__conformance/store/fail\" }}\n\
         off = {{ method = \"POST\", path = \"/__conformance/store/recover\" }}\n\n\
         [expired_session]\nsource = {{ method = \"POST\", path = \"/__conformance/expired-session\" }}\n\n\
         [cors]\norigin = \"http://localhost:5173\"\n\n{extra}"
    );
    std::fs::write(&path, text).expect("profile written");
    path
}

/// Runs the suite against `url` with `profile`, writing `<dir>/<name>.json` and
/// `.html` (and the Markdown summary and badge); the exit code. Without generated cases:
/// these runs compare fixed verdicts, and a generated case that meets the broken
/// server's second-logout 500 on a seed of its own would change them from run to run.
pub async fn judge(dir: &Path, name: &str, url: &str, profile: &Path) -> Option<i32> {
    let base = dir.join(name);
    let out = cli(&[
        "-q",
        "--generate",
        "0",
        "--target",
        url,
        "--profile",
        s(profile),
        "--report",
        s(&base.with_extension("json")),
        "--html",
        s(&base.with_extension("html")),
        "--markdown",
        s(&base.with_extension("md")),
        "--badge",
        s(&base.with_extension("badge.json")),
    ])
    .await;
    out.status.code()
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON")
}
