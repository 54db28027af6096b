//! The CLI's subcommands: `check-profile` (the library's), `matrix` and `diff`, both
//! over saved clause-level reports (`--report FILE`); neither contacts a target.

use std::path::PathBuf;

use anyhow::Context as _;
use logout_conformance::check_profile;
use logout_conformance::report::diff::diff;
use logout_conformance::report::matrix::{Input, Matrix, html, readme};
use logout_conformance::report::saved::SavedReport;

/// What the CLI does instead of running the suite.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    #[command(flatten)]
    Profile(check_profile::Command),
    /// Put many runs side by side: stacks as columns, clauses as rows, each cell the
    /// clause's status with its reason and root cause, linked to the stack's own HTML
    /// report (REPORT.html beside REPORT.json). Exit 0, or 1 with --check when the
    /// README's table disagrees, 2 when a file cannot be read or written.
    Matrix(MatrixArgs),
    /// Compare two runs' clause-level reports: clauses newly failed or warned, newly
    /// not run, fixed, with other root causes, new in the newer kit, gone. Exit 0 when
    /// nothing regressed, 1 when a clause newly failed, warned or stopped being judged,
    /// 2 when a file cannot be read.
    Diff(DiffArgs),
}

/// `matrix`'s arguments.
#[derive(Debug, clap::Args)]
pub struct MatrixArgs {
    /// Clause-level reports (written by --report), one per stack, in column order.
    #[arg(value_name = "REPORT.json", required_unless_present = "from")]
    reports: Vec<PathBuf>,
    /// Read a matrix JSON written before (--json) instead of reports.
    #[arg(long, value_name = "MATRIX.json", conflicts_with = "reports")]
    from: Option<PathBuf>,
    /// Write the matrix as one self-contained HTML page here.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the matrix as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the README's stacks table (Markdown) here.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Rewrite the stacks table of this README, between its markers.
    #[arg(long, value_name = "README.md")]
    readme: Option<PathBuf>,
    /// With --readme: only check that its table is the matrix's (exit 1 if not).
    #[arg(long, requires = "readme")]
    check: bool,
}

/// `diff`'s arguments.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier run's clause-level report.
    #[arg(value_name = "OLD.json")]
    old: PathBuf,
    /// The later run's.
    #[arg(value_name = "NEW.json")]
    new: PathBuf,
    /// Also write the comparison as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

impl Command {
    /// Runs the subcommand; the exit code.
    pub async fn run(&self) -> anyhow::Result<u8> {
        match self {
            Command::Profile(command) => Ok(command.run().await?),
            Command::Matrix(args) => matrix(args),
            Command::Diff(args) => {
                let old = SavedReport::load(&args.old)?;
                let new = SavedReport::load(&args.new)?;
                let diff = diff(&old, &new);
                print!("{}", diff.render());
                if let Some(path) = &args.json {
                    let text = serde_json::to_string_pretty(&diff)?;
                    std::fs::write(path, text + "\n")
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                Ok(u8::from(diff.regressed()))
            }
        }
    }
}

fn matrix(args: &MatrixArgs) -> anyhow::Result<u8> {
    let matrix = match &args.from {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str::<Matrix>(&text).with_context(|| {
                format!("{} is not a matrix (written by --json)", path.display())
            })?
        }
        None => {
            let inputs = args
                .reports
                .iter()
                .map(|path| {
                    Ok(Input {
                        path: path.clone(),
                        report: SavedReport::load(path)?,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let page_dir = args.html.as_deref().and_then(|p| p.parent());
            Matrix::build(&inputs, page_dir)
        }
    };
    let write = |path: &PathBuf, text: String| {
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    if let Some(path) = &args.html {
        write(path, html::render(&matrix)?)?;
    }
    if let Some(path) = &args.json {
        write(path, matrix.to_json())?;
    }
    if let Some(path) = &args.markdown {
        write(path, readme::table(&matrix))?;
    }
    if let Some(path) = &args.readme {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if args.check {
            if let Err(e) = readme::check(&text, &matrix) {
                eprintln!("{}: {e}", path.display());
                return Ok(1);
            }
            println!(
                "{}: the stacks table agrees with the matrix",
                path.display()
            );
        } else {
            write(path, readme::splice(&text, &matrix)?)?;
        }
    }
    if args.html.is_none()
        && args.json.is_none()
        && args.markdown.is_none()
        && args.readme.is_none()
    {
        print!("{}", readme::table(&matrix));
    }
    Ok(0)
}
