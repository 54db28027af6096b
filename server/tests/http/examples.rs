//! The logout document's §4 examples, run verbatim against the real binary on the port
//! they name (3000). Only the placeholder `<valid_refresh_token>` is substituted.
//!
//! They need `curl`, and `node` with Debian's `node-axios`. Without them the tests print
//! why they skip, except under `CI=true`, where a missing tool is a failure.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use tokio::process::Command;
use tokio::sync::Mutex;

use crate::util::{Binary, client};

/// Both examples need port 3000; they take turns.
static PORT_3000: Mutex<()> = Mutex::const_new(());

/// §4 "Example cURL Request", verbatim.
const CURL_EXAMPLE: &str = r#"curl -X POST http://localhost:3000/auth/logout \
-H "Content-Type: application/json" \
--cookie "refreshToken=<valid_refresh_token>""#;

/// §4 "Example Axios Request", verbatim.
const AXIOS_EXAMPLE: &str = r#"import axios from "axios";
const logoutUser = async () => {
try {
const response = await axios.post("http://localhost:3000/auth/logout", {}, {
withCredentials: true
});
console.log("Logout Response:", response.data);
} catch (error) {
console.error("Error:", error.response?.data || error.message);
}
};
logoutUser();
"#;

/// §5 "Cookies Cleared", verbatim: each line must begin a header line of the answer.
const CLEARED_LINES: [&str; 2] = [
    "Set-Cookie: accessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;",
    "Set-Cookie: refreshToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;",
];

/// Whether a required tool is there; `false` means "skip" (never under `CI=true`).
async fn have(tool: &str, version_arg: &str) -> bool {
    let found = Command::new(tool)
        .arg(version_arg)
        .output()
        .await
        .is_ok_and(|o| o.status.success());
    if !found {
        let reason = format!(
            "`{tool}` is not installed (Debian: apt-get install -y curl nodejs node-axios)"
        );
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{reason}");
        eprintln!("SKIPPED: {reason}");
    }
    found
}

/// Starts the real binary on 127.0.0.1:3000, failing clearly if the port stays taken
/// (another test suite may hold it for a few seconds).
async fn start_on_port_3000() -> Binary {
    let mut attempts = 0;
    // tokio binds with SO_REUSEADDR, as the server does, so connections of an earlier
    // run lingering in TIME_WAIT do not count as "busy".
    while let Err(error) = tokio::net::TcpListener::bind("127.0.0.1:3000").await {
        attempts += 1;
        assert!(
            attempts < 30,
            "port 3000 is busy ({error}); the documented examples need it: stop what listens there"
        );
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    // No address flags: the defaults must be the spec's 127.0.0.1:3000.
    let server = Binary::start(&[]).await;
    assert_eq!(server.url, "http://127.0.0.1:3000");
    server
}

/// A new user logged in on the binary at `url`; returns its refresh token.
async fn refresh_token_from(url: &str) -> String {
    let probe = client();
    let email = crate::util::unique_email();
    let body = serde_json::json!({"name": "Curl", "email": email, "password": "pw"});
    let answer = probe
        .post(format!("{url}/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    let answer = probe
        .post(format!("{url}/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("refreshToken="))
        .unwrap();
    cookie["refreshToken=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn refresh_is_live(url: &str, token: &str) -> bool {
    let answer = client()
        .get(format!("{url}/auth/validate-session"))
        .header("cookie", format!("refreshToken={token}"))
        .send()
        .await
        .unwrap();
    answer.status() == StatusCode::OK
}

async fn sh(command: &str) -> String {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`{command}` failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
}

#[tokio::test]
async fn the_documented_curl_example_logs_out() {
    if !have("curl", "--version").await {
        return;
    }
    let _turn = PORT_3000.lock().await;
    let server = start_on_port_3000().await;

    let token = refresh_token_from(&server.url).await;
    assert!(refresh_is_live(&server.url, &token).await);
    let stdout = sh(&CURL_EXAMPLE.replace("<valid_refresh_token>", &token)).await;
    assert_eq!(stdout, r#"{"message":"Logged out successfully"}"#);
    assert!(
        !refresh_is_live(&server.url, &token).await,
        "curl's logout left the token live"
    );

    // The same command with -i shows the §5 "Cookies Cleared" lines.
    let token = refresh_token_from(&server.url).await;
    let stdout = sh(&format!(
        "{} -i",
        CURL_EXAMPLE.replace("<valid_refresh_token>", &token)
    ))
    .await;
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0].trim_end(), "HTTP/1.1 200 OK", "{stdout}");
    for expected in CLEARED_LINES {
        let found = lines.iter().any(|line| {
            line.len() >= expected.len() && line[..expected.len()].eq_ignore_ascii_case(expected)
        });
        assert!(found, "no header line begins with {expected:?}:\n{stdout}");
    }
    assert_eq!(
        lines.last().copied(),
        Some(r#"{"message":"Logged out successfully"}"#),
        "{stdout}"
    );
    assert!(!refresh_is_live(&server.url, &token).await);

    let (status, log) = server.stop().await;
    assert!(status.success(), "{status}: {log:#?}");
}

/// The directory that holds Debian's `axios` package (to be used as `node_modules`).
async fn debian_node_modules() -> Option<PathBuf> {
    let output = Command::new("dpkg")
        .args(["-L", "node-axios"])
        .output()
        .await
        .ok()?;
    let listing = String::from_utf8(output.stdout).ok()?;
    listing
        .lines()
        .map(Path::new)
        .find(|p| p.file_name().is_some_and(|n| n == "axios") && p.join("package.json").is_file())
        .and_then(|p| p.parent().map(Path::to_path_buf))
}

#[tokio::test]
async fn the_documented_axios_example_logs_out() {
    if !have("node", "--version").await {
        return;
    }
    let Some(node_modules) = debian_node_modules().await else {
        let reason = "Debian's node-axios is not installed (apt-get install -y nodejs node-axios)";
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{reason}");
        eprintln!("SKIPPED: {reason}");
        return;
    };
    // ESM ignores NODE_PATH: give the example a node_modules of its own. Debian's axios
    // imports its own dependencies (form-data, …) from the same directory, so the link
    // points at that directory, and --preserve-symlinks keeps resolution inside it.
    let dir = std::env::temp_dir().join(format!("logout-axios-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&node_modules, dir.join("node_modules")).unwrap();
    std::fs::write(dir.join("logout.mjs"), AXIOS_EXAMPLE).unwrap();

    let _turn = PORT_3000.lock().await;
    let server = start_on_port_3000().await;
    let output = Command::new("node")
        .args(["--preserve-symlinks", "logout.mjs"])
        .current_dir(&dir)
        .output()
        .await
        .unwrap();
    let (status, log) = server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);

    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "node failed:\n{stdout}\n{stderr}");
    assert_eq!(
        stdout, "Logout Response: { message: 'Logged out successfully' }\n",
        "stderr:\n{stderr}"
    );
    assert!(stderr.is_empty(), "{stderr}");
    assert!(status.success(), "{status}: {log:#?}");
}
