//! JUnit XML (`--junit FILE`): one test case per scenario, named with its clause.
//! A broken clause is a `<failure>`, a check that could not run is an `<error>`, a
//! scenario that was not run is `<skipped>`. A SHOULD failure is a failure only under
//! `--strict`; otherwise it is reported in the case's output as a warning.

use std::path::Path;

use junit_report::{Duration as JDuration, ReportBuilder, TestCase, TestSuiteBuilder};

use crate::catalogue::Grade;
use crate::runner::RunReport;
use crate::verdict::{ScenarioResult, ScenarioStatus};

/// Writes the JUnit report.
pub fn write(report: &RunReport, path: &Path) -> std::io::Result<()> {
    let mut suite = TestSuiteBuilder::new("logout-conformance");
    for scenario in report.scenarios() {
        suite.add_testcase(case(scenario, report.strict));
    }
    let junit = ReportBuilder::new().add_testsuite(suite.build()).build();
    let file = std::fs::File::create(path)?;
    junit.write_xml(file).map_err(std::io::Error::other)
}

fn case(s: &ScenarioResult, strict: bool) -> TestCase {
    let name = format!("[{} {}] {} ({})", s.clause, s.grade, s.name, s.key);
    let time = JDuration::milliseconds(i64::try_from(s.duration.as_millis()).unwrap_or(i64::MAX));
    let reason = s.reason.clone().unwrap_or_default();
    let detail = [s.step.clone(), Some(reason.clone()), s.transcript.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    let mut case = match s.status {
        ScenarioStatus::Passed => TestCase::success(&name, time),
        ScenarioStatus::Failed if s.grade == Grade::Should && !strict => {
            let mut case = TestCase::success(&name, time);
            case.set_system_out(&format!("WARNING (SHOULD clause, not --strict): {detail}"));
            case
        }
        ScenarioStatus::Failed if s.grade == Grade::Info => TestCase::success(&name, time),
        ScenarioStatus::Failed => TestCase::failure(&name, time, "clause broken", &reason),
        ScenarioStatus::Error => TestCase::error(&name, time, "could not run", &reason),
        ScenarioStatus::NotRun => TestCase::skipped(&name),
    };
    case.set_classname(&s.clause);
    if matches!(s.status, ScenarioStatus::Failed | ScenarioStatus::Error) && s.grade != Grade::Info
    {
        case.set_system_out(&detail);
    }
    if s.status == ScenarioStatus::NotRun {
        case.set_system_out(&format!("not run: {reason}"));
    }
    if !s.observations.is_empty() {
        case.set_system_out(&s.observations.join("\n"));
    }
    case
}
