//! One run of the suite against one target: check the target can be reached and can
//! open a session, select the scenarios that can run ([`selection`](super::selection)),
//! run them ([`execute`](super::execute)), and judge every clause.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use cucumber::gherkin::tagexpr::TagOperation;

use crate::generate::Generation;
use crate::plan::catalogue::Catalogue;
use crate::plan::contract::Contract;
use crate::plan::features::Suite;
pub use crate::run::error::RunError;
use crate::run::execute::{Execution, execute};
use crate::run::request::Cookies;
use crate::run::selection::{offers, select};
use crate::run::steps;
use crate::run::world::LogoutWorld;
use crate::under_test::{Target, TargetError};
use crate::verdict::check::Judged;
use crate::verdict::clause::clauses;
use crate::verdict::known_judged;
use crate::verdict::outcome::RunReport;
use crate::verdict::overall::verdict;
use crate::verdict::root_cause;
use crate::verdict::scenario::ScenarioResult;

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
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();

    target.check_reachable().await?;
    preflight_session(&target).await?;

    let tags = match &options.tags {
        Some(expr) => Some(
            expr.parse::<TagOperation>()
                .map_err(|e| RunError::Tags(expr.clone(), e.to_string()))?,
        ),
        None => None,
    };
    let (to_run, mut results) = select(&target, &suite, tags.as_ref(), options.browser.as_deref());
    let (to_run, off) = crate::generate::set_aside(&suite, to_run, options.generation);
    results.extend(off);
    if to_run.is_empty() {
        return Err(RunError::NothingRan(
            " (every scenario was waived, not selected by --tags or needs a missing capability)"
                .into(),
        ));
    }
    let how = Execution {
        progress: options.progress,
        concurrency: options.concurrency,
        every_transcript: options.every_transcript,
        browser: options.browser.clone(),
        generation: options.generation,
    };
    results.extend(execute(&target, &suite, &to_run, how).await?);

    let mut report = judge(&target, &results, options, started_at, started.elapsed());
    report.mask(&target.secrets.masker());
    Ok(report)
}

/// Every clause judged on the scenario results, and the run's verdict.
fn judge(
    target: &Target,
    results: &[ScenarioResult],
    options: &RunOptions,
    started_at: String,
    wall_time: Duration,
) -> RunReport {
    let profile = &target.profile;
    let mut clauses = clauses(results, &|id| profile.waives(id));
    for clause in &mut clauses {
        let applies_with = Catalogue::get()
            .clause(clause.id)
            .and_then(|c| c.applies_with);
        clause.applies = applies_with.is_none_or(|c| offers(target, options.browser.as_deref(), c))
            && profile.inapplicable(clause.id).is_none();
    }
    known_judged::apply(&mut clauses, &profile.known_failures, SystemTime::now());
    RunReport {
        target: target.endpoint.base().to_string(),
        kit_version: env!("CARGO_PKG_VERSION").into(),
        stack: profile.stack.clone(),
        started_at,
        contract: Contract::of(profile),
        strict: options.strict,
        generation: options.generation,
        verdict: verdict(&clauses, options.strict),
        wall_time,
        root_causes: root_cause::group(&clauses),
        clauses,
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
