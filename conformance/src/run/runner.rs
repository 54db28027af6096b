//! One run of the suite against one target: plan which scenarios can run, run them with
//! cucumber, and judge every clause.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _, cli, gherkin, parser};
use futures::stream;

use crate::browser;
use crate::generate::Generation;
use crate::plan::catalogue::{Capability, Catalogue};
use crate::plan::contract::Contract;
use crate::plan::features::{ScenarioInfo, ScenarioKey, Suite, display_path};
use crate::run::check::{Evidence, Judged};
use crate::run::clause::clauses;
use crate::run::collector::Collector;
use crate::run::outcome::RunReport;
use crate::run::request::Cookies;
use crate::run::root_cause;
use crate::run::scenario::{ScenarioResult, ScenarioStatus};
use crate::run::steps;
use crate::run::verdict::verdict;
use crate::run::world::LogoutWorld;
use crate::under_test::{Target, TargetError};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// SHOULD clauses count like MUST clauses.
    pub strict: bool,
    /// A cucumber tag expression; scenarios it excludes are not run.
    pub tags: Option<String>,
    /// Print a line per finished scenario.
    pub progress: bool,
    /// How many scenarios run at once.
    pub concurrency: usize,
    /// Keep every scenario's HTTP exchanges, those of passing scenarios too (the CLI's
    /// `-v`); otherwise only scenarios that did not pass or found evidence keep them.
    pub every_transcript: bool,
    /// The Chromium for the clauses that need a real browser (LO-40); without one, or
    /// with a path where no browser is, they are not run. [`crate::browser::find`]
    /// finds one on `PATH`.
    pub browser: Option<PathBuf>,
    /// Generated cases per `@generated` scenario and the run's seed (by default a fresh
    /// one): see [`crate::generate`]. `cases: 0` turns generation off.
    pub generation: Generation,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            strict: false,
            tags: None,
            progress: false,
            concurrency: 16,
            every_transcript: false,
            browser: None,
            generation: Generation::default(),
        }
    }
}

/// Why a run could not reach a verdict.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("invalid --tags expression {0:?}: {1}")]
    Tags(String, String),
    #[error("cucumber could not read the features: {0}")]
    Parse(String),
    #[error("no scenario ran{0}")]
    NothingRan(String),
    #[error("the store fault could not be switched off again: {0}")]
    FaultLeftOn(String),
}

