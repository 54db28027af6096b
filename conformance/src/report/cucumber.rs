//! Cucumber's JSON format (`--json FILE`), for existing cucumber report tools, written
//! from the kit's own results so that it says what the other reports say: a SHOULD
//! warning is a passed step with a `WARNING` output (a failure under `--strict`), a
//! blocked or not-run scenario has skipped steps with the reason, a check that could not
//! run is a failed step whose message starts with "could not run", tags keep their `@`,
//! and each step has its real duration (nanoseconds).

use std::io::Write;
use std::path::Path;

use cucumber::gherkin;
use serde_json::{Value, json};

use crate::plan::features::{ScenarioKey, Suite, display_path};
use crate::verdict::outcome::RunReport;
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus, StepStatus};

/// Writes the report.
pub fn write(suite: &Suite, report: &RunReport, out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(out, &render(suite, report)).map_err(std::io::Error::other)
}

/// Writes the report to a file, replacing what it held.
pub fn write_file(suite: &Suite, report: &RunReport, path: &Path) -> std::io::Result<()> {
    write(suite, report, std::fs::File::create(path)?)
}

/// The report as cucumber JSON.
pub fn render(suite: &Suite, report: &RunReport) -> Value {
    let features: Vec<Value> = suite
        .features
        .iter()
        .map(|feature| {
            let scenarios = feature
                .scenarios
                .iter()
                .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()));
            let elements: Vec<Value> = scenarios
                .map(|scenario| {
                    let key = ScenarioKey {
                        file: display_path(feature),
                        line: scenario.position.line,
                    };
                    let result = report.scenarios().find(|r| r.key == key);
                    element(feature, scenario, result, report.strict)
                })
                .collect();
            json!({
                "uri": display_path(feature),
                "id": slug(&feature.name),
                "keyword": feature.keyword,
                "name": feature.name,
                "description": feature.description.clone().unwrap_or_default(),
                "line": feature.position.line,
                "tags": tags(&feature.tags, feature.position.line.saturating_sub(1)),
                "elements": elements,
            })
        })
        .collect();
    Value::Array(features)
}

fn element(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    result: Option<&ScenarioResult>,
    strict: bool,
) -> Value {
    let status = result.map_or(ScenarioStatus::NotRun, |r| r.status);
    let reason = result.and_then(|r| r.reason.clone()).unwrap_or_default();
    let mut ended = false;
    let steps: Vec<Value> = scenario
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let recorded =
                result.and_then(|r| r.steps.iter().find(|s| s.line == step.position.line));
            let mut output: Vec<String> = Vec::new();
            let outcome = match recorded {
                _ if ended => json!({ "status": "skipped" }),
                None if status == ScenarioStatus::NotRun && i == 0 => {
                    json!({ "status": "skipped", "error_message": format!("not run: {reason}") })
                }
                None => json!({ "status": "skipped" }),
                Some(step) => {
                    let duration = u64::try_from(step.duration.as_nanos()).unwrap_or(u64::MAX);
                    let ended_here = matches!(step.status, StepStatus::Ended(_));
                    ended |= ended_here;
                    // The scenario's status, graded: a SHOULD failure is a warning.
                    let (word, message) = if ended_here {
                        ending(status, &reason, strict, &mut output)
                    } else {
                        ("passed", None)
                    };
                    let mut outcome = json!({ "status": word, "duration": duration });
                    if let Some(message) = message {
                        outcome["error_message"] = json!(message);
                    }
                    outcome
                }
            };
            let mut value = json!({
                "keyword": format!("{} ", step.keyword.trim()),
                "name": step.value,
                "line": step.position.line,
                "result": outcome,
            });
            if i + 1 == scenario.steps.len()
                && let Some(r) = result
            {
                output.extend(r.observations.iter().cloned());
                output.extend(
                    r.evidence
                        .iter()
                        .map(|e| format!("evidence for {}: {}", e.cause, e.message)),
                );
            }
            if !output.is_empty() {
                value["output"] = json!(output);
            }
            value
        })
        .collect();
    json!({
        "id": format!("{};{}", slug(&feature.name), slug(&scenario.name)),
        "keyword": scenario.keyword,
        "type": "scenario",
        "name": scenario.name,
        "description": scenario.description.clone().unwrap_or_default(),
        "line": scenario.position.line,
        "tags": tags(&scenario.tags, scenario.position.line.saturating_sub(1)),
        "steps": steps,
    })
}

/// The cucumber status and message of the step that ended a scenario.
fn ending(
    status: ScenarioStatus,
    reason: &str,
    strict: bool,
    output: &mut Vec<String>,
) -> (&'static str, Option<String>) {
    match status {
        ScenarioStatus::Warned if !strict => {
            output.push(format!("WARNING (SHOULD clause, not --strict): {reason}"));
            ("passed", None)
        }
        ScenarioStatus::Failed | ScenarioStatus::Warned => ("failed", Some(reason.to_owned())),
        ScenarioStatus::Error => ("failed", Some(format!("could not run: {reason}"))),
        ScenarioStatus::Blocked => ("skipped", Some(format!("not judged: {reason}"))),
        ScenarioStatus::Passed | ScenarioStatus::NotRun => ("passed", None),
    }
}

/// Tags as written in the feature files, with their `@`.
fn tags(tags: &[String], line: usize) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({ "name": format!("@{}", t.trim_start_matches('@')), "line": line }))
        .collect()
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
