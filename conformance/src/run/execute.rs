//! Running the selected scenarios with cucumber: each in its own world bound to the
//! target and to its clause, the store fault switched off after each, and what each world
//! leaves (observations, evidence for other clauses, its transcript) kept for its result.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use cucumber::{World as _, WriterExt as _, cli, gherkin, parser};
use futures::stream;

use crate::generate::Generation;
use crate::plan::catalogue::Catalogue;
use crate::plan::features::{ScenarioKey, Suite, display_path};
use crate::run::collector::Collector;
use crate::run::error::RunError;
use crate::run::world::LogoutWorld;
use crate::under_test::Target;
use crate::verdict::check::{Evidence, Judged};
use crate::verdict::scenario::{ScenarioResult, ScenarioStatus};

/// How the selected scenarios are run.
pub(super) struct Execution {
    pub progress: bool,
    pub concurrency: usize,
    pub every_transcript: bool,
    pub browser: Option<PathBuf>,
    /// Generated cases per `@generated` scenario and the run's seed.
    pub generation: Generation,
}

/// Runs `to_run` and returns a result for each of them, in that order: a scenario that
/// cucumber did not run is an error, never a silent gap.
pub(super) async fn execute(
    target: &Arc<Target>,
    suite: &Arc<Suite>,
    to_run: &[ScenarioKey],
    how: Execution,
) -> Result<Vec<ScenarioResult>, RunError> {
    let collector = Collector::new(suite.clone(), how.progress);
    let leftovers: Arc<Mutex<HashMap<ScenarioKey, Leftovers>>> = Arc::default();
    let fault_errors: Arc<Mutex<Vec<String>>> = Arc::default();

    let before_target = target.clone();
    let before_suite = suite.clone();
    let after_target = target.clone();
    let after_notes = leftovers.clone();
    let after_errors = fault_errors.clone();
    let every_transcript = how.every_transcript;
    let browser = how.browser;
    let generation = how.generation;
    let selected: HashSet<ScenarioKey> = to_run.iter().cloned().collect();
    LogoutWorld::cucumber::<&str>()
        .with_parser(Preparsed)
        .with_writer(collector.clone().fail_on_skipped().normalized())
        .max_concurrent_scenarios(how.concurrency)
        .before(move |feature, _, scenario, world| {
            let key = ScenarioKey {
                file: display_path(feature),
                line: scenario.position.line,
            };
            world.bind(before_target.clone(), judged(&before_suite, &key));
            world.chromium.clone_from(&browser);
            world.generation = generation.for_scenario(&scenario.name);
            Box::pin(async {})
        })
        .after(move |feature, _, scenario, _, world| {
            let target = after_target.clone();
            let notes = after_notes.clone();
            let errors = after_errors.clone();
            let key = ScenarioKey {
                file: display_path(feature),
                line: scenario.position.line,
            };
            let seen = world.map(|w| Leftovers::take(w, every_transcript));
            Box::pin(async move {
                if let Some(seen) = seen {
                    notes
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(key, seen);
                }
                if let Err(e) = target.store_fault_off().await {
                    errors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(e.to_string());
                }
            })
        })
        .with_cli(cli::Opts::<_, _, _, cli::Empty>::default())
        .filter_run(
            longest_first(&suite.features),
            move |feature, _, scenario| {
                selected.contains(&ScenarioKey {
                    file: display_path(feature),
                    line: scenario.position.line,
                })
            },
        )
        .await;

    target
        .store_fault_off()
        .await
        .map_err(|e| RunError::FaultLeftOn(e.to_string()))?;
    if let Some(e) = fault_errors
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .first()
    {
        return Err(RunError::FaultLeftOn(e.clone()));
    }
    let parse_errors = collector.parse_errors();
    if !parse_errors.is_empty() {
        return Err(RunError::Parse(parse_errors.join("; ")));
    }

    let ran = collector.results();
    if ran.is_empty() {
        return Err(RunError::NothingRan(String::new()));
    }
    let mut notes = leftovers.lock().unwrap_or_else(PoisonError::into_inner);
    let mut results = Vec::with_capacity(to_run.len());
    for key in to_run {
        let Some(info) = suite.scenario(key) else {
            continue;
        };
        match ran.iter().find(|r| &r.key == key) {
            Some(result) => {
                let mut result = result.clone();
                if let Some(left) = notes.remove(key) {
                    result.observations = left.observations;
                    result.evidence = left.evidence;
                    if result.transcript.is_none() {
                        result.transcript = left.transcript;
                    }
                }
                results.push(result);
            }
            None => {
                let mut missing =
                    ScenarioResult::not_run(info, "cucumber did not run this scenario".into());
                missing.status = ScenarioStatus::Error;
                results.push(missing);
            }
        }
    }
    Ok(results)
}