/// Runs the suite against a target.
pub async fn run(
    target: Arc<Target>,
    suite: Arc<Suite>,
    options: &RunOptions,
) -> Result<RunReport, RunError> {
    // Cucumber swaps the process's panic hook while it runs; runs in one process (the
    // tests run several) must not interleave or the hook is lost.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let started_at = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();

    target.check_reachable().await?;
    preflight_session(&target).await?;

    let tags = match &options.tags {
        Some(expr) => Some(
            expr.parse::<TagOperation>()
                .map_err(|e| RunError::Tags(expr.clone(), e.to_string()))?,
        ),
        None => None,
    };
    let browser = options.browser.clone();
    let generation = options.generation;
    let (to_run, mut results) = plan(&target, &suite, tags.as_ref(), browser.as_deref());
    let (to_run, off) = crate::generate::set_aside(&suite, to_run, generation);
    results.extend(off);
    if to_run.is_empty() {
        return Err(RunError::NothingRan(
            " (every scenario was waived, not selected by --tags or needs a missing capability)"
                .into(),
        ));
    }

    let collector = Collector::new(suite.clone(), options.progress);
    let leftovers: Arc<Mutex<HashMap<ScenarioKey, Leftovers>>> = Arc::default();
    let fault_errors: Arc<Mutex<Vec<String>>> = Arc::default();

    let before_target = target.clone();
    let before_suite = suite.clone();
    let after_target = target.clone();
    let after_notes = leftovers.clone();
    let after_errors = fault_errors.clone();
    let every_transcript = options.every_transcript;
    let selected: HashSet<ScenarioKey> = to_run.iter().cloned().collect();
    LogoutWorld::cucumber::<&str>()
        .with_parser(Preparsed)
        .with_writer(collector.clone().fail_on_skipped().normalized())
        .max_concurrent_scenarios(options.concurrency)
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
        .filter_run(suite.features.clone(), move |feature, _, scenario| {
            selected.contains(&ScenarioKey {
                file: display_path(feature),
                line: scenario.position.line,
            })
        })
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
    for key in &to_run {
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
    let profile = &target.profile;
    let mut clauses = clauses(&results, &|id| profile.waives(id));
    for clause in &mut clauses {
        let applies_with = Catalogue::get()
            .clause(&clause.id)
            .and_then(|c| c.applies_with);
        clause.applies = applies_with
            .is_none_or(|c| offers(&target, options.browser.as_deref(), c))
            && profile.inapplicable(&clause.id).is_none();
    }
    let mut report = RunReport {
        target: target.endpoint.base().to_string(),
        kit_version: env!("CARGO_PKG_VERSION").into(),
        started_at,
        contract: Contract::of(profile),
        strict: options.strict,
        generation,
        verdict: verdict(&clauses, options.strict),
        wall_time: started.elapsed(),
        root_causes: root_cause::group(&clauses),
        clauses,
    };
    report.mask(&target.secrets.masker());
    Ok(report)
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
    let clause = suite
        .scenario(key)
        .map(|s| s.clause.clone())
        .unwrap_or_default();
    let demands = Catalogue::get()
        .clause(&clause)
        .map(|c| c.demands.clone())
        .unwrap_or_default();
    Judged { clause, demands }
}

/// Splits the scenarios into those to run and those that are not run, with the reason.
fn plan(
    target: &Target,
    suite: &Suite,
    tags: Option<&TagOperation>,
    browser: Option<&Path>,
) -> (Vec<ScenarioKey>, Vec<ScenarioResult>) {
    let mut to_run = Vec::new();
    let mut not_run = Vec::new();
    for info in &suite.scenarios {
        match why_not_run(target, info, tags, browser) {
            None => to_run.push(info.key.clone()),
            Some(reason) => not_run.push(ScenarioResult::not_run(info, reason)),
        }
    }
    (to_run, not_run)
}

fn why_not_run(
    target: &Target,
    info: &ScenarioInfo,
    tags: Option<&TagOperation>,
    browser: Option<&Path>,
) -> Option<String> {
    if target.profile.waives(&info.clause) {
        return Some("waived in the profile".into());
    }
    if let Some(tags) = tags
        && !tags.eval(info.tags.iter())
    {
        return Some("not selected by --tags".into());
    }
    if let Some(reason) = target.profile.inapplicable(&info.clause) {
        return Some(format!("does not apply to this target: {reason}"));
    }
    let applies_with = Catalogue::get()
        .clause(&info.clause)
        .and_then(|c| c.applies_with);
    if let Some(c) = applies_with.filter(|c| !offers(target, browser, *c)) {
        if c == Capability::Browser {
            return no_browser(browser);
        }
        return Some(format!(
            "applies only to a target that offers the {} capability (declare {})",
            c.name(),
            c.how_to_offer()
        ));
    }
    if info.needs.contains(&Capability::Browser)
        && let Some(why) = no_browser(browser)
    {
        return Some(why);
    }
    info.needs
        .iter()
        .filter(|c| **c != Capability::Browser)
        .find(|c| !target.profile.offers(**c))
        .map(|c| {
            format!(
                "the target offers no {} capability (declare {})",
                c.name(),
                c.how_to_offer()
            )
        })
}

/// Whether the run offers a capability: the machine's browser, or what the target's
/// profile declares.
fn offers(target: &Target, browser: Option<&Path>, capability: Capability) -> bool {
    match capability {
        Capability::Browser => no_browser(browser).is_none(),
        other => target.profile.offers(other),
    }
}

/// Why the run has no browser to use, if it has none.
fn no_browser(browser: Option<&Path>) -> Option<String> {
    match browser {
        None => Some(format!(
            "no Chromium browser: none of {} is on PATH (install one, or give --browser PATH)",
            browser::NAMES.join(", ")
        )),
        Some(path) => browser::usable(path)
            .err()
            .map(|why| format!("no Chromium browser: {why} (give --browser PATH of a Chromium)")),
    }
}

/// Opens one session before anything else, so that a target where no session can be
/// opened is one clear configuration error rather than every scenario failing.
async fn preflight_session(target: &Arc<Target>) -> Result<(), TargetError> {
    let mut world = LogoutWorld::blank();
    world.bind(target.clone(), Judged::default());
    steps::open_session(&mut world, None, Cookies::None)
        .await
        .map(drop)
        .map_err(|message| TargetError::NoSession {
            url: target.endpoint.base().to_string(),
            message,
        })
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
