//! JUnit XML (`--junit FILE`): one test case per scenario, named with its clause.
//! A broken clause is a `<failure>`, a check that could not run is an `<error>`, a
//! scenario that was blocked or not run is `<skipped>` with the reason. A SHOULD failure
//! (warned) is a failure only under `--strict`; otherwise it is a passing case whose
//! output starts with `WARNING`. A failure the profile knows (`[[known_failure]]`) is a
//! passing case whose output starts with `KNOWN FAILURE`; a known failure that no
//! longer holds is a failing case of its own.

use std::path::Path;

use junit_report::{Duration as JDuration, ReportBuilder, TestCase, TestSuiteBuilder};

use crate::plan::catalogue::Grade;
use crate::verdict::known::{Known, KnownState};
use crate::verdict::outcome::RunReport;
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus};

/// Writes the JUnit report.
pub fn write(report: &RunReport, path: &Path) -> std::io::Result<()> {
    let mut suite = TestSuiteBuilder::new("logout-conformance");
    suite.set_system_out(&format!("generated cases: {}", report.generation.summary()));
    for clause in &report.clauses {
        let known = clause.known.as_ref();
        for scenario in &clause.scenarios {
            suite.add_testcase(case(scenario, report.strict, known));
        }
        // A known failure that no longer holds fails the run: say so where CI looks.
        if let Some(known) = known.filter(|k| k.fails_run()) {
            let name = format!(
                "[{} {}] known failure of the profile",
                clause.id, clause.grade
            );
            let message = known.describe();
            suite.add_testcase(TestCase::failure(
                &name,
                JDuration::ZERO,
                "known failure out of date",
                &message,
            ));
        }
    }
    let junit = ReportBuilder::new().add_testsuite(suite.build()).build();
    let file = std::fs::File::create(path)?;
    junit.write_xml(file).map_err(std::io::Error::other)
}

fn case(s: &ScenarioResult, strict: bool, known: Option<&Known>) -> TestCase {
    let name = format!("[{} {}] {} ({})", s.clause, s.grade, s.name, s.key);
    let time = JDuration::milliseconds(i64::try_from(s.duration.as_millis()).unwrap_or(i64::MAX));
    let reason = s.reason.clone().unwrap_or_default();
    let detail = [s.step.clone(), Some(reason.clone()), s.transcript.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    let (mut case, output) = match s.status {
        ScenarioStatus::Passed => (TestCase::success(&name, time), None),
        // An INFO scenario only observes; its steps never fail the target.
        ScenarioStatus::Failed if s.grade == Grade::Info => {
            (TestCase::success(&name, time), Some(detail))
        }
        ScenarioStatus::Failed | ScenarioStatus::Warned
            if known.is_some_and(|k| k.state == KnownState::Holds) =>
        {
            let known = known.map(Known::describe).unwrap_or_default();
            (
                TestCase::success(&name, time),
                Some(format!("KNOWN FAILURE ({known}): {detail}")),
            )
        }
        ScenarioStatus::Warned if !strict => (
            TestCase::success(&name, time),
            Some(format!("WARNING (SHOULD clause, not --strict): {detail}")),
        ),
        ScenarioStatus::Failed | ScenarioStatus::Warned => (
            TestCase::failure(&name, time, "clause broken", &reason),
            Some(detail),
        ),
        ScenarioStatus::Blocked => (
            TestCase::skipped(&name),
            Some(format!("not judged: {reason}\n{detail}")),
        ),
        ScenarioStatus::Error => (
            TestCase::error(&name, time, "could not run", &reason),
            Some(detail),
        ),
        ScenarioStatus::NotRun => (TestCase::skipped(&name), Some(format!("not run: {reason}"))),
    };
    case.set_classname(&s.clause.to_string());
    let notes: Vec<String> = s
        .observations
        .iter()
        .cloned()
        .chain(
            s.evidence
                .iter()
                .map(|e| format!("evidence for {}: {}", e.cause, e.message)),
        )
        .collect();
    let output = match (output, notes.is_empty()) {
        (output, true) => output,
        (None, false) => Some(notes.join("\n")),
        (Some(out), false) => Some(format!("{}\n{out}", notes.join("\n"))),
    };
    if let Some(output) = output {
        case.set_system_out(&output);
    }
    case
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::features::ScenarioKey;

    fn scenario(grade: Grade, status: ScenarioStatus) -> ScenarioResult {
        ScenarioResult {
            key: ScenarioKey {
                file: "features/x.feature".into(),
                line: 3,
            },
            name: "s".into(),
            clause: "LO-23".parse().expect("a clause ID"),
            grade,
            status,
            reason: Some("expected: a\n  actual:   b".into()),
            root_cause: None,
            step: Some("Then x (line 5)".into()),
            transcript: Some("HTTP".into()),
            evidence: Vec::new(),
            observations: Vec::new(),
            duration: std::time::Duration::ZERO,
            steps: Vec::new(),
        }
    }

    fn xml(case: TestCase) -> String {
        let mut suite = TestSuiteBuilder::new("t");
        suite.add_testcase(case);
        let report = ReportBuilder::new().add_testsuite(suite.build()).build();
        let mut out = Vec::new();
        report.write_xml(&mut out).expect("xml");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn failures_errors_warnings_and_skips_stay_apart() {
        let must = xml(case(
            &scenario(Grade::Must, ScenarioStatus::Failed),
            false,
            None,
        ));
        assert!(
            must.contains("<failure") && must.contains("[LO-23 MUST]"),
            "{must}"
        );
        let error = xml(case(
            &scenario(Grade::Must, ScenarioStatus::Error),
            false,
            None,
        ));
        assert!(
            error.contains("<error") && !error.contains("<failure"),
            "{error}"
        );
        let warned = xml(case(
            &scenario(Grade::Should, ScenarioStatus::Warned),
            false,
            None,
        ));
        assert!(
            !warned.contains("<failure") && warned.contains("WARNING"),
            "{warned}"
        );
        assert!(
            warned.contains("actual:"),
            "the warning keeps its detail: {warned}"
        );
        let strict = xml(case(
            &scenario(Grade::Should, ScenarioStatus::Warned),
            true,
            None,
        ));
        assert!(strict.contains("<failure"), "{strict}");
        let blocked = xml(case(
            &scenario(Grade::Must, ScenarioStatus::Blocked),
            false,
            None,
        ));
        assert!(
            blocked.contains("<skipped") && blocked.contains("not judged"),
            "{blocked}"
        );
        let skipped = xml(case(
            &scenario(Grade::Must, ScenarioStatus::NotRun),
            false,
            None,
        ));
        assert!(
            skipped.contains("<skipped") && skipped.contains("not run:"),
            "{skipped}"
        );
    }
}
