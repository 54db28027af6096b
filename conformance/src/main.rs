//! `logout-conformance`: runs the POST /auth/logout conformance suite against a URL, a
//! container image, or the embedded reference server when no target is given.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use logout_conformance::container::{self, ContainerSpec};
use logout_conformance::http::policy::{DEFAULT_MAX_BODY, Policy};
use logout_conformance::launch::Launched;
use logout_conformance::report;
use logout_conformance::report::console::Verbosity;
use logout_conformance::{Profile, RunOptions, Suite, Target, Verdict};

use crate::cli::color::ColorWhen;
use crate::cli::lifecycle;
use crate::cli::outputs::Outputs;
use logout_conformance::generate::Generation;

/// Exit code for harness errors: bad arguments or profile, unreachable target.
const HARNESS_ERROR: u8 = 2;

/// The longest --timeout: a day is already no limit worth the name.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// The most --generate cases per scenario.
const MAX_GENERATE: u32 = 10_000;

/// The smallest --max-body.
const MIN_MAX_BODY: usize = 1024;

/// Checks an implementation of POST /auth/logout against its contract, clause by
/// clause.
///
/// Limits: every exchange with the target, raw or not, follows one policy — the
/// connection, the header block and the whole answer within --timeout of its start; a
/// header block of at most 64 KiB and 256 lines; a body of at most --max-body bytes, read
/// as it arrives and no further; redirects never followed. An answer beyond a limit, or
/// none, is the target's failure in its scenario (a precondition's: the scenario is
/// blocked); a request or answer the kit itself cannot handle makes the check "could not
/// run".
///
/// Whole-run bound: a scenario sends nothing more once 2 of its requests went unanswered
/// for --timeout, so against a target that stops answering a run ends within about
/// (S ÷ C + s + 3) × 2 × T — S scenarios run, C the --concurrency, s the scenarios that
/// run alone (2 store-fault scenarios), T the --timeout: about 30 s with --timeout 2.
/// A target that answers nothing at all ends the run at its first session (exit 2)
/// within about 2 × T. A target that answers, however slowly, is waited for.
///
/// Exit codes: 0 conformant (every MUST clause ran and passed; with --strict every
/// SHOULD clause too), 1 non-conformant, 2 harness error (bad arguments or profile,
/// target unreachable, no session could be opened), 3 incomplete (a clause that counts
/// was not run and not waived), 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "logout-conformance", version)]
struct Cli {
    /// `check-profile`: try a profile against a running target, step by step; `matrix`
    /// and `diff`: compare saved reports.
    #[command(subcommand)]
    command: Option<cli::commands::Command>,

    /// Base URL of the implementation under test (http only). Without it and without
    /// --image, the profile's `base_url` is tested, or else the embedded reference
    /// server, started on 127.0.0.1.
    #[arg(long, value_name = "URL", conflicts_with = "image")]
    target: Option<String>,

    /// Base URL of a second instance of the same implementation, sharing its token
    /// store: LO-28 (a logout on one instance ends the session on both) runs only with
    /// it. Overrides the profile's `also`.
    #[arg(long, value_name = "URL")]
    also: Option<String>,

    /// Test a local container image: start it with host networking, wait for its port,
    /// run the suite, remove the container. Never pulls from a registry.
    #[arg(long, value_name = "NAME[:TAG]")]
    image: Option<String>,

    /// The port the container's server listens on (host networking: the same port on
    /// 127.0.0.1).
    #[arg(long, value_name = "N", default_value_t = 3000, requires = "image")]
    container_port: u16,

    /// An environment variable for the container; repeatable.
    #[arg(long, value_name = "K=V", requires = "image", value_parser = container::parse_env_assignment)]
    container_env: Vec<(String, String)>,

    /// How long the container may take until its port answers, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30.0, requires = "image")]
    startup_timeout: f64,

    /// Target profile (TOML): how to register, log in and probe sessions, and which
    /// optional capabilities the target offers. Without it: the API family's endpoints
    /// and no optional capability (for the embedded reference server, its own profile).
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// Count SHOULD clauses like MUST clauses.
    #[arg(long)]
    strict: bool,

    /// Run only scenarios matching this tag expression, e.g. "@must and not @LO-10"
    /// (tags are case-insensitive: @lo-10 is @LO-10). Scenarios left out are reported as
    /// not run.
    #[arg(long, value_name = "EXPR")]
    tags: Option<String>,

