//! The reports against real runs: one defect is one root cause, the four formats agree
//! with each other on every scenario, and no secret the target handed out appears in any
//! output.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use conformance_tests::harness::{outcome, run_against, strict, suite};
use conformance_tests::routes::{reference, reference_state, rewrite, set_cookies, set_json};
use logout_conformance::report::{console, cucumber, junit};
use logout_conformance::{Profile, RunOptions, RunReport, ScenarioStatus};
use serde_json::{Value, json};
use warp::Filter as _;
use warp::http::StatusCode;
use warp::http::header::HeaderValue;

fn case(name: &str) -> conformance_tests::Case {
    match crate::broken::all().into_iter().find(|c| c.name == name) {
        Some(case) => case,
        None => panic!("no broken target {name}"),
    }
}

/// A file of its own under the system's temporary directory.
fn temp_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("conformance-reports-{name}-{}", std::process::id()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_logout_is_one_root_cause_reported_once() {
    let report = match outcome(&case("refuses_every_logout_403")).await {
        Ok(report) => report,
        Err(e) => panic!("no verdict: {e}"),
    };
    let first = &report.root_causes[0];
    assert_eq!(first.cause.clause, "LO-01");
    assert_eq!(first.cause.key, "status 403");
    assert_eq!(
        first.failed,
        [
            "LO-01", "LO-05", "LO-06", "LO-07", "LO-10", "LO-11", "LO-28"
        ]
    );
    for blocked in ["LO-04", "LO-20", "LO-27"] {
        assert!(first.blocked.iter().any(|b| b == blocked), "{first:?}");
    }
    assert_eq!(
        report.root_causes.len(),
        1,
        "one defect, one root cause: {:#?}",
        report.root_causes
    );
    let text = console::render(&report);
    assert_eq!(text.matches("ROOT CAUSE").count(), 1, "{text}");
    // The failure is shown in full once; the other scenarios are listed by name.
    assert_eq!(text.matches("  < 403").count(), 1, "{text}");
    for clause in &report.clauses {
        if clause.root_causes.is_empty() {
            continue;
        }
        assert_eq!(
            clause.root_causes,
            std::slice::from_ref(&first.cause),
            "{}",
            clause.id
        );
    }
}

/// How a JUnit test case of this name ended: passed, failure, error or skipped.
fn junit_kind(xml: &str, name: &str) -> &'static str {
    let escaped = name
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    let Some(start) = xml.find(&format!("name=\"{escaped}\"")) else {
        panic!("no JUnit test case {name:?}");
    };
    let rest = &xml[start..];
    let case = &rest[..rest.find("</testcase>").unwrap_or(rest.len())];
    let case = &case[..case[1..].find("<testcase").map_or(case.len(), |i| i + 1)];
    ["failure", "error", "skipped"]
        .into_iter()
        .find(|kind| case.contains(&format!("<{kind}")))
        .unwrap_or("passed")
}

