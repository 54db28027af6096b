//! The `check-profile` subcommand's arguments and its run, kept in the library so that
//! the CLI's `main` only names it.

use std::path::PathBuf;
use std::time::Duration;

use crate::check_profile::check_profile;
use crate::plan::profile::{Profile, ProfileError};
use crate::under_test::{Target, TargetError};

/// The CLI's subcommands (the suite itself runs without one).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a profile against a running target: register, log in, probe, log out and
    /// probe once, as the profile says; print each exchange (tokens masked) and, for each
    /// step that does not behave as the profile says, what to change. Exit 0 when every
    /// step did, 1 when one did not, 2 on a bad profile or target URL.
    CheckProfile(CheckProfileArgs),
}

/// `check-profile`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CheckProfileArgs {
    /// Base URL of the target (http only); without it, the profile's `base_url`.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,

    /// The profile to check.
    #[arg(long, value_name = "FILE")]
    pub profile: PathBuf,

    /// Time limit of each exchange, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
}

/// Why the check could not start.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("no target: give --target URL, or base_url in the profile")]
    NoTarget,
    #[error("--timeout must be a positive number of seconds")]
    Timeout,
}

impl Command {
    /// Runs the subcommand, printing to standard output; the exit code.
    pub async fn run(&self) -> Result<u8, CommandError> {
        match self {
            Command::CheckProfile(args) => {
                let profile = Profile::load(&args.profile)?;
                let url = args
                    .target
                    .clone()
                    .or_else(|| profile.base_url.clone())
                    .ok_or(CommandError::NoTarget)?;
                let timeout = Duration::try_from_secs_f64(args.timeout)
                    .ok()
                    .filter(|t| !t.is_zero())
                    .ok_or(CommandError::Timeout)?;
                let target = Target::new(&url, profile, timeout)?;
                let check = check_profile(target).await;
                print!("{}", check.render());
                Ok(if check.passed() { 0 } else { 1 })
            }
        }
    }
}
