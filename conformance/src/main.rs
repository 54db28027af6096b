//! `logout-conformance`: runs the POST /auth/logout conformance suite against a URL, or
//! against the embedded reference server when no target is given.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use logout_conformance::embedded::Embedded;
use logout_conformance::report;
use logout_conformance::{Profile, RunOptions, RunReport, Suite, Target};

/// Exit code for harness errors: bad arguments or profile, unreachable target.
const HARNESS_ERROR: u8 = 2;

/// Checks an implementation of POST /auth/logout against its contract, clause by
/// clause.
///
/// Exit codes: 0 conformant (every MUST clause ran and passed; with --strict every
/// SHOULD clause too), 1 non-conformant, 2 harness error (bad arguments or profile,
/// target unreachable, no session could be opened), 3 incomplete (a clause that counts
/// was not run and not waived), 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "logout-conformance", version)]
struct Cli {
    /// Base URL of the implementation under test (http only). Without it, the embedded
    /// reference server is started on 127.0.0.1 and tested.
    #[arg(long, value_name = "URL")]
    target: Option<String>,

    /// Target profile (TOML): how to register, log in and probe sessions, and which
    /// optional capabilities the target offers. Defaults to the API family's endpoints.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// Count SHOULD clauses like MUST clauses.
    #[arg(long)]
    strict: bool,

    /// Run only scenarios matching this tag expression, e.g. "@must and not @LO-10".
    /// Scenarios left out are reported as not run.
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

    /// Time limit of each HTTP request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,

    /// Run the .feature files of this directory instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,

    /// How many scenarios run at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    concurrency: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(HARNESS_ERROR)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    if !(cli.timeout.is_finite() && cli.timeout > 0.0) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    if cli.concurrency == 0 {
        anyhow::bail!("--concurrency must be at least 1");
    }
    let suite = Arc::new(match &cli.features {
        Some(dir) => Suite::from_dir(dir)?,
        None => Suite::embedded()?,
    });
    let file_profile = cli.profile.as_deref().map(Profile::load).transpose()?;

    let (embedded, url, profile) = match (&cli.target, file_profile) {
        (Some(url), profile) => (None, url.clone(), profile.unwrap_or_default()),
        (None, Some(profile)) if profile.base_url.is_some() => {
            let url = profile.base_url.clone().unwrap_or_default();
            (None, url, profile)
        }
        (None, profile) => {
            let server = Embedded::start()
                .await
                .context("cannot start the embedded reference server")?;
            let url = server.url();
            let profile = profile.unwrap_or(server.profile.clone());
            println!("no --target: testing the embedded reference server at {url}");
            (Some(server), url, profile)
        }
    };
    let target = Target::new(&url, profile, Duration::from_secs_f64(cli.timeout))?;
    let options = RunOptions {
        strict: cli.strict,
        tags: cli.tags.clone(),
        progress: true,
        cucumber_json: cli.json.clone(),
        concurrency: cli.concurrency,
    };

    let outcome = tokio::select! {
        outcome = logout_conformance::run(target.clone(), suite, &options) => Some(outcome),
        _ = tokio::signal::ctrl_c() => None,
    };
    let Some(outcome) = outcome else {
        eprintln!("interrupted: switching off any store fault and stopping");
        if let Err(e) = target.store_fault_off().await {
            eprintln!("error: the target's store fault may still be on: {e}");
        }
        if let Some(server) = embedded {
            server.stop().await;
        }
        return Ok(130);
    };
    if let Some(server) = embedded {
        server.stop().await;
    }
    let report = outcome?;
    write_reports(&cli, &report)?;
    print!("\n{}", report::console::render(&report));
    Ok(report.verdict.exit_code())
}

fn write_reports(cli: &Cli, report: &RunReport) -> anyhow::Result<()> {
    if let Some(path) = &cli.report {
        report::json::write(report, path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &cli.junit {
        report::junit::write(report, path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
