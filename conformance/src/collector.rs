//! A cucumber writer that turns the run's events into one result per scenario, and
//! prints a progress line as each scenario ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, gherkin, parser, writer};

use crate::features::{ScenarioKey, Suite, display_path};
use crate::verdict::{COULD_NOT_RUN, ScenarioResult, ScenarioStatus};
use crate::world::LogoutWorld;

/// What is known of a scenario while it runs.
#[derive(Debug, Default)]
struct Running {
    started: Option<Instant>,
    duration: Duration,
    finished: bool,
    status: Option<ScenarioStatus>,
    reason: Option<String>,
    step: Option<String>,
    transcript: Option<String>,
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

impl State {
    fn results(&self) -> Vec<ScenarioResult> {
        let mut out: Vec<ScenarioResult> = self
            .running
            .iter()
            .filter_map(|(key, r)| {
                let info = self.suite.scenario(key)?;
                let (status, reason) = match (r.finished, r.status) {
                    (_, Some(status)) => (status, r.reason.clone()),
                    (true, None) => (ScenarioStatus::Passed, None),
                    (false, None) => (
                        ScenarioStatus::Error,
                        Some("the scenario started but never finished".into()),
                    ),
                };
                Some(ScenarioResult {
                    key: key.clone(),
                    name: info.name.clone(),
                    clause: info.clause.clone(),
                    grade: info.grade,
                    status,
                    reason,
                    step: r.step.clone(),
                    transcript: r.transcript.clone(),
                    observations: Vec::new(),
                    duration: r.duration,
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
    ) {
        let key = ScenarioKey {
            file: display_path(feature),
            line: scenario.position.line,
        };
        let running = self.running.entry(key.clone()).or_default();
        match event {
            Scenario::Started => running.started = Some(Instant::now()),
            Scenario::Step(step, ev) | Scenario::Background(step, ev) => match ev {
                Step::Failed(_, _, world, error) => {
                    let (status, reason) = classify(&error);
                    record(running, status, reason, Some(&step), world.as_deref());
                }
                Step::Skipped => record(
                    running,
                    ScenarioStatus::Error,
                    "this step matches no step definition".into(),
                    Some(&step),
                    None,
                ),
                Step::Started | Step::Passed(..) => {}
            },
            Scenario::Hook(kind, event::Hook::Failed(world, info)) => record(
                running,
                ScenarioStatus::Error,
                format!("the {kind} hook failed: {}", payload_text(&info)),
                None,
                world.as_deref(),
            ),
            Scenario::Finished => {
                running.finished = true;
                running.duration = running.started.map(|s| s.elapsed()).unwrap_or_default();
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
        let mark = match running.status {
            None => "ok  ",
            Some(ScenarioStatus::Failed) => "FAIL",
            Some(_) => "ERR ",
        };
        println!("  {mark} {:<6} {key}  {}", info.clause, info.name);
    }
}

/// Keeps the first problem of a scenario: later ones are consequences.
fn record(
    running: &mut Running,
    status: ScenarioStatus,
    reason: String,
    step: Option<&gherkin::Step>,
    world: Option<&LogoutWorld>,
) {
    if running.status.is_some() {
        return;
    }
    running.status = Some(status);
    running.reason = Some(reason);
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

/// A failed step is the target's failure, unless the step said the check could not run
/// or no step definition matched.
fn classify(error: &StepError) -> (ScenarioStatus, String) {
    match error {
        StepError::Panic(info) => {
            let text = payload_text(info);
            match text.strip_prefix(COULD_NOT_RUN) {
                Some(rest) => (ScenarioStatus::Error, rest.to_owned()),
                None => (ScenarioStatus::Failed, text),
            }
        }
        StepError::NotFound => (
            ScenarioStatus::Error,
            "this step matches no step definition".into(),
        ),
        StepError::AmbiguousMatch(e) => (ScenarioStatus::Error, e.to_string()),
    }
}

fn payload_text(info: &event::Info) -> String {
    info.downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "the step panicked".into())
}

impl writer::Writer<LogoutWorld> for Collector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<Cucumber<LogoutWorld>>>,
        _: &Self::Cli,
    ) {
        let mut state = self.state();
        let event = match event {
            Ok(event) => event.into_inner(),
            Err(e) => {
                state.parse_errors.push(e.to_string());
                return;
            }
        };
        if let Cucumber::Feature(feature, ev) = event {
            match ev {
                Feature::Scenario(sc, ev) | Feature::Rule(_, Rule::Scenario(sc, ev)) => {
                    state.scenario(&feature, &sc, ev.event);
                }
                Feature::Started | Feature::Finished | Feature::Rule(..) => {}
            }
        }
    }
}

impl writer::NonTransforming for Collector {}