/// The statuses of a cucumber JSON scenario's steps.
fn cucumber_steps(features: &Value, file: &str, line: usize) -> Vec<(String, Value)> {
    let scenario = features
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["uri"] == file)
        .flat_map(|f| f["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["line"] == line);
    let Some(scenario) = scenario else {
        panic!("no cucumber JSON scenario at {file}:{line}");
    };
    for tag in scenario["tags"].as_array().into_iter().flatten() {
        assert!(
            tag["name"].as_str().is_some_and(|t| t.starts_with('@')),
            "{tag}"
        );
    }
    scenario["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["result"]["status"].as_str().unwrap_or("").to_owned(),
                s.clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_says_the_same_of_every_scenario() {
    // A MUST failure, a SHOULD warning (LO-22), blockages would come from a refusal; not
    // strict, so that a warning is a pass in every format.
    let routes = (case("unknown_token_401").build)();
    let options = RunOptions::default();
    let report = match run_against(routes, Profile::reference(), suite(), &options).await {
        Ok(report) => report,
        Err(e) => panic!("no verdict: {e}"),
    };
    agree(&report);
    let refused = match outcome(&case("refuses_every_logout_403")).await {
        Ok(report) => report,
        Err(e) => panic!("no verdict: {e}"),
    };
    agree(&refused);
}

fn agree(report: &RunReport) {
    let path = temp_file("junit.xml");
    junit::write(report, &path).expect("write JUnit");
    let xml = std::fs::read_to_string(&path).expect("read JUnit");
    let _ = std::fs::remove_file(&path);
    let features = cucumber::render(&suite(), report);
    let mut timed = 0;
    let mut ran = 0;
    for s in report.scenarios() {
        let name = format!("[{} {}] {} ({})", s.clause, s.grade, s.name, s.key);
        let steps = cucumber_steps(&features, &s.key.file, s.key.line);
        let has = |status: &str| steps.iter().any(|(st, _)| st == status);
        let warned = steps
            .iter()
            .any(|(_, v)| v["output"].to_string().contains("WARNING"));
        let (junit_wanted, cucumber_ok) = match s.status {
            ScenarioStatus::Passed => ("passed", !has("failed") && !has("skipped")),
            ScenarioStatus::Warned if report.strict => ("failure", has("failed")),
            ScenarioStatus::Warned => ("passed", !has("failed") && warned),
            ScenarioStatus::Failed => ("failure", has("failed")),
            ScenarioStatus::Blocked => ("skipped", !has("failed") && has("skipped")),
            ScenarioStatus::Error => ("error", has("failed")),
            ScenarioStatus::NotRun => ("skipped", steps.iter().all(|(st, _)| st == "skipped")),
        };
        assert_eq!(
            junit_kind(&xml, &name),
            junit_wanted,
            "{name}: {:?}",
            s.status
        );
        assert!(cucumber_ok, "{name}: {:?} vs cucumber {steps:#?}", s.status);
        for (status, step) in &steps {
            if status == "passed" {
                assert!(
                    step["result"]["duration"].as_u64().unwrap_or(0) > 0,
                    "{step}"
                );
            }
        }
        if s.status != ScenarioStatus::NotRun {
            ran += 1;
            if !s.duration.is_zero() {
                timed += 1;
            }
        }
    }
    assert!(
        timed * 10 >= ran * 9,
        "{timed} of {ran} scenarios have a duration"
    );
}

/// Logs in with tokens under names the kit cannot guess, and echoes the presented
/// refresh token in the logout answer (which therefore fails LO-01 everywhere, so that
/// every transcript is printed).
fn leaky_target(issued: Arc<Mutex<HashSet<String>>>) -> conformance_tests::routes::Routes {
    rewrite(reference(&reference_state()), move |head, r| {
        let mut seen = issued.lock().unwrap_or_else(PoisonError::into_inner);
        let values: Vec<String> = set_cookies(r)
            .iter()
            .filter_map(|c| c.split(';').next()?.split_once('=').map(|(_, v)| v.to_owned()))
            .filter(|v| v.len() > 8)
            .collect();
        if head.path == "/auth/login" && values.len() == 2 {
            let jwt = format!("eyJ{}.sig", values[1]);
            seen.insert(jwt.clone());
            set_json(
                r,
                StatusCode::OK,
                &json!({ "message": "Login successful", "jwt": jwt, "user": { "sessionKey": values[0] } }),
            );
            let auth = format!("Bearer {}", values[0].chars().rev().collect::<String>());
            seen.insert(auth.trim_start_matches("Bearer ").to_owned());
            if let Ok(value) = HeaderValue::from_str(&auth) {
                r.headers_mut().insert("x-auth-session", value);
            }
        }
        if head.is_logout() && r.status() == StatusCode::OK {
            let presented = head
                .headers
                .get("cookie")
                .and_then(|c| c.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            set_json(r, StatusCode::OK, &json!({ "message": "Logged out", "was": presented }));
        }
        seen.extend(values);
    })
    .boxed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_the_target_handed_out_appears_in_any_output() {
    let issued: Arc<Mutex<HashSet<String>>> = Arc::default();
    let report = match run_against(
        leaky_target(issued.clone()),
        Profile::reference(),
        suite(),
        &strict(),
    )
    .await
    {
        Ok(report) => report,
        Err(e) => panic!("no verdict: {e}"),
    };
    let junit_path = temp_file("leaky-junit.xml");
    junit::write(&report, &junit_path).expect("write JUnit");
    let cucumber_path = temp_file("cucumber.json");
    cucumber::write_file(&suite(), &report, &cucumber_path).expect("write cucumber JSON");
    let outputs = vec![
        ("console", console::render(&report)),
        ("--report", serde_json::to_string(&report).expect("JSON")),
        (
            "--junit",
            std::fs::read_to_string(&junit_path).expect("JUnit"),
        ),
        (
            "--json",
            std::fs::read_to_string(&cucumber_path).expect("cucumber JSON"),
        ),
    ];
    let _ = std::fs::remove_file(&cucumber_path);
    let _ = std::fs::remove_file(&junit_path);
    let secrets = issued
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert!(
        secrets.len() > 50,
        "the target issued {} secrets",
        secrets.len()
    );
    let (console_text, _) = (&outputs[0].1, ());
    assert!(
        console_text.contains("«masked"),
        "nothing was masked:\n{console_text}"
    );
    for (name, text) in &outputs {
        let leaked: Vec<&String> = secrets
            .iter()
            .filter(|s| text.contains(s.as_str()))
            .collect();
        assert!(
            leaked.is_empty(),
            "{name} shows {} secrets, e.g. {:?}",
            leaked.len(),
            leaked.first()
        );
    }
}
