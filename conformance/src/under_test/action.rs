//! Capability actions declared in a profile: an HTTP request to the target (under the
//! run's policy, like every other exchange) or a shell command. A failed action means a
//! check could not run — never that the target broke a clause.

use std::process::Stdio;

use crate::http::endpoint::Endpoint;
use crate::plan::profile::{Action, HttpRequest};

/// What an action answered.
#[derive(Debug, Clone, Default)]
pub struct ActionOutput {
    /// HTTP: the answer's status; command: none.
    pub status: Option<u16>,
    /// HTTP: the `Set-Cookie` headers, as bytes (tokens are read from them exactly).
    pub set_cookies: Vec<Vec<u8>>,
    /// HTTP: the body; command: standard output.
    pub output: String,
}

/// Why an action failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("the profile declares no such capability")]
    NotOffered,
    #[error("{method} {url} failed: {cause}")]
    Http {
        method: String,
        url: String,
        cause: String,
    },
    #[error("{method} {url} answered {status}: {body}")]
    Status {
        method: String,
        url: String,
        status: u16,
        body: String,
    },
    #[error("command `{command}` could not start: {cause}")]
    Spawn { command: String, cause: String },
    #[error("command `{command}` exited with {status}: {stderr}")]
    Command {
        command: String,
        status: String,
        stderr: String,
    },
}

/// Runs an action; an HTTP answer outside 2xx or a non-zero exit is an error.
pub async fn run(endpoint: &Endpoint, action: &Action) -> Result<ActionOutput, ActionError> {
    match action {
        Action::Http(request) => http(endpoint, request).await,
        Action::Command(c) => command(&c.command).await,
    }
}

async fn http(endpoint: &Endpoint, request: &HttpRequest) -> Result<ActionOutput, ActionError> {
    let url = endpoint.url(&request.path);
    let method = request.method.to_ascii_uppercase();
    let http_err = |cause: String| ActionError::Http {
        method: method.clone(),
        url: url.to_string(),
        cause,
    };
    let verb =
        reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| http_err(e.to_string()))?;
    let mut builder = endpoint.client(None).request(verb, url.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.json(body);
    }
    let response = endpoint
        .policy()
        .exchange(builder)
        .await
        .map_err(|e| http_err(e.message))?;
    let status = response.status;
    let set_cookies = response
        .set_cookie_bytes()
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    let output = response.text();
    if !(200..300).contains(&status) {
        return Err(ActionError::Status {
            method,
            url: url.to_string(),
            status,
            body: output,
        });
    }
    Ok(ActionOutput {
        status: Some(status),
        set_cookies,
        output,
    })
}

async fn command(command: &str) -> Result<ActionOutput, ActionError> {
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        // An interrupted run must not leave the user's command running.
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| ActionError::Spawn {
            command: command.to_owned(),
            cause: e.to_string(),
        })?;
    if !output.status.success() {
        return Err(ActionError::Command {
            command: command.to_owned(),
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(ActionOutput {
        status: None,
        set_cookies: Vec::new(),
        output: String::from_utf8_lossy(&output.stdout).into_owned(),
    })
}