/// The features in the order cucumber starts their scenarios: those holding a scenario
/// that runs long — a browser's start (LO-40), generated cases, LO-32's latency sample —
/// first, so that they start at once and the short ones fill the other slots beside them,
/// rather than the long ones starting last and the run waiting for them alone. The
/// progress lines follow this order; the reports keep the suite's.
fn longest_first(features: &[gherkin::Feature]) -> Vec<gherkin::Feature> {
    const LONG: [&str; 3] = ["needs-browser", "generated", "lo-32"];
    let runs_long = |feature: &gherkin::Feature| {
        let mut scenarios = feature
            .scenarios
            .iter()
            .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()));
        scenarios.any(|scenario| {
            scenario
                .tags
                .iter()
                .any(|tag| LONG.iter().any(|long| tag.eq_ignore_ascii_case(long)))
        })
    };
    let (long, short): (Vec<_>, Vec<_>) = features.iter().cloned().partition(runs_long);
    long.into_iter().chain(short).collect()
}

/// What a scenario's world leaves for the report when it ends.
#[derive(Debug, Default)]
struct Leftovers {
    observations: Vec<String>,
    evidence: Vec<Evidence>,
    /// The exchanges, when the scenario found evidence for other clauses (or every
    /// transcript is kept).
    transcript: Option<String>,
}

impl Leftovers {
    fn take(world: &mut LogoutWorld, every_transcript: bool) -> Self {
        let evidence = std::mem::take(&mut world.evidence);
        Self {
            observations: std::mem::take(&mut world.observations),
            transcript: (every_transcript || !evidence.is_empty()).then(|| format!("{world:?}")),
            evidence,
        }
    }
}

/// The scenario's clause and what its text demands.
fn judged(suite: &Suite, key: &ScenarioKey) -> Judged {
    let clause = suite.scenario(key).map(|s| s.clause).unwrap_or_default();
    let demands = Catalogue::get()
        .clause(clause)
        .map(|c| c.demands.clone())
        .unwrap_or_default();
    Judged { clause, demands }
}

/// Hands cucumber the features the harness parsed and expanded itself.
struct Preparsed;

impl parser::Parser<Vec<gherkin::Feature>> for Preparsed {
    type Cli = cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, features: Vec<gherkin::Feature>, _: cli::Empty) -> Self::Output {
        stream::iter(features.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_features_start_first_and_the_others_keep_their_order() {
        let suite = Suite::embedded().expect("the embedded features");
        let names = |features: &[gherkin::Feature]| -> Vec<String> {
            features.iter().map(display_path).collect()
        };
        let ordered = names(&longest_first(&suite.features));
        let long = [
            "features/informational.feature",
            "features/browser.feature",
            "features/generated.feature",
        ];
        assert_eq!(ordered[..3], long, "{ordered:?}");
        let rest: Vec<String> = names(&suite.features)
            .into_iter()
            .filter(|name| !long.contains(&name.as_str()))
            .collect();
        assert_eq!(ordered[3..], rest[..]);
    }
}
