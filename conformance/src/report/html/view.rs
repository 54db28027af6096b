//! The report as the template sees it: plain values with the words, classes and anchors
//! already chosen, so the template only lays them out and never decides a status.

use std::collections::HashMap;

use minijinja::{Value, context};

use crate::plan::catalogue::Grade;
use crate::plan::contract::ContractKind;
use crate::plan::features::{ScenarioKey, Suite, display_path};
use crate::verdict::check::Cause;
use crate::verdict::clause::{ClauseResult, ClauseStatus, EvidenceFrom};
use crate::verdict::outcome::RunReport;
use crate::verdict::root_cause::RootCause;
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus, StepResult, StepStatus};

/// The text of each step of a suite, by scenario and line (`Then the response status is
/// 200`). Keyed by scenario: the rows of an outline share their steps' lines, not their
/// text.
#[derive(Debug, Default)]
pub struct StepTexts(HashMap<ScenarioKey, HashMap<usize, String>>);

impl StepTexts {
    /// Every step of `suite`'s scenarios, their backgrounds' steps included.
    pub fn of(suite: &Suite) -> Self {
        let mut texts = HashMap::new();
        for feature in &suite.features {
            let file = display_path(feature);
            let in_rules = feature.rules.iter().flat_map(|rule| {
                rule.scenarios
                    .iter()
                    .map(move |s| (rule.background.as_ref(), s))
            });
            let scenarios = feature.scenarios.iter().map(|s| (None, s)).chain(in_rules);
            for (rule_background, scenario) in scenarios {
                let steps = feature
                    .background
                    .iter()
                    .chain(rule_background)
                    .flat_map(|b| b.steps.iter())
                    .chain(scenario.steps.iter())
                    .map(|step| {
                        let text = format!("{} {}", step.keyword.trim(), step.value);
                        (step.position.line, text)
                    })
                    .collect();
                let key = ScenarioKey {
                    file: file.clone(),
                    line: scenario.position.line,
                };
                texts.insert(key, steps);
            }
        }
        Self(texts)
    }

    fn get(&self, scenario: &ScenarioKey, line: usize) -> Option<&str> {
        self.0.get(scenario)?.get(&line).map(String::as_str)
    }
}

/// The CSS class and the word of a clause status, as the README's "Reading a verdict"
/// names them (`--report` spells `not run` as `not_run`).
pub fn clause_status(status: ClauseStatus) -> (&'static str, &'static str) {
    match status {
        ClauseStatus::Passed => ("passed", "passed"),
        ClauseStatus::Failed => ("failed", "failed"),
        ClauseStatus::Warned => ("warned", "warned"),
        ClauseStatus::Blocked => ("blocked", "blocked"),
        ClauseStatus::NotRun => ("not_run", "not run"),
        ClauseStatus::Waived => ("waived", "waived"),
        ClauseStatus::Info => ("info", "info"),
    }
}

/// The statuses in the order the filter lists them.
const FILTER_ORDER: [ClauseStatus; 7] = [
    ClauseStatus::Failed,
    ClauseStatus::Warned,
    ClauseStatus::Blocked,
    ClauseStatus::NotRun,
    ClauseStatus::Passed,
    ClauseStatus::Info,
    ClauseStatus::Waived,
];

fn scenario_status(status: ScenarioStatus) -> &'static str {
    match status {
        ScenarioStatus::Passed => "passed",
        ScenarioStatus::Failed => "failed",
        ScenarioStatus::Warned => "warned",
        ScenarioStatus::Blocked => "blocked",
        ScenarioStatus::Error => "error",
        ScenarioStatus::NotRun => "not_run",
    }
}

/// An element id for a scenario, the same wherever it is linked from.
fn anchor(key: &ScenarioKey) -> String {
    let file: String = key
        .file
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("s-{file}-{}", key.line)
}

