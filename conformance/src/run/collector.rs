//! A cucumber writer that turns the run's events into one result per scenario, and
//! prints a progress line as each scenario ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, gherkin, parser, writer};

use crate::plan::catalogue::Grade;
use crate::plan::features::{ScenarioKey, Suite, display_path};
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Cause, StepEnd};
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus, StepResult, StepStatus};

/// What is known of a scenario while it runs.
#[derive(Debug, Default)]
struct Running {
    started: Option<SystemTime>,
    duration: Duration,
    finished: bool,
    status: Option<ScenarioStatus>,
    reason: Option<String>,
    cause: Option<Cause>,
    step: Option<String>,
    transcript: Option<String>,
    step_started: Option<SystemTime>,
    steps: Vec<StepResult>,
}

/// Collects scenario results from cucumber's events. Clones share one state, so the
/// runner keeps a clone to read the results after cucumber consumed the writer.
#[derive(Debug, Clone)]
pub struct Collector {
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    suite: Arc<Suite>,
    progress: bool,
    running: HashMap<ScenarioKey, Running>,
    parse_errors: Vec<String>,
}

impl Collector {
    pub fn new(suite: Arc<Suite>, progress: bool) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                suite,
                progress,
                running: HashMap::new(),
                parse_errors: Vec::new(),
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-written in a way
        // that matters for a report; keep going with what is there.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The result of every scenario that started.
    pub fn results(&self) -> Vec<ScenarioResult> {
        self.state().results()
    }

    /// Feature text that cucumber could not parse.
    pub fn parse_errors(&self) -> Vec<String> {
        self.state().parse_errors.clone()
    }
}

/// A SHOULD clause broken is a warning, in every report.
fn graded(status: ScenarioStatus, grade: Grade) -> ScenarioStatus {
    match (status, grade) {
        (ScenarioStatus::Failed, Grade::Should) => ScenarioStatus::Warned,
        (status, _) => status,
    }
}

