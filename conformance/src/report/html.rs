//! The HTML report (`--html FILE`): one self-contained page a person opens — the header
//! (target, contract, kit version, date, wall time, verdict), the root causes, and a
//! clause matrix that filters by status and expands to scenarios, steps and the masked
//! HTTP exchanges. Inline CSS and script, no network: it reads the same offline.
//!
//! Every text in it may come from the target (a body can hold `<script>`), so it is
//! rendered by minijinja with HTML autoescaping, never by string concatenation.

use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value, context};

use crate::plan::features::Suite;
use crate::verdict::outcome::RunReport;

mod view;

pub use view::StepTexts;

const TEMPLATE: &str = include_str!("html/report.html.j2");
const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/script.js");

/// The report could not be rendered (a defect of the template, not of the target).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the HTML report: {0:#}")]
pub struct HtmlError(#[from] minijinja::Error);

/// Writes the report to `path`, replacing what it held.
pub fn write(report: &RunReport, path: &Path) -> std::io::Result<()> {
    write_with(report, None, path)
}

/// Writes the report with each step's text taken from the suite that ran.
pub fn write_with(report: &RunReport, suite: Option<&Suite>, path: &Path) -> std::io::Result<()> {
    let html = render_with(report, suite).map_err(std::io::Error::other)?;
    std::fs::write(path, html)
}

/// The report as one HTML page; steps are shown by line.
pub fn render(report: &RunReport) -> Result<String, HtmlError> {
    render_with(report, None)
}

/// The report as one HTML page; with the suite that ran, each step shows its text.
pub fn render_with(report: &RunReport, suite: Option<&Suite>) -> Result<String, HtmlError> {
    let texts = suite.map(StepTexts::of).unwrap_or_default();
    let env = environment("report.html.j2", TEMPLATE)?;
    let template = env.get_template("report.html.j2")?;
    Ok(template.render(context! {
        // Our own files, passed through untouched.
        style => Value::from_safe_string(STYLE.to_owned()),
        script => Value::from_safe_string(SCRIPT.to_owned()),
        ..view::report(report, &texts)
    })?)
}

/// The environment the kit's pages are rendered in, holding one template: `name` ends in
/// `.html.j2`, which makes every value HTML-escaped.
pub(crate) fn environment(
    name: &'static str,
    template: &'static str,
) -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    // A misspelt field must fail the render, not print nothing.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags leave no blank lines or indentation behind: the file stays small.
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    env.add_template(name, template)?;
    Ok(env)
}

#[cfg(test)]
mod tests;