fn millis(d: std::time::Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// The whole template context.
pub fn report(report: &RunReport, texts: &StepTexts) -> Value {
    let index = |cause: &Cause| report.root_causes.iter().position(|r| &r.cause == cause);
    let counts: Vec<Value> = FILTER_ORDER
        .iter()
        .map(|s| {
            let (key, label) = clause_status(*s);
            let count = report.clauses.iter().filter(|c| c.status == *s).count();
            context! { key, label, count }
        })
        .filter(|v| v.get_attr("count").is_ok_and(|c| c.as_usize() != Some(0)))
        .collect();
    context! {
        target => &report.target,
        kit_version => &report.kit_version,
        stack => report.stack.as_ref().map(|s| match &s.version {
            Some(v) => format!("{} {v}", s.name),
            None => s.name.clone(),
        }),
        started_at => &report.started_at,
        generation => report.generation.summary(),
        wall_time => format!("{:.2} s", report.wall_time.as_secs_f64()),
        strict => report.strict,
        verdict => context! {
            key => report.verdict.label(),
            label => report.verdict.label(),
            exit_code => report.verdict.exit_code(),
        },
        contract => context! {
            judged => match report.contract.judged {
                ContractKind::Documented => "documented",
                ContractKind::Declared => "declared",
            },
            deviations => report.contract.deviations.clone(),
        },
        totals => totals(report),
        scenarios => scenario_totals(report),
        counts,
        root_causes => report
            .root_causes
            .iter()
            .enumerate()
            .map(|(i, c)| root_cause(report, i + 1, c))
            .collect::<Vec<_>>(),
        clauses => report
            .clauses
            .iter()
            .map(|c| clause(c, &index, texts))
            .collect::<Vec<_>>(),
    }
}

/// One line per grade, as the console's totals.
fn totals(report: &RunReport) -> Vec<Value> {
    [Grade::Must, Grade::Should, Grade::Info]
        .into_iter()
        .map(|grade| {
            let line = crate::report::totals::line(report, grade);
            context! { grade => grade.to_string(), line }
        })
        .collect()
}

fn scenario_totals(report: &RunReport) -> String {
    let all = report.scenarios().count();
    let with = |status| report.scenarios().filter(|s| s.status == status).count();
    let judged =
        with(ScenarioStatus::Passed) + with(ScenarioStatus::Failed) + with(ScenarioStatus::Warned);
    let mut line = format!("{judged} of {all} scenarios judged");
    for (status, word) in [
        (ScenarioStatus::Blocked, "blocked"),
        (ScenarioStatus::Error, "could not run"),
        (ScenarioStatus::NotRun, "not run"),
    ] {
        if let n @ 1.. = with(status) {
            line.push_str(&format!(", {n} {word}"));
        }
    }
    line
}

fn root_cause(report: &RunReport, n: usize, cause: &RootCause) -> Value {
    let example = report.scenarios().find(|s| s.key == cause.example);
    let evidence = report
        .clauses
        .iter()
        .flat_map(|c| c.evidence.iter())
        .find(|e| e.scenario == cause.example && e.root_cause == cause.cause);
    let transcript = example
        .and_then(|s| s.transcript.clone())
        .or_else(|| evidence.and_then(|e| e.transcript.clone()));
    let step = example
        .filter(|s| s.root_cause.as_ref() == Some(&cause.cause))
        .and_then(|s| s.step.clone());
    context! {
        n,
        cause => crate::report::cause_title::title(report, cause),
        failed => cause.failed.iter().map(ToString::to_string).collect::<Vec<_>>(),
        blocked => cause.blocked.iter().map(ToString::to_string).collect::<Vec<_>>(),
        scenarios => cause.scenarios,
        example => cause.example.to_string(),
        example_anchor => anchor(&cause.example),
        example_name => example.map(|s| format!("[{} {}] {}", s.clause, s.grade, s.name)),
        step,
        message => cause.message.trim_end(),
        transcript,
    }
}

fn clause(c: &ClauseResult, index: &dyn Fn(&Cause) -> Option<usize>, texts: &StepTexts) -> Value {
    let (key, label) = clause_status(c.status);
    // A known failure keeps its status (it was judged) and says it is known.
    let label = match &c.known {
        Some(_) if matches!(c.status, ClauseStatus::Failed | ClauseStatus::Warned) => {
            format!("{label} (known)")
        }
        _ => label.to_string(),
    };
    let causes: Vec<Value> = c
        .root_causes
        .iter()
        .filter_map(index)
        .map(|i| context! { n => i + 1 })
        .collect();
    context! {
        id => c.id.to_string(),
        grade => c.grade.to_string(),
        title => &c.title,
        status => key,
        label,
        causes,
        reason => c.reason.as_deref().map(str::trim_end),
        evidence => c.evidence.iter().map(evidence_from).collect::<Vec<_>>(),
        scenarios => c.scenarios.iter().map(|s| scenario(s, texts)).collect::<Vec<_>>(),
    }
}

/// A failed check of this clause seen elsewhere; its exchange is shown with its own
/// scenario, which the anchor links to.
fn evidence_from(e: &EvidenceFrom) -> Value {
    context! {
        scenario => e.scenario.to_string(),
        anchor => anchor(&e.scenario),
        name => &e.name,
        clause => e.clause.to_string(),
        cause => e.root_cause.to_string(),
        message => e.message.trim_end(),
    }
}

fn scenario(s: &ScenarioResult, texts: &StepTexts) -> Value {
    // An INFO scenario only observes: what it found is never a failure.
    let (status, mark) = match s.status {
        ScenarioStatus::Failed | ScenarioStatus::Warned if s.grade == Grade::Info => {
            ("info", "INFO")
        }
        other => (scenario_status(other), other.mark()),
    };
    context! {
        anchor => anchor(&s.key),
        key => s.key.to_string(),
        name => &s.name,
        status,
        mark,
        // What did not pass is open as soon as its clause is.
        open => s.status != ScenarioStatus::Passed,
        duration => millis(s.duration),
        reason => s.reason.as_deref().map(str::trim_end),
        root_cause => s.root_cause.as_ref().map(Cause::to_string),
        step => &s.step,
        transcript => s.transcript.as_deref().map(str::trim_end),
        evidence => s
            .evidence
            .iter()
            .map(|e| context! { cause => e.cause.to_string(), message => e.message.trim_end() })
            .collect::<Vec<_>>(),
        observations => s.observations.clone(),
        steps => s
            .steps
            .iter()
            .map(|step| step_view(s, step, texts))
            .collect::<Vec<_>>(),
    }
}

/// One step; the message of the step that ended the scenario is its reason, shown once.
fn step_view(s: &ScenarioResult, step: &StepResult, texts: &StepTexts) -> Value {
    let status = match step.status {
        StepStatus::Passed => "passed",
        StepStatus::Ended(status) => scenario_status(status),
        StepStatus::Skipped => "skipped",
    };
    let message = step
        .message
        .as_deref()
        .map(str::trim_end)
        .filter(|m| Some(*m) != s.reason.as_deref().map(str::trim_end));
    context! {
        line => step.line,
        text => texts.get(&s.key, step.line),
        status,
        duration => millis(step.duration),
        message,
    }
}