impl State {
    fn results(&self) -> Vec<ScenarioResult> {
        let mut out: Vec<ScenarioResult> = self
            .running
            .iter()
            .filter_map(|(key, r)| {
                let info = self.suite.scenario(key)?;
                let (status, reason) = match (r.finished, r.status) {
                    (_, Some(status)) => (graded(status, info.grade), r.reason.clone()),
                    (true, None) => (ScenarioStatus::Passed, None),
                    (false, None) => (
                        ScenarioStatus::Error,
                        Some("the scenario started but never finished".into()),
                    ),
                };
                Some(ScenarioResult {
                    key: key.clone(),
                    name: info.name.clone(),
                    clause: info.clause,
                    grade: info.grade,
                    status,
                    reason,
                    root_cause: r.cause.clone(),
                    step: r.step.clone(),
                    transcript: r.transcript.clone(),
                    evidence: Vec::new(),
                    observations: Vec::new(),
                    duration: r.duration,
                    steps: r.steps.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    fn scenario(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        event: Scenario<LogoutWorld>,
        at: SystemTime,
    ) {
        let key = ScenarioKey {
            file: display_path(feature),
            line: scenario.position.line,
        };
        let running = self.running.entry(key.clone()).or_default();
        match event {
            Scenario::Started => running.started = Some(at),
            Scenario::Step(step, ev) | Scenario::Background(step, ev) => match ev {
                Step::Started => running.step_started = Some(at),
                Step::Passed(..) => running.end_step(&step, StepStatus::Passed, None, at),
                Step::Failed(_, _, world, error) => {
                    let ended = classify(&error);
                    let status = ended.status;
                    let message = ended.reason.clone();
                    record(running, ended, Some(&step), world.as_deref());
                    running.end_step(&step, StepStatus::Ended(status), Some(message), at);
                }
                Step::Skipped => {
                    let ended = Ended::error("this step matches no step definition");
                    let message = ended.reason.clone();
                    record(running, ended, Some(&step), None);
                    let status = StepStatus::Ended(ScenarioStatus::Error);
                    running.end_step(&step, status, Some(message), at);
                }
            },
            Scenario::Hook(kind, event::Hook::Failed(world, info)) => record(
                running,
                Ended::error(format!("the {kind} hook failed: {}", payload_text(&info))),
                None,
                world.as_deref(),
            ),
            Scenario::Finished => {
                running.finished = true;
                running.duration = running
                    .started
                    .and_then(|s| at.duration_since(s).ok())
                    .unwrap_or_default();
                if self.progress {
                    self.print_progress(&key);
                }
            }
            Scenario::Hook(..) | Scenario::Log(_) => {}
        }
    }

    fn print_progress(&self, key: &ScenarioKey) {
        let (Some(info), Some(running)) = (self.suite.scenario(key), self.running.get(key)) else {
            return;
        };
        let status = running
            .status
            .map_or(ScenarioStatus::Passed, |s| graded(s, info.grade));
        // The mark is the scenario's final status (`results` grades it the same way),
        // styled as the reports style it; anstream drops the style off a terminal.
        anstream::println!(
            "  {} {:<6} {key}  {}",
            status.marked(info.grade, 7),
            info.clause,
            info.name
        );
    }
}

impl Running {
    fn end_step(
        &mut self,
        step: &gherkin::Step,
        status: StepStatus,
        message: Option<String>,
        at: SystemTime,
    ) {
        let duration = self
            .step_started
            .take()
            .and_then(|s| at.duration_since(s).ok())
            .unwrap_or_default();
        self.steps.push(StepResult {
            line: step.position.line,
            status,
            duration,
            message,
        });
    }
}

/// How a step ended the scenario.
struct Ended {
    status: ScenarioStatus,
    reason: String,
    cause: Option<Cause>,
}

impl Ended {
    fn error(reason: impl Into<String>) -> Self {
        Self {
            status: ScenarioStatus::Error,
            reason: reason.into(),
            cause: None,
        }
    }
}

/// Keeps the first problem of a scenario: later ones are consequences.
fn record(
    running: &mut Running,
    ended: Ended,
    step: Option<&gherkin::Step>,
    world: Option<&LogoutWorld>,
) {
    if running.status.is_some() {
        return;
    }
    running.status = Some(ended.status);
    running.reason = Some(ended.reason);
    running.cause = ended.cause;
    running.step = step.map(|s| {
        format!(
            "{} {} (line {})",
            s.keyword.trim(),
            s.value,
            s.position.line
        )
    });
    running.transcript = world.map(|w| format!("{w:?}"));
}

/// What a step's panic says: the steps end with a [`StepEnd`]; anything else is a
/// defect of the harness, never the target's failure.
fn classify(error: &StepError) -> Ended {
    match error {
        StepError::Panic(info) => match info.downcast_ref::<StepEnd>() {
            Some(StepEnd::Failed { cause, message }) => Ended {
                status: ScenarioStatus::Failed,
                reason: message.clone(),
                cause: Some(cause.clone()),
            },
            Some(StepEnd::Blocked { cause, message }) => Ended {
                status: ScenarioStatus::Blocked,
                reason: format!("blocked by {}: {message}", cause.clause),
                cause: Some(cause.clone()),
            },
            Some(StepEnd::CouldNotRun(message)) => Ended::error(message.clone()),
            None => Ended::error(format!("the harness failed: {}", payload_text(info))),
        },
        StepError::NotFound => Ended::error("this step matches no step definition"),
        StepError::AmbiguousMatch(e) => Ended::error(e.to_string()),
    }
}

fn payload_text(info: &event::Info) -> String {
    info.downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".into())
}

impl writer::Writer<LogoutWorld> for Collector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<Cucumber<LogoutWorld>>>,
        _: &Self::Cli,
    ) {
        let mut state = self.state();
        let (event, at) = match event {
            Ok(event) => {
                let at = event.at;
                (event.into_inner(), at)
            }
            Err(e) => {
                state.parse_errors.push(e.to_string());
                return;
            }
        };
        if let Cucumber::Feature(feature, ev) = event {
            match ev {
                Feature::Scenario(sc, ev) | Feature::Rule(_, Rule::Scenario(sc, ev)) => {
                    state.scenario(&feature, &sc, ev.event, at);
                }
                Feature::Started | Feature::Finished | Feature::Rule(..) => {}
            }
        }
    }
}

impl writer::NonTransforming for Collector {}
