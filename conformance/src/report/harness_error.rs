//! The reports of a run that reached no verdict (exit 2: a bad profile, a target that
//! never answered, no session opened). Every report the user asked for is still
//! written, and each says it is a harness error with the message, so that a CI job
//! that keeps its reports shows why, instead of an empty file.

use std::path::Path;

use minijinja::{Environment, context};
use serde_json::json;

use crate::report::{badge, markdown};

/// The report files a run was asked for.
#[derive(Debug, Clone, Default)]
pub struct Requested<'a> {
    pub report: Option<&'a Path>,
    pub junit: Option<&'a Path>,
    pub json: Option<&'a Path>,
    pub html: Option<&'a Path>,
    pub markdown: Option<&'a Path>,
    pub badge: Option<&'a Path>,
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>harness error — logout-conformance</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:960px;margin:16px auto;padding:0 16px}pre{white-space:pre-wrap;background:#f6f8fa;padding:8px}</style>
</head><body>
<h1>logout-conformance: <span id="verdict">harness error</span> (exit 2)</h1>
<p>The run reached no verdict: no clause was judged. Kit {{ kit_version }}.</p>
<pre id="error">{{ message }}</pre>
</body></html>
"#;

/// Writes every requested report for a harness error; the first file that cannot be
/// written is the error (the others are still tried).
pub fn write_all(requested: &Requested<'_>, message: &str) -> std::io::Result<()> {
    let kit_version = env!("CARGO_PKG_VERSION");
    let mut first_error = None;
    let mut put = |path: Option<&Path>, text: String| {
        if let Some(path) = path
            && let Err(e) = std::fs::write(path, text)
        {
            first_error.get_or_insert(e);
        }
    };
    let report = json!({
        "kit_version": kit_version,
        "verdict": "harness-error",
        "exit_code": 2,
        "harness_error": message,
        "clauses": [],
    });
    put(requested.report, pretty(&report));
    let cucumber = json!([{
        "uri": "logout-conformance",
        "id": "logout-conformance",
        "keyword": "Feature",
        "name": "logout-conformance",
        "line": 1,
        "elements": [{
            "id": "logout-conformance;harness-error",
            "keyword": "Scenario",
            "type": "scenario",
            "name": "harness error: the run reached no verdict",
            "line": 1,
            "steps": [{
                "keyword": "Given ",
                "name": "the kit could run the suite",
                "line": 1,
                "result": { "status": "failed", "error_message": message, "duration": 0 },
            }],
        }],
    }]);
    put(requested.json, pretty(&cucumber));
    put(requested.junit, junit(message));
    put(requested.html, page(kit_version, message));
    put(
        requested.markdown,
        format!(
            "### logout-conformance: harness error (exit 2)\n\nThe run reached no verdict: {}\n",
            markdown::escape(message)
        ),
    );
    put(
        requested.badge,
        serde_json::to_string(&badge::harness_error()).unwrap_or_default() + "\n",
    );
    first_error.map_or(Ok(()), Err)
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

fn junit(message: &str) -> String {
    use junit_report::{Duration, ReportBuilder, TestCase, TestSuiteBuilder};
    let mut suite = TestSuiteBuilder::new("logout-conformance");
    suite.add_testcase(TestCase::error(
        "harness error: the run reached no verdict",
        Duration::ZERO,
        "harness error",
        message,
    ));
    let report = ReportBuilder::new().add_testsuite(suite.build()).build();
    let mut out = Vec::new();
    match report.write_xml(&mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => String::new(),
    }
}

fn page(kit_version: &str, message: &str) -> String {
    let mut env = Environment::new();
    let rendered = env
        .add_template("harness-error.html", PAGE)
        .and_then(|()| env.get_template("harness-error.html"))
        .and_then(|t| t.render(context! { kit_version, message }));
    // The template is ours and fixed; should it ever fail, the page still says it.
    rendered.unwrap_or_else(|_| {
        "<!DOCTYPE html><title>harness error</title><h1>harness error</h1>".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_requested_report_says_it_is_a_harness_error() {
        let dir = std::env::temp_dir().join(format!("harness-error-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let names = ["r.json", "j.xml", "c.json", "p.html", "s.md", "b.json"];
        let p: Vec<_> = names.iter().map(|n| dir.join(n)).collect();
        let requested = Requested {
            report: Some(&p[0]),
            junit: Some(&p[1]),
            json: Some(&p[2]),
            html: Some(&p[3]),
            markdown: Some(&p[4]),
            badge: Some(&p[5]),
        };
        write_all(&requested, "no session: <b>refused</b>").expect("written");
        for path in &p {
            let text = std::fs::read_to_string(path).expect("a file");
            assert!(
                text.contains("harness error") || text.contains("harness-error"),
                "{text}"
            );
        }
        let html = std::fs::read_to_string(&p[3]).expect("a file");
        assert!(
            html.contains("&lt;b&gt;refused") && !html.contains("<b>"),
            "{html}"
        );
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p[0]).expect("a file")).expect("JSON");
        assert_eq!(report["harness_error"], "no session: <b>refused</b>");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