    /// Write JUnit XML here: one test case per scenario.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,

    /// Write cucumber's JSON report here, for existing cucumber report tools.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,

    /// Write the clause-level JSON report here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Write the HTML report here: one self-contained page (no network, no external
    /// assets) with a clause matrix that filters by status and opens each clause's
    /// scenarios, steps and masked HTTP exchanges.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,

    /// Write a Markdown summary here (verdict, totals, clauses that did not pass with
    /// their root causes), e.g. $GITHUB_STEP_SUMMARY.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,

    /// Write a shields.io endpoint badge (JSON) here: "logout: 13/15 MUST".
    #[arg(long, value_name = "FILE")]
    badge: Option<PathBuf>,

    /// Time limit of each exchange with the target, in seconds: its connection, header
    /// block and whole answer must each arrive within it.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,

    /// The largest answer body read, in bytes; a longer one is the target's failure, and
    /// reading stops there.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY)]
    max_body: usize,

    /// Run the .feature files of this directory instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,

    /// How many scenarios run at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    concurrency: usize,

    /// Generated cases per generated scenario (LO-08, LO-11, LO-13, LO-21, LO-22; LO-13
    /// runs a third of N, since each case may log in again): random Cookie headers,
    /// unknown tokens and bodies up to 128 KiB, each judged by its clause's oracle, a
    /// failure shrunk to a minimal case. 0 turns generation off; at most 10000.
    /// Bounds: each generated scenario sends one request at a time (a case is one logout;
    /// for LO-08 and LO-21 one case in eight logs in first; for LO-13 a case adds a
    /// liveness probe per presented token and a login per revoked session), so generation
    /// never has more than --concurrency requests in flight and adds about
    /// 4 × N + N ÷ 4 + N ÷ 3 × 4 requests to a run (about 270 with the default N);
    /// shrinking a failure replays at most 2048 cases and starts no replay after 10 s per
    /// scenario. Each request has the --timeout, and a scenario stops sending after 2
    /// unanswered ones, as every scenario does.
    #[arg(long, value_name = "N", default_value_t = logout_conformance::generate::seed::DEFAULT_CASES)]
    generate: u32,

    /// The seed of the generated cases (default: a fresh one). Every report names the
    /// run's seed; the same --seed and --generate generate the same cases in the same
    /// order, so they replay a reported failure.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,

    /// List the clauses (ID, grade, title, needed capabilities) and their scenarios, and
    /// exit: no target is contacted, no server started. With --tags, only those selected.
    #[arg(long)]
    list: bool,

    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, global = true)]
    color: ColorWhen,

    /// Say less: the failures and the verdict only (no header, progress or table).
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,

    /// Say more: every HTTP exchange, those of passing scenarios too, and each scenario
    /// not run with the reason.
    #[arg(short, long)]
    verbose: bool,

    /// The Chromium that LO-40 (logout in a real browser) drives. Without it: chromium,
    /// chromium-browser or google-chrome on PATH; with none, LO-40 is not run.
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
}

impl Cli {
    fn outputs(&self) -> Outputs {
        Outputs {
            report: self.report.clone(),
            junit: self.junit.clone(),
            json: self.json.clone(),
            html: self.html.clone(),
            markdown: self.markdown.clone(),
            badge: self.badge.clone(),
        }
    }

    fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.color.apply();
    // A subcommand writes no run reports; the suite writes them whatever happens.
    let outputs = cli.command.is_none().then(|| cli.outputs());
    match run(cli).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let message = cli::errors::describe(&e);
            anstream::eprintln!("error: {message}");
            if let Some(outputs) = outputs {
                outputs.write_harness_error(&message);
            }
            ExitCode::from(HARNESS_ERROR)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(command) = &cli.command {
        return command.run().await;
    }
    let timeout = match Duration::try_from_secs_f64(cli.timeout) {
        Ok(t) if !t.is_zero() && t <= MAX_TIMEOUT => t,
        _ => anyhow::bail!(
            "--timeout must be a positive number of seconds, at most {}",
            MAX_TIMEOUT.as_secs()
        ),
    };
    if cli.max_body < MIN_MAX_BODY {
        anyhow::bail!(
            "--max-body must be at least {MIN_MAX_BODY}: the answers the suite reads are a \
             few dozen bytes, and a smaller cap would blame the target for the kit's setting"
        );
    }
    if cli.concurrency == 0 {
        anyhow::bail!("--concurrency must be at least 1");
    }
    if cli.generate > MAX_GENERATE {
        anyhow::bail!("--generate must be at most {MAX_GENERATE} cases per scenario");
    }
    let generation = Generation::new(cli.generate, cli.seed);
    for (flag, url) in [("--target", &cli.target), ("--also", &cli.also)] {
        if let Some(url) = url {
            cli::checks::url_has_scheme(flag, url)?;
        }
    }
    let suite = Arc::new(match &cli.features {
        Some(dir) => Suite::from_dir(dir)?,
        None => Suite::embedded()?,
    });
    let tags = match &cli.tags {
        Some(expr) => Some(cli::tags::parse(expr, &suite)?),
        None => None,
    };
    if cli.list {
        let listing = cli::list::render(&suite, tags.as_ref().map(|(_, op)| op));
        anstream::print!("{listing}");
        return Ok(0);
    }
    let file_profile = cli.profile.as_deref().map(Profile::load).transpose()?;
    let outputs = cli.outputs();
    outputs.create()?;
    let launched = launch_target(&cli, file_profile.as_ref()).await?;
    let mut profile = file_profile.unwrap_or_else(|| launched.default_profile());
    if let Some(also) = &cli.also {
        profile.also = Some(also.clone());
    }
    let verbosity = cli.verbosity();
    if verbosity != Verbosity::Quiet {
        let about = cli::header::About {
            launched: &launched,
            image: cli.image.as_deref(),
            profile_file: cli.profile.as_deref(),
            target_given: cli.target.is_some(),
            generation,
        };
        let header = cli::header::render(&about, &profile);
        anstream::println!("{header}");
    }
    let policy = Policy::new(timeout).with_max_body(cli.max_body);
    let target = match Target::with_policy(&launched.url(), profile, policy) {
        Ok(target) => target,
        Err(e) => {
            lifecycle::stop(launched).await;
            return Err(e.into());
        }
    };
    let options = RunOptions {
        strict: cli.strict,
        tags: tags.map(|(spelled, _)| spelled),
        progress: verbosity != Verbosity::Quiet,
        concurrency: cli.concurrency,
        every_transcript: verbosity == Verbosity::Verbose,
        browser: logout_conformance::browser::find(cli.browser.as_deref()),
        generation,
    };

    let outcome = tokio::select! {
        outcome = logout_conformance::run(target.clone(), suite.clone(), &options) => Some(outcome),
        _ = lifecycle::interrupted() => None,
    };
    let Some(outcome) = outcome else {
        eprintln!("interrupted: switching off any store fault and stopping what was started");
        if let Err(e) = target.store_fault_off().await {
            eprintln!("error: the target's store fault may still be on: {e}");
        }
        lifecycle::stop(launched).await;
        return Ok(130);
    };
    let passed = matches!(&outcome, Ok(r) if r.verdict == Verdict::Conformant);
    let logs = if passed { None } else { launched.logs().await };
    lifecycle::stop(launched).await;
    let report = outcome?;
    outputs.write(&suite, &report)?;
    if verbosity != Verbosity::Quiet {
        println!();
    }
    anstream::print!("{}", report::console::render_styled(&report, verbosity));
    if let Some(logs) = logs {
        println!("\nlast lines of the container's log:\n{logs}");
    }
    Ok(report.verdict.exit_code())
}

/// Starts what the arguments name: nothing for a URL, a container, or the embedded
/// reference server.
async fn launch_target(cli: &Cli, profile: Option<&Profile>) -> anyhow::Result<Launched> {
    if let Some(url) = &cli.target {
        return Ok(Launched::Url(url.clone()));
    }
    if let Some(image) = &cli.image {
        if !(cli.startup_timeout.is_finite() && cli.startup_timeout > 0.0) {
            anyhow::bail!("--startup-timeout must be a positive number of seconds");
        }
        let spec = ContainerSpec {
            image: image.clone(),
            port: cli.container_port,
            env: cli.container_env.clone(),
            startup_timeout: Duration::from_secs_f64(cli.startup_timeout),
        };
        if !cli.quiet {
            println!(
                "starting {image} (host network, port {})",
                cli.container_port
            );
        }
        return Ok(Launched::container(&spec).await?);
    }
    if let Some(url) = profile.and_then(|p| p.base_url.clone()) {
        return Ok(Launched::Url(url));
    }
    Launched::embedded()
        .await
        .context("cannot start the embedded reference server")
}
