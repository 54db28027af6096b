//! Capability actions declared in a profile: an HTTP request to the target (under the
//! run's policy, like every other exchange) or a shell command. A failed action means a
//! check could not run — never that the target broke a clause.
//!
//! A command learns which target it acts on, so that a profile need not hard-code a
//! port: `{url}`, `{host}` and `{port}` in its text are replaced by the target's base
//! URL (no trailing slash), host and port, and the same values are in its environment
//! as `CONFORMANCE_TARGET_URL`, `CONFORMANCE_TARGET_HOST` and `CONFORMANCE_TARGET_PORT`.
//! Every action is kept in the scenario's transcript like a request ([`run_recorded`]).

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::http::endpoint::Endpoint;
use crate::http::exchange::Exchange;
use crate::http::no_answer::NoAnswer;
use crate::http::record::{RequestRecord, ResponseRecord};
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
        Action::Command(c) => command(&c.command, &TargetContext::of(endpoint)).await,
    }
}

/// Runs an action and records it for the transcript under `label`, whatever its result.
pub async fn run_recorded(
    endpoint: &Endpoint,
    action: &Action,
    label: &str,
) -> (Result<ActionOutput, ActionError>, Exchange) {
    let started = Instant::now();
    let result = run(endpoint, action).await;
    let exchange = record(endpoint, action, label, &result, started.elapsed());
    (result, exchange)
}

/// The target a command acts on: its base URL, host and port.
struct TargetContext {
    url: String,
    host: String,
    port: String,
}

impl TargetContext {
    fn of(endpoint: &Endpoint) -> Self {
        let base = endpoint.base();
        Self {
            url: base.as_str().trim_end_matches('/').to_owned(),
            host: base.host_str().unwrap_or_default().to_owned(),
            port: base
                .port_or_known_default()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        }
    }

    /// The command with `{url}`, `{host}` and `{port}` filled in.
    fn fill(&self, command: &str) -> String {
        command
            .replace("{url}", &self.url)
            .replace("{host}", &self.host)
            .replace("{port}", &self.port)
    }

    /// The environment variables the command gets.
    fn env(&self) -> [(&'static str, &str); 3] {
        [
            ("CONFORMANCE_TARGET_URL", &self.url),
            ("CONFORMANCE_TARGET_HOST", &self.host),
            ("CONFORMANCE_TARGET_PORT", &self.port),
        ]
    }
}

/// An action as the transcript shows it: the HTTP request and its answer, or the command
/// (`> sh -c COMMAND`, its environment as `>` lines) and its exit status and output.
fn record(
    endpoint: &Endpoint,
    action: &Action,
    label: &str,
    result: &Result<ActionOutput, ActionError>,
    elapsed: Duration,
) -> Exchange {
    let request = match action {
        Action::Http(r) => RequestRecord {
            method: r.method.to_ascii_uppercase(),
            url: endpoint.url(&r.path).to_string(),
            headers: r
                .headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.as_bytes().to_vec()))
                .collect(),
            body: r
                .body
                .as_ref()
                .map(|b| b.to_string().into_bytes())
                .unwrap_or_default(),
        },
        Action::Command(c) => {
            let context = TargetContext::of(endpoint);
            RequestRecord {
                method: "sh -c".into(),
                url: context.fill(&c.command),
                headers: context
                    .env()
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                    .collect(),
                body: Vec::new(),
            }
        }
    };
    let response = match result {
        Ok(out) => Ok(ResponseRecord {
            // A command's exit status 0, shown where an HTTP status would be.
            status: out.status.unwrap_or(0),
            headers: out
                .set_cookies
                .iter()
                .map(|c| ("set-cookie".to_owned(), c.clone()))
                .collect(),
            body: out.output.clone().into_bytes(),
        }),
        Err(ActionError::Status { status, body, .. }) => Ok(ResponseRecord {
            status: *status,
            headers: Vec::new(),
            body: body.clone().into_bytes(),
        }),
        // The action failed: a limit of this run, never the target's answer.
        Err(e) => Err(NoAnswer::kit(e.to_string())),
    };
    Exchange {
        label: label.to_owned(),
        request,
        response,
        elapsed,
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

async fn command(command: &str, context: &TargetContext) -> Result<ActionOutput, ActionError> {
    let command = &context.fill(command);
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(context.env())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::policy::Policy;
    use crate::plan::profile::actions::CommandAction;

    fn endpoint() -> Endpoint {
        Endpoint::new(
            "http://127.0.0.1:3917/",
            Policy::new(Duration::from_secs(5)),
        )
        .expect("a valid URL")
    }

    #[tokio::test]
    async fn a_command_gets_the_target_as_placeholders_and_environment() {
        let action = Action::Command(CommandAction {
            command: "echo {url} {host} {port}; echo $CONFORMANCE_TARGET_URL \
                      $CONFORMANCE_TARGET_HOST $CONFORMANCE_TARGET_PORT"
                .into(),
        });
        let (result, exchange) = run_recorded(&endpoint(), &action, "store fault on").await;
        let out = result.expect("the command runs");
        assert_eq!(
            out.output,
            "http://127.0.0.1:3917 127.0.0.1 3917\nhttp://127.0.0.1:3917 127.0.0.1 3917\n"
        );
        let shown = exchange.to_string();
        assert!(shown.contains("--- store fault on"), "{shown}");
        assert!(
            shown.contains("> sh -c echo http://127.0.0.1:3917 127.0.0.1 3917;"),
            "{shown}"
        );
        assert!(shown.contains("> CONFORMANCE_TARGET_PORT: 3917"), "{shown}");
    }

    #[tokio::test]
    async fn a_failed_command_is_in_the_transcript_as_the_kit_s_failure() {
        let action = Action::Command(CommandAction {
            command: "echo nope >&2; exit 3".into(),
        });
        let (result, exchange) = run_recorded(&endpoint(), &action, "expired session").await;
        assert!(matches!(result, Err(ActionError::Command { .. })));
        let shown = exchange.to_string();
        let failure = exchange.response.expect_err("no answer");
        assert!(!failure.blames_target(), "{failure:?}");
        assert!(shown.contains("nope"), "{shown}");
    }
}
